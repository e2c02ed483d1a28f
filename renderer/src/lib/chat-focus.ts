/**
 * Put the focus in the chat: its question box, or, while that is disabled (no track for the chat, no usable model
 * pack), the chat pane itself (tabindex -1), whose note says why and offers the way on ("Get DeepResonance…"). Never
 * nowhere, never left behind: a disabled box cannot take the focus, so it stayed where it was — on the library's
 * "Ask about it" (tester28), or fell back to the page when a focused library header left (left14).
 * Ctrl+K and "Ask about it" both use it. `doc`: the document (a parameter for tests).
 */
export function focusChat(doc: Document = document): void {
  const input = doc.querySelector<HTMLTextAreaElement>('[data-testid=chat-input]');
  if (input && !input.disabled) input.focus();
  else (input?.closest<HTMLElement>('[data-testid=chat]') ?? doc.querySelector<HTMLElement>('[data-testid=chat]'))?.focus();
}

/**
 * Put the focus on the chat pane itself (tabindex -1) and keep the text typed there until `release()`: "Ask about it"
 * on a track not yet open, whose question box is another track's (or off) until the open ends — the keys a fast typist
 * pressed meanwhile were lost (ui36). Only plain printable keys are kept (no Ctrl/Alt/Meta; Backspace takes the last
 * one back); they do nothing else. `release()` stops keeping them and answers the text, and whether the focus is still
 * on the pane (false: the user went elsewhere, and the focus is left there). `doc`: the document (tests).
 */
export function holdChatTyping(doc: Document = document): { release(): { text: string; stillThere: boolean } } {
  const pane = doc.querySelector<HTMLElement>('[data-testid=chat]');
  let text = '';
  const onKey = (e: KeyboardEvent) => {
    if (e.target !== pane || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
    if (e.key.length === 1 || e.key === 'Backspace') {
      e.preventDefault();
      e.stopPropagation();
      text = e.key === 'Backspace' ? [...text].slice(0, -1).join('') : text + e.key;
    }
  };
  pane?.focus();
  pane?.addEventListener('keydown', onKey, true);
  return {
    release() {
      pane?.removeEventListener('keydown', onKey, true);
      return { text, stillThere: !!pane && doc.activeElement === pane };
    },
  };
}

/**
 * Type `text` into the chat's question box where its caret is (as if typed: an `input` event, so the draft keeps it);
 * nothing when the box is off or does not have the focus. `doc`: the document (tests).
 */
export function typeIntoChat(text: string, doc: Document = document): void {
  const input = doc.querySelector<HTMLTextAreaElement>('[data-testid=chat-input]');
  if (!text || !input || input.disabled || doc.activeElement !== input) return;
  input.setRangeText(text, input.selectionStart, input.selectionEnd, 'end');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

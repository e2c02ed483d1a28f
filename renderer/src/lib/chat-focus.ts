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

/**
 * The chat pane's note where no model pack is chosen (ChatPane.svelte `model-missing`): a heading and the words under
 * it, from the engine's fields, never by cutting its text (a path or an abbreviation holds ". " too: session 28 cut the
 * message at its first one). `message`: ModelStatus.message; `head`: ModelStatus.messageHead, the heading the message
 * starts with — the rest of the message goes under it. Without a heading the message starting with it, the message is
 * the heading, whole; without a message, "No model pack installed.". Pure.
 */
export function missingNote(message: string | undefined, head?: string | null): { head: string; rest: string } {
  const m = message?.trim() ?? '';
  if (!m) return { head: 'No model pack installed.', rest: '' };
  const h = head?.trim();
  return h && m.startsWith(h) ? { head: h, rest: m.slice(h.length).trim() } : { head: m, rest: '' };
}

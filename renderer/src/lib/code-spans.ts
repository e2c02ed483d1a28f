/**
 * A plain message's parts, split at its backticks: the engine's and the host's messages name a command as Markdown
 * does ("… (or `studio model get beta`) …", "Open the address that `studio serve` printed"), and the page, which shows
 * them as text, drew the backticks (newuser35). `code: true` for a part between a pair; an unpaired backtick stays
 * text. Pure: the toasts and the chat pane's no-pack note draw the code parts in `<code>`.
 */
export function codeSpans(text: string): { text: string; code: boolean }[] {
  const parts = text.split('`');
  // an even count of parts means an odd count of backticks: the last one has no pair, it stays in the text
  const unpaired = parts.length % 2 === 0 ? parts.pop() : undefined;
  const out = parts.map((p, i) => ({ text: p, code: i % 2 === 1 }));
  if (unpaired !== undefined) out[out.length - 1] = { text: `${out[out.length - 1].text}\`${unpaired}`, code: false };
  return out.filter((p) => p.text !== '' || p.code);
}

/**
 * The same message as plain text for a tooltip (a `title`, which draws no `<code>`) or a screen reader: its code parts'
 * backticks dropped, the words kept ("Is studio serve still running?"); an unpaired backtick stays. The top bar's
 * status tooltip showed "`studio serve` was restarted" with its backticks (ui36). Pure.
 */
export function plainCode(text: string): string {
  return codeSpans(text).map((p) => p.text).join('');
}

/**
 * Which of a text box's placeholders fits it whole. A box that gives way to its neighbours (the library's search at a
 * 1280 px window, the desktop's default) cut "Search tags, file names…" to "Search tags, file name" (tester25): the
 * longest that fits its content box is shown instead, measured in the box's own font, so a platform's wider font picks
 * the shorter text by itself.
 */

let ctx: CanvasRenderingContext2D | null | undefined;

/**
 * The first of `candidates` (longest first) whose width in `input`'s computed font fits its content box (clientWidth
 * less its left and right padding, px); the last one where none fits. `candidates[0]` while the box is not laid out
 * (0 px wide) or no canvas can measure. DOM only: reads layout, so call it when the box's width changes.
 */
export function placeholderThatFits(input: HTMLInputElement | null | undefined, candidates: readonly string[]): string {
  if (!input || input.clientWidth === 0) return candidates[0];
  if (ctx === undefined) ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return candidates[0];
  const cs = getComputedStyle(input);
  ctx.font = cs.font || `${cs.fontSize} ${cs.fontFamily}`;
  const room = input.clientWidth - parseFloat(cs.paddingLeft || '0') - parseFloat(cs.paddingRight || '0');
  return candidates.find((c) => ctx!.measureText(c).width <= room) ?? candidates[candidates.length - 1];
}

/**
 * wavesurfer's drag streams (wavesurfer.js 8, `reactive/drag-stream.js`: the waveform's region
 * selection, a region's move and resize, the overview) swallow every click at the document, in
 * the capture phase (`stopPropagation` + `preventDefault`), from a drag's end until a 10 ms timer
 * runs: meant for the click the browser sends after the drag's own pointerup. When the page runs
 * its timers late (a busy machine: input is handled before overdue timers) the next real clicks
 * were swallowed too — a seek on the waveform (CI: the playhead stayed at 0), any button, the
 * click Enter makes on a form's submit button (the file browser's path did not open).
 *
 * The one click meant is a pointer's whose press (its pointerdown) moved more than `maxMovePx`.
 * Every other click (a pointer's that did not move so far; a keyboard's or a form's, `detail` 0)
 * is a real click: for it, `stopPropagation` and `preventDefault` are made no-ops from the window's
 * capture listener until the `<html>` element's (the document's capture listeners, where the
 * swallower sits, run in between), then given back, so every handler from `<html>` down sees the
 * event as usual.
 * @param maxMovePx the smallest drag threshold of the streams (px; a drag's click moved more)
 * @returns the function that removes the listeners
 */
export function letRealClicksThrough(maxMovePx: number): () => void {
  let down: { x: number; y: number } | null = null;
  const noop = () => undefined;
  const onDown = (e: PointerEvent) => {
    down = e.isPrimary && e.button === 0 ? { x: e.clientX, y: e.clientY } : null;
  };
  const onClick = (e: MouseEvent) => {
    const from = down;
    down = null;
    if (e.detail > 0 && from && (Math.abs(e.clientX - from.x) > maxMovePx || Math.abs(e.clientY - from.y) > maxMovePx)) return; // a drag's own click
    Object.defineProperty(e, 'stopPropagation', { value: noop, configurable: true });
    Object.defineProperty(e, 'preventDefault', { value: noop, configurable: true });
  };
  const giveBack = (e: MouseEvent) => {
    delete (e as { stopPropagation?: unknown }).stopPropagation;
    delete (e as { preventDefault?: unknown }).preventDefault;
  };
  const html = document.documentElement;
  window.addEventListener('pointerdown', onDown, true);
  window.addEventListener('click', onClick, true);
  html.addEventListener('click', giveBack, true);
  return () => {
    window.removeEventListener('pointerdown', onDown, true);
    window.removeEventListener('click', onClick, true);
    html.removeEventListener('click', giveBack, true);
  };
}

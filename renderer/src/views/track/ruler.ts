/** Label steps of the time ruler (seconds), finest first, each with its number of minor divisions. */
const STEPS: [step: number, divisions: number][] = [
  [0.1, 5], [0.2, 2], [0.5, 5], [1, 5], [2, 4], [5, 5], [10, 5], [15, 3], [30, 3], [60, 4],
  [120, 4], [300, 5], [600, 5], [900, 3], [1800, 3], [3600, 4], [7200, 4],
];
/** room for one label ("12:34" or "1:02.5") and some air */
const LABEL_PX = 56;

export interface RulerTicks {
  /** seconds between labels */
  step: number;
  /** labelled ticks: time (s), x (px from the left), whether the label ends at its tick (it would be clipped otherwise) */
  labels: { t: number; x: number; anchorEnd: boolean }[];
  /** unlabelled ticks between them, x in px */
  minor: number[];
}

/**
 * The ticks of a time ruler `widthPx` wide showing `start`…`end` seconds:
 * the finest step of 0.1 s … 2 h that leaves LABEL_PX per label (so several
 * labels are always visible, as in Audacity's or Sonic Visualiser's ruler),
 * with 2–5 minor divisions per step. Empty for an empty range or width.
 * `labelPx(t, step)`: the width (px) a label takes, to end the labels that
 * would not fit at their tick there instead, to leave out such a label where
 * it would then run over the one before (its tick stays), and to space the
 * labels for the widest one.
 */
export function rulerTicks(start: number, end: number, widthPx: number, labelPx?: (t: number, step: number) => number): RulerTicks {
  const span = end - start;
  if (!(span > 0) || !(widthPx > 0)) return { step: 1, labels: [], minor: [] };
  const pxPerSec = widthPx / span;
  // room for the widest label too, where it can be measured (an hour-long file's "1:01:33.5" is wider than LABEL_PX)
  const [step, lead] = STEPS.find(([s]) => s * pxPerSec >= Math.max(LABEL_PX, labelPx ? labelPx(end, s) + 4 : 0)) ?? STEPS.at(-1)!;
  const minorStep = step / lead;
  const labels: RulerTicks['labels'] = [];
  const minor: number[] = [];
  let prevW = 0;
  for (let i = Math.ceil(start / minorStep - 1e-9); i * minorStep <= end + 1e-9; i++) {
    const t = Math.round(i * minorStep * 1000) / 1000;
    const x = Math.round((t - start) * pxPerSec * 10) / 10;
    // a label that would run past the right edge ends at its tick (item 14: the last label was clipped);
    // its width measured when the caller can (`labelPx`: the drawn text's width plus padding), else estimated
    const w = labelPx ? labelPx(t, step) : LABEL_PX * 0.8;
    if (i % lead !== 0) {
      minor.push(x);
      continue;
    }
    const anchorEnd = x + w > widthPx;
    // ending at its tick, a label close to the edge would run over the one before (a long mix's "1:01:30" and
    // "1:01:40" drawn over each other; tester24): its tick stays, unlabelled
    const prev = labels.at(-1);
    if (anchorEnd && prev && !prev.anchorEnd && prev.x + prevW > x - w) minor.push(x);
    else {
      labels.push({ t, x, anchorEnd });
      prevW = w;
    }
  }
  return { step, labels, minor };
}

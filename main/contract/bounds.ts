/**
 * The two bounds of a range as a user types them, taken as the range they enclose, low end first: the order of two
 * bounds says nothing else. One rule for every range typed: `studio analyze --bpm-range 140-70` and View ▸ BPM range
 * (parseBpmRange, fix30a) and the library's BPM and LUFS filters (a BPM filter typed 125 – 100 was refused with "the
 * lower bound is above the upper bound", tester31). A missing bound (null: an open side) stays where it was typed.
 * Units are the caller's (BPM, LUFS); nothing is rounded or checked here.
 */
export function orderedBounds(a: number, b: number): [number, number];
export function orderedBounds(a: number | null, b: number | null): [number | null, number | null];
export function orderedBounds(a: number | null, b: number | null): [number | null, number | null] {
  return a !== null && b !== null && a > b ? [b, a] : [a, b];
}

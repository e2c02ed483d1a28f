/**
 * A track whose tempo changes (issue 10 kind 4): its sections, as the tempo
 * analyser finds them (TempoResult.variable, analysis/tempo.ts tempoSections),
 * and the words every surface uses for them — the track detail, `studio
 * analyze`, the library export and the features line the model reads — so
 * that they all say the same thing.
 *
 * The library's stored tempo (the `bpm` column, its confidence, the BPM sort
 * and filter) stays the whole-track estimate for such a track; the sections
 * are told next to it, never folded into it.
 */
import { z } from 'zod';
import { sectionsTempoFactor, type BpmRange } from './bpm-range';
import { clockTime } from './clock-time';

/**
 * One section of a track whose tempo changes: `start`, `end` in seconds of the
 * track; `bpm` its tempo, 1 BPM resolution. A gradual change (an accelerando,
 * a DJ's tempo sweep) is one section with `endBpm`: the tempo moves from `bpm`
 * at `start` to `endBpm` at `end`.
 */
export const TempoSection = z.object({ start: z.number(), end: z.number(), bpm: z.number(), endBpm: z.number().optional() });
export type TempoSection = z.infer<typeof TempoSection>;

/** The slowest and fastest tempo (BPM) the sections reach, ramps' ends included. @throws Error for no sections */
export function tempoSpan(sections: readonly TempoSection[]): [number, number] {
  if (!sections.length) throw new Error('tempoSpan: no sections');
  const all = sections.flatMap((s) => (s.endBpm === undefined ? [s.bpm] : [s.bpm, s.endBpm]));
  return [Math.min(...all), Math.max(...all)];
}

/** What a DJ reads first: "variable 90–120 BPM" (the span the tempo moves in). */
export function tempoSpanText(sections: readonly TempoSection[]): string {
  const [lo, hi] = tempoSpan(sections);
  return `variable ${lo}–${hi} BPM`;
}

/** One section in words: "0:00–1:02 90 BPM", a ramp "0:00–1:00 80 → 140 BPM". */
export function tempoSectionText(s: TempoSection): string {
  return `${clockTime(s.start)}–${clockTime(s.end)} ${s.endBpm === undefined ? s.bpm : `${s.bpm} → ${s.endBpm}`} BPM`;
}

/** Every section in time order, joined: "0:00–1:02 90 BPM, 1:02–2:05 120 BPM, 2:05–3:00 90 BPM". */
export function tempoSectionsText(sections: readonly TempoSection[]): string {
  return sections.map(tempoSectionText).join(', ');
}

/**
 * The features line's tempo sentence for a track whose tempo changes, in the
 * shape of its "Tempo: N BPM." (the model reads every tempo in the line):
 * "Tempo: changes from 90 to 120 BPM." (one change), "Tempo: changes from 90
 * to 120 to 90 BPM." (several), "Tempo: speeds up from 80 to 140 BPM." /
 * "Tempo: slows down from 140 to 80 BPM." (a gradual change).
 */
export function tempoChangeSentence(sections: readonly TempoSection[]): string {
  if (sections.length === 1 && sections[0].endBpm !== undefined) {
    const s = sections[0];
    return `Tempo: ${s.endBpm! > s.bpm ? 'speeds up' : 'slows down'} from ${s.bpm} to ${s.endBpm} BPM.`;
  }
  return `Tempo: changes from ${tempoStops(sections).join(' to ')} BPM.`;
}

/** The tempi a changing tempo passes through, in time order, a repeat dropped: [90, 130, 90]; a ramp 80 → 140: [80, 140]. */
export function tempoStops(sections: readonly TempoSection[]): number[] {
  const stops: number[] = [];
  for (const s of sections) {
    for (const b of s.endBpm === undefined ? [s.bpm] : [s.bpm, s.endBpm]) if (stops[stops.length - 1] !== b) stops.push(b);
  }
  return stops;
}

/**
 * The sections shown in the BPM range setting, 1 BPM: every tempo moved by
 * one factor (×2ⁿ, sectionsTempoFactor) — that of the track's BPM column
 * (trackTempoFactor of its stored whole-track tempo `bpm`, as the tempo curve
 * is folded), with the sections taken at the stored bpm's octave; only for a
 * track without one, the factor of the sections' time-weighted median (a
 * ramp's middle on a log scale). One factor keeps their ratios, so a change
 * reads as it is heard: folded section by section, 90 → 120 → 90 BPM in
 * 100–200 read 180 → 120 → 180 and a ramp 80 → 140 read 160 → 140, a
 * speed-up shown as a slow-down (tester24); and the column's factor keeps
 * them beside it (a 98 BPM track in 100–200 reads 196, its sections 96 → 104
 * read 192 → 208, not 96 → 104). A section far from the rest may then lie
 * outside the range. Unchanged (rounded) without a range.
 */
export function foldSections(sections: readonly TempoSection[], range: BpmRange | null | undefined, bpm: number | null = null): TempoSection[] {
  const k = sectionsTempoFactor(sections, bpm, range);
  const f = (b: number) => Math.round(b * k);
  return sections.map((s) => (s.endBpm === undefined ? { ...s, bpm: f(s.bpm) } : { ...s, bpm: f(s.bpm), endBpm: f(s.endBpm) }));
}

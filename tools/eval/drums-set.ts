// tempo-drums: a DEVELOPMENT-SIDE set of plain General-MIDI drum patterns (issue 11, session 21, helper tnet21;
// decision21.md arm P5). The tempogram net (TEMPO_NET, E5) was fitted on MMA grooves with full arrangements (dev, dev2,
// synth, octave, sfshift) and never saw a plain drum loop: it reads the pinned "16-beat at 100"
// (test/unit/analysis-tempo-octave-net.test.ts) at 200. Here the patterns are written in this file (no MMA groove, no
// arrangement): 11 families — 8-beat, 16-beat, four-on-the-floor, half-time, shuffle, breakbeat / 2-step, drum & bass,
// waltz 3/4, 6/8, bossa nova, samba — on the General-MIDI drum channel, every other tempo of a family also with an
// eighth-note bass (finger bass) and one chord per bar (electric piano), 6/8 with a bass in dotted quarters + eighths.
// Tempi: a fixed grid over 60–200 BPM (GRID), each family at the GRID points inside its own range, every other point
// (families alternate which half), and at most 8; each (pattern, tempo) rendered with two SoundFonts on this machine:
// FluidR3_GM and TimGM6mb (/usr/share/sounds/sf2; the dev/test sets' fonts, never the held-out sets' sf_GMbank / OPL-3).
// 15 s each (fluidsynth → MP3 192 kb/s, build-set.ts render(): no stretch, no shift).
// Truth: the pattern's notated beat — the quarter note (MIDI tempo); for 6/8 the dotted quarter (MIDI tempo ÷ 1.5).
// Excluded (decision21): the pinned test's own pattern — kick on 1 and the and of 3, snare on 2 and 4, hi-hat
// sixteenths (family sixteen), with or without the eighth bass and chord — at 94–106 BPM: no such file is planned
// (planDrums throws if one would be). Velocities: a fixed accent scheme plus a small jitter from a seeded PRNG
// (mulberry32, seed = family index · 1000 + tempo), so a rebuild makes the same MIDI.
// Session 26 (helper tnet26, decision26 arm N6): six more families AFTER the eleven (their seeds, tempi and order
// unchanged), sparse percussion with dense subdivisions and no backbeat, drums only — a marching snare cadence (flams,
// rolls), baião (zabumba + triangle sixteenths), a 12/8 bell pattern (truth the dotted quarter), a samba-reggae surdo
// ensemble, salsa timbales (cáscara + sixteenth fills), jazz brushes and ride — in a set of their own, "drums2"
// (OUT/drums2, OUT/manifest-drums2.json), so a fit can hold them out; the eleven stay set "drums" in manifest.json.
//
//   nice -n 10 node --import tsx tools/eval/drums-set.ts [--out test/output/tempo-drums] [--jobs 1] [--plan-only]
//   nice -n 10 node --import tsx tools/eval/octave-net.ts ... --extra test/output/tempo-drums:drums:manifest.json \
//     --extra test/output/tempo-drums:drums2:manifest-drums2.json
//
// Writes OUT/drums/*.mp3, OUT/drums2/*.mp3, OUT/work/*.mid, OUT/manifest.json ({ sec, rule, items }: EvalItem rows, set "drums",
// OUT/manifest-drums2.json the same with set "drums2";
// group "drums:<family>-gm" = the CV family — octave-net.ts familyOf reads `group` —, category 'fast' above 160 BPM,
// 'triple' / 'compound' for 3/4 / 6/8, 'swing' for the shuffle, else 'percussion' (drums only) or 'pop4' (with bass),
// `pattern`, `bass`, `midiBpm`). A family related to a test or held-out family (split-families.ts clashOf) is refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { smfBytes, type SmfNote } from '../../test/helpers/smf';
import { mulberry32 } from '../../test/helpers/prng';
import { render, renderJobs, type Category, type EvalItem, type MeterClass, type SoundFont } from './build-set';
import { splitFamilies } from './split-families';

/** the tempo grid (BPM of the notated beat), 60–200 */
export const GRID = [60, 66, 72, 78, 84, 90, 96, 102, 108, 114, 120, 126, 132, 140, 148, 156, 164, 172, 180, 190, 200];
export const DRUM_FONTS: SoundFont[] = ['fluidr3', 'timgm6mb'];
export const SEC = 15;
/** at most this many tempi per family */
const PER_FAMILY = 8;

// General-MIDI drum notes
const KICK = 36, SNARE = 38, RIM = 37, CLAP = 39, HAT = 42, PEDAL = 44, OPEN = 46, RIDE = 51, SHAKER = 70, TAMB = 54, LOWTOM = 45, CLAVE = 75;
// (session 26 families) floor toms, high toms, crash, cowbell, congas, timbales, agogo, cabasa, triangle
const FLOOR = 41, HIFLOOR = 43, HITOM = 48, CRASH = 49, MUTECONGA = 62, OPENCONGA = 63, LOWCONGA = 64, HITIMB = 65, LOWTIMB = 66, AGOGO = 67, CABASA = 69, MUTETRI = 80, OPENTRI = 81;

/** one drum hit: position in quarter notes from the bar's start, note, velocity */
type Hit = [number, number, number];
export interface DrumPattern {
  /** quarter notes per bar (3 for 3/4, 3 for 6/8: six eighths) */
  barQ: number;
  /** truth = MIDI tempo ÷ per (1.5 for 6/8: the dotted quarter) */
  per: number;
  meter: number;
  meterClass: MeterClass;
  cat: Category;
  /** BPM range of the notated beat */
  lo: number;
  hi: number;
  /** bars in the pattern (hits of bar k have positions k·barQ …) */
  bars: number;
  hits: Hit[];
  /** the bass line per bar: [position (quarters), length, interval above the root (semitones)] */
  bass: [number, number, number][];
  /**
   * the manifest set (session 26): undefined = "drums" (OUT/drums, manifest.json: the eleven families of session 21);
   * "drums2" = the sparse-percussion families (OUT/drums2, manifest-drums2.json), a set of their own so a fit can hold
   * them out (temponet-train.py --no-train drums2) and the drums rows of session 21 stay as they were
   */
  set?: 'drums2';
  /** every tempo drums only (no bass, no chords); else every other tempo carries them */
  drumsOnly?: boolean;
}

const every = (step: number, len: number, note: number, on: number, off: number, from = 0): Hit[] =>
  Array.from({ length: Math.round(len / step) }, (_, k) => [from + k * step, note, Number.isInteger(k * step) ? on : off] as Hit);
const at = (note: number, vel: number, ...pos: number[]): Hit[] => pos.map((p) => [p, note, vel] as Hit);
/** eighth-note bass on the root, the fifth on the last eighth of the bar */
const eighthBass = (barQ: number): [number, number, number][] => Array.from({ length: barQ * 2 }, (_, e) => [e / 2, 0.4, e === barQ * 2 - 1 ? 7 : 0]);
/** a flam: a soft grace note 0.06 quarter before the main stroke (`pos` > 0: a flam on a pattern's first beat is written at its end) */
const flam = (note: number, vel: number, pos: number): Hit[] => [[pos - 0.06, note, Math.round(vel * 0.45)], [pos, note, vel]];
/** a roll: strokes every `step` quarters (0.125: thirty-seconds) over [from, from + len), velocity rising lo → hi */
const roll = (note: number, from: number, len: number, lo: number, hi: number, step = 0.125): Hit[] => {
  const n = Math.round(len / step);
  return Array.from({ length: n }, (_, k) => [from + k * step, note, Math.round(lo + ((hi - lo) * k) / Math.max(1, n - 1))] as Hit);
};

export const PATTERNS: Record<string, DrumPattern> = {
  // 8-beat: kick 1 and 3, snare 2 and 4, closed hat eighths
  eight: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 60, hi: 200, bars: 1, hits: [...at(KICK, 110, 0, 2), ...at(SNARE, 105, 1, 3), ...every(0.5, 4, HAT, 75, 55)], bass: eighthBass(4) },
  // 16-beat (the pinned test's drums): kick 1 and the and of 3, snare 2 and 4, closed hat sixteenths
  sixteen: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 60, hi: 160, bars: 1, hits: [...at(KICK, 110, 0, 2, 2.5), ...at(SNARE, 110, 1, 3), ...every(0.25, 4, HAT, 65, 45)], bass: eighthBass(4) },
  // four on the floor: kick every beat, clap 2 and 4, open hat on the off-beats, quiet closed hat sixteenths
  four: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 84, hi: 200, bars: 1, hits: [...at(KICK, 115, 0, 1, 2, 3), ...at(CLAP, 95, 1, 3), ...at(OPEN, 70, 0.5, 1.5, 2.5, 3.5), ...every(0.25, 4, HAT, 40, 30).filter(([p]) => p % 0.5 !== 0)], bass: eighthBass(4) },
  // half-time: kick 1 and the and of 2, snare on 3 only, hat eighths
  half: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 60, hi: 200, bars: 1, hits: [...at(KICK, 110, 0, 1.5), ...at(SNARE, 115, 2), ...every(0.5, 4, HAT, 70, 50)], bass: eighthBass(4) },
  // shuffle: swung eighths on the ride (triplet 1 and 3), kick 1 and 3, snare 2 and 4
  shuffle: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'swing', lo: 60, hi: 190, bars: 1, hits: [...at(KICK, 105, 0, 2), ...at(SNARE, 100, 1, 3), ...[0, 1, 2, 3].flatMap((b) => at(RIDE, 80, b).concat(at(RIDE, 55, b + 2 / 3)))], bass: [0, 1, 2, 3].flatMap((b) => [[b, 0.6, 0], [b + 2 / 3, 0.3, b === 3 ? 7 : 0]] as [number, number, number][]) },
  // breakbeat / 2-step: kick 1 and the and of 2 (two bars: then the and of 3), snare 2 and 4 with a ghost, hat eighths
  breakbeat: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 80, hi: 200, bars: 2, hits: [...at(KICK, 110, 0, 1.5, 6.5), ...at(SNARE, 110, 1, 3, 5, 7), ...at(SNARE, 45, 3.75, 7.25), ...every(0.5, 8, HAT, 70, 50)], bass: eighthBass(4) },
  // drum & bass: two-step at 160-200 — kick 1 and the and of 3, snare 2 and 4, ride eighths, shaker sixteenths
  dnb: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'fast', lo: 148, hi: 200, bars: 1, hits: [...at(KICK, 115, 0, 2.5), ...at(SNARE, 115, 1, 3), ...every(0.5, 4, RIDE, 65, 50), ...every(0.25, 4, SHAKER, 40, 30)], bass: [[0, 1.5, 0], [1.5, 0.5, 0], [2.5, 1.5, 7]] },
  // waltz 3/4: kick on 1, snare + pedal hat on 2 and 3
  waltz: { barQ: 3, per: 1, meter: 3, meterClass: '3/4', cat: 'triple', lo: 72, hi: 200, bars: 1, hits: [...at(KICK, 110, 0), ...at(SNARE, 70, 1, 2), ...at(PEDAL, 60, 1, 2), ...at(HAT, 55, 0)], bass: [[0, 0.9, 0], [1, 0.4, 7], [1.5, 0.4, 7], [2, 0.4, 12], [2.5, 0.4, 7]] },
  // 6/8: six eighths, kick on 1, snare on 4, hat every eighth (accents on 1 and 4); truth the dotted quarter
  six8: { barQ: 3, per: 1.5, meter: 2, meterClass: '6/8', cat: 'compound', lo: 60, hi: 132, bars: 1, hits: [...at(KICK, 110, 0), ...at(SNARE, 100, 1.5), ...every(0.5, 3, HAT, 60, 45).map(([p, n, v]) => [p, n, p === 0 || p === 1.5 ? 75 : v] as Hit)], bass: [[0, 1, 0], [1, 0.4, 7], [1.5, 1, 0], [2.5, 0.4, 7]] },
  // bossa nova: kick 1, the and of 2, 3, the and of 4; rim on the 3-2 clave over two bars; shaker eighths
  bossa: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 96, hi: 164, bars: 2, hits: [...at(KICK, 95, 0, 1.5, 2, 3.5, 4, 5.5, 6, 7.5), ...at(RIM, 85, 0, 1.5, 3, 5, 6), ...every(0.5, 8, SHAKER, 60, 45)], bass: [[0, 1.4, 0], [1.5, 0.5, 7], [2, 1.4, 7], [3.5, 0.5, 0]] },
  // samba: surdo (low tom) soft on 1, strong on 2 (and 3 / 4 the same), tamborim + shaker sixteenths, kick on the beats
  samba: { barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'pop4', lo: 90, hi: 200, bars: 1, hits: [...at(LOWTOM, 70, 0, 2), ...at(LOWTOM, 115, 1, 3), ...at(KICK, 80, 0, 1, 2, 3), ...every(0.25, 4, SHAKER, 65, 40), ...at(TAMB, 75, 0.75, 1.5, 2.25, 3.5), ...at(CLAVE, 60, 0.5, 2.75)], bass: [[0, 0.7, 0], [0.75, 0.2, 0], [1, 0.7, 7], [1.75, 0.2, 7], [2, 0.7, 0], [2.75, 0.2, 0], [3, 0.7, 7], [3.75, 0.2, 7]] },
  // --- session 26 (helper tnet26, decision26 arm N6): sparse percussion with dense subdivisions, drums only, set
  // "drums2". Written from general percussion knowledge: the low drums are sparse and no snare backbeat marks 2 and 4,
  // while a snare, a bell, a triangle or a shaker runs at the sixteenth / eighth of 12/8 / thirty-second roll.
  // marching snare cadence (two bars of 4/4): flams, sixteenth taps and thirty-second rolls on the snare, tenor-tom
  // sixteenths, bass drums sparse and syncopated, a crash on the first downbeat
  cadence: {
    barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'percussion', lo: 90, hi: 156, bars: 2, set: 'drums2', drumsOnly: true,
    hits: [
      ...at(SNARE, 52, 7.94), ...at(SNARE, 115, 0), ...at(SNARE, 60, 0.25, 0.5, 0.75), ...roll(SNARE, 1, 0.5, 55, 80), ...at(SNARE, 112, 1.5), ...at(SNARE, 55, 1.75),
      ...flam(SNARE, 110, 2), ...at(SNARE, 58, 2.5), ...roll(SNARE, 3, 0.75, 50, 90), ...at(SNARE, 110, 3.75),
      ...roll(SNARE, 4, 1, 55, 75), ...flam(SNARE, 112, 5), ...at(SNARE, 60, 5.25, 5.5, 5.75), ...roll(SNARE, 6, 0.75, 50, 95), ...flam(SNARE, 115, 7), ...at(SNARE, 62, 7.25, 7.5),
      ...at(HITOM, 80, 2.25, 2.75, 6.25, 6.5), ...at(HIFLOOR, 85, 3.25, 7.5),
      ...at(KICK, 110, 0, 2.5, 4.75, 6), ...at(FLOOR, 95, 1.5, 5.5),
      ...at(CRASH, 80, 0),
    ],
    bass: [],
  },
  // baião / forró (two bars of 2/4): zabumba bass on 1 and the last sixteenth of 1, a muffled stroke on 2, the
  // bacalhau (rim) on the off-beats; triangle sixteenths, open on the second eighth of each beat, muted otherwise
  baiao: {
    barQ: 2, per: 1, meter: 2, meterClass: '4/4', cat: 'percussion', lo: 72, hi: 156, bars: 2, set: 'drums2', drumsOnly: true,
    hits: [
      ...at(KICK, 115, 0, 2), ...at(KICK, 100, 0.75, 2.75), ...at(KICK, 75, 1, 3), ...at(RIM, 70, 0.5, 1.5, 2.5, 3.25, 3.5),
      ...[0, 1, 2, 3].flatMap((b) => [...at(MUTETRI, 70, b), ...at(MUTETRI, 45, b + 0.25), ...at(OPENTRI, 90, b + 0.5), ...at(MUTETRI, 45, b + 0.75)]),
    ],
    bass: [],
  },
  // 12/8 bell (Afro-Cuban bembé / West-African): the seven-stroke standard bell on the eighths 1 3 5 6 8 10 12, shaker
  // on every eighth (accents on the dotted quarters), conga mutes and open tones, one low drum per bar; truth the dotted
  // quarter (MIDI tempo ÷ 1.5) as six8's
  bell128: {
    barQ: 6, per: 1.5, meter: 4, meterClass: '6/8', cat: 'compound', lo: 60, hi: 132, bars: 1, set: 'drums2', drumsOnly: true,
    hits: [
      ...at(AGOGO, 100, 0), ...at(AGOGO, 85, 1, 2, 2.5, 3.5, 4.5, 5.5),
      ...every(0.5, 6, CABASA, 45, 45).map(([p, n]) => [p, n, p % 1.5 === 0 ? 72 : 42] as Hit),
      ...at(MUTECONGA, 55, 0.5, 2, 3.5, 5), ...at(OPENCONGA, 88, 1, 2.5), ...at(LOWCONGA, 95, 4, 4.5),
      ...at(FLOOR, 90, 0),
    ],
    bass: [],
  },
  // samba-reggae surdo ensemble (two bars of 4/4): two surdos (floor toms) answering each other, the caixa (snare) on
  // every sixteenth with accents 3-3-4-3-3, a repique (timbale) sixteenth call in the second bar; no kick, no backbeat
  sreggae: {
    barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'percussion', lo: 78, hi: 132, bars: 2, set: 'drums2', drumsOnly: true,
    hits: [
      ...at(FLOOR, 110, 0, 2, 4, 6), ...at(FLOOR, 80, 3.5, 7.5), ...at(HIFLOOR, 100, 1, 3, 5, 7), ...at(HIFLOOR, 75, 1.75, 5.75),
      ...every(0.25, 8, SNARE, 40, 40).map(([p, n]) => [p, n, [0, 0.75, 1.5, 2.5, 3.25].includes(p % 4) ? 100 : 38] as Hit),
      ...at(HITIMB, 95, 6.5, 6.75, 7, 7.25), ...at(HITIMB, 110, 7.5),
    ],
    bass: [],
  },
  // salsa timbales (four bars of 4/4): the cáscara (the timbale shell: side stick) in eighths over a 2-3 son clave, conga open
  // tones on 4 and the and of 4, a timbale sixteenth fill over the last two beats and a crash on the next downbeat
  timbale: {
    barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'percussion', lo: 90, hi: 200, bars: 4, set: 'drums2', drumsOnly: true,
    hits: [
      ...[0, 8].flatMap((o) => [...at(RIM, 90, o, o + 2, o + 3.5, o + 4, o + 5.5, o + 7), ...at(RIM, 60, o + 1, o + 2.5, o + 5, o + 6.5)]),
      ...[0, 8].flatMap((o) => at(CLAVE, 85, o + 1, o + 2, o + 4, o + 5.5, o + 7)),
      ...[0, 4, 8].flatMap((o) => at(OPENCONGA, 85, o + 3, o + 3.5)), ...at(MUTECONGA, 55, 1, 5, 9, 13),
      ...at(RIM, 90, 12, 13.5), ...at(RIM, 60, 12.5, 13),
      ...every(0.25, 2, HITIMB, 70, 70, 14).map(([p, n, v], k) => [p, k % 2 ? LOWTIMB : n, v + k * 4] as Hit),
      ...at(CRASH, 95, 0), ...at(KICK, 80, 0),
    ],
    bass: [],
  },
  // jazz brushes and ride: the ride's "spang-a-lang" (triplet swing), hi-hat foot on 2 and 4, brush strokes on the snare
  // at every triplet (soft), a feathered bass drum on the beats
  brush: {
    barQ: 4, per: 1, meter: 4, meterClass: '4/4', cat: 'swing', lo: 60, hi: 200, bars: 1, set: 'drums2', drumsOnly: true,
    hits: [
      ...at(RIDE, 80, 0, 2), ...at(RIDE, 95, 1, 3), ...at(RIDE, 58, 1 + 2 / 3, 3 + 2 / 3), ...at(PEDAL, 70, 1, 3),
      ...Array.from({ length: 12 }, (_, k) => [k / 3, SNARE, k % 3 === 0 ? 34 : 24] as Hit), ...at(KICK, 28, 0, 1, 2, 3),
    ],
    bass: [],
  },
};

/** the pinned test's pattern at 94–106 BPM (decision21's exclusion) */
export const excluded = (family: string, bpm: number) => family === 'sixteen' && bpm >= 94 && bpm <= 106;

/** the GRID points a family is rendered at: inside [lo, hi], outside the exclusion, every other one (families alternate), at most PER_FAMILY spread evenly */
export function tempiOf(family: string, index: number): number[] {
  const p = PATTERNS[family];
  const inside = GRID.filter((b) => b >= p.lo && b <= p.hi && !excluded(family, b));
  const half = inside.filter((_, i) => i % 2 === index % 2);
  if (half.length <= PER_FAMILY) return half;
  return Array.from({ length: PER_FAMILY }, (_, k) => half[Math.round((k * (half.length - 1)) / (PER_FAMILY - 1))]);
}

/** the MIDI notes of `family` at a truth of `bpm`, `sec` seconds long (+ one bar), with the bass and chords or drums only */
export function drumNotes(family: string, bpm: number, withBass: boolean, seed: number, sec = SEC): { notes: SmfNote[]; midiBpm: number } {
  const p = PATTERNS[family];
  const midiBpm = bpm * p.per;
  const rnd = mulberry32(seed);
  const barsNeeded = Math.ceil((sec * midiBpm) / 60 / p.barQ) + 1;
  const notes: SmfNote[] = [];
  const roots = [45, 50, 43, 48]; // A, D, G, C
  for (let bar = 0; bar < barsNeeded; bar++) {
    const b0 = bar * p.barQ;
    for (const [pos, note, vel] of p.hits) {
      if (Math.floor(pos / p.barQ) !== bar % p.bars) continue;
      notes.push({ beat: b0 + (pos % p.barQ), len: 0.1, ch: 9, note, vel: Math.max(1, Math.min(127, Math.round(vel + (rnd() - 0.5) * 10))) });
    }
    if (withBass) {
      const r = roots[bar % 4];
      for (const [pos, len, iv] of p.bass) notes.push({ beat: b0 + pos, len, ch: 1, note: r - 12 + iv, vel: 90 });
      for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b0, len: p.barQ - 0.2, ch: 0, note: n, vel: 55 });
    }
  }
  return { notes, midiBpm };
}

export interface DrumsItem extends EvalItem {
  /** CV family: "drums:<pattern>-gm" */
  group: string;
  pattern: string;
  bass: boolean;
  /** the MIDI file's tempo (quarter notes per minute; bpm × 1.5 for 6/8) */
  midiBpm: number;
}

/** every file to make (nothing rendered); a family that `clashOf` relates to a test or held-out family is refused */
export function planDrums(out: string, clashOf: (family: string) => string | undefined = splitFamilies('test/output/eval/split.json').clashOf): { item: DrumsItem; make: () => Promise<void> }[] {
  const jobs: { item: DrumsItem; make: () => Promise<void> }[] = [];
  Object.keys(PATTERNS).forEach((family, fi) => {
    const group = `drums:${family}-gm`;
    const clash = clashOf(group);
    if (clash) {
      console.log(`refused ${group}: related to ${clash}`);
      return;
    }
    const p = PATTERNS[family];
    tempiOf(family, fi).forEach((bpm, ti) => {
      if (excluded(family, bpm)) throw new Error(`${family} at ${bpm}: the pinned test's pattern`);
      const withBass = !p.drumsOnly && ti % 2 === 1;
      const seed = fi * 1000 + bpm;
      for (const sf of DRUM_FONTS) {
        const stem = `dr-${family}-${bpm}${withBass ? '-bass' : ''}`;
        const file = `${stem}-${sf}.mp3`;
        const { notes, midiBpm } = drumNotes(family, bpm, withBass, seed);
        const item: DrumsItem = {
          set: p.set ?? 'drums',
          file,
          source: `drums:${family}`,
          group,
          pattern: family,
          bass: withBass,
          midiBpm,
          category: bpm > 160 ? 'fast' : p.cat === 'pop4' && !withBass ? 'percussion' : p.cat,
          bpm,
          meter: p.meter,
          meterClass: p.meterClass,
          sourceKind: 'midi',
          key: null,
          keyTrusted: false,
          soundfont: sf,
          stretch: 1,
          shift: 0,
          introSec: 0,
        };
        jobs.push({
          item,
          make: async () => {
            const mid = join(out, 'work', `${stem}.mid`);
            writeFileSync(mid, smfBytes({ bpm: midiBpm, notes, programs: { 0: 4, 1: 33 } }));
            await render(mid, sf, join(out, item.set, file), SEC, 1, 0);
          },
        });
      }
    });
  });
  return jobs;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-drums' }, jobs: { type: 'string', default: '1' }, 'plan-only': { type: 'boolean', default: false } } });
  const OUT = args.out!;
  const jobs = planDrums(OUT);
  const by = new Map<string, number[]>();
  for (const j of jobs) by.set(j.item.pattern, [...(by.get(j.item.pattern) ?? []), j.item.bpm!]);
  console.log(`drums plan: ${jobs.length} files, ${by.size} families`);
  for (const [k, v] of by) console.log(`  ${k.padEnd(10)} ${[...new Set(v)].join(' ')}`);
  if (args['plan-only']) return;
  for (const d of ['drums', 'drums2', 'work']) mkdirSync(join(OUT, d), { recursive: true });
  // manifest.json: set "drums" (session 21's families); manifest-drums2.json: set "drums2" (session 26's)
  const manifests: [string, string][] = [['drums', 'manifest.json'], ['drums2', 'manifest-drums2.json']];
  await renderJobs(
    jobs.map((j) => ({ out: join(OUT, j.item.set, j.item.file), make: j.make })),
    Math.min(2, Math.max(1, Number(args.jobs))),
    (done) => {
      for (const [set, name] of manifests) writeFileSync(join(OUT, name), JSON.stringify({ sec: SEC, rule: 'tools/eval/drums-set.ts', items: jobs.filter((j, i) => done.has(i) && j.item.set === set).map((j) => j.item) }, null, 1));
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

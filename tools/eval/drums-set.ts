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
//
//   nice -n 10 node --import tsx tools/eval/drums-set.ts [--out test/output/tempo-drums] [--jobs 1] [--plan-only]
//   nice -n 10 node --import tsx tools/eval/octave-net.ts ... --extra test/output/tempo-drums:drums:manifest.json
//
// Writes OUT/drums/*.mp3, OUT/work/*.mid and OUT/manifest.json ({ sec, rule, items }: EvalItem rows, set "drums",
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
}

const every = (step: number, len: number, note: number, on: number, off: number, from = 0): Hit[] =>
  Array.from({ length: Math.round(len / step) }, (_, k) => [from + k * step, note, Number.isInteger(k * step) ? on : off] as Hit);
const at = (note: number, vel: number, ...pos: number[]): Hit[] => pos.map((p) => [p, note, vel] as Hit);
/** eighth-note bass on the root, the fifth on the last eighth of the bar */
const eighthBass = (barQ: number): [number, number, number][] => Array.from({ length: barQ * 2 }, (_, e) => [e / 2, 0.4, e === barQ * 2 - 1 ? 7 : 0]);

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
      const withBass = ti % 2 === 1;
      const seed = fi * 1000 + bpm;
      for (const sf of DRUM_FONTS) {
        const stem = `dr-${family}-${bpm}${withBass ? '-bass' : ''}`;
        const file = `${stem}-${sf}.mp3`;
        const { notes, midiBpm } = drumNotes(family, bpm, withBass, seed);
        const item: DrumsItem = {
          set: 'drums',
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
            await render(mid, sf, join(out, 'drums', file), SEC, 1, 0);
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
  mkdirSync(join(OUT, 'drums'), { recursive: true });
  mkdirSync(join(OUT, 'work'), { recursive: true });
  await renderJobs(
    jobs.map((j) => ({ out: join(OUT, 'drums', j.item.file), make: j.make })),
    Math.min(2, Math.max(1, Number(args.jobs))),
    (done) => writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/drums-set.ts', items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

// tempo-soft: a DEVELOPMENT-SIDE set of soft-onset and score-like accompaniments (issue 11, session 11, helper tempo14).
// The held-out set 2's weakest categories are soft (8 of 15) and score-midi (1 of 6: notation programs' demo scores);
// the dev-side sets hold ballads whose grooves still carry drums (dev's and dev2's soft files are MMA ballads) and no
// score-like material. Every groove here is written in this file (MMA lines, lib "here": new families by construction,
// prefixed "Ts"; each family also passed through split-families.ts' clashOf, which refuses a family a test or held-out
// set holds): no drums; strings, choir, pads, harp, piano, celesta in the textures of a score — a chorale in quarter
// notes, a nocturne's eighth-note arpeggio, an Alberti bass, a pad over a harp, choir over pizzicato, an adagio with a
// flute in eighths, a classical march's oom-pah on the piano, a lullaby's music box over slow strings. Rendered the
// held-out way (heldout-set.ts planSongSet: 3 files a song — two SoundFonts plain, one stretched + shifted with the
// first — FluidR3_GM / TimGM6mb / MuseScore_General_Lite in pairs, never the held-out sets' SoundFonts). Truth: the
// notated beat, the quarter note (MMA's tempo).
//
//   nice node --import tsx tools/eval/soft-set.ts [--out test/output/tempo-soft] [--jobs 1] [--plan-only]
//   nice node --import tsx tools/eval/octave-net.ts --cache C --out R --extra test/output/tempo-soft:soft:manifest.json [--soft]
//
// Writes OUT/soft/*.mp3 and OUT/manifest.json (EvalItem rows, set "soft", source "mma:here/<family>" = the CV group).
// OUT defaults to this worktree's test/output (not a shared set). Its ship rule is octave-net.ts' (--soft / --backbeat).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { maj, min, renderJobs, type SoundFont } from './build-set';
import { heldoutCounts, heldoutFamily, planSongSet, type HeldoutJob, type HeldoutSong } from './heldout-set';
import { splitFamilies } from './split-families';

/** [groove written here, MMA tempo (quarter notes), category] */
const ROWS: [string, number, 'soft' | 'pop4'][] = [
  ['TsChorale', 60, 'soft'],
  ['TsChorale', 84, 'soft'],
  ['TsNocturne', 66, 'soft'],
  ['TsNocturne', 92, 'soft'],
  ['TsAlberti', 104, 'soft'],
  ['TsAlberti', 132, 'soft'],
  ['TsPadHarp', 70, 'soft'],
  ['TsPadHarp', 96, 'soft'],
  ['TsChoirPizz', 72, 'soft'],
  ['TsChoirPizz', 100, 'soft'],
  ['TsAdagio', 56, 'soft'],
  ['TsAdagio', 76, 'soft'],
  ['TsPianoMarch', 112, 'soft'],
  ['TsPianoMarch', 144, 'soft'],
  ['TsLullaby', 60, 'soft'],
  ['TsLullaby', 80, 'soft'],
];

/** The songs: ROWS with a key each (major, major, minor in turn; tonics by fifths from F). */
export const SOFT_SONGS: HeldoutSong[] = ROWS.map(([groove, tempo, cat], i) => ({
  lib: 'here',
  file: groove.toLowerCase(),
  groove,
  tempo,
  cat,
  meter: 4,
  key: i % 3 === 2 ? min((i * 7 + 5) % 12) : maj((i * 7 + 5) % 12),
}));

const part = (track: string, voice: string, octave: number, seq: string, more: string[] = []) => [`Begin ${track}`, ` Voice ${voice}`, ` Octave ${octave}`, ' Volume mp', ...more.map((m) => ` ${m}`), ` Sequence {${seq}}`, 'End'];
/** n notes of length `len` beats from beat 1, velocity hi on the beats and lo between (Arpeggio: "offset duration velocity") */
const run = (n: number, len: number, hi: number, lo: number, dur: string) => Array.from({ length: n }, (_, k) => `${1 + k * len} ${dur} ${Number.isInteger(k * len) ? hi : lo}`).join('; ');

/** Grooves written here (MMA lines), 4/4, no drums. */
export const SOFT_GROOVES: Record<string, string[]> = {
  // a hymn: four voices in quarter notes, legato
  TsChorale: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Chord', 'Strings', 5, '1 4 72; 2 4 62; 3 4 68; 4 4 62', ['Articulate 100']), ...part('Bass', 'Cello', 3, '1 4 1 82; 2 4 3 70; 3 4 5 76; 4 4 3 70', ['Articulate 100']), 'DefGroove TsChorale'],
  // a nocturne: the left hand's broken chord in eighths, a held chord above
  TsNocturne: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Arpeggio', 'Piano1', 4, run(8, 0.5, 70, 56, '8'), ['Articulate 120']), ...part('Chord', 'Piano1', 5, '1 1 58', ['Articulate 100']), ...part('Bass', 'Piano1', 2, '1 2 1 76; 3 2 5 66'), 'DefGroove TsNocturne'],
  // a sonatina's Alberti bass in eighths under half-note chords
  TsAlberti: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Arpeggio', 'Piano1', 4, run(8, 0.5, 66, 54, '8'), ['Direction Random']), ...part('Chord', 'Piano2', 5, '1 2 64; 3 2 58'), ...part('Bass', 'Piano1', 3, '1 2 1 74; 3 2 1 64'), 'DefGroove TsAlberti'],
  // a pad with a harp in quarters
  TsPadHarp: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Chord', 'WarmPad', 5, '1 1 66', ['Articulate 100']), ...part('Arpeggio', 'OrchestralHarp', 5, run(4, 1, 68, 68, '4'), ['Articulate 120']), ...part('Bass', 'SlowStrings', 3, '1 1 1 70', ['Articulate 100']), 'DefGroove TsPadHarp'],
  // a choir in half notes over a pizzicato bass in quarters
  TsChoirPizz: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Chord', 'ChoirAahs', 5, '1 2 70; 3 2 64', ['Articulate 100']), ...part('Bass', 'PizzicatoString', 3, '1 4 1 84; 2 4 5 66; 3 4 3 76; 4 4 5 66'), 'DefGroove TsChoirPizz'],
  // an adagio: slow strings in half notes, a flute's broken chord in eighths, a contrabass on 1
  TsAdagio: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Chord', 'SlowStrings', 5, '1 2 68; 3 2 62', ['Articulate 100']), ...part('Arpeggio', 'Flute', 6, run(8, 0.5, 58, 50, '8'), ['Direction Up']), ...part('Bass', 'ContraBass', 2, '1 1 1 76', ['Articulate 100']), 'DefGroove TsAdagio'],
  // a classical march on the piano: bass on 1 and 3, chords on 2 and 4
  TsPianoMarch: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Chord', 'Piano1', 5, '2 8 66; 4 8 62'), ...part('Bass', 'Piano1', 3, '1 8 1 84; 3 8 5 76'), ...part('Arpeggio', 'Piano1', 6, run(8, 0.5, 54, 46, '16')), 'DefGroove TsPianoMarch'],
  // a lullaby: a music box's broken chord in eighths over slow strings
  TsLullaby: ['SeqClear', 'Time 4', 'SeqSize 1', ...part('Arpeggio', 'MusicBox', 6, run(8, 0.5, 62, 54, '8'), ['Direction Up']), ...part('Chord', 'SlowStrings', 5, '1 1 62', ['Articulate 100']), ...part('Bass', 'Cello', 3, '1 2 1 70; 3 2 5 62', ['Articulate 100']), 'DefGroove TsLullaby'],
};

/** SoundFont pairs, one per family in turn (dev2's fonts; never the held-out sets'). */
export const SOFT_FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['fluidr3', 'musescore'],
  ['musescore', 'timgm6mb'],
  ['timgm6mb', 'fluidr3'],
];

/**
 * Plans every file (nothing rendered); work files in OUT/work/soft. A family that `clashOf` relates to a test or
 * held-out family is refused; by default split-families.ts' (it reads test/output/eval/split.json and the held-out
 * units beside it, and throws where they are missing: build the eval set first).
 */
export function planSoft(out: string, sec: number, clashOf: (family: string) => string | undefined = splitFamilies('test/output/eval/split.json').clashOf): HeldoutJob[] {
  return planSongSet(out, sec, { set: 'soft', prefix: 'ts', songs: SOFT_SONGS, grooves: SOFT_GROOVES, drones: [], fontPairs: SOFT_FONT_PAIRS, clash: (s) => clashOf(heldoutFamily(s)), midi: [], usedHashes: new Set() });
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-soft' }, jobs: { type: 'string', default: '1' }, 'plan-only': { type: 'boolean', default: false } } });
  const OUT = args.out!;
  const SEC = 30;
  const jobs = planSoft(OUT, SEC);
  const counts = heldoutCounts(jobs.map((j) => j.item));
  console.log(`soft plan: ${jobs.length} files in ${new Set(jobs.map((j) => j.unit)).size} units`);
  for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${k.padEnd(22)} ${v}`);
  if (args['plan-only']) return;
  mkdirSync(join(OUT, 'soft'), { recursive: true });
  await renderJobs(
    jobs.map((j) => ({ out: join(OUT, 'soft', j.item.file), make: () => j.make(join(OUT, 'soft', j.item.file)) })),
    Math.min(2, Math.max(1, Number(args.jobs))),
    (done) => writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/soft-set.ts', items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

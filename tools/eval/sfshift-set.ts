// tempo-sfshift: the tempo-octave, tempo-synth and dev MMA songs once more, with ANOTHER SoundFont and time-stretched and
// pitch-shifted (issue 11; training rows of the learned octave chooser, tools/eval/octave-net.ts). Development side
// only: the same MMA songs (groove, tempo, progression) as octave-set.ts, synth-set.ts and the dev split of
// build-set.ts, so no family of the test
// or held-out set; refused again at run time by split-families.ts' clashOf (test families of split.json, held-out
// families of heldout-units.json when it lies beside it) and by the held-out plan's own families
// (heldout-set.ts HELDOUT_SONGS, so the rule holds before the held-out set is built).
//
// The recipe (reconstructed in session 10: session 9's octave chooser was trained on a tempo-sfshift of 109 files,
// 26 above 160 BPM, whose builder was never committed; this is the recipe its readers describe — re-renders of the
// dev-side MMA songs with other SoundFonts, stretched and shifted, in the original's CV group):
//  - song j of the list (tempo-octave's songs in octave-set.ts' order, then tempo-synth's, then the dev split's MMA
//    songs of build-set.ts, each from its own builder's MMA source): rendered by MMA → MIDI →
//    fluidsynth with a SoundFont its original did not use: the other of FluidR3_GM / TimGM6mb for even j,
//    MuseScore_General_Lite (dev2's and key-set's third font) for odd j;
//  - time-stretched by ffmpeg `atempo` (STRETCH[j % 6]: 0.94 … 1.09; truth = MMA's beat × the factor) and
//    pitch-shifted by ffmpeg `rubberband` (SHIFT[j % 6] semitones; key = the progression's + shift) — build-set.ts'
//    `render`;
//  - 30 s MP3 192 kb/s (after a dev intro song's intro); category as its original's (pop4 / fast re-decided by the stretched tempo: > 160 fast).
// Truth: the listener's beat (MMA's quarter; a 6/8 groove's dotted quarter), as the originals.
//
//   nice node --import tsx tools/eval/sfshift-set.ts [--out test/output/tempo-sfshift] [--jobs 2] [--plan-only]
//
// Writes OUT/sfshift/*.mp3 and OUT/manifest.json (EvalItem rows, set "sfshift"; `group`: the original's CV group,
// "mma:<family>" as octave-net.ts' familyOf names it; `origin`: the original's file), OUT/work (MMA sources, MIDI).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Key } from '../../main/engine/analysis/keys';
import { grooveFamily, mmaSource, render, renderJobs, SONGS as DEVTEST_SONGS, type SoundFont } from './build-set';
import { HELDOUT_SONGS, heldoutFamily } from './heldout-set';
import { compileMma, mmaSongMidi, songKey, songProgression } from './mma-render';
import { octaveSongs } from './octave-set';
import { relatedFamily, splitFamilies } from './split-families';
import { SYNTH_SONGS, synthName } from './synth-set';

/** atempo factors and semitone shifts, song j takes STRETCH[j % 6] and SHIFT[j % 6] */
export const STRETCH = [0.94, 1.06, 0.97, 1.03, 0.91, 1.09] as const;
export const SHIFT = [-2, 2, -1, 3, 1, -3] as const;

/** One planned re-render. */
export interface SfshiftSong {
  /** file stem of the MP3 (and of the .mma / .mid in OUT/work) */
  name: string;
  /** the original's file in tempo-octave / tempo-synth */
  origin: string;
  /** CV group: "mma:<family>" (octave-net.ts familyOf of the original) */
  group: string;
  groove: string;
  /** MMA's tempo and beats per bar */
  tempo: number;
  beatsPerBar: number;
  /** the listener's beat before stretching (MMA's tempo ÷ MMA beats per listener beat) */
  beat: number;
  meter: number;
  category: string;
  drums: boolean;
  /** the original's index in its set (songProgression, songKey; build-set.ts SONGS for a dev song) */
  i: number;
  /** seconds of beatless intro before stretching (build-set.ts' string pad; 0: none) */
  introSec: number;
  /** which set the original is in */
  from: 'octave' | 'synth' | 'dev';
  soundfont: SoundFont;
  stretch: number;
  shift: number;
}

/**
 * The plan: every tempo-octave song (octaveSongs) then every tempo-synth song (SYNTH_SONGS), less those whose family
 * clashOf (`split`) or the held-out plan's families refuse (printed). Deterministic. Throws when `split` is missing.
 */
export function sfshiftPlan(split = 'test/output/eval/split.json'): SfshiftSong[] {
  const { clashOf } = splitFamilies(split);
  const heldout = HELDOUT_SONGS.filter((s) => s.lib === 'stdlib').map((s) => heldoutFamily(s));
  const refused = (fam: string) => clashOf(fam) ?? relatedFamily(fam, heldout) ?? heldout.find((h) => relatedFamily(h, [fam]));
  const base: Omit<SfshiftSong, 'name' | 'soundfont' | 'stretch' | 'shift'>[] = [];
  for (const s of octaveSongs(split))
    base.push({ origin: `${s.name}.mp3`, group: `mma:${s.fam}`, groove: s.groove, tempo: s.bpm, beatsPerBar: 4, beat: s.bpm, meter: 4, category: s.cat, drums: false, i: s.i, introSec: 0, from: 'octave' });
  SYNTH_SONGS.forEach((song, i) => {
    const [groove, tempo, per, meter, drums] = song;
    const { name, category } = synthName(song);
    base.push({ origin: `${name}.mp3`, group: `mma:${name.replace(/^syn-/, '').replace(/-\d+(-drums)?$/, '')}`, groove, tempo, beatsPerBar: meter * per, beat: tempo / per, meter, category, drums, i, introSec: 0, from: 'synth' });
  });
  // the dev split's MMA songs (build-set.ts SONGS whose family's unit went to dev)
  const units = (JSON.parse(readFileSync(split, 'utf8')) as { units: Record<string, { set: string }> }).units;
  DEVTEST_SONGS.forEach((s, i) => {
    const fam = grooveFamily(s.groove);
    if (units[`mma:${fam}`]?.set !== 'dev') return;
    const per = s.per ?? 1;
    base.push({ origin: `mma-${s.cat}-${s.groove.toLowerCase().replace(/[^a-z0-9]/g, '')}-${s.tempo}.mp3`, group: `mma:${fam}`, groove: s.groove, tempo: s.tempo, beatsPerBar: s.meter * per, beat: s.tempo / per, meter: s.meter, category: s.cat, drums: s.cat === 'percussion', i, introSec: mmaSource(s, i, 38).introSec, from: 'dev' });
  });
  const out: SfshiftSong[] = [];
  let j = 0;
  for (const b of base) {
    const fam = b.group.slice(4);
    // the dev split's own families are dev's by construction; a relative of a test or held-out family is still refused
    const why = refused(fam) ?? (grooveFamily(fam) !== fam ? refused(grooveFamily(fam)) : undefined);
    if (why) {
      console.log(`refused ${b.origin}: family ${fam} related to ${why} (test or held-out)`);
      continue;
    }
    const orig: SoundFont = b.i % 2 ? 'timgm6mb' : 'fluidr3';
    const soundfont: SoundFont = j % 2 ? 'musescore' : orig === 'fluidr3' ? 'timgm6mb' : 'fluidr3';
    const stretch = STRETCH[j % STRETCH.length];
    const shift = b.drums ? 0 : SHIFT[j % SHIFT.length];
    const name = `sfs-${b.origin.replace(/^(oct|syn|mma)-/, '').replace(/\.mp3$/, '')}-${soundfont}-x${stretch}${shift ? `-s${shift}` : ''}`;
    out.push({ ...b, name, soundfont, stretch, shift });
    j++;
  }
  return out;
}

/** the manifest row of a planned re-render (truth: beat × stretch, rounded to 0.01; key: the progression's + shift) */
export function sfshiftItem(s: SfshiftSong): Record<string, unknown> {
  const bpm = Math.round(s.beat * s.stretch * 100) / 100;
  const category = s.category === 'fast' || s.category === 'pop4' ? (bpm > 160 ? 'fast' : 'pop4') : s.category;
  const k: Key = s.from === 'dev' ? DEVTEST_SONGS[s.i].key : songKey(s.i);
  const key = s.drums ? null : { tonic: (((k.tonic + s.shift) % 12) + 12) % 12, mode: k.mode };
  const meterClass = s.category === 'compound' ? '6/8' : s.meter === 3 ? '3/4' : s.meter === 4 || s.meter === 2 ? '4/4' : 'odd';
  return { set: 'sfshift', file: `${s.name}.mp3`, source: s.group, group: s.group, origin: s.origin, category, bpm, meter: s.meter, meterClass, sourceKind: 'mma', key, keyTrusted: key !== null, soundfont: s.soundfont, stretch: s.stretch, shift: s.shift, introSec: Math.round((s.introSec / s.stretch) * 1000) / 1000 };
}

/**
 * Renders planned song `s` to `out` (an MP3 of `sec` seconds after a dev intro song's intro; the .mma and .mid in
 * `work`): its builder's MMA source (build-set.ts mmaSource for a dev song, mma-render.ts for the others), then
 * build-set.ts render (fluidsynth with s.soundfont, rubberband shift, atempo stretch). Throws when mma, fluidsynth
 * or ffmpeg fails.
 */
export async function renderSfshift(s: SfshiftSong, out: string, work: string, sec: number): Promise<void> {
  // bars for the audio atempo consumes (sec × stretch) before the cut
  const need = Math.ceil(sec * s.stretch);
  let mid: string;
  if (s.from === 'dev') {
    // build-set.ts' own source (its key signature and progression)
    mid = compileMma(mmaSource(DEVTEST_SONGS[s.i], s.i, need + 8).text, s.name, work);
  } else mid = mmaSongMidi({ name: s.name, groove: s.groove, tempo: s.tempo, beatsPerBar: s.beatsPerBar, chords: s.drums ? null : songProgression(s.i), sec: need, work });
  await render(mid, s.soundfont, out, sec + s.introSec / s.stretch, s.stretch, s.shift);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-sfshift' }, split: { type: 'string', default: 'test/output/eval/split.json' }, jobs: { type: 'string', default: '2' }, 'plan-only': { type: 'boolean', default: false } } });
  const OUT = args.out!;
  const SEC = 30;
  const plan = sfshiftPlan(args.split);
  const items = plan.map(sfshiftItem);
  const n = (f: (x: Record<string, unknown>) => boolean) => items.filter(f).length;
  console.log(`${items.length} files; > 160 BPM ${n((x) => (x.bpm as number) > 160)}; categories ${JSON.stringify(Object.fromEntries([...new Set(items.map((x) => x.category as string))].map((c) => [c, n((x) => x.category === c)])))}; fonts ${JSON.stringify(Object.fromEntries(['fluidr3', 'timgm6mb', 'musescore'].map((f) => [f, n((x) => x.soundfont === f)])))}`);
  if (args['plan-only']) return;
  mkdirSync(join(OUT, 'sfshift'), { recursive: true });
  mkdirSync(join(OUT, 'work'), { recursive: true });
  const save = (done: Set<number>) => writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items: items.filter((_, i) => done.has(i)) }, null, 1));
  const jobs = plan.map((s) => ({ out: join(OUT, 'sfshift', `${s.name}.mp3`), make: () => renderSfshift(s, join(OUT, 'sfshift', `${s.name}.mp3`), join(OUT, 'work'), SEC) }));
  await renderJobs(jobs, Math.max(1, Number(args.jobs)), save);
  console.log(`${items.length} files in ${join(OUT, 'sfshift')}; ${existsSync(join(OUT, 'manifest.json')) ? 'manifest.json written' : ''}`);
}

if (!!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

// A THIRD FRESH HELD-OUT tempo/key set, "heldout3" (issue 11, session 15): heldout2 has been consulted three times, so
// this session's decisions are taken on material that NO other set uses, rendered by a synthesis no other set uses.
// Nobody runs our analysers on it before the lead does, once, at the merge (its builder runs the peers only).
//
//   apt-get install -y lmms csound mma ffmpeg
//   nice -n 10 node --import tsx tools/eval/heldout3-set.ts [--out test/output/eval] [--jobs 1] [--plan-only]
//   (--out: where heldout3/, manifest-heldout3.json and heldout3-units.json are written)
//
// Material:
//  1. LMMS demo projects (Debian `lmms`): the 12 of the lead's split (/work/notes/lmms-split.json, session 15: the
//     demos' and shorties' project paths sorted, odd index → heldout3, even → the dev side's tempo-lmms; lmmsSplit()
//     recomputes it), rendered by LMMS itself (its own synths and samples: ZynAddSubFX, TripleOscillator, Kicker,
//     AudioFileProcessor…). Truth: <head bpm> (quarter notes a minute; refused when the tempo is automated or
//     controlled), the meter from timesig_numerator/denominator (lmms-project.ts readLmmsProject). No key (LMMS states
//     none): key null, untrusted. Per project: an excerpt from the start (from 15 s before the drums come in when
//     they come in after 20 s; category "intro" when the first ≥ 4 s have no drum clip), one from the middle, and the
//     middle (the start for a song too short to have one) re-rendered at another tempo by editing <head bpm>: LMMS
//     plays the notes at the new tempo, no time-stretch — a fast one (164–200) below 160 BPM, a slow one (× 0.75) at
//     or above. LMMS renders only the bars an excerpt needs (windowProject), 2 bars of pre-roll before a window that
//     does not start the song.
//  2. MMA songs on grooves written here (heldout2-set.ts' notation: drum, part, groove), planned and rendered by
//     heldout-set.ts' planSongSet (3 files a song: both kits plain, one stretched + shifted; modeHeard's key rule):
//     3/4, 6/8 counted in eighths, swing, > 160 BPM, soft onsets (choir, strings, piano, organ; no drums), drums only,
//     beatless intros (a bowed-glass pad, GM 93: no other set's pad) and pop 4/4.
//  3. Synthesis: Csound (Debian `csound`) with instruments written here (tools/eval/heldout3-synth.orc, two kits
//     "csfm" and "csadd": FM, Karplus-Strong, filtered saws, formant choir, synthesized drums; no sample, SoundFont or
//     patch set), build-set.ts render(). No other set renders with Csound or LMMS's synths except tempo-lmms, which
//     renders the other 13 LMMS projects.
//  4. Two beatless drones on chords no other set uses.
//
// Writes OUT/heldout3/*.mp3, OUT/manifest-heldout3.json ({ sec, items: EvalItem[] } with set "heldout3";
// test/bench/analysis-accuracy.ts --set heldout3 reads it, peers cached in OUT/peers-heldout3*.json),
// OUT/heldout3-units.json (unit → files) and OUT/heldout3/READY once every file is there.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { maj, min, renderJobs, type Category, type Drone, type EvalItem, type SoundFont } from './build-set';
import { drum, eighths, groove, part, sixteenths } from './heldout2-set';
import { heldoutCounts, planSongSet, type HeldoutJob, type HeldoutSong } from './heldout-set';
import { LMMS_TICKS_PER_QUARTER, lmmsXml, readLmmsProject, windowProject, type LmmsProject } from './lmms-project';

const run = promisify(execFile);

// ---- LMMS demo projects --------------------------------------------------------------------
/** The lead's split of LMMS's demo projects (session 15, /work/notes/lmms-split.json): heldout3's 12. */
export const HELDOUT3_LMMS = [
  '/usr/share/lmms/projects/demos/CapDan/CapDan-ReggaeTry.mmpz',
  '/usr/share/lmms/projects/demos/CapDan/CapDan-TwilightArea-OriginalByAlf42red.mmpz',
  '/usr/share/lmms/projects/demos/EsoXLB-CPU.mmpz',
  '/usr/share/lmms/projects/demos/Jousboxx-BuzzerBeater.mmpz',
  '/usr/share/lmms/projects/demos/Oglsdl-Dr8v2.mmpz',
  '/usr/share/lmms/projects/demos/Saber-FinalStep.mmpz',
  '/usr/share/lmms/projects/demos/Shovon-ProgressiveHousePluckDemo.mmpz',
  '/usr/share/lmms/projects/demos/Skiessi/Skiessi-Onion.mmpz',
  '/usr/share/lmms/projects/demos/StrictProduction-DearJonDoe.mmp',
  '/usr/share/lmms/projects/demos/Thomasso-AxeFromThe80s.mmpz',
  '/usr/share/lmms/projects/shorties/DirtyLove.mmpz',
  '/usr/share/lmms/projects/shorties/Skiessi-222.mmpz',
];

/**
 * The lead's rule for LMMS's projects (session 15): every .mmp / .mmpz under `root`/demos and `root`/shorties, paths
 * sorted, even index → dev (tempo-lmms), odd → heldout3. Empty lists when LMMS is not installed.
 */
export function lmmsSplit(root = '/usr/share/lmms/projects'): { dev: string[]; heldout3: string[] } {
  const all: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.mmpz?$/.test(e.name)) all.push(join(d, e.name));
    }
  };
  walk(join(root, 'demos'));
  walk(join(root, 'shorties'));
  all.sort();
  return { dev: all.filter((_, i) => i % 2 === 0), heldout3: all.filter((_, i) => i % 2 === 1) };
}

/**
 * The other tempo of a project's re-rendered excerpt: below 160 BPM the least of × 1.25, 1.3, 1.4, 1.5, 1.75, 2 that
 * reaches 164 (a fast version, ≤ 200; × 2 below 82 BPM), at or above 160 × 0.75 (a slow one); LMMS's tempo is a whole
 * number.
 */
export function lmmsRetempo(bpm: number): number {
  if (bpm >= 160) return Math.round(bpm * 0.75);
  const k = [1.25, 1.3, 1.4, 1.5, 1.75, 2].find((f) => bpm * f >= 164) ?? 2;
  return Math.min(200, Math.round(bpm * k));
}

/** One excerpt of an LMMS project: the bars [from, to) rendered at `bpm`, `skip` seconds of pre-roll dropped. */
export interface LmmsExcerpt {
  kind: 'start' | 'mid';
  bpm: number;
  from: number;
  to: number;
  skip: number;
  /** seconds without a drum clip at the excerpt's start */
  introSec: number;
  /** the song is shorter than the excerpt: its whole bars are looped (ticks), else null */
  loopTicks: number | null;
  category: Category;
}

/**
 * The excerpts of project `p` (module doc, part 1), `sec` seconds each: start, middle (when the song has room for one
 * after the start's excerpt and its drums), and the middle (else the start) at lmmsRetempo(bpm).
 */
export function lmmsExcerpts(p: LmmsProject, sec: number): LmmsExcerpt[] {
  const bar = (LMMS_TICKS_PER_QUARTER * 4 * p.num) / p.den;
  const ticks = (s: number, bpm: number) => (s * bpm * LMMS_TICKS_PER_QUARTER) / 60;
  const secs = (t: number, bpm: number) => (t * 60) / (bpm * LMMS_TICKS_PER_QUARTER);
  const floorBar = (t: number) => Math.max(0, Math.floor(t / bar) * bar);
  const ceilBar = (t: number) => Math.ceil(t / bar) * bar;
  const F = p.firstDrumTick;
  const songBars = ceilBar(p.songTicks);
  const cat = (bpm: number, introSec: number): Category => (F == null ? 'soft' : introSec >= 4 ? 'intro' : bpm > 160 ? 'fast' : 'lmms');
  const at = (kind: 'start' | 'mid', s0: number, bpm: number): LmmsExcerpt => {
    if (secs(songBars, bpm) < sec + 1) return { kind, bpm, from: 0, to: songBars, skip: 0, introSec: 0, loopTicks: songBars, category: cat(bpm, 0) };
    const pre = s0 > 0 ? 2 * bar : 0;
    const introSec = F == null ? 0 : Math.max(0, secs(F - s0, bpm));
    return { kind, bpm, from: s0 - pre, to: s0 + ceilBar(ticks(sec + 1, bpm)), skip: secs(pre, bpm), introSec: Math.min(introSec, sec), loopTicks: null, category: cat(bpm, introSec) };
  };
  const s0 = F != null && secs(F, p.bpm) > 20 ? floorBar(F - ticks(15, p.bpm)) : 0;
  const out = [at('start', s0, p.bpm)];
  const m0 = ceilBar(Math.max(0, p.songTicks / 2 - ticks(sec / 2, p.bpm)));
  const hasMid = m0 >= s0 + ticks(sec, p.bpm) && m0 >= (F ?? 0) && m0 + ticks(sec, p.bpm) <= p.songTicks;
  if (hasMid) out.push(at('mid', m0, p.bpm));
  const other = lmmsRetempo(p.bpm);
  out.push(hasMid ? at('mid', m0, other) : at('start', s0, other));
  return out;
}

/**
 * Renders excerpt `x` of the project at `path` (XML `xml`) with LMMS into `work` (a windowed copy of the project, its
 * own HOME so LMMS's settings file is nobody else's), drops its pre-roll (or loops a short song's whole bars), cuts
 * `sec` seconds and encodes MP3 192 kb/s to `out`. Throws when LMMS or ffmpeg fail or the excerpt is silent (peak
 * under −50 dB).
 */
export async function renderLmmsExcerpt(xml: string, x: LmmsExcerpt, work: string, stem: string, out: string, sec: number): Promise<void> {
  const mmp = join(work, `${stem}.mmp`);
  const wav = join(work, `${stem}.wav`);
  writeFileSync(mmp, windowProject(xml, x.bpm, x.from, x.to));
  const home = join(work, 'lmms-home');
  mkdirSync(home, { recursive: true });
  // LMMS prints a progress bar on every block: keep it out of node's buffers
  await run('bash', ['-c', `lmms --allowroot -r '${mmp}' -o '${wav}' -f wav -s 44100 > /dev/null 2>&1`], { env: { ...process.env, HOME: home, QT_QPA_PLATFORM: 'offscreen' }, timeout: 1_800_000 });
  if (!existsSync(wav)) throw new Error(`lmms wrote no ${wav}`);
  const af: string[] = [];
  if (x.loopTicks != null) {
    const samples = Math.round(((x.loopTicks * 60) / (x.bpm * LMMS_TICKS_PER_QUARTER)) * 44100);
    af.push(`atrim=end_sample=${samples}`, `aloop=loop=-1:size=${samples}`, `atrim=duration=${sec + 1}`);
  }
  await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-ss', x.skip.toFixed(4), '-i', wav, ...(af.length ? ['-af', af.join(',')] : []), '-ar', '44100', '-ac', '2', '-t', String(sec), '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
  const { stderr } = await run('ffmpeg', ['-v', 'info', '-i', `${out}.part`, '-af', 'volumedetect', '-f', 'null', '-']);
  const peak = Number((stderr.match(/max_volume: (-?[\d.]+) dB/) ?? [])[1]);
  if (!(peak > -50)) throw new Error(`LMMS rendered silence for ${stem} (max ${peak} dB)`);
  await run('mv', [`${out}.part`, out]);
  rmSync(wav, { force: true });
}

/**
 * Projects left out after the first build (no files): name → why. Their place in HELDOUT3_LMMS stays (the split is
 * the lead's).
 */
export const LMMS_LEFT_OUT: Record<string, string> = {
  'Oglsdl-Dr8v2': 'LMMS renders silence for it here (max −91 dB over its first 30 s; its 8 tracks are ZynAddSubFX "Default preset")',
};

/** The LMMS jobs: every excerpt of every project of `paths` that readLmmsProject accepts (refusals logged). */
export function planLmms(paths: string[], work: string, sec: number): HeldoutJob[] {
  const jobs: HeldoutJob[] = [];
  for (const path of paths) {
    if (!existsSync(path)) {
      console.log(`(missing ${path}: install lmms)`);
      continue;
    }
    const bytes = readFileSync(path);
    const p = readLmmsProject(path, bytes);
    if ('reason' in p) {
      console.log(`refused ${path}: ${p.reason}`);
      continue;
    }
    const name = basename(path).replace(/\.mmpz?$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
    if (LMMS_LEFT_OUT[name]) {
      console.log(`left out ${path}: ${LMMS_LEFT_OUT[name]}`);
      continue;
    }
    const unit = `lmms:${name}`;
    for (const x of lmmsExcerpts(p, sec)) {
      const stem = `h3-lmms-${name}-${x.kind}-${x.bpm}`;
      const item: EvalItem = { set: 'heldout3', file: `${stem}.mp3`, source: unit, category: x.category, bpm: x.bpm, meter: p.meter, meterClass: p.meter === 3 ? '3/4' : p.meter === 4 || p.meter === 2 ? '4/4' : 'odd', sourceKind: 'lmms', key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: Math.round(x.introSec * 100) / 100 };
      jobs.push({ unit, item, make: (o) => renderLmmsExcerpt(lmmsXml(bytes), x, work, stem, o, sec) });
    }
  }
  return jobs;
}

// ---- MMA songs on grooves written here -----------------------------------------------------
export const HELDOUT3_SONGS: HeldoutSong[] = [
  // 3/4
  { lib: 'here', file: 'h3ballad34', groove: 'H3Ballad34', tempo: 76, meter: 3, key: maj(10), cat: 'triple' },
  { lib: 'here', file: 'h3mazurka', groove: 'H3Mazurka', tempo: 138, meter: 3, key: min(4), cat: 'triple' },
  { lib: 'here', file: 'h3rockwaltz', groove: 'H3RockWaltz', tempo: 168, meter: 3, key: maj(9), cat: 'triple' },
  // 6/8 counted in eighths (MMA Time 6, 3 MMA beats a dotted-quarter beat)
  { lib: 'here', file: 'h3shanty', groove: 'H3Shanty', tempo: 234, per: 3, meter: 2, key: min(2), cat: 'compound' },
  { lib: 'here', file: 'h3tarantella', groove: 'H3Tarantella', tempo: 408, per: 3, meter: 2, key: min(9), cat: 'compound' },
  { lib: 'here', file: 'h3slowsix8', groove: 'H3SlowSix8', tempo: 174, per: 3, meter: 2, key: maj(5), cat: 'compound' },
  // swing
  { lib: 'here', file: 'h3bigband', groove: 'H3BigBand', tempo: 142, meter: 4, key: maj(3), cat: 'swing' },
  { lib: 'here', file: 'h3slowswing', groove: 'H3SlowSwing', tempo: 84, meter: 4, key: maj(8), cat: 'swing' },
  { lib: 'here', file: 'h3gospelshuffle', groove: 'H3GospelShuffle', tempo: 98, meter: 4, key: maj(1), cat: 'swing' },
  { lib: 'here', file: 'h3westcoast', groove: 'H3WestCoast', tempo: 118, meter: 4, key: min(0), cat: 'swing' },
  // > 160
  { lib: 'here', file: 'h3dnb', groove: 'H3DnB', tempo: 174, meter: 4, key: min(11), cat: 'fast' },
  { lib: 'here', file: 'h3polka', groove: 'H3Polka', tempo: 184, meter: 4, key: maj(5), cat: 'fast' },
  { lib: 'here', file: 'h3ska', groove: 'H3Ska', tempo: 196, meter: 4, key: maj(7), cat: 'fast' },
  { lib: 'here', file: 'h3bebop', groove: 'H3Bebop', tempo: 212, meter: 4, key: maj(10), cat: 'fast' },
  // soft onsets, no drums
  { lib: 'here', file: 'h3choirhymn', groove: 'H3ChoirHymn', tempo: 66, meter: 4, key: maj(4), cat: 'soft' },
  { lib: 'here', file: 'h3quartet', groove: 'H3Quartet', tempo: 80, meter: 4, key: min(7), cat: 'soft' },
  { lib: 'here', file: 'h3pianoballad', groove: 'H3PianoBallad', tempo: 70, meter: 4, key: maj(2), cat: 'soft' },
  { lib: 'here', file: 'h3chorale', groove: 'H3Chorale', tempo: 92, meter: 4, key: min(5), cat: 'soft' },
  // drums only
  { lib: 'here', file: 'h3samba', groove: 'H3Samba', tempo: 104, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h3hiphopdrums', groove: 'H3HipHopDrums', tempo: 90, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h3taiko', groove: 'H3Taiko', tempo: 120, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h3housedrums', groove: 'H3HouseDrums', tempo: 124, meter: 4, key: maj(0), cat: 'percussion' },
  // beatless intros (a bowed-glass pad, then the groove)
  { lib: 'here', file: 'h3intropop', groove: 'H3IntroPop', tempo: 112, meter: 4, key: maj(6), cat: 'intro', introBars: 4 },
  { lib: 'here', file: 'h3introtrance', groove: 'H3IntroTrance', tempo: 138, meter: 4, key: min(1), cat: 'intro', introBars: 8 },
  { lib: 'here', file: 'h3introfolk', groove: 'H3IntroFolk', tempo: 96, meter: 4, key: maj(9), cat: 'intro', introBars: 3 },
  { lib: 'here', file: 'h3introwaltz', groove: 'H3IntroWaltz', tempo: 126, meter: 3, key: min(3), cat: 'intro', introBars: 4 },
  // pop 4/4
  { lib: 'here', file: 'h3poprock', groove: 'H3PopRock', tempo: 124, meter: 4, key: maj(11), cat: 'pop4' },
  { lib: 'here', file: 'h3motown', groove: 'H3Motown', tempo: 110, meter: 4, key: maj(3), cat: 'pop4' },
  { lib: 'here', file: 'h3synthpop', groove: 'H3Synthpop', tempo: 118, meter: 4, key: min(8), cat: 'pop4' },
  { lib: 'here', file: 'h3latinpop', groove: 'H3LatinPop', tempo: 100, meter: 4, key: min(6), cat: 'pop4' },
  { lib: 'here', file: 'h3slowjam', groove: 'H3SlowJam', tempo: 78, meter: 4, key: min(10), cat: 'pop4' },
  { lib: 'here', file: 'h3indie', groove: 'H3Indie', tempo: 146, meter: 4, key: maj(4), cat: 'pop4' },
];

/** The beatless intro: a bowed-glass pad (GM 93), one chord a bar, soft (other sets: choir, strings, warm pad). */
export function glassPadGroove(beatsPerBar: number): string[] {
  return ['SeqClear', `Time ${beatsPerBar}`, 'SeqSize 1', 'Begin Chord-H3Pad', ' Voice BowedGlass', ' Octave 5', ' Volume p', ' Articulate 100', ` Sequence {1 ${beatsPerBar * 192}t 66}`, 'End', 'DefGroove Heldout3Pad'];
}

/** "beat dur vel" notes from "beat vel" hits (a Chord or Arpeggio track playing on drum-like hits; heldout4's grooves too) */
export const notes = (hits: string, dur: number): string => hits.split('; ').map((h) => `${h.split(' ')[0]} ${dur} ${h.split(' ')[1]}`).join('; ');

/** Grooves written here: name → MMA lines (drums, chords, bass; the soft ones without drums). */
export const HELDOUT3_GROOVES: Record<string, string[]> = {
  // 3/4
  H3Ballad34: groove('H3Ballad34', 3, drum('KickDrum2', '1 70'), drum('SnareDrum2', '2 48; 3 46'), part('Arpeggio', 'Piano2', 5, '1 8 70; 1.5 8 52; 2 8 58; 2.5 8 52; 3 8 60; 3.5 8 52', 'p'), part('Bass', 'FretlessBass', 3, '1 2. 1 84')),
  H3Mazurka: groove('H3Mazurka', 3, drum('KickDrum1', '1 84'), drum('SnareDrum1', '2 78; 3 60'), drum('Tambourine', '1 56; 2 70; 3 56'), part('Chord', 'Accordion', 5, '2 8 76; 3 8 62'), part('Bass', 'AcousticBass', 3, '1 4 1 90; 2.5 8 5 62')),
  H3RockWaltz: groove('H3RockWaltz', 3, drum('KickDrum1', '1 98; 2.5 70'), drum('SnareDrum1', '2 90; 3 84'), drum('ClosedHiHat', eighths(3, 70, 54)), part('Chord', 'OverDriveGuitar', 4, '1 4 78; 2 4 66; 3 4 66'), part('Bass', 'PickedBass', 3, '1 4 1 92; 2 4 1 74; 3 4 5 76')),
  // 6/8 in eighths
  H3Shanty: groove('H3Shanty', 6, drum('LowTom1', '1 88; 4 80'), drum('Tambourine', '1 60; 3 52; 4 64; 6 52'), part('Chord', 'Accordion', 5, '1 4 74; 3 4 60; 4 4 70; 6 4 60'), part('Bass', 'Tuba', 2, '1 4. 1 88; 4 4. 5 80')),
  H3Tarantella: groove('H3Tarantella', 6, drum('KickDrum1', '1 90; 4 84'), drum('Tambourine', '1 72; 2 50; 3 56; 4 70; 5 50; 6 56'), part('Arpeggio', 'Fiddle', 5, '1 8 78; 2 8 60; 3 8 62; 4 8 74; 5 8 60; 6 8 62'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 4 4 5 80')),
  H3SlowSix8: groove('H3SlowSix8', 6, drum('KickDrum2', '1 80; 4 60'), drum('SideKick', '4 66'), drum('RideCymbal2', '1 58; 2 44; 3 46; 4 54; 5 44; 6 46'), part('Arpeggio', 'CleanGuitar', 4, '1 8 70; 2 8 56; 3 8 58; 4 8 66; 5 8 56; 6 8 58'), part('Bass', 'FretlessBass', 3, '1 2. 1 84; 4 2. 3 74')),
  // swing
  H3BigBand: groove('H3BigBand', 4, drum('RideCymbal1', '1 78; 2 70; 2.66 52; 3 76; 4 70; 4.66 52'), drum('PedalHiHat', '2 64; 4 64'), drum('SnareDrum2', '4.66 50'), part('Chord', 'BrassSection', 5, '1.66 8 70; 3.66 8 66'), part('Chord-Sax', 'AltoSax', 5, '1 4 58; 3 4 56', 'p'), part('Bass', 'AcousticBass', 3, '1 4 1 90; 2 4 3 76; 3 4 5 84; 4 4 6 76')),
  H3SlowSwing: groove('H3SlowSwing', 4, drum('RideCymbal1', '1 66; 2 60; 2.66 44; 3 64; 4 60; 4.66 44'), drum('PedalHiHat', '2 56; 4 56'), part('Chord', 'RhodesPiano', 5, '1 2 62; 2.66 8 54; 4 4 58'), part('Bass', 'AcousticBass', 3, '1 4 1 84; 2 4 5 70; 3 4 3 78; 4 4 5 70')),
  H3GospelShuffle: groove('H3GospelShuffle', 4, drum('KickDrum1', '1 92; 2.66 66; 3 86'), drum('SnareDrum1', '2 90; 4 92'), drum('HandClap', '2 70; 4 72'), drum('ClosedHiHat', eighths(4, 66, 52, true)), part('Chord', 'Organ1', 5, '1 4 68; 1.66 8 56; 2.66 8 58; 3 4 66; 4.66 8 58'), part('Bass', 'FingeredBass', 3, '1 4 1 90; 1.66 8 1 70; 2.66 8 3 72; 3 4 5 84; 4.66 8 6 70')),
  H3WestCoast: groove('H3WestCoast', 4, drum('KickDrum1', '1 88; 3 80'), drum('SnareDrum2', '2 82; 4 84'), drum('RideCymbal2', eighths(4, 66, 50, true)), part('Chord', 'Vibraphone', 5, '1 4 66; 2.66 8 58; 4 4 62'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 2 4 3 74; 3 4 5 82; 4 4 7 72')),
  // > 160
  H3DnB: groove('H3DnB', 4, drum('KickDrum1', '1 100; 3.5 90'), drum('SnareDrum1', '2 96; 4 96; 4.75 56'), drum('ClosedHiHat', eighths(4, 64, 50)), drum('RideBell', '1.5 52; 3.5 52'), part('Chord', 'SynthStrings1', 5, '1 1 56', 'p'), part('Bass', 'SynthBass2', 2, '1 2. 1 90; 3.5 4 1 80')),
  H3Polka: groove('H3Polka', 4, drum('KickDrum1', '1 90; 3 86'), drum('SnareDrum1', '2 80; 4 80'), part('Chord', 'Accordion', 5, '2 8 74; 4 8 74'), part('Bass', 'Tuba', 2, '1 4 1 90; 3 4 5 84')),
  H3Ska: groove('H3Ska', 4, drum('KickDrum1', '1 94; 3 90'), drum('SnareDrum1', '2 92; 4 94'), drum('ClosedHiHat', eighths(4, 66, 56)), part('Chord', 'MutedGuitar', 5, '1.5 16 80; 2.5 16 78; 3.5 16 80; 4.5 16 78'), part('Chord-Horns', 'Trombone', 4, '1 4 62; 3 4 58', 'p'), part('Bass', 'FingeredBass', 3, '1 4 1 92; 2 4 3 78; 3 4 5 86; 4 4 3 78')),
  H3Bebop: groove('H3Bebop', 4, drum('RideCymbal1', '1 82; 2 70; 2.66 52; 3 78; 4 70; 4.66 52'), drum('PedalHiHat', '2 64; 4 64'), part('Chord', 'Piano2', 5, '1.66 8 62; 3 8 60; 4.66 8 64'), part('Bass', 'AcousticBass', 3, '1 4 1 92; 2 4 3 78; 3 4 5 86; 4 4 6 78')),
  // soft onsets, no drums
  H3ChoirHymn: groove('H3ChoirHymn', 4, part('Chord', 'ChoirAahs', 5, '1 2 72; 3 2 66'), part('Bass', 'ContraBass', 3, '1 2 1 62; 3 2 5 56', 'p')),
  H3Quartet: groove('H3Quartet', 4, part('Chord', 'Viola', 5, '1 4 66; 2 4 58; 3 4 62; 4 4 58', 'p'), part('Chord-Vln', 'Violin', 6, '1 2 60; 3 2 56', 'p'), part('Bass', 'Cello', 3, '1 4 1 70; 2 4 5 56; 3 4 3 62; 4 4 5 56', 'p')),
  H3PianoBallad: groove('H3PianoBallad', 4, part('Arpeggio', 'Piano1', 5, notes(eighths(4, 66, 50), 8), 'p'), part('Bass', 'Piano1', 3, '1 2 1 70; 3 2 5 62', 'p')),
  H3Chorale: groove('H3Chorale', 4, part('Chord', 'ChurchOrgan', 5, '1 4 64; 2 4 58; 3 4 62; 4 4 58', 'p'), part('Bass', 'ChurchOrgan', 3, '1 2 1 64; 3 2 5 60', 'p')),
  // drums only
  H3Samba: groove('H3Samba', 4, drum('MuteSurdo', '1 80; 3 80'), drum('OpenSurdo', '2 92; 4 92'), drum('Tambourine', sixteenths(4, 66, 48)), drum('HighAgogo', '1 66; 1.75 56; 2.5 60; 3.5 56'), drum('LowAgogo', '2 60; 4 60')),
  H3HipHopDrums: groove('H3HipHopDrums', 4, drum('KickDrum1', '1 100; 1.75 76; 3.5 90'), drum('SnareDrum1', '2 96; 4 96'), drum('ClosedHiHat', eighths(4, 66, 54)), drum('OpenHiHat', '4.5 60')),
  H3Taiko: groove('H3Taiko', 4, drum('LowTom2', '1 100; 2.5 84; 3 94'), drum('LowTom1', '2 80; 4 84; 4.5 70'), drum('SideKick', '1 60; 2 60; 3 60; 4 60'), drum('Cabasa', eighths(4, 54, 44))),
  H3HouseDrums: groove('H3HouseDrums', 4, drum('KickDrum1', '1 100; 2 96; 3 100; 4 96'), drum('HandClap', '2 82; 4 84'), drum('OpenHiHat', '1.5 70; 2.5 70; 3.5 70; 4.5 70'), drum('Shaker', sixteenths(4, 52, 40))),
  // beatless intros' grooves
  H3IntroPop: groove('H3IntroPop', 4, drum('KickDrum1', '1 94; 2.5 74; 3 90'), drum('SnareDrum1', '2 90; 4 92'), drum('ClosedHiHat', eighths(4, 66, 52)), part('Chord', 'CleanGuitar', 4, '1 4. 72; 2.5 8 62; 3 2 68'), part('Bass', 'FingeredBass', 3, '1 4. 1 90; 2.5 8 1 72; 3 2 5 84')),
  H3IntroTrance: groove('H3IntroTrance', 4, drum('KickDrum1', '1 100; 2 96; 3 100; 4 96'), drum('OpenHiHat', '1.5 68; 2.5 68; 3.5 68; 4.5 68'), drum('HandClap', '2 70; 4 72'), part('Arpeggio', 'SawWave', 5, notes(sixteenths(4, 70, 56), 16)), part('Bass', 'SynthBass1', 2, '1.5 8 1 86; 2.5 8 1 84; 3.5 8 1 86; 4.5 8 1 84')),
  H3IntroFolk: groove('H3IntroFolk', 4, drum('KickDrum2', '1 80; 3 74'), drum('SnareDrum2', '2 70; 4 72'), drum('Tambourine', eighths(4, 56, 46)), part('Chord', 'SteelGuitar', 4, notes(eighths(4, 70, 56), 8)), part('Bass', 'AcousticBass', 3, '1 4 1 86; 3 4 5 80')),
  H3IntroWaltz: groove('H3IntroWaltz', 3, drum('KickDrum1', '1 88'), drum('PedalHiHat', '2 62; 3 60'), part('Chord', 'Piano1', 5, '2 4 70; 3 4 64'), part('Bass', 'AcousticBass', 3, '1 2. 1 90')),
  // pop 4/4
  H3PopRock: groove('H3PopRock', 4, drum('KickDrum1', '1 98; 2.5 78; 3 94'), drum('SnareDrum1', '2 94; 4 96'), drum('RideCymbal1', eighths(4, 68, 56)), part('Chord', 'DistortionGuitar', 4, notes(eighths(4, 76, 68), 8)), part('Bass', 'PickedBass', 3, notes(eighths(4, 1, 1), 8).split('; ').map((h) => `${h.split(' ')[0]} 8 1 86`).join('; '))),
  H3Motown: groove('H3Motown', 4, drum('KickDrum1', '1 90; 2.5 70; 3 86'), drum('SnareDrum1', '2 86; 4 88'), drum('Tambourine', '1 62; 2 78; 3 62; 4 78'), part('Chord', 'Piano1', 5, '1 8 70; 2 8 74; 3 8 70; 4 8 74'), part('Bass', 'FingeredBass', 3, '1 4. 1 90; 2.5 8 3 74; 3 4 5 86; 4 8 6 76; 4.5 8 5 72')),
  H3Synthpop: groove('H3Synthpop', 4, drum('KickDrum1', '1 96; 3 94'), drum('SnareDrum2', '2 90; 4 90'), drum('ClosedHiHat', sixteenths(4, 58, 42)), part('Chord', 'PolySynth', 5, '1 4 70; 2.5 8 62; 3.5 8 64'), part('Bass', 'SynthBass1', 2, notes(eighths(4, 1, 1), 8).split('; ').map((h) => `${h.split(' ')[0]} 8 1 86`).join('; '))),
  H3LatinPop: groove('H3LatinPop', 4, drum('KickDrum1', '1 90; 3 86'), drum('SideKick', '1.75 64; 3.5 66; 4.5 62'), drum('Maracas', eighths(4, 56, 46)), drum('HighBongo', '2 66; 2.5 56; 4 66; 4.5 56'), part('Chord', 'NylonGuitar', 4, '1 8 72; 1.75 8 60; 2.5 8 66; 3 8 70; 3.75 8 60; 4.5 8 64'), part('Bass', 'AcousticBass', 3, '1 4. 1 88; 2.5 8 5 74; 3 4 1 84; 4 8 5 72')),
  H3SlowJam: groove('H3SlowJam', 4, drum('KickDrum2', '1 90; 1.75 70; 3.5 82'), drum('SnareDrum2', '2 84; 4 86'), drum('ClosedHiHat', sixteenths(4, 54, 40)), part('Chord', 'RhodesPiano', 5, '1 2 66; 3 2 62'), part('Bass', 'FretlessBass', 3, '1 4. 1 88; 2.5 8 3 70; 3 2 5 80')),
  H3Indie: groove('H3Indie', 4, drum('KickDrum1', '1 94; 2 70; 3 92; 4 70'), drum('SnareDrum1', '2 90; 4 92'), drum('CrashCymbal2', eighths(4, 60, 52)), part('Chord', 'CleanGuitar', 5, notes(sixteenths(4, 70, 56), 16)), part('Bass', 'PickedBass', 3, '1 4 1 90; 2 4 1 80; 3 4 5 86; 4 4 5 78')),
};

/** Beatless drones on chords no other set uses (F major 7, Bb minor). */
export const HELDOUT3_DRONES: Drone[] = [
  { hz: [87.3, 130.8, 164.8, 220], lfo: 0.065, noise: 'brown', amp: 0.01 },
  { hz: [58.3, 87.3, 116.5, 138.6], lfo: 0.095, noise: 'pink', amp: 0.007 },
];

/** Csound's two kits (heldout3-synth.orc): every unit has both, first and second in turn. */
export const HELDOUT3_FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['csfm', 'csadd'],
  ['csadd', 'csfm'],
];

/** Plans every heldout3 file (nothing rendered; work files in OUT/work/heldout3): LMMS excerpts, MMA songs, drones. */
export function planHeldout3(out: string, sec: number): HeldoutJob[] {
  const work = join(out, 'work', 'heldout3');
  mkdirSync(work, { recursive: true });
  const songs = planSongSet(out, sec, {
    set: 'heldout3',
    prefix: 'h3',
    songs: HELDOUT3_SONGS,
    grooves: HELDOUT3_GROOVES,
    drones: HELDOUT3_DRONES,
    fontPairs: HELDOUT3_FONT_PAIRS,
    clash: () => undefined, // every groove is written here (new by construction)
    midi: [],
    usedHashes: new Set(),
    modeRule: true,
    pad: glassPadGroove,
  });
  return [...planLmms(HELDOUT3_LMMS, work, sec), ...songs];
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string', default: 'test/output/eval' },
      sec: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '1' },
      'plan-only': { type: 'boolean', default: false },
    },
  });
  const OUT = args.out;
  const SEC = Number(args.sec);
  const JOBS = Math.min(2, Math.max(1, Number(args.jobs))); // the machine is shared
  const split = lmmsSplit();
  if (split.heldout3.length && split.heldout3.join('\n') !== HELDOUT3_LMMS.join('\n')) throw new Error('the LMMS projects installed split otherwise than HELDOUT3_LMMS: another lmms version?');
  const jobs = planHeldout3(OUT, SEC);
  mkdirSync(join(OUT, 'heldout3'), { recursive: true });
  const counts = heldoutCounts(jobs.map((j) => j.item));
  console.log(`heldout3 plan: ${jobs.length} files in ${new Set(jobs.map((j) => j.unit)).size} units`);
  for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${k.padEnd(22)} ${v}`);
  const bpms = jobs.map((j) => j.item.bpm).filter((b): b is number => b != null);
  console.log(`  tempo ${Math.min(...bpms)}–${Math.max(...bpms)} BPM`);
  writeFileSync(join(OUT, 'heldout3-units.json'), JSON.stringify({ rule: 'tools/eval/heldout3-set.ts: LMMS projects of the lead split, grooves written there; no other set uses them', counts, units: Object.fromEntries([...new Set(jobs.map((j) => j.unit))].map((u) => [u, jobs.filter((j) => j.unit === u).map((j) => j.item.file)])) }, null, 1));
  if (args['plan-only']) {
    for (const j of jobs.filter((x) => x.item.sourceKind === 'lmms')) console.log(`  ${j.item.file}  ${j.item.category}  intro ${j.item.introSec}s`);
    return;
  }
  const t0 = Date.now();
  await renderJobs(
    jobs.map((j) => {
      const out = join(OUT, 'heldout3', j.item.file);
      return { out, make: () => j.make(out) };
    }),
    JOBS,
    (done) => writeFileSync(join(OUT, 'manifest-heldout3.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/heldout3-set.ts', items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
  writeFileSync(join(OUT, 'heldout3', 'READY'), `${jobs.length} files, manifest-heldout3.json\n`);
  console.log(`heldout3: ${jobs.length} files in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

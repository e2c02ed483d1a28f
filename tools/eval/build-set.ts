// Builds the tempo/key evaluation sets (a DEVELOPMENT set to tune on and a
// separate TEST set to report) from Debian packages only:
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont mma \
//     openttd-openmsx planetblupi-music-midi freedink-data tecnoballz-data open-invaders-data
//   nice node --import tsx tools/eval/build-set.ts [--out test/output/eval] [--sec 30] [--jobs 2] [--split-only] [--mma-seed-salt S --link-from test/output/eval]
//
// Sources, each with its ground truth:
//  1. Songs written here for MMA (Debian `mma`, "Musical MIDI Accompaniment"):
//     a groove from MMA's standard library, a tempo, a key and a chord
//     progression in that key. Truth: the tempo of the groove's beat (quarter,
//     or dotted quarter for MMA's 6/8 grooves that count eighths) and the key
//     the progression is in. This is how the set gets 3/4, 6/8 and 12/8, 5/4,
//     swing, tempi above 160, soft-onset ballads (strings, voices, piano),
//     percussion-only grooves (chord "z": drums only; key truth: none) and
//     beatless intros (bars of a sustained "ooh" pad before the groove).
//  2. MIDI files shipped by Debian game packages that declare one constant
//     tempo and one key signature (tempo from the tempo meta event, compound
//     x/8 meters counted in dotted quarters; key from the key signature; a
//     declared C major is kept for tempo but not trusted for key, since many
//     sequencers write it by default; nor is a signature whose mode the notes
//     deny: the declared mode's third must sound longer in the score than the
//     other mode's, which blues under a major signature fail). Byte-identical
//     files are one source.
//  3. Variants: every render uses one of two SoundFonts (FluidR3_GM and
//     TimGM6mb); one variant per source is time-stretched (ffmpeg `atempo`,
//     pitch kept: tempo truth × factor) and pitch-shifted (ffmpeg
//     `rubberband`, tempo kept: key truth + semitones).
//  4. Real recordings: game music as shipped, played by a real player. ProTracker
//     modules from Debian game packages (tecnoballz-data, open-invaders-data)
//     decoded by ffmpeg's libopenmpt, where the score fixes the tempo exactly
//     (tools/eval/modfile.ts: one speed and one bpm throughout, no pattern
//     delays). The file gives rows per minute, not rows per beat: the truth is
//     rows/min ÷ 4 (the trackers' default beat of 4 rows) with
//     `bpmOctaveKnown: false`, so these count for Acc2 (octave errors allowed)
//     and not for Acc1. Plus tools/eval/real-annotations.json (tempo from the
//     score or from taps; none yet).
//
// Split (`split()`): deterministic and stratified. A UNIT is everything that
// shares material: an MMA groove family (all songs on that groove, e.g. the
// 8beat pop song and the 8beat drums-only track) with all their variants, one
// game MIDI (and byte-identical copies) with its variants, one drone, one real
// recording. Units never straddle the sets. They are placed one at a time
// (sources in a fixed order: MMA, game MIDI, drones, real; within a source the
// largest units first, then by id), each into the set and SoundFont order that
// leaves dev and test most alike on every per-file category: key mode
// (major / minor / none-or-untrusted), meter class (4/4, 3/4, 6/8 compound,
// odd), tempo band (< 90, 90–160, > 160 BPM), source, SoundFont and the
// musical category. No randomness: the same package contents give the same
// split, and units added later (real recordings) do not move earlier ones.
// OUT/split.json lists every unit with its set and its files' categories.
//
// Renders are MP3 192 kb/s, cut to --sec seconds (intros add their length),
// --jobs at a time (default 2: the machine is shared), dev first. Writes
// OUT/{dev,test}/*.mp3 and OUT/manifest.json (rewritten after every file, so
// a partial build is usable).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs, promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chordName, keyName, type Key } from '../../main/engine/analysis/keys';
import { constantTruth, parseMidi, type MidiInfo } from '../../test/helpers/midi';
import { modTruth } from './modfile';
import { renderTs5 } from './heldout5-synth';
import { compileMma, mmaSeed } from './mma-render';

/** true when this file is the program run (not imported by heldout-set.ts or a test: then its flags keep their defaults) */
const IS_MAIN = !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
const { values: args } = parseArgs({
  args: IS_MAIN ? process.argv.slice(2) : [],
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    sec: { type: 'string', default: '30' },
    jobs: { type: 'string', default: '2' },
    'split-only': { type: 'boolean', default: false },
    /** another realisation of the MMA songs (mmaSeed's salt; '' = the set of record); use with another --out */
    'mma-seed-salt': { type: 'string', default: '' },
    /** a built set (its OUT) whose game-MIDI, drone and module renders (the same bytes every build) are hard-linked, not rendered again */
    'link-from': { type: 'string', default: '' },
  },
});
const OUT = args.out;
const SEC = Number(args.sec);
const JOBS = Math.max(1, Number(args.jobs));
const SPLIT_ONLY = args['split-only'];
const MMA_SEED_SALT = args['mma-seed-salt'];
const LINK_FROM = args['link-from'];
/**
 * Every SoundFont an eval set renders with (dev/test: FluidR3_GM and TimGM6mb only, see SFS; the
 * held-out set of heldout-set.ts adds two that no other set uses: csound's sf_GMbank from Debian
 * `csound-soundfont` and the OPL3 FM SoundFont from `opl3-soundfont`).
 */
export const SOUNDFONTS = {
  fluidr3: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
  timgm6mb: '/usr/share/sounds/sf2/TimGM6mb.sf2',
  gmbank: '/usr/share/sounds/sf2/sf_GMbank.sf2',
  opl3: '/usr/share/sounds/sf2/OPL-3_FM_128M.sf2',
  /** dev2 (dev2-set.ts) and key-set: MuseScore_General_Lite from Debian `musescore-general-soundfont-small` */
  musescore: '/usr/share/sounds/sf3/MuseScore_General_Lite.sf3',
  /**
   * heldout2 (heldout2-set.ts) only: not a SoundFont but another synthesis engine — TiMidity++ (Debian `timidity`)
   * with the FreePats GUS patches (Debian `freepats`), through freepatsConfig(); render() runs timidity for it
   */
  freepats: '/etc/timidity/freepats.cfg',
  /**
   * heldout3 (heldout3-set.ts) only: no SoundFont either — Csound (Debian `csound`) playing the MIDI file with the
   * instruments of tools/eval/heldout3-synth.orc (FM, Karplus-Strong, filtered saws, formant choir, synthesized drums:
   * no sample at all), kit 1; render() runs csound for it
   */
  csfm: fileURLToPath(new URL('./heldout3-synth.orc', import.meta.url)),
  /** heldout3 only: the same orchestra's kit 2 (additive / wavetable keys, pulse plucks, other drum tunings) */
  csadd: fileURLToPath(new URL('./heldout3-synth.orc', import.meta.url)),
  /**
   * heldout4 (heldout4-set.ts) only: no SoundFont — ChucK (Debian `chuck`) playing the MIDI file with the Synthesis
   * ToolKit's physical and FM models (Rhodey, Mandolin, Bowed, Saxofony, VoicForm, Moog…) and the drum samples of
   * Debian `chuck-data`'s examples (tools/eval/heldout4-stk.ck), kit 1; render() runs chuck for it
   */
  stk1: fileURLToPath(new URL('./heldout4-stk.ck', import.meta.url)),
  /** heldout4 only: the same program's kit 2 (Wurley, StifKarp, FMVoices, Clarinet, HevyMetl…; the other drum samples) */
  stk2: fileURLToPath(new URL('./heldout4-stk.ck', import.meta.url)),
  /**
   * heldout5 (heldout5-set.ts) only: no SoundFont — a synthesizer written in TypeScript (tools/eval/heldout5-synth.ts:
   * FM, Karplus–Strong, additive and subtractive voices per GM family) with the AVL Drumkits' samples of Debian
   * `avldrums.lv2-soundfont` on channel 10 (Black Pearl) and hand percussion synthesised there, kit 1; render() runs it
   */
  ts5a: fileURLToPath(new URL('./heldout5-synth.ts', import.meta.url)),
  /** heldout5 only: the same synthesizer's kit 2 (additive keys, pulse plucks, FM brass, an additive choir; Red Zeppelin drums) */
  ts5b: fileURLToPath(new URL('./heldout5-synth.ts', import.meta.url)),
};
export type SoundFont = keyof typeof SOUNDFONTS;
const MIDI_PACKAGES = ['openttd-openmsx', 'planetblupi-music-midi', 'freedink-data'];
const MODULE_PACKAGES = ['tecnoballz-data', 'open-invaders-data'];

/**
 * tune-midi: a folk tune written in ABC (Debian abcmidi/abcm2ps examples) made MIDI by abc2midi (held-out set only);
 * score-midi: a notation program's demo score made MIDI by MuseScore (heldout2 only); lmms: an excerpt of an LMMS demo
 * project with drums, rendered by LMMS at the project's tempo (heldout3 only)
 */
export type Category = 'pop4' | 'triple' | 'compound' | 'odd' | 'swing' | 'fast' | 'soft' | 'percussion' | 'intro' | 'game-midi' | 'tune-midi' | 'score-midi' | 'lmms' | 'real' | 'beatless';
/** 4/4 (and 2/4), 3/4, 6/8 (compound: 6/8, 12/8), odd (5/4, 6/4, 7/8), none (no beat), unknown (a module: the file does not say) */
export type MeterClass = '4/4' | '3/4' | '6/8' | 'odd' | 'none' | 'unknown';
/**
 * midi: a MIDI song file that is neither a game's nor made from ABC (MMA's examples, dev2-set.ts); score: a demo score
 * of MuseScore made MIDI by mscore3 (heldout2); hydrogen: a Hydrogen drum-machine demo song exported by h2cli with one
 * of Hydrogen's sampled drum kits (heldout2; `kit` names it, `soundfont` is null); lmms: an LMMS demo project rendered by
 * LMMS itself (heldout3, tempo-lmms; `soundfont` is null)
 */
export type SourceKind = 'mma' | 'game-midi' | 'abc' | 'midi' | 'score' | 'hydrogen' | 'lmms' | 'real' | 'drone';

/** One evaluation item as written to manifest.json. */
export interface EvalItem {
  set: 'dev' | 'test' | 'heldout' | 'dev2' | 'heldout2' | 'heldout3' | 'heldout4' | 'heldout5' | 'compound' | 'soft' | 'lmms' | 'drums' | 'drums2';
  /** file name under OUT/<set>/ */
  file: string;
  source: string;
  category: Category;
  /** beats per minute of the beat a listener taps (quarter, or dotted quarter in compound meters); null: no beat (a drone) */
  bpm: number | null;
  /** false: `bpm` is right only up to the metrical level (×2, ×½): score it by Acc2, not Acc1 (modules); absent: true */
  bpmOctaveKnown?: boolean;
  /** why a file with a beat has no tempo truth (bpm null, not scored for tempo): see LIVE_PLAYED_MIDI */
  bpmUnknown?: string;
  /** beats per bar of that beat: 2, 3 or 4 (5 or 6 for odd meters counted in quarters; 0: no beat) */
  meter: number;
  meterClass: MeterClass;
  sourceKind: SourceKind;
  /** null: no key (percussion only) */
  key: Key | null;
  /** false when the declared key is untrusted (default C major in a game MIDI): left out of key scores */
  keyTrusted: boolean;
  soundfont: SoundFont | null;
  /** the Hydrogen drum kit a `hydrogen` file was exported with (heldout2-set.ts) */
  kit?: string;
  /** ffmpeg atempo factor applied (1: none) and semitones of pitch shift */
  stretch: number;
  shift: number;
  /** seconds of beatless intro at the start (0: none) */
  introSec: number;
}

// ---- MMA songs -----------------------------------------------------------------------------
export interface Song {
  groove: string;
  tempo: number;
  /** MMA beats per listener beat (3 for the 6/8 grooves that count eighths, 2 for ballad68, whose docs say "4 beats to the bar … multiply the real tempo by 2") */
  per?: number;
  meter: number;
  key: Key;
  cat: Category;
  introBars?: number;
}
export const maj = (t: number): Key => ({ tonic: t, mode: 'major' });
export const min = (t: number): Key => ({ tonic: t, mode: 'minor' });
// Which set each song goes to is decided by split(), not by its place here.
export const SONGS: Song[] = [
  { groove: '8beat', tempo: 96, meter: 4, key: maj(7), cat: 'pop4' },
  { groove: 'softrock', tempo: 84, meter: 4, key: min(4), cat: 'pop4' },
  { groove: 'basicrock', tempo: 128, meter: 4, key: maj(2), cat: 'pop4' },
  { groove: '50srock', tempo: 150, meter: 4, key: maj(9), cat: 'pop4' },
  { groove: 'trance', tempo: 138, meter: 4, key: min(9), cat: 'pop4' },
  { groove: 'R&B', tempo: 72, meter: 4, key: min(2), cat: 'pop4' },
  { groove: 'bossanova', tempo: 132, meter: 4, key: maj(5), cat: 'pop4' },
  { groove: 'samba', tempo: 104, meter: 4, key: maj(10), cat: 'pop4' },
  { groove: 'folkrock', tempo: 118, meter: 4, key: maj(4), cat: 'pop4' },
  { groove: 'jazzrock', tempo: 110, meter: 4, key: min(7), cat: 'pop4' },
  { groove: 'waltz', tempo: 150, meter: 3, key: maj(0), cat: 'triple' },
  { groove: 'jazzwaltz', tempo: 126, meter: 3, key: min(11), cat: 'triple' },
  { groove: 'countrywaltz', tempo: 96, meter: 3, key: maj(2), cat: 'triple' },
  { groove: 'frenchwaltz', tempo: 160, meter: 3, key: min(4), cat: 'triple' },
  { groove: 'rockwaltz', tempo: 90, meter: 3, key: maj(3), cat: 'triple' },
  { groove: 'vienesewaltz', tempo: 174, meter: 3, key: maj(8), cat: 'triple' },
  { groove: 'ballad68', tempo: 128, per: 2, meter: 2, key: maj(5), cat: 'compound' },
  { groove: '68swing', tempo: 330, per: 3, meter: 2, key: maj(10), cat: 'compound' },
  { groove: '68march', tempo: 116, meter: 2, key: maj(3), cat: 'compound' },
  { groove: 'blues68', tempo: 240, per: 3, meter: 2, key: min(9), cat: 'compound' },
  { groove: 'Rock128', tempo: 76, meter: 4, key: maj(7), cat: 'compound' },
  { groove: 'blues128', tempo: 58, meter: 4, key: min(0), cat: 'compound' },
  { groove: 'swing', tempo: 132, meter: 4, key: maj(5), cat: 'swing' },
  { groove: 'easyswing', tempo: 112, meter: 4, key: maj(10), cat: 'swing' },
  { groove: 'jazzcombo', tempo: 140, meter: 4, key: maj(3), cat: 'swing' },
  { groove: 'bigband', tempo: 156, meter: 4, key: maj(8), cat: 'swing' },
  { groove: 'shuffleboggie', tempo: 120, meter: 4, key: maj(7), cat: 'swing' },
  { groove: 'countryswing', tempo: 100, meter: 4, key: maj(2), cat: 'swing' },
  { groove: 'fastswing', tempo: 208, meter: 4, key: maj(0), cat: 'fast' },
  { groove: 'quickstep', tempo: 200, meter: 4, key: maj(7), cat: 'fast' },
  { groove: 'polka', tempo: 176, meter: 4, key: maj(5), cat: 'fast' },
  { groove: 'fastblues', tempo: 186, meter: 4, key: maj(9), cat: 'fast' },
  { groove: 'ska', tempo: 168, meter: 4, key: min(7), cat: 'fast' },
  { groove: 'charleston', tempo: 192, meter: 4, key: maj(10), cat: 'fast' },
  { groove: 'stringballad', tempo: 70, meter: 4, key: maj(2), cat: 'soft' },
  { groove: 'pianoballad', tempo: 66, meter: 4, key: min(5), cat: 'soft' },
  { groove: 'slowspiritual', tempo: 80, meter: 4, key: maj(7), cat: 'soft' },
  { groove: 'hymn', tempo: 88, meter: 4, key: maj(3), cat: 'soft' },
  { groove: 'lullaby', tempo: 76, meter: 4, key: maj(0), cat: 'soft' },
  { groove: 'popballad', tempo: 78, meter: 4, key: min(1), cat: 'soft' },
  { groove: '8beat', tempo: 100, meter: 4, key: maj(0), cat: 'percussion' },
  { groove: 'basicrock', tempo: 124, meter: 4, key: maj(0), cat: 'percussion' },
  { groove: 'samba', tempo: 96, meter: 4, key: maj(0), cat: 'percussion' },
  { groove: 'swing', tempo: 144, meter: 4, key: maj(0), cat: 'percussion' },
  { groove: 'waltz', tempo: 138, meter: 3, key: maj(0), cat: 'percussion' },
  { groove: 'trance', tempo: 130, meter: 4, key: maj(0), cat: 'percussion' },
  { groove: 'softrock', tempo: 92, meter: 4, key: maj(7), cat: 'intro', introBars: 4 },
  { groove: 'R&B', tempo: 86, meter: 4, key: min(4), cat: 'intro', introBars: 4 },
  { groove: 'basicrock', tempo: 116, meter: 4, key: maj(9), cat: 'intro', introBars: 6 },
  { groove: 'jazzwaltz', tempo: 150, meter: 3, key: maj(5), cat: 'intro', introBars: 6 },
  { groove: 'Jazz54', tempo: 168, meter: 5, key: maj(3), cat: 'odd' },
  { groove: 'Jazz54Walk', tempo: 112, meter: 5, key: min(2), cat: 'odd' },
];
/** Songs on one groove (or its walk/sus variation) share their drum and bass parts: one split unit. */
export const grooveFamily = (g: string) => g.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/(walk|sus)$/, '');

/** A 4-bar progression in `key`, one chord per bar (MMA chord names). */
export function progression(key: Key, i: number): string[] {
  const t = key.tonic;
  if (key.mode === 'major') {
    const p = [
      [chordName(t, false), chordName(t + 9, true), chordName(t + 5, false), chordName(t + 7, false)],
      [chordName(t, false), chordName(t + 5, false), chordName(t + 7, false) + '7', chordName(t, false)],
    ];
    return p[i % 2];
  }
  const p = [
    [chordName(t, true), chordName(t + 5, true), chordName(t + 7, false) + '7', chordName(t, true)],
    [chordName(t, true), chordName(t + 8, false), chordName(t + 3, false), chordName(t + 7, false) + '7'],
  ];
  return p[i % 2];
}

/** The MMA source of SONGS[i] (`s`) with bars enough for `sec` seconds after its intro; introSec: the intro's length in seconds. */
export function mmaSource(s: Song, i: number, sec: number): { text: string; introSec: number } {
  const per = s.per ?? 1;
  const beatsPerBar = s.meter * per; // MMA beats
  const barSec = (beatsPerBar * 60) / s.tempo;
  const intro = s.introBars ?? 0;
  const bars = intro + Math.ceil(sec / barSec) + 1;
  const sig = `${keyName(s.key).split(' ')[0].replace('#', '#')} ${s.key.mode}`;
  const lines = [`Tempo ${s.tempo}`, `KeySig ${sig}`];
  const prog = progression(s.key, i);
  let bar = 1;
  if (intro) {
    lines.push('Groove StringBalladVoice', 'Bass Off', 'Chord-Sus Off');
    for (let b = 0; b < intro; b++) lines.push(`${bar++} ${prog[b % 4]}`);
    lines.push('Bass On', 'Chord-Sus On');
  }
  lines.push(`Groove ${s.groove}`);
  for (let b = 0; b < bars - intro; b++) lines.push(`${bar++} ${s.cat === 'percussion' ? 'z' : prog[b % 4]}`);
  // the intro's bars last 4 MMA beats each (StringBallad is 4/4) at the song's tempo
  return { text: lines.join('\n') + '\n', introSec: (intro * 4 * 60) / s.tempo };
}

// ---- rendering -----------------------------------------------------------------------------
const run = promisify(execFile);

/**
 * A TiMidity++ configuration for the FreePats patch set (Debian `freepats`: /etc/timidity/freepats.cfg, 71 of the 128
 * General MIDI programs, drum set 0) in which every missing program plays the nearest present one of its GM family of
 * eight (else the nearest present program): for a program FreePats lacks (GM 52 Choir Aahs, the 89–95 pads…)
 * TiMidity++ loads the SoundFont of the system's default configuration (Debian: FluidR3_GM, through
 * /etc/timidity/timidity.cfg), so a render "with FreePats" would mix in FluidR3's samples. Written once into `dir`
 * (default: the system's temporary folder) as freepats-full.cfg; returns its path. Throws when freepats.cfg is missing
 * (install timidity and freepats).
 */
export function freepatsConfig(dir = tmpdir()): string {
  const path = join(dir, 'freepats-full.cfg');
  if (existsSync(path)) return path;
  const cfg = readFileSync(SOUNDFONTS.freepats, 'latin1');
  const melodic = cfg.slice(cfg.indexOf('bank 0'), cfg.indexOf('drumset 0') > cfg.indexOf('bank 0') ? cfg.indexOf('drumset 0') : undefined);
  const present = new Map<number, string>();
  for (const m of melodic.matchAll(/^\s*(\d+)\s+(\S+\.pat)/gm)) present.set(Number(m[1]), m[2]);
  const fill: string[] = [];
  for (let p = 0; p < 128; p++) {
    if (present.has(p)) continue;
    const fam = [...present.keys()].filter((q) => Math.floor(q / 8) === Math.floor(p / 8));
    const pool = fam.length ? fam : [...present.keys()];
    const near = pool.reduce((a, b) => (Math.abs(b - p) < Math.abs(a - p) ? b : a));
    fill.push(` ${p}\t${present.get(near)}`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.part`, `source ${SOUNDFONTS.freepats}\ndir /usr/share/midi/freepats\nbank 0\n${fill.join('\n')}\n`);
  renameSync(`${path}.part`, path);
  return path;
}

/**
 * 16-bit little-endian PCM scaled so that its peak is −1 dBFS (a gain of at most 24 dB; silence stays silence).
 * heldout4's ChucK renders only.
 */
export function peakNormalise(pcm: Buffer): Buffer {
  const n = pcm.length >> 1;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(pcm.readInt16LE(2 * i)));
  if (peak === 0) return Buffer.from(pcm);
  const g = Math.min(16, (0.891 * 32767) / peak);
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(pcm.readInt16LE(2 * i) * g))), 2 * i);
  return out;
}

/** fluidsynth render of `mid` with `sf`, then ffmpeg: optional stretch/shift, cut to `sec`, MP3 192 kb/s. */
export async function render(mid: string, sf: SoundFont, out: string, sec: number, stretch: number, shift: number): Promise<void> {
  const raw = `${out}.raw`;
  // fluidsynth writes raw float; `head` stops it once enough audio (before stretching) is there.
  const bytes = Math.ceil(sec * stretch + 2) * 44100 * 2 * 4;
  // an SF3 (Ogg-compressed samples) is decoded whole at load unless only the samples played are loaded: the same audio, ~half the CPU
  const lazy = SOUNDFONTS[sf].endsWith('.sf3') ? '-o synth.dynamic-sample-loading=1 ' : '';
  let pcm = 'f32le';
  if (sf === 'freepats') {
    // TiMidity++ writes 16-bit signed stereo (its own envelopes, reverb and chorus: another engine, not only other samples)
    pcm = 's16le';
    await run('bash', ['-c', `timidity -c '${freepatsConfig()}' -Or -s 44100 --output-stereo --output-16bit --output-signed -o - '${mid}' 2>/dev/null | head -c ${bytes / 2} > '${raw}'`]);
  } else if (sf === 'csfm' || sf === 'csadd') {
    // Csound plays the MIDI file for the score's length (f0), 32-bit float raw, kit 1 or 2 of heldout3-synth.orc
    const sco = `${out}.sco`;
    writeFileSync(sco, `f0 ${Math.ceil(sec * stretch + 2)}\n`);
    await run('csound', ['-d', '-m0', `--omacro:KIT=${sf === 'csfm' ? 1 : 2}`, '-F', mid, '-h', '--format=float', '-o', raw, SOUNDFONTS[sf], sco], { maxBuffer: 1 << 26 });
    rmSync(sco, { force: true });
  } else if (sf === 'stk1' || sf === 'stk2') {
    // ChucK plays the MIDI file (silent mode: no audio device, faster than real time) and writes 16-bit stereo WAV
    const wav = `${out}.wav`;
    const data = '/usr/share/doc/chuck-data/examples';
    await run('chuck', ['--silent', '--srate:44100', `${SOUNDFONTS[sf]}:${mid}:${sf === 'stk1' ? 1 : 2}:${wav}:${Math.ceil(sec * stretch + 2)}:${data}`], { maxBuffer: 1 << 26 });
    if (!existsSync(wav)) throw new Error(`chuck wrote no ${wav}`);
    // skip the 44-byte header: the samples as raw s16le, so the rest of render() is the same for every engine; the
    // models' levels differ by tens of dB (a ModalBar tom, a Shakers triangle), so the peak is brought to −1 dBFS
    writeFileSync(raw, peakNormalise(readFileSync(wav).subarray(44)));
    rmSync(wav, { force: true });
    pcm = 's16le';
  } else if (sf === 'ts5a' || sf === 'ts5b') {
    // the TypeScript synthesizer of heldout5-synth.ts: 16-bit stereo, peak at −1 dBFS, the same bytes every run
    writeFileSync(raw, renderTs5(mid, sf, Math.ceil(sec * stretch + 2)));
    pcm = 's16le';
  } else await run('bash', ['-c', `fluidsynth -ni -q ${lazy}-F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${SOUNDFONTS[sf]}' '${mid}' 2>/dev/null | head -c ${bytes} > '${raw}'`]);
  const filters: string[] = [];
  if (shift) filters.push(`rubberband=pitch=${Math.pow(2, shift / 12).toFixed(6)}`);
  if (stretch !== 1) filters.push(`atempo=${stretch}`);
  const af = filters.length ? ['-af', filters.join(',')] : [];
  // -threads 1: at most --jobs cores in use, whatever ffmpeg would pick
  await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-f', pcm, '-ar', '44100', '-ac', '2', '-i', raw, ...af, '-t', String(sec), '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
  renameSync(`${out}.part`, out);
  rmSync(raw, { force: true });
}

// ---- beatless drones: chord tones (Hz), breathing rate (Hz), noise colour and level
const DRONES: Drone[] = [
  { hz: [98, 146.8, 196, 246.9], lfo: 0.05, noise: 'pink', amp: 0.01 },
  { hz: [110, 164.8, 220, 261.6], lfo: 0.08, noise: 'brown', amp: 0.03 },
  { hz: [73.4, 110, 146.8, 185], lfo: 0.11, noise: 'white', amp: 0.003 },
  { hz: [130.8, 196, 261.6, 311.1], lfo: 0.06, noise: 'pink', amp: 0.02 },
  { hz: [82.4, 123.5, 164.8, 207.7], lfo: 0.09, noise: 'brown', amp: 0.02 },
  { hz: [116.5, 174.6, 233.1, 293.7], lfo: 0.04, noise: 'pink', amp: 0.005 },
];

// ---- real recordings
// real-annotations.json: [{ path, bpm, meter, start }] — tempo annotated by a person tapping
// along (or from the score); start: seconds into the file where the --sec excerpt begins.
// EMPTY so far: the annotations must come from listening, which this machine cannot do, and an
// envelope-plot "annotation" would only repeat what an onset detector sees.
interface Real {
  path: string;
  bpm: number;
  meter: number;
  /** the beat is a dotted quarter (x/8 compound meter) */
  compound?: boolean;
  start: number;
  /** the key, where the score states it */
  key?: Key;
}
const REAL: Real[] = JSON.parse(readFileSync(new URL('./real-annotations.json', import.meta.url), 'utf8'));


// ---- plan: every file to make, grouped into split units -------------------------------------
/** One file to make, before the split decides its set (and, for renders, its SoundFont). */
interface PlannedFile {
  /** file name without the SoundFont part: `${stem}-${sf}${suffix}.mp3` */
  stem: string;
  suffix: string;
  /** which of the unit's two SoundFonts (0: the unit's first, 1: its second); null: not a render */
  sfSlot: 0 | 1 | null;
  /** the key mode the split balances (default: the scored one, modeOf(item)) */
  splitMode?: 'major' | 'minor' | 'none';
  /** the tempo the split balances (default: item.bpm; a live-played MIDI's declared tempo, so dropping its truth does not move the split) */
  splitBpm?: number;
  item: Omit<EvalItem, 'set' | 'file' | 'soundfont'>;
  /** makes the file at `out` with SoundFont `sf` (null for non-renders) */
  make: (out: string, sf: SoundFont | null) => Promise<void>;
}
interface Unit {
  /** e.g. "mma:basicrock", "game-midi:openmsx/moo_redfarn", "drone:2", "real:<path>" */
  id: string;
  kind: SourceKind;
  /** the songs (sources) in it */
  members: string[];
  files: PlannedFile[];
}

export type TempoBand = '<90' | '90-160' | '>160' | 'none';
export const tempoBand = (bpm: number | null): TempoBand => (bpm == null ? 'none' : bpm < 90 ? '<90' : bpm <= 160 ? '90-160' : '>160');
/** key mode as the split balances it: files whose key is not scored count as "none" */
export const modeOf = (it: { key: Key | null; keyTrusted: boolean }) => (it.key && it.keyTrusted ? it.key.mode : 'none');

function planMma(work: string): Unit[] {
  const byFamily = new Map<string, Unit>();
  SONGS.forEach((s, i) => {
    const name = `mma-${s.cat}-${s.groove.toLowerCase().replace(/[^a-z0-9]/g, '')}-${s.tempo}`;
    const { text, introSec } = mmaSource(s, i, SEC + 8);
    const mid = join(work, `${name}.mid`);
    const fam = grooveFamily(s.groove);
    const unit = byFamily.get(fam) ?? { id: `mma:${fam}`, kind: 'mma' as const, members: [], files: [] };
    byFamily.set(fam, unit);
    unit.members.push(name);
    const bpm = s.tempo / (s.per ?? 1);
    const sec = SEC + introSec;
    const meterClass: MeterClass = s.cat === 'compound' ? '6/8' : s.meter === 3 ? '3/4' : s.meter === 4 || s.meter === 2 ? '4/4' : 'odd';
    // two plain renders (one per SoundFont) and a stretched + shifted one with the first SoundFont
    const variants: [0 | 1, number, number][] = [
      [0, 1, 0],
      [1, 1, 0],
      [0, [0.92, 1.08, 0.88, 1.12][i % 4], [-2, 3, -3, 2, 1][i % 5]],
    ];
    for (const [sfSlot, stretch, shift] of variants) {
      const key = s.cat === 'percussion' ? null : { tonic: (((s.key.tonic + shift) % 12) + 12) % 12, mode: s.key.mode };
      unit.files.push({
        stem: name,
        suffix: `${stretch !== 1 ? `-x${stretch}` : ''}${shift ? `-s${shift}` : ''}`,
        sfSlot,
        item: { source: name, category: s.cat, bpm: Math.round(bpm * stretch * 100) / 100, meter: s.meter, meterClass, sourceKind: 'mma', key, keyTrusted: key !== null, stretch, shift, introSec: introSec / stretch },
        make: async (out, sf) => {
          if (!existsSync(mid)) compileMma(text, name, work, mmaSeed(name, MMA_SEED_SALT));
          await render(mid, sf!, out, sec, stretch, shift);
        },
      });
    }
  });
  return [...byFamily.values()];
}

/**
 * Game MIDIs recorded live (freedink-data's Sound/*.mid: notes played in without a click and
 * not quantised), whose declared tempo is not the beat that sounds, so they get no tempo truth
 * (bpm null; key and meter kept). Measured from the score (the note-on times in seconds over the
 * rendered 30 s, velocity-weighted, a Gaussian-smoothed pulse train): its autocorrelation
 * summed at 1–8 beat periods of the declared tempo is 0.00–0.02 for these, against 0.47–0.80 for
 * every other game MIDI of either set; its best period within ±10 % of the declared tempo sits at
 * −5.4 % (insper, 94.6 vs 100), +3.1 % (2, 121.6 vs 118), +2.4 % (lively), −2.7 % (love), and
 * 1003's notes group in threes of eighths (bass 1+1+1+3+3+3 eighths per 12/8 bar: its beat is
 * the dotted quarter, ≈ 148, not the declared 218 quarter), where every peer and the studio agree
 * with the score, not with the header. Only a tempo map that the notes follow is a truth.
 */
export const LIVE_PLAYED_MIDI: Record<string, string> = {
  'Sound/1003.mid': 'played in live, not quantised; notes group as 12/8 (dotted-quarter beat ≈ 148), header says 218 in 4/4',
  'Sound/2.mid': 'played in live, not quantised; the notes run ≈ 3 % faster than the declared 118',
  'Sound/insper.mid': 'played in live, not quantised; the notes run ≈ 5 % slower than the declared 100',
  'Sound/lively.mid': 'played in live, not quantised; the notes do not follow the declared 100',
  'Sound/love.mid': 'played in live, not quantised; the notes do not follow the declared 100',
};

/**
 * The tempo, meter and key truth of a MIDI file under this set's rules: one tempo (declared at the
 * start) and one key signature throughout (test/helpers/midi.ts constantTruth), at least `minSec`
 * long; compound x/8 meters (6/8, 9/8, 12/8) counted in dotted quarters (bpm × 2/3, meter = num / 3).
 * `declared`: the signature is not C major (many sequencers write C major by default, so it is no
 * declaration); `trusted` (the key is scored): declared, and the score agrees with the signature's
 * mode — the declared mode's third (major or minor above the tonic) sounds longer than the other
 * mode's third (blues under a major signature, b3 throughout, fail this and are kept for tempo only).
 * Returns { reason } for a file outside these rules.
 */
export function midiTruth(info: MidiInfo, minSec: number): { bpm: number; meter: number; meterClass: MeterClass; key: Key; declared: boolean; trusted: boolean } | { reason: string } {
  const t = constantTruth(info);
  if ('reason' in t) return t;
  if (t.durationSec < minSec) return { reason: `${t.durationSec.toFixed(1)} s, under ${minSec} s` };
  const ts = info.timeSigs[0];
  const compound = !!ts && ts.den === 8 && ts.num % 3 === 0 && ts.num > 3;
  const num = ts?.num ?? 4;
  const meter = compound ? num / 3 : num;
  const meterClass: MeterClass = compound ? '6/8' : num === 3 ? '3/4' : num === 2 || num === 4 ? '4/4' : 'odd';
  const bpm = compound ? (t.bpm * 2) / 3 : t.bpm;
  const declared = !(t.tonic === 0 && t.mode === 'major');
  const pcq = info.pcQuarters;
  const third = (semis: number) => pcq[(t.tonic + semis) % 12];
  const agrees = t.mode === 'major' ? third(4) > third(3) : third(3) > third(4);
  return { bpm, meter, meterClass, key: { tonic: t.tonic, mode: t.mode }, declared, trusted: declared && agrees };
}

function planGameMidi(): Unit[] {
  const mids: string[] = [];
  for (const p of MIDI_PACKAGES) {
    try {
      mids.push(...execFileSync('dpkg', ['-L', p], { encoding: 'utf8' }).split('\n').filter((l) => /\.midi?$/i.test(l)));
    } catch {
      console.error(`(package ${p} is not installed: skipped)`);
    }
  }
  const units: Unit[] = [];
  const seen = new Set<string>();
  let g = 0;
  for (const mid of mids.sort()) {
    let bytes: Buffer;
    let truth: ReturnType<typeof midiTruth>;
    try {
      bytes = readFileSync(mid);
      truth = midiTruth(parseMidi(bytes), SEC);
    } catch {
      continue;
    }
    if ('reason' in truth) continue;
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (seen.has(hash)) continue; // the same tune shipped twice is one source
    seen.add(hash);
    const { bpm, meter, meterClass, key: t, declared, trusted } = truth;
    const name = `midi-${basename(join(mid, '..'))}-${basename(mid).replace(/\.midi?$/i, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const live = LIVE_PLAYED_MIDI[mid.split('/').slice(-2).join('/')];
    const variants: [0 | 1, number, number][] = [
      [0, 1, 0],
      [1, [1.1, 0.9, 1.06, 0.94][g % 4], [2, -1, -3, 1, 3][g % 5]],
    ];
    units.push({
      id: `game-midi:${mid.split('/').slice(-2).join('/')}`,
      kind: 'game-midi',
      members: [name],
      files: variants.map(([sfSlot, stretch, shift]) => ({
        stem: name,
        suffix: `${stretch !== 1 ? `-x${stretch}` : ''}${shift ? `-s${shift}` : ''}`,
        sfSlot,
        splitMode: declared ? t.mode : 'none',
        splitBpm: bpm * stretch,
        item: { source: name, category: 'game-midi', bpm: live ? null : Math.round(bpm * stretch * 100) / 100, ...(live ? { bpmUnknown: live } : {}), meter, meterClass, sourceKind: 'game-midi', key: { tonic: (((t.tonic + shift) % 12) + 12) % 12, mode: t.mode }, keyTrusted: trusted, stretch, shift, introSec: 0 },
        make: (out: string, sf: SoundFont | null) => render(mid, sf!, out, SEC, stretch, shift),
      })),
    });
    g++;
  }
  return units;
}

/** A beatless drone: chord tones (Hz), breathing rate (Hz), noise colour (ffmpeg anoisesrc) and level. */
export interface Drone {
  hz: number[];
  lfo: number;
  noise: string;
  amp: number;
}
/** Writes drone `d` to `out` (`sec` s, MP3 192 kb/s): each tone with partials at ×2.003 and ×2.997, breathing at d.lfo, over noise; ffmpeg only. */
export async function makeDrone(d: Drone, out: string, sec: number): Promise<void> {
  const voices = d.hz.map((f) => `sin(2*PI*${f}*t)+0.5*sin(2*PI*${(f * 2.003).toFixed(3)}*t)+0.3*sin(2*PI*${(f * 2.997).toFixed(3)}*t)`).join('+');
  await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-f', 'lavfi', '-i', `aevalsrc='0.04*(${voices})*(0.65+0.35*sin(2*PI*${d.lfo}*t))':s=44100:d=${sec}`,
    '-f', 'lavfi', '-i', `anoisesrc=c=${d.noise}:a=${d.amp}:d=${sec}:r=44100`, '-filter_complex', '[0][1]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo',
    '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
  renameSync(`${out}.part`, out);
}

/** Beatless drones (no tempo, no key truth): sustained chords breathing slowly over noise, made by ffmpeg. */
function planDrones(): Unit[] {
  return DRONES.map((d, i) => ({
    id: `drone:${i}`,
    kind: 'drone' as const,
    members: [`drone-${i}`],
    files: [
      {
        stem: `drone-${i}`,
        suffix: '',
        sfSlot: null,
        item: { source: `drone ${d.hz.join('/')} Hz`, category: 'beatless' as const, bpm: null, meter: 0, meterClass: 'none' as const, sourceKind: 'drone' as const, key: null, keyTrusted: false, stretch: 1, shift: 0, introSec: 0 },
        make: (out: string) => makeDrone(d, out, SEC),
      },
    ],
  }));
}

function planReal(): Unit[] {
  const units: Unit[] = [];
  const mods: string[] = [];
  for (const p of MODULE_PACKAGES) {
    try {
      mods.push(...execFileSync('dpkg', ['-L', p], { encoding: 'utf8' }).split('\n').filter((l) => /\.mod$/i.test(l)));
    } catch {
      console.error(`(package ${p} is not installed: skipped)`);
    }
  }
  const seen = new Set<string>();
  for (const path of mods.sort()) {
    const bytes = readFileSync(path);
    const t = modTruth(bytes);
    const hash = createHash('sha256').update(bytes).digest('hex');
    if ('reason' in t || t.lengthSec < SEC || seen.has(hash)) continue;
    seen.add(hash);
    const stem = `real-mod-${basename(join(path, '..'))}-${basename(path).replace(/\.mod$/i, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
    units.push({
      id: `real:${path}`,
      kind: 'real',
      members: [stem],
      files: [
        {
          stem,
          suffix: '',
          sfSlot: null,
          item: { source: path, category: 'real', bpm: Math.round((t.rowsPerMinute / 4) * 100) / 100, bpmOctaveKnown: false, meter: 0, meterClass: 'unknown', sourceKind: 'real', key: null, keyTrusted: false, stretch: 1, shift: 0, introSec: 0 },
          make: async (out: string) => {
            // ffmpeg's libopenmpt demuxer plays the module (as a module player would), first SEC seconds
            await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-i', path, '-t', String(SEC), '-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
            renameSync(`${out}.part`, out);
          },
        },
      ],
    });
  }
  for (const r of REAL) {
    if (!existsSync(r.path)) {
      console.error(`(real recording ${r.path} missing: skipped)`);
      continue;
    }
    const stem = `real-${basename(r.path).replace(/\.[^.]+$/, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const meterClass: MeterClass = r.meter === 3 ? '3/4' : r.meter === 2 || r.meter === 4 ? '4/4' : 'odd';
    units.push({
      id: `real:${r.path}`,
      kind: 'real',
      members: [stem],
      files: [
        {
          stem,
          suffix: '',
          sfSlot: null,
          item: { source: r.path, category: 'real', bpm: r.bpm, meter: r.meter, meterClass: r.compound ? '6/8' : meterClass, sourceKind: 'real', key: r.key ?? null, keyTrusted: !!r.key, stretch: 1, shift: 0, introSec: 0 },
          make: async (out: string) => {
            await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-ss', String(r.start), '-t', String(SEC), '-i', r.path, '-ac', '2', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
            renameSync(`${out}.part`, out);
          },
        },
      ],
    });
  }
  return units;
}

// ---- split ---------------------------------------------------------------------------------
interface Placed {
  unit: Unit;
  set: 'dev' | 'test';
  /** the SoundFont of sfSlot 0 (slot 1 gets the other) */
  sf0: SoundFont;
}
const SFS: SoundFont[] = ['fluidr3', 'timgm6mb'];
const sfOf = (f: PlannedFile, sf0: SoundFont): SoundFont | null => (f.sfSlot === null ? null : f.sfSlot === 0 ? sf0 : SFS[1 - SFS.indexOf(sf0)]);
/** The per-file categories the split balances. */
function facets(f: PlannedFile, sf: SoundFont | null): string[] {
  const it = f.item;
  return [`mode:${f.splitMode ?? modeOf(it)}`, `meter:${it.meterClass}`, `tempo:${tempoBand(f.splitBpm ?? it.bpm)}`, `source:${it.sourceKind}`, `soundfont:${sf ?? 'none'}`, `category:${it.category}`, 'all'];
}

/**
 * Deterministic stratified split. Cost: Σ over categories of (dev count − test count)²
 * (the musical category weighs ½).
 * Units are placed one at a time (sources in a fixed order, the largest units first, then
 * by id), each to the set and SoundFont order of least cost (ties: dev, FluidR3 first);
 * then, among the units of the same source, single moves and pairwise swaps that lower the
 * cost are made until none does. The same is repeated from 60 other placing orders
 * (shuffles within each source by a fixed-seed generator) and the split of least cost kept
 * (first found on ties), so the result is the same on every run.
 */
export function split(units: Unit[]): Placed[] {
  const order: SourceKind[] = ['mma', 'game-midi', 'drone'];
  const sorted = units.filter((u) => u.kind !== 'real').sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || b.files.length - a.files.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let best: { placed: Placed[]; cost: number } | null = null;
  let seed = 0x2f6b1d;
  const rand = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let r = 0; r <= 60; r++) {
    const o = [...sorted];
    if (r > 0)
      for (const kind of order) {
        const idx = o.map((u, i) => (u.kind === kind ? i : -1)).filter((i) => i >= 0);
        for (let k = idx.length - 1; k > 0; k--) {
          const m = Math.floor(rand() * (k + 1));
          [o[idx[k]], o[idx[m]]] = [o[idx[m]], o[idx[k]]];
        }
      }
    const res = placeInOrder(o, []);
    if (!best || res.cost < best.cost) best = res;
  }
  // Real recordings come after, around the renders' split as it stands (adding one moves no render).
  const real = units.filter((u) => u.kind === 'real').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return real.length ? placeInOrder(real, best!.placed).placed : best!.placed;
}

/** Place `sorted` one by one around the `fixed` units (which never move), then improve the placed ones by moves and swaps. */
function placeInOrder(sorted: Unit[], fixed: Placed[]): { placed: Placed[]; cost: number } {
  const diff = new Map<string, number>(); // dev − test per category
  const add = (p: { unit: Unit; set: 'dev' | 'test'; sf0: SoundFont }, sign: number) => {
    for (const f of p.unit.files) for (const k of facets(f, sfOf(f, p.sf0))) diff.set(k, (diff.get(k) ?? 0) + sign * (p.set === 'dev' ? 1 : -1));
  };
  // the musical category (pop, waltz, swing…) counts half: key mode, meter, tempo band, source and SoundFont come first
  const cost = () => {
    let c = 0;
    for (const [k, v] of diff) c += (k.startsWith('category:') ? 0.5 : 1) * v * v;
    return c;
  };
  const options = (unit: Unit) => (['dev', 'test'] as const).flatMap((set) => (unit.files.some((f) => f.sfSlot !== null) ? SFS : SFS.slice(0, 1)).map((sf0) => ({ unit, set, sf0 })));
  for (const f of fixed) add(f, 1);
  const placed: Placed[] = [];
  for (const unit of sorted) {
    let best: Placed | null = null;
    let bestCost = Infinity;
    for (const o of options(unit)) {
      add(o, 1);
      const c = cost();
      add(o, -1);
      if (c < bestCost) [best, bestCost] = [o, c];
    }
    add(best!, 1);
    placed.push(best!);
  }
  // local search within each source (a real recording never trades places with a render)
  for (let improved = true; improved; ) {
    improved = false;
    for (let i = 0; i < placed.length; i++) {
      const base = cost();
      add(placed[i], -1);
      let best = placed[i];
      let bestCost = base;
      for (const o of options(placed[i].unit)) {
        add(o, 1);
        const c = cost();
        add(o, -1);
        if (c < bestCost) [best, bestCost] = [o, c];
      }
      add(best, 1);
      if (best !== placed[i]) {
        placed[i] = best;
        improved = true;
      }
      for (let j = i + 1; j < placed.length; j++) {
        const a = placed[i];
        const b = placed[j];
        if (a.unit.kind !== b.unit.kind || a.set === b.set) continue;
        const before = cost();
        add(a, -1);
        add(b, -1);
        const a2 = { ...a, set: b.set };
        const b2 = { ...b, set: a.set };
        add(a2, 1);
        add(b2, 1);
        if (cost() < before) {
          placed[i] = a2;
          placed[j] = b2;
          improved = true;
        } else {
          add(a2, -1);
          add(b2, -1);
          add(a, 1);
          add(b, 1);
        }
      }
    }
  }
  return { placed: [...fixed, ...placed], cost: cost() };
}

/**
 * Runs the render jobs `parallel` at a time in plan order, skipping those whose `out` exists (a partial build
 * resumes), printing progress with an estimate of the time left; `save(done)` (the indices finished or already
 * there) after every job and once at the end, so a partial build's manifest is usable.
 */
export async function renderJobs(jobs: { out: string; make: () => Promise<void> }[], parallel: number, save: (done: Set<number>) => void): Promise<void> {
  const done = new Set<number>();
  const t0 = Date.now();
  let next = 0;
  let made = 0;
  const todo = jobs.filter((j) => !existsSync(j.out)).length;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const j = jobs[i];
      if (!existsSync(j.out)) {
        const t = Date.now();
        await j.make();
        made++;
        const el = (Date.now() - t0) / 1000;
        console.log(`[${made}/${todo}] ${j.out} ${((Date.now() - t) / 1000).toFixed(1)} s; elapsed ${(el / 60).toFixed(1)} min, left ~${(((el / made) * (todo - made)) / 60).toFixed(1)} min`);
      }
      done.add(i);
      save(done);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  save(done);
}

// ---- main ----------------------------------------------------------------------------------
async function main(): Promise<void> {
  const work = join(OUT, 'work');
  for (const s of ['dev', 'test', 'work']) mkdirSync(join(OUT, s), { recursive: true });
  const units = [...planMma(work), ...planGameMidi(), ...planDrones(), ...planReal()];
  const placed = split(units);

  // Every file with its set, in build order: dev first.
  const jobs: { unit: string; item: EvalItem & { set: 'dev' | 'test' }; make: () => Promise<void> }[] = [];
  for (const set of ['dev', 'test'] as const)
    for (const p of placed.filter((x) => x.set === set))
      for (const f of p.unit.files) {
        const sf = sfOf(f, p.sf0);
        const file = `${f.stem}${sf ? `-${sf}` : ''}${f.suffix}.mp3`;
        const out = join(OUT, set, file);
        jobs.push({ unit: p.unit.id, item: { set, file, soundfont: sf, ...f.item }, make: () => f.make(out, sf) });
      }

  // split.json: unit → set, its songs and every file's categories; counts per category and set.
  const counts: Record<string, { dev: number; test: number }> = {};
  for (const j of jobs) {
    const it = j.item;
    for (const k of [`mode:${modeOf(it)}`, `meter:${it.meterClass}`, `tempo:${tempoBand(it.bpm)}`, `source:${it.sourceKind}`, `soundfont:${it.soundfont ?? 'none'}`, `category:${it.category}`, 'all']) {
      counts[k] ??= { dev: 0, test: 0 };
      counts[k][it.set]++;
    }
  }
  const splitJson = {
    rule: 'tools/eval/build-set.ts split(): units (an MMA groove family, a game MIDI, a drone, a real recording, each with all its variants) placed greedily so dev and test match per key mode, meter class, tempo band, source, SoundFont and category',
    counts,
    units: Object.fromEntries(
      placed.map((p) => [
        p.unit.id,
        {
          set: p.set,
          kind: p.unit.kind,
          songs: p.unit.members,
          files: jobs.filter((j) => j.unit === p.unit.id).map((j) => ({ file: j.item.file, mode: modeOf(j.item), key: j.item.key && j.item.keyTrusted ? keyName(j.item.key) : null, meter: j.item.meterClass, bpm: j.item.bpm, tempo: tempoBand(j.item.bpm), category: j.item.category, soundfont: j.item.soundfont })),
        },
      ]),
    ),
  };
  writeFileSync(join(OUT, 'split.json'), JSON.stringify(splitJson, null, 1));
  console.log('split (dev / test files):');
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(22)} ${String(v.dev).padStart(4)} / ${v.test}`);
  if (SPLIT_ONLY) return;

  // --link-from: every file that is not an MMA render is the same bytes in any build; link it from there
  if (LINK_FROM)
    for (const j of jobs) {
      const from = join(LINK_FROM, j.item.set, j.item.file);
      const to = join(OUT, j.item.set, j.item.file);
      if (j.item.sourceKind !== 'mma' && existsSync(from) && !existsSync(to))
        try {
          linkSync(from, to);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
          copyFileSync(from, to); // another file system
        }
    }
  // Render, --jobs at a time, dev first; the manifest lists the files made so far, in plan order.
  await renderJobs(
    jobs.map((j) => ({ out: join(OUT, j.item.set, j.item.file), make: j.make })),
    Math.min(JOBS, 2),
    (done) => writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
  for (const set of ['dev', 'test'] as const) {
    const its = jobs.filter((x) => x.item.set === set).map((j) => j.item);
    const cats = [...new Set(its.map((x) => x.category))].map((c) => `${c} ${its.filter((x) => x.category === c).length}`).join(', ');
    console.log(`${set}: ${its.length} files (${cats})`);
  }
}

if (IS_MAIN) await main();

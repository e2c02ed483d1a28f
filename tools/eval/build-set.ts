// Builds the tempo/key evaluation sets (a DEVELOPMENT set to tune on and a
// separate TEST set to report) from Debian packages only:
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont mma \
//     openttd-openmsx planetblupi-music-midi freedink-data asc-music
//   nice node --import tsx tools/eval/build-set.ts [--out test/output/eval] [--sec 30]
//
// Sources, each with its ground truth:
//  1. Songs written here for MMA (Debian `mma`, "Musical MIDI Accompaniment"):
//     a groove from MMA's standard library, a tempo, a key and a chord
//     progression in that key. Truth: the tempo of the groove's beat (quarter,
//     or dotted quarter for MMA's 6/8 grooves that count eighths) and the key
//     the progression is in. This is how the set gets 3/4, 6/8 and 12/8,
//     swing, tempi above 160, soft-onset ballads (strings, voices, piano),
//     percussion-only grooves (chord "z": drums only; key truth: none) and
//     beatless intros (bars of a sustained "ooh" pad before the groove).
//  2. MIDI files shipped by Debian game packages that declare one constant
//     tempo and one key signature (tempo from the tempo meta event, compound
//     x/8 meters counted in dotted quarters; key from the key signature; a
//     declared C major is kept for tempo but not trusted for key, since many
//     sequencers write it by default).
//  3. Variants: every render uses one of two SoundFonts (FluidR3_GM and
//     TimGM6mb); one variant per source is time-stretched (ffmpeg `atempo`,
//     pitch kept: tempo truth × factor) and pitch-shifted (ffmpeg
//     `rubberband`, tempo kept: key truth + semitones).
//  4. Real recordings, TEST set only, from tools/eval/real-annotations.json
//     (tempo annotated by a person; none yet, see REAL below).
//
// Split: by source (a song and all its variants go to one set), alternating
// within each category, so both sets hold every category and no source is in
// both. Renders are MP3 192 kb/s, cut to --sec seconds (intros add their
// length). Writes OUT/{dev,test}/*.mp3 and OUT/manifest.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chordName, keyName, type Key } from '../../main/engine/analysis/keys';
import { constantTruth, parseMidi, type MidiInfo } from '../../test/helpers/midi';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const OUT = opt('--out', 'test/output/eval');
const SEC = Number(opt('--sec', '30'));
const SOUNDFONTS = { fluidr3: '/usr/share/sounds/sf2/FluidR3_GM.sf2', timgm6mb: '/usr/share/sounds/sf2/TimGM6mb.sf2' };
type SoundFont = keyof typeof SOUNDFONTS;
const MIDI_PACKAGES = ['openttd-openmsx', 'planetblupi-music-midi', 'freedink-data'];

export type Category = 'pop4' | 'triple' | 'compound' | 'swing' | 'fast' | 'soft' | 'percussion' | 'intro' | 'game-midi' | 'real' | 'beatless';

/** One evaluation item as written to manifest.json. */
export interface EvalItem {
  set: 'dev' | 'test';
  /** file name under OUT/<set>/ */
  file: string;
  source: string;
  category: Category;
  /** beats per minute of the beat a listener taps (quarter, or dotted quarter in compound meters); null: no beat (a drone) */
  bpm: number | null;
  /** beats per bar of that beat: 2, 3 or 4 */
  meter: number;
  /** null: no key (percussion only) */
  key: Key | null;
  /** false when the declared key is untrusted (default C major in a game MIDI): left out of key scores */
  keyTrusted: boolean;
  soundfont: SoundFont | null;
  /** ffmpeg atempo factor applied (1: none) and semitones of pitch shift */
  stretch: number;
  shift: number;
  /** seconds of beatless intro at the start (0: none) */
  introSec: number;
}

// ---- MMA songs -----------------------------------------------------------------------------
interface Song {
  groove: string;
  tempo: number;
  /** MMA beats per listener beat (3 for the 6/8 grooves that count eighths, 2 for ballad68, whose docs say "4 beats to the bar … multiply the real tempo by 2") */
  per?: number;
  meter: number;
  key: Key;
  cat: Category;
  introBars?: number;
}
const maj = (t: number): Key => ({ tonic: t, mode: 'major' });
const min = (t: number): Key => ({ tonic: t, mode: 'minor' });
// Paired per category: the first of each pair goes to dev, the second to test (alternating).
const SONGS: Song[] = [
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
];

/** A 4-bar progression in `key`, one chord per bar (MMA chord names). */
function progression(key: Key, i: number): string[] {
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

function mmaSource(s: Song, i: number, sec: number): { text: string; introSec: number } {
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
function sh(cmd: string): void {
  execFileSync('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** fluidsynth render of `mid` with `sf`, then ffmpeg: optional stretch/shift, cut to `sec`, MP3 192 kb/s. */
function render(mid: string, sf: SoundFont, out: string, sec: number, stretch: number, shift: number): void {
  if (existsSync(out)) return;
  const raw = `${out}.raw`;
  // fluidsynth writes raw float; `head` stops it once enough audio (before stretching) is there.
  const bytes = Math.ceil(sec * stretch + 2) * 44100 * 2 * 4;
  sh(`fluidsynth -ni -q -F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${SOUNDFONTS[sf]}' '${mid}' 2>/dev/null | head -c ${bytes} > '${raw}'`);
  const filters: string[] = [];
  if (shift) filters.push(`rubberband=pitch=${Math.pow(2, shift / 12).toFixed(6)}`);
  if (stretch !== 1) filters.push(`atempo=${stretch}`);
  const af = filters.length ? ['-af', filters.join(',')] : [];
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', raw, ...af, '-t', String(sec), '-c:a', 'libmp3lame', '-b:a', '192k', out]);
  sh(`rm -f '${raw}'`);
}

// ---- beatless drones: chord tones (Hz), breathing rate (Hz), noise colour and level
const DRONES = [
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
  start: number;
}
const REAL: Real[] = JSON.parse(readFileSync(new URL('./real-annotations.json', import.meta.url), 'utf8'));

// ---- main ----------------------------------------------------------------------------------
function main(): void {
  const items: EvalItem[] = [];
  // The manifest is rewritten after every render, so a partial build is usable.
  const save = () => writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
  const work = join(OUT, 'work');
  for (const s of ['dev', 'test', 'work']) mkdirSync(join(OUT, s), { recursive: true });
  const sfs: SoundFont[] = ['fluidr3', 'timgm6mb'];

  // 1. MMA songs: alternate dev/test within each category; both SoundFonts; a third,
  // stretched + shifted variant with the other SoundFont order.
  const seen = new Map<Category, number>();
  SONGS.forEach((s, i) => {
    const n = seen.get(s.cat) ?? 0;
    seen.set(s.cat, n + 1);
    const set = n % 2 === 0 ? 'dev' : 'test';
    const name = `mma-${s.cat}-${s.groove.toLowerCase().replace(/[^a-z0-9]/g, "")}-${s.tempo}`;
    const { text, introSec } = mmaSource(s, i, SEC + 8);
    const src = join(work, `${name}.mma`);
    const mid = join(work, `${name}.mid`);
    if (!existsSync(mid)) {
      writeFileSync(src, text);
      execFileSync('mma', [src, '-f', mid], { stdio: 'ignore' });
    }
    const bpm = s.tempo / (s.per ?? 1);
    const sec = SEC + introSec;
    const variants: [SoundFont, number, number][] = [
      [sfs[i % 2], 1, 0],
      [sfs[(i + 1) % 2], 1, 0],
      [sfs[i % 2], [0.92, 1.08, 0.88, 1.12][i % 4], [-2, 3, -3, 2, 1][i % 5]],
    ];
    for (const [sf, stretch, shift] of variants) {
      const file = `${name}-${sf}${stretch !== 1 ? `-x${stretch}` : ''}${shift ? `-s${shift}` : ''}.mp3`;
      render(mid, sf, join(OUT, set, file), sec, stretch, shift);
      const key = s.cat === 'percussion' ? null : { tonic: (((s.key.tonic + shift) % 12) + 12) % 12, mode: s.key.mode };
      items.push({ set, file, source: name, category: s.cat, bpm: Math.round(bpm * stretch * 100) / 100, meter: s.meter, key, keyTrusted: key !== null, soundfont: sf, stretch, shift, introSec: introSec / stretch });
      save();
    }
  });

  // 2. Game MIDI files with a constant declared tempo and key.
  const mids: string[] = [];
  for (const p of MIDI_PACKAGES) {
    try {
      mids.push(...execFileSync('dpkg', ['-L', p], { encoding: 'utf8' }).split('\n').filter((l) => /\.midi?$/i.test(l)));
    } catch {
      console.error(`(package ${p} is not installed: skipped)`);
    }
  }
  let g = 0;
  for (const mid of mids.sort()) {
    let info: MidiInfo;
    try {
      info = parseMidi(readFileSync(mid));
    } catch {
      continue;
    }
    const t = constantTruth(info);
    if ('reason' in t || t.durationSec < SEC) continue;
    const ts = info.timeSigs[0];
    const compound = ts && ts.den === 8 && ts.num % 3 === 0 && ts.num > 3;
    const meter = !ts ? 4 : compound ? ts.num / 3 : ts.num === 3 ? 3 : ts.num === 2 ? 2 : 4;
    const bpm = compound ? (t.bpm * 2) / 3 : t.bpm;
    const set = g % 2 === 0 ? 'dev' : 'test';
    const name = `midi-${basename(join(mid, '..'))}-${basename(mid).replace(/\.midi?$/i, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const trusted = !(t.tonic === 0 && t.mode === 'major');
    const variants: [SoundFont, number, number][] = [
      [sfs[g % 2], 1, 0],
      [sfs[(g + 1) % 2], [1.1, 0.9, 1.06, 0.94][g % 4], [2, -1, -3, 1, 3][g % 5]],
    ];
    for (const [sf, stretch, shift] of variants) {
      const file = `${name}-${sf}${stretch !== 1 ? `-x${stretch}` : ''}${shift ? `-s${shift}` : ''}.mp3`;
      render(mid, sf, join(OUT, set, file), SEC, stretch, shift);
      items.push({ set, file, source: name, category: 'game-midi', bpm: Math.round(bpm * stretch * 100) / 100, meter, key: { tonic: (((t.tonic + shift) % 12) + 12) % 12, mode: t.mode }, keyTrusted: trusted, soundfont: sf, stretch, shift, introSec: 0 });
      save();
    }
    g++;
  }

  // 3. Beatless drones (no tempo, no key truth): sustained chords breathing slowly over
  // noise, made by ffmpeg; they teach and test the confidence that there is no beat.
  DRONES.forEach((d, i) => {
    const set = i % 2 === 0 ? 'dev' : 'test';
    const file = `drone-${i}.mp3`;
    const out = join(OUT, set, file);
    if (!existsSync(out)) {
      const voices = d.hz.map((f) => `sin(2*PI*${f}*t)+0.5*sin(2*PI*${(f * 2.003).toFixed(3)}*t)+0.3*sin(2*PI*${(f * 2.997).toFixed(3)}*t)`).join('+');
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='0.04*(${voices})*(0.65+0.35*sin(2*PI*${d.lfo}*t))':s=44100:d=${SEC}`,
        '-f', 'lavfi', '-i', `anoisesrc=c=${d.noise}:a=${d.amp}:d=${SEC}:r=44100`, '-filter_complex', '[0][1]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo',
        '-c:a', 'libmp3lame', '-b:a', '192k', out]);
    }
    items.push({ set, file, source: `drone ${d.hz.join('/')} Hz`, category: 'beatless', bpm: null, meter: 0, key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0 });
    save();
  });

  // 4. Real recordings (test only).
  for (const r of REAL) {
    if (!existsSync(r.path)) {
      console.error(`(real recording ${r.path} missing: skipped)`);
      continue;
    }
    const file = `real-${basename(r.path).replace(/\.[^.]+$/, '')}.mp3`;
    const out = join(OUT, 'test', file);
    if (!existsSync(out)) execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', String(r.start), '-t', String(SEC), '-i', r.path, '-c:a', 'libmp3lame', '-b:a', '192k', out]);
    items.push({ set: 'test', file, source: r.path, category: 'real', bpm: r.bpm, meter: r.meter, key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0 });
  }

  save();
  for (const set of ['dev', 'test'] as const) {
    const its = items.filter((x) => x.set === set);
    const cats = [...new Set(its.map((x) => x.category))].map((c) => `${c} ${its.filter((x) => x.category === c).length}`).join(', ');
    console.log(`${set}: ${its.length} files (${cats})`);
  }
}

main();

// A LARGER development set for the KEY finder (issue 11): the eval dev set has 71
// files with a trusted key (50 major / 21 minor), too few to choose settings on
// once the finder scores 0.99 there. This set adds, from Debian packages only and
// with nothing of the held-out test set (checked against split.json at run time):
//
//  1. MMA songs (Debian `mma`) on groove families that NEITHER eval set's test half
//     uses (the clash rule of octave-set.ts: a family whose name or stem matches a
//     test family is refused), each with a chord progression written here in one
//     key: major (I–vi–IV–V, ii–V–I, I–V–vi–IV …), minor (harmonic i–iv–V, aeolian
//     i–VI–III–VII, andalusian, natural-minor i–iv–v, jazz iiø–V–i) and modal or
//     ambiguous ones (mixolydian I–bVII–IV, dorian i–IV, plagal I–IV). More than half
//     are minor or modal: the eval sets are major-heavy.
//     TRUTH RULE: every progression starts and ends on its tonic chord; the key is
//     that chord's root, major or minor by its third (so mixolydian counts as major
//     and dorian as minor: the score's final chord decides, as MIREX annotators do).
//     The MIDI's key signature is written to match (MMA KeySig).
//  2. MIDI files with a melody from Debian packages (the MMA example songs in
//     /usr/share/doc/mma/examples, OpenTTD's openmsx) that the eval sets do not use
//     (none in split.json, none byte-identical to a test MIDI) and that declare ONE
//     key signature other than C major whose mode the notes confirm (the rule of
//     build-set.ts: the declared mode's third sounds longer than the other mode's
//     third) and whose declared tonic is among the three longest-sounding pitch
//     classes (four let in an example whose opening 30 s barely sound the declared tonic). Tempo changes are allowed here (key only).
//  3. Variants: three SoundFonts (FluidR3_GM, TimGM6mb, MuseScore_General_Lite from
//     Debian `musescore-general-soundfont-small`, which neither eval set uses),
//     and one transposed variant per song: MMA songs transposed in the MIDI (MMA
//     Transpose, exact), MIDI files pitch-shifted by ffmpeg's rubberband (as
//     build-set.ts does); truth moves with them.
//
// Every file names its family (MMA groove family or MIDI source) in `source`, for
// family-grouped cross-validation. Renders: 30 s MP3 192 kb/s like the eval sets.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small mma openttd-openmsx
//   nice node --import tsx tools/eval/key-set.ts [--out test/output/key-set] [--split test/output/eval/split.json] [--jobs 2]
//
// Writes OUT/dev/*.mp3 and OUT/manifest.json (EvalItem rows, set "dev", so
// tools/eval/key-dev.ts --also OUT reads it next to the eval dev set).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { chordName, keyName, type Key } from '../../main/engine/analysis/keys';
import { parseMidi } from '../../test/helpers/midi';
import type { EvalItem } from './build-set';
import { splitFamilies } from './split-families';
import { compileMma } from './mma-render';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/key-set' },
    split: { type: 'string', default: 'test/output/eval/split.json' },
    jobs: { type: 'string', default: '2' },
  },
});
const OUT = args.out;
const SPLIT = args.split;
const JOBS = Math.max(1, Number(args.jobs));
const SEC = 30;
const SF = {
  fluidr3: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
  timgm6mb: '/usr/share/sounds/sf2/TimGM6mb.sf2',
  musescore: '/usr/share/sounds/sf3/MuseScore_General_Lite.sf3',
} as const;
type Font = keyof typeof SF;
const FONTS = Object.keys(SF) as Font[];
const run = promisify(execFile);

// ---- the test set's families (never used here)
const { units, clashOf } = splitFamilies(SPLIT);

// ---- progressions: [semitones above the tonic, MMA chord suffix]; first and last chord = tonic
type Prog = { name: string; mode: 'major' | 'minor'; chords: [number, string][] };
const PROGS: Prog[] = [
  { name: 'I-vi-IV-V', mode: 'major', chords: [[0, ''], [9, 'm'], [5, ''], [7, ''], [0, ''], [9, 'm'], [5, ''], [7, '7'], [0, '']] },
  { name: 'I-IV-V7-I', mode: 'major', chords: [[0, ''], [5, ''], [7, '7'], [0, '']] },
  { name: 'I-V-vi-IV', mode: 'major', chords: [[0, ''], [7, ''], [9, 'm'], [5, ''], [0, ''], [7, ''], [5, ''], [0, '']] },
  { name: 'ii-V-I', mode: 'major', chords: [[0, 'maj7'], [2, 'm7'], [7, '7'], [0, 'maj7'], [4, 'm7'], [9, '7'], [2, 'm7'], [7, '7'], [0, 'maj7']] },
  { name: 'i-iv-V7-i', mode: 'minor', chords: [[0, 'm'], [5, 'm'], [7, '7'], [0, 'm']] },
  { name: 'i-VI-III-VII', mode: 'minor', chords: [[0, 'm'], [8, ''], [3, ''], [10, ''], [0, 'm'], [8, ''], [10, ''], [0, 'm']] },
  { name: 'andalusian', mode: 'minor', chords: [[0, 'm'], [10, ''], [8, ''], [7, ''], [0, 'm'], [10, ''], [8, ''], [7, '7'], [0, 'm']] },
  { name: 'i-iv-v-i natural', mode: 'minor', chords: [[0, 'm'], [5, 'm'], [7, 'm'], [0, 'm'], [3, ''], [5, 'm'], [7, 'm'], [0, 'm']] },
  { name: 'i-III-VII-iv-V', mode: 'minor', chords: [[0, 'm'], [3, ''], [10, ''], [5, 'm'], [7, '7'], [0, 'm']] },
  { name: 'jazz minor iiø-V-i', mode: 'minor', chords: [[0, 'm7'], [2, 'm7b5'], [7, '7'], [0, 'm7'], [5, 'm7'], [2, 'm7b5'], [7, '7'], [0, 'm']] },
  { name: 'mixolydian I-bVII-IV', mode: 'major', chords: [[0, ''], [10, ''], [5, ''], [0, '']] },
  { name: 'dorian i-IV', mode: 'minor', chords: [[0, 'm'], [5, ''], [0, 'm'], [5, ''], [0, 'm7'], [10, ''], [5, ''], [0, 'm']] },
  { name: 'plagal I-IV', mode: 'major', chords: [[0, ''], [5, ''], [0, ''], [5, ''], [2, 'm'], [5, ''], [0, '']] },
  { name: 'minor i-v-VI-III-iv', mode: 'minor', chords: [[0, 'm'], [7, 'm'], [8, ''], [3, ''], [5, 'm'], [0, 'm'], [5, 'm'], [7, '7'], [0, 'm']] },
];
const mmaChord = (t: number, [iv, suf]: [number, string]) => {
  const root = chordName(t + iv, false);
  return root + suf;
};

/** [groove family, groove, tempo, beats per bar] */
const GROOVES: [string, string, number, number][] = [
  ['chacha', 'ChaCha', 120, 4], ['bubblerock', 'BubbleRock', 132, 4], ['twist', 'Twist', 156, 4], ['jive', 'Jive', 170, 4],
  ['bebop', 'Bebop', 190, 4], ['mambo', 'Mambo', 180, 4], ['son', 'Son', 100, 4], ['zydeco', 'Zydeco', 140, 4],
  ['boneym', 'BoneyM', 124, 4], ['dixie', 'Dixie', 176, 4], ['merengue', 'Merengue', 130, 4], ['bluegrass', 'BlueGrass', 160, 4],
  ['salsa', 'Salsa', 110, 4], ['showtune', 'ShowTune', 116, 4], ['ragtime', 'RagTime', 96, 4], ['boggiewoggie', 'BoggieWoggie', 140, 4],
  ['folk', 'Folk', 104, 4], ['calypso', 'Calypso', 118, 4], ['rockballad', 'RockBallad', 72, 4], ['guitarballad', 'GuitarBallad', 70, 4],
  ['folkballad', 'FolkBallad', 76, 4], ['modernjazz', 'ModernJazz', 96, 4], ['jazzguitar', 'JazzGuitar', 88, 4], ['slowcountry', 'SlowCountry', 80, 4],
  ['slowjazz', 'SlowJazz', 70, 4], ['folkyjazz', 'FolkyJazzGuitar', 92, 4], ['evansish', 'Evansish', 84, 4], ['mellowjazz', 'MellowJazz', 90, 4],
  ['nitejazz', 'NiteJazz', 78, 4], ['slowbroadway', 'SlowBroadway', 74, 4], ['slowbolero', 'SlowBolero', 82, 4], ['dsoul', 'DSoul', 96, 4],
  ['bvfunk', 'BVFunk', 104, 4], ['lfusion', 'LFusion', 100, 4], ['beguine', 'Beguine', 112, 4], ['bolero', 'Bolero', 104, 4],
  ['tango', 'Tango', 120, 4], ['foxtrot', 'Foxtrot', 128, 4], ['rhumba', 'Rhumba', 116, 4], ['broadway', 'Broadway', 124, 4],
  ['softshoe', 'SoftShoe', 108, 4], ['strut', 'Strut', 100, 4], ['60srock', '60sRock', 136, 4], ['latinwaltz', 'LatinWaltz', 132, 3],
  ['broadwaywaltz', 'BroadwayWaltz', 144, 3], ['arpeggiowaltz', 'ArpeggioWaltz', 120, 3], ['spiritual', 'Spiritual', 92, 4],
];

interface Job {
  item: EvalItem;
  make: (out: string) => Promise<void>;
}
const jobs: Job[] = [];
mkdirSync(join(OUT, 'dev'), { recursive: true });
mkdirSync(join(OUT, 'work'), { recursive: true });

/** fluidsynth render of `mid` with `sf`, optional pitch shift (semitones), 30 s MP3 */
async function render(mid: string, sf: Font, out: string, shift = 0): Promise<void> {
  const raw = `${out}.raw`;
  await run('bash', ['-c', `fluidsynth -ni -q -F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${SF[sf]}' '${mid}' 2>/dev/null | head -c ${(SEC + 2) * 44100 * 8} > '${raw}'`]);
  const af = shift ? ['-af', `rubberband=pitch=${Math.pow(2, shift / 12).toFixed(6)}`] : [];
  await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', raw, ...af, '-t', String(SEC), '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
  renameSync(`${out}.part`, out);
  rmSync(raw, { force: true });
}

// ---- 1. MMA songs: one song per groove family (the progressions in turn), each also transposed
let n = 0;
let skipped = 0;
for (const [fam, groove, tempo, meter] of GROOVES) {
  const clash = clashOf(fam);
  if (clash) {
    console.log(`skipped groove family ${fam}: (related to) test family ${clash}`);
    skipped++;
    continue;
  }
  for (let j = 0; j < 1; j++, n++) {
    const prog = PROGS[n % PROGS.length];
    const tonic = (n * 7 + 3 * j) % 12;
    const bpm = tempo;
    const bars = Math.ceil((SEC + 4) / ((meter * 60) / bpm)) + 1;
    for (const [v, transpose] of [[0, 0], [1, [2, -3, 5, -1, 3, -5][n % 6]]] as const) {
      const key: Key = { tonic: (((tonic + transpose) % 12) + 12) % 12, mode: prog.mode };
      const sf = FONTS[(n + v) % 3];
      const name = `key-${fam}-${j}${transpose ? `-t${transpose}` : ''}-${sf}`;
      const file = `${name}.mp3`;
      const sig = `${keyName({ tonic, mode: prog.mode }).split(' ')[0]} ${prog.mode}`;
      jobs.push({
        item: { set: 'dev', file, source: `mma:${fam}`, category: 'pop4', bpm, meter, meterClass: meter === 3 ? '3/4' : '4/4', sourceKind: 'mma', key, keyTrusted: true, soundfont: null, stretch: 1, shift: transpose, introSec: 0, progression: prog.name } as EvalItem,
        make: async (out) => {
          const lines = [`Tempo ${bpm}`, `KeySig ${sig}`, transpose ? `Transpose ${transpose}` : '', `Groove ${groove}`];
          for (let b = 0; b < bars; b++) lines.push(`${b + 1} ${mmaChord(tonic, prog.chords[b % prog.chords.length])}`);
          const mid = compileMma(lines.join('\n') + '\n', name, join(OUT, 'work'));
          await render(mid, sf, out);
        },
      });
    }
  }
}

// ---- 2. MIDI files with a melody, key declared and confirmed by the notes
const usedHashes = new Set<string>();
const testHashes = new Set<string>();
const midiList = execFileSync('bash', ['-c', "find /usr/share/doc/mma/examples /usr/share/games/openttd/baseset/openmsx -iname '*.mid' | sort"], { encoding: 'utf8' }).trim().split('\n');
for (const [id, u] of Object.entries(units)) if (id.startsWith('game-midi:')) for (const f of midiList) if (f.endsWith('/' + id.slice('game-midi:'.length)) && u.set === 'test') testHashes.add(createHash('sha256').update(readFileSync(f)).digest('hex'));
let m = 0;
for (const f of midiList) {
  const bytes = readFileSync(f);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const id = `game-midi:${f.split('/').slice(-2).join('/')}`;
  if (units[id] || testHashes.has(hash) || usedHashes.has(hash)) continue;
  const info = parseMidi(bytes);
  const sigs = new Set(info.keys.map((k) => `${k.sf}/${k.minor}`));
  if (sigs.size !== 1 || !info.notes) continue;
  const { sf, minor } = info.keys[0];
  const tonic = (((sf * 7) % 12) + 12 + (minor ? 9 : 0)) % 12;
  const mode = minor ? 'minor' : 'major';
  if (tonic === 0 && mode === 'major') continue; // the sequencers' default: not a declaration
  const pcq = info.pcQuarters;
  const agrees = mode === 'major' ? pcq[(tonic + 4) % 12] > pcq[(tonic + 3) % 12] : pcq[(tonic + 3) % 12] > pcq[(tonic + 4) % 12];
  const rank = pcq.filter((x) => x > pcq[tonic]).length;
  if (!agrees || rank >= 3) {
    console.log(`skipped ${f}: declared ${keyName({ tonic, mode })} ${agrees ? `tonic ranks ${rank + 1}` : 'the notes deny the mode'}`);
    continue;
  }
  usedHashes.add(hash);
  const stem = `key-midi-${basename(join(f, '..'))}-${basename(f).replace(/\.midi?$/i, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
  for (const [v, shift] of [[0, 0], [1, [-2, 3, -1, 2, -3][m % 5]]] as const) {
    const sfName = FONTS[(m + v) % 3];
    const file = `${stem}${shift ? `-s${shift}` : ''}-${sfName}.mp3`;
    const key: Key = { tonic: (((tonic + shift) % 12) + 12) % 12, mode };
    jobs.push({
      item: { set: 'dev', file, source: `midi:${basename(f)}`, category: 'game-midi', bpm: null, meter: 0, meterClass: 'unknown', sourceKind: 'game-midi', key, keyTrusted: true, soundfont: null, stretch: 1, shift, introSec: 0 } as EvalItem,
      make: (out) => render(f, sfName, out, shift),
    });
  }
  m++;
}

// MIDI sources first (fewer, and the ones with a melody), then the MMA songs
jobs.sort((a, b) => (a.item.sourceKind === b.item.sourceKind ? 0 : a.item.sourceKind === 'game-midi' ? -1 : 1));
console.log(`${jobs.length} files planned (${skipped} groove families refused; ${m} MIDI sources)`);
const items: EvalItem[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < jobs.length) {
    const j = jobs[next++];
    const out = join(OUT, 'dev', j.item.file);
    try {
      if (!existsSync(out)) await j.make(out);
      const dur = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out], { encoding: 'utf8' }));
      if (dur >= 15) items.push(j.item);
      else console.log(`dropped ${j.item.file}: ${dur.toFixed(1)} s`);
    } catch (e) {
      console.log(`failed ${j.item.file}: ${String(e).slice(0, 200)}`);
    }
  }
}
await Promise.all(Array.from({ length: JOBS }, worker));
items.sort((a, b) => a.file.localeCompare(b.file));
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/key-set.ts', items }, null, 1));
const by = (mode: string) => items.filter((x) => x.key?.mode === mode).length;
console.log(`${items.length} files in ${join(OUT, 'dev')}: ${by('major')} major, ${by('minor')} minor`);

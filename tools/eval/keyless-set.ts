// Development-side renders for the KEY confidence calibration (tools/eval/calibrate.ts), issue 10
// kind 4: diatonic music with NO tonic, where a key must not be believed. pulseless-set.ts has six
// such melodies among its sweeps and noise bursts — too few for the fit to learn that a key
// which wins only by its relative (C major vs A minor: the same seven notes) is a guess. Here:
// - melody-N: a melody at random onsets (inter-onset from 0.1–0.3 s up to 0.6–1.3 s, uniform),
//   its notes drawn uniformly from one major scale's seven tones (the same set as its relative
//   minor's) over a random 1½–2½-octave range, sometimes with a second scale note under it
//   (a dyad), sometimes legato; no tonic favoured, none ending a phrase;
// (Random walks over a scale's six consonant triads were tried as well and left out: the key
// such a walk "has" is a matter of mode, not absent, and as "no key" they pulled the fit's
// confidence for real chord music under its accuracy on the eval dev set.)
// Each has a random tonic, one of the three SoundFonts of key-set.ts (FluidR3_GM, TimGM6mb,
// MuseScore_General_Lite) and one of a dozen GM programs; 20–40 s; a seeded random generator;
// MP3 192 kb/s like the eval sets. LABEL: no key (category "beatless", key null): any key
// stated is counted wrong by calibrate.ts, as for drums and drones. Families ("keyless:melody-N"
// …) are their own; none is in split.json's test set. Never used for choosing a key; only for
// calibrating how much a stated key is believed.
//
//   nice node --import tsx tools/eval/keyless-set.ts [--out test/output/key-keyless] [--n 48]
//
// Writes OUT/keyless/*.mp3 and OUT/manifest.json (EvalItem rows with set "keyless").
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { smfBytes, type SmfNote } from '../../test/helpers/smf';
import { mulberry32 } from '../../test/helpers/prng';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/key-keyless' }, n: { type: 'string', default: '48' } } });
const OUT = args.out;
const N = Number(args.n);
const FONTS = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/TimGM6mb.sf2', '/usr/share/sounds/sf3/MuseScore_General_Lite.sf3'];
/** GM programs: grand, bright piano, EP 1, EP 2, harpsichord, celesta, vibraphone, marimba, organ, nylon guitar, steel guitar, strings, harp, flute, clarinet */
const PROGRAMS = [0, 1, 4, 5, 6, 8, 11, 12, 19, 24, 25, 48, 46, 73, 71];
const MAJOR = [0, 2, 4, 5, 7, 9, 11];

const items: object[] = [];
mkdirSync(join(OUT, 'keyless'), { recursive: true });
const work = join(OUT, 'work');
mkdirSync(work, { recursive: true });
for (let i = 0; i < N; i++) {
  const r = mulberry32(9100 + 2 * i);
  const tonic = Math.floor(r() * 12);
  const font = FONTS[i % FONTS.length];
  const program = PROGRAMS[Math.floor(r() * PROGRAMS.length)];
  const sec = 20 + Math.floor(r() * 21);
  const name = `melody-${i}`;
  const notes: SmfNote[] = [];
  {
    const low = 48 + Math.floor(r() * 20);
    const span = 18 + Math.floor(r() * 13);
    const pool: number[] = [];
    for (let m = low; m <= low + span; m++) if (MAJOR.includes((m - tonic + 120) % 12)) pool.push(m);
    const minGap = 0.1 + r() * 0.2;
    const maxGap = 0.6 + r() * 0.7;
    const legato = r() < 0.3;
    const dyads = r() < 0.4 ? 0.1 + r() * 0.2 : 0;
    // one beat = one second at 60 BPM, so beats are seconds
    for (let t = 0.2; t < sec - 1; ) {
      const gap = minGap + r() * (maxGap - minGap);
      const note = pool[Math.floor(r() * pool.length)];
      notes.push({ beat: Math.round(t * 1000) / 1000, len: legato ? gap : 0.2 + r() * 0.4, ch: 0, note, vel: 60 + Math.floor(r() * 50) });
      if (r() < dyads) notes.push({ beat: Math.round(t * 1000) / 1000, len: legato ? gap : 0.5, ch: 0, note: pool[Math.floor(r() * pool.length)], vel: 55 });
      t += gap;
    }
  }
  const file = `${name}.mp3`;
  const out = join(OUT, 'keyless', file);
  if (!existsSync(out)) {
    const mid = join(work, `${name}.mid`);
    const wav = join(work, `${name}.wav`);
    writeFileSync(mid, smfBytes({ bpm: 60, notes, programs: { 0: program } }));
    execFileSync('fluidsynth', ['-ni', '-q', '-F', wav, '-T', 'wav', '-r', '44100', '-g', '0.5', font, mid], { stdio: 'ignore' });
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-t', String(sec), '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', out]);
    rmSync(wav, { force: true });
  }
  items.push({ set: 'keyless', file, source: `keyless:${name}`, category: 'beatless', bpm: null, meter: 0, meterClass: 'none', sourceKind: 'drone', key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0, scaleTonic: tonic, program, font: font.split('/').pop() });
}
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ items }, null, 1));
console.log(`${items.length} files in ${join(OUT, 'keyless')}`);

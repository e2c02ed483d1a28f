// A dev-side set of NON-MUSIC recordings for the calibrated confidence (issue 10 kind 4): speech, rain and field
// recordings have onsets but no beat and no key, so any tempo or key stated counts as wrong. The pulseless set
// (pulseless-set.ts) holds synthetic sweeps, bursts and random-onset melodies; this set adds what users actually
// drop in: a voice (ffmpeg's `flite` source, libflite's four voices kal / slt / awb / rms, several texts), rain
// (brown noise plus Poisson drops), wind (slowly modulated low-passed noise) and field recordings (noise floor plus
// bird-like chirps at random times, some with distant speech). Seeded; 20–40 s each, MP3 192 kb/s as the other
// sets. Writes OUT/nonmusic/*.mp3 and OUT/manifest.json (EvalItem rows with set "nonmusic", category "beatless").
//
//   nice node --import tsx tools/eval/nonmusic-set.ts [--out test/output/tempo-nonmusic]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-nonmusic' } } });
const OUT = args.out!;
mkdirSync(join(OUT, 'nonmusic'), { recursive: true });
const ff = (a: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...a]);

const TEXTS = [
  'Welcome back to the show. Today we are talking about the history of the river town, how the mills came, and why the old bridge was built where it stands now. Our guest has spent twenty years in the archives, reading letters, ledgers and the minutes of the town council, and she has brought some of them with her.',
  'Please listen carefully, as our menu options have changed. For opening hours and directions, press one. To speak with someone about an order you have already placed, press two. For all other questions, stay on the line and the next available member of our team will be with you shortly.',
  'The experiment ran for six weeks. Each morning we measured the temperature of the soil at three depths, wrote the numbers in the notebook, and compared them with the readings from the station on the hill. By the fourth week a pattern was clear, although nobody in the group could explain it yet.',
  'Chapter two. The train was late again, and Martha stood on the platform with her suitcase between her feet, counting the pigeons on the roof of the station. When at last the engine came around the bend, she had reached forty one, and she had almost decided to go home.',
];
const VOICES = ['kal', 'slt', 'awb', 'rms'];

/** numpy noise scenes (seeded): y in −1..1 at sr 44100 */
const SCENES: Record<string, string> = {
  rain: `n = int(sec * sr); y = np.cumsum(r.normal(0, 1, n)); y -= np.convolve(y, np.ones(400) / 400, 'same'); y *= 0.02
for t in r.uniform(0, sec - 0.05, int(sec * r.uniform(20, 80))):
    k = int(t * sr); m = int(0.01 * sr); y[k:k + m] += r.normal(0, 1, m) * np.exp(-np.arange(m) / (0.002 * sr)) * r.uniform(0.05, 0.4)`,
  wind: `n = int(sec * sr); y = np.cumsum(r.normal(0, 1, n)); y -= np.convolve(y, np.ones(2000) / 2000, 'same')
g = np.interp(np.arange(n), np.linspace(0, n, 12), r.uniform(0.2, 1, 12)); y *= g`,
  field: `n = int(sec * sr); y = np.convolve(r.normal(0, 1, n), np.ones(30) / 30, 'same') * 0.05
for t in r.uniform(0, sec - 1, int(sec * r.uniform(0.5, 2.5))):
    k = int(t * sr); m = int(r.uniform(0.05, 0.3) * sr); tt = np.arange(m) / sr
    f = r.uniform(2500, 5000) + r.uniform(-1500, 1500) * tt / tt[-1]
    y[k:k + m] += 0.3 * np.sin(2 * np.pi * np.cumsum(f) / sr) * np.hanning(m)`,
};

interface Item { set: 'nonmusic'; file: string; source: string; category: 'beatless'; bpm: null; meter: 0; meterClass: 'none'; sourceKind: 'drone'; key: null; keyTrusted: false; soundfont: null; stretch: 1; shift: 0; introSec: 0 }
const items: Item[] = [];
const add = (file: string, source: string) => items.push({ set: 'nonmusic', file, source, category: 'beatless', bpm: null, meter: 0, meterClass: 'none', sourceKind: 'drone', key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0 });

// speech: every voice reads every text (the family is the voice, so CV never sees a voice in two folds)
for (const [v, voice] of VOICES.entries())
  for (const [t, text] of TEXTS.entries()) {
    const file = `speech-${voice}-${t}.mp3`;
    if (!existsSync(join(OUT, 'nonmusic', file))) ff(['-f', 'lavfi', '-i', `flite=text='${text.replace(/'/g, '')}':voice=${voice}`, '-af', `atempo=${(0.9 + 0.05 * ((v + t) % 4)).toFixed(2)}`, '-ar', '44100', '-b:a', '192k', join(OUT, 'nonmusic', file)]);
    add(file, `speech:${voice}`);
  }
// noise scenes, 4 seeds each; field recordings 2 and 3 carry a distant voice under the birds
for (const [name, body] of Object.entries(SCENES))
  for (let s = 0; s < 4; s++) {
    const file = `${name}-${s}.mp3`;
    const dst = join(OUT, 'nonmusic', file);
    if (!existsSync(dst)) {
      const raw = join(OUT, 'nonmusic', `${name}-${s}.f32`);
      const sec = 20 + 5 * s;
      const got = execFileSync('/usr/bin/python3', ['-c', `import numpy as np, sys
r = np.random.default_rng(${1000 + 17 * s + name.length}); sr = 44100; sec = ${sec}
${body}
y = (y / np.max(np.abs(y)) * 0.5).astype(np.float32); sys.stdout.buffer.write(y.tobytes())`], { maxBuffer: 1 << 28 });
      writeFileSync(raw, got);
      const voice = name === 'field' && s >= 2 ? ['-f', 'lavfi', '-i', `flite=text='${TEXTS[s].replace(/'/g, '')}':voice=${VOICES[s]}`] : [];
      const mix = voice.length ? ['-filter_complex', '[1:a]aresample=44100,volume=0.25[v];[0:a][v]amix=inputs=2:duration=first:normalize=0'] : [];
      ff(['-f', 'f32le', '-ar', '44100', '-ac', '1', '-i', raw, ...voice, ...mix, '-b:a', '192k', dst]);
      rmSync(raw);
    }
    add(file, `${name}:${s % 2}`);
  }
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ items }, null, 1));
console.log(`${items.length} files in ${OUT}`);

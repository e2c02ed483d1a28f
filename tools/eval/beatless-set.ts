// Development-side renders for the confidence calibration (tools/eval/calibrate.ts): the
// inputs where a tempo or a key should NOT be believed, which the dev set has only a few of
// (3 drones, 9 drum grooves). Three kinds, 30 s each, synthesised here (a seeded random
// generator; additive partials with decaying or breathing envelopes) and encoded by ffmpeg to
// MP3 192 kb/s like the eval sets:
// - drone-N: one sustained chord (3–5 tones, 65–150 Hz roots) breathing at 0.03–0.15 Hz over
//   pink/brown/white noise — no tempo, no key (one chord names no key);
// - pad-N: a slow pad whose chords cross-fade every 6–10 s along I vi IV V of a major key —
//   no tempo, key = that major key;
// - atonal-N: plucked notes on a beat grid (60–170 BPM, random rests and accents), pitches
//   drawn uniformly from all twelve pitch classes over three octaves, some as three-note
//   clusters — tempo = the grid's, no key.
// Families ("beatless:drone-N" …) are their own; none is in split.json's test set (the test
// drones are build-set.ts's fixed DRONES list, made with ffmpeg's lavfi, not this generator).
//
//   nice node --import tsx tools/eval/beatless-set.ts [--out test/output/tempo-beatless] [--n 12]
//
// Writes OUT/beatless/*.mp3 and OUT/manifest.json (EvalItem rows with set "beatless").
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../../test/helpers/prng';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-beatless' }, n: { type: 'string', default: '12' } } });
const OUT = args.out;
const N = Number(args.n);
const SEC = 30;
const SR = 44100;

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/** a tone with a few inharmonic-ish partials (as the eval drones: ×2.003, ×2.997) */
function addTone(buf: Float32Array, f: number, start: number, len: number, amp: number, env: (t: number) => number): void {
  const a = Math.max(0, Math.floor(start * SR));
  const b = Math.min(buf.length, Math.floor((start + len) * SR));
  const parts = [[1, 1], [2.003, 0.5], [2.997, 0.3], [4.01, 0.15]];
  for (let i = a; i < b; i++) {
    const t = i / SR - start;
    let s = 0;
    for (const [m, g] of parts) if (f * m < SR / 2) s += g * Math.sin(2 * Math.PI * f * m * (i / SR));
    buf[i] += amp * env(t) * s;
  }
}

function noise(buf: Float32Array, colour: number, level: number, r: () => number): void {
  let brown = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < buf.length; i++) {
    const w = r() * 2 - 1;
    let v = w;
    if (colour === 1) {
      // pink (Paul Kellet's economy filter)
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      v = (b0 + b1 + b2 + w * 0.1848) * 0.25;
    } else if (colour === 2) {
      brown = (brown + 0.02 * w) / 1.02;
      v = brown * 3.5;
    }
    buf[i] += level * v;
  }
}

const MAJOR_PROG = [[0, 4, 7], [9, 12, 16], [5, 9, 12], [7, 11, 14]]; // I vi IV V (semitones above the tonic)

interface Made {
  name: string;
  bpm: number | null;
  key: { tonic: number; mode: 'major' } | null;
  category: string;
  render: () => Float32Array;
}
const made: Made[] = [];
for (let i = 0; i < N; i++) {
  const r = mulberry32(1000 + i);
  // drone: one chord breathing
  {
    const root = 36 + Math.floor(r() * 14);
    const shape = [[0, 4, 7], [0, 3, 7], [0, 4, 7, 11], [0, 7, 12, 16], [0, 5, 7, 12], [0, 3, 7, 10]][Math.floor(r() * 6)];
    const lfo = 0.03 + r() * 0.12;
    const colour = Math.floor(r() * 3);
    const level = [0.003, 0.01, 0.02, 0.03][Math.floor(r() * 4)];
    const seed = 2000 + i;
    made.push({
      name: `drone-${i}`, bpm: null, key: null, category: 'beatless',
      render: () => {
        const buf = new Float32Array(SEC * SR);
        for (const d of shape) addTone(buf, hz(root + d), 0, SEC, 0.04, (t) => Math.min(1, t / 2) * (0.65 + 0.35 * Math.sin(2 * Math.PI * lfo * t)));
        noise(buf, colour, level, mulberry32(seed));
        return buf;
      },
    });
  }
  // pad: chords cross-fading every 6–10 s along I vi IV V
  {
    const tonic = Math.floor(r() * 12);
    const step = 6 + r() * 4;
    const fade = 1.5 + r() * 1.5;
    const colour = Math.floor(r() * 3);
    const seed = 3000 + i;
    made.push({
      name: `pad-${i}`, bpm: null, key: { tonic, mode: 'major' }, category: 'beatless',
      render: () => {
        const buf = new Float32Array(SEC * SR);
        for (let c = 0, t0 = 0; t0 < SEC; c++, t0 += step) {
          const chord = MAJOR_PROG[c % 4];
          const len = step + fade;
          for (const d of chord) for (const o of [48, 60]) addTone(buf, hz(o + tonic + d), t0, len, 0.025, (t) => Math.min(1, t / fade, (len - t) / fade));
        }
        noise(buf, colour, 0.005, mulberry32(seed));
        return buf;
      },
    });
  }
  // atonal: plucks on a beat grid, all twelve pitch classes alike
  {
    const bpm = Math.round(60 + r() * 110);
    const sub = r() < 0.5 ? 1 : 2;
    const seed = 4000 + i;
    made.push({
      name: `atonal-${i}-${bpm}`, bpm, key: null, category: 'atonal',
      render: () => {
        const rr = mulberry32(seed);
        const buf = new Float32Array(SEC * SR);
        const dt = 60 / bpm / sub;
        for (let k = 0, t = 0.2; t < SEC - 0.5; k++, t += dt) {
          if (rr() < 0.2 && k % sub) continue;
          const accent = k % (4 * sub) === 0 ? 1 : k % sub === 0 ? 0.75 : 0.5;
          const notes = rr() < 0.3 ? 3 : 1;
          for (let n = 0; n < notes; n++) addTone(buf, hz(48 + Math.floor(rr() * 36)), t, 1.2, 0.05 * accent, (x) => Math.exp(-x * 4) * Math.min(1, x / 0.004));
        }
        noise(buf, 1, 0.002, mulberry32(seed + 1));
        return buf;
      },
    });
  }
}

mkdirSync(join(OUT, 'beatless'), { recursive: true });
mkdirSync(join(OUT, 'work'), { recursive: true });
const items: object[] = [];
for (const m of made) {
  const file = `${m.name}.mp3`;
  const out = join(OUT, 'beatless', file);
  if (!existsSync(out)) {
    const pcm = m.render();
    let peak = 0;
    for (const v of pcm) peak = Math.max(peak, Math.abs(v));
    if (peak > 0.99) for (let i = 0; i < pcm.length; i++) pcm[i] *= 0.99 / peak;
    const raw = join(OUT, 'work', `${m.name}.f32`);
    writeFileSync(raw, Buffer.from(pcm.buffer));
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', String(SR), '-ac', '1', '-i', raw, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', out]);
    execFileSync('rm', ['-f', raw]);
  }
  items.push({ set: 'beatless', file, source: `beatless:${m.name}`, category: m.category, bpm: m.bpm, meter: m.bpm ? 4 : 0, meterClass: m.bpm ? '4/4' : 'none', sourceKind: 'drone', key: m.key, keyTrusted: !!m.key, soundfont: null, stretch: 1, shift: 0, introSec: 0 });
}
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
console.log(`${items.length} files in ${join(OUT, 'beatless')}`);

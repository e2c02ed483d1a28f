// Development-side renders for the confidence calibration (tools/eval/calibrate.ts), issue 10
// kind 4: sounds with onsets but NO steady pulse, where a tempo must not be believed, and
// diatonic melodies with no tonic, where a key must not be believed. beatless-set.ts covers
// drones and pads (no onsets at all); these have onsets the beat tracker can lock onto:
// - sweep-N: a sine sweep (linear or exponential, 20–200 Hz up to 2–12 kHz, some downwards,
//   some with two partials, some over faint noise) — no tempo, no key;
// - bursts-N: decaying white or pink noise bursts (20–300 ms) at Poisson-random times
//   (1–5 a second) — no tempo, no key;
// - rubato-N: a melody at random onsets (inter-onset 0.15–1.1 s, uniform), its notes drawn
//   uniformly from one scale (a major key's seven tones — the same set as its relative minor —,
//   a pentatonic, the whole-tone scale) with no tonic favoured, rendered by fluidsynth with one
//   of the GM SoundFonts (FluidR3_GM, TimGM6mb) on piano, electric piano, harp, vibraphone,
//   nylon guitar or celesta — no tempo, no key (a diatonic set without a tonic names no key).
// 30 s each (sweeps 10–30 s), a seeded random generator, encoded by ffmpeg to MP3 192 kb/s like
// the eval sets. Families ("pulseless:sweep-N" …) are their own; none is in split.json's test set.
//
//   nice node --import tsx tools/eval/pulseless-set.ts [--out test/output/tempo-pulseless] [--n 12]
//
// Writes OUT/pulseless/*.mp3 and OUT/manifest.json (EvalItem rows with set "pulseless").
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { smfBytes, type SmfNote } from '../../test/helpers/smf';
import { mulberry32 } from '../../test/helpers/prng';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/tempo-pulseless' }, n: { type: 'string', default: '12' } } });
const OUT = args.out;
const N = Number(args.n);
const SEC = 30;
const SR = 44100;
const FONTS = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/TimGM6mb.sf2'];
/** GM programs: acoustic grand, electric piano 1, orchestral harp, vibraphone, nylon guitar, celesta */
const PROGRAMS = [0, 4, 46, 11, 24, 8];
const SCALES: [string, number[]][] = [
  ['diatonic', [0, 2, 4, 5, 7, 9, 11]],
  ['diatonic', [0, 2, 4, 5, 7, 9, 11]],
  ['pentatonic', [0, 2, 4, 7, 9]],
  ['wholetone', [0, 2, 4, 6, 8, 10]],
];


interface Made {
  name: string;
  /** PCM (mono, SR) or a WAV file already rendered */
  render: (work: string) => Float32Array | string;
}
const made: Made[] = [];
for (let i = 0; i < N; i++) {
  const r = mulberry32(5000 + i);
  {
    const sec = 10 + Math.floor(r() * 21);
    let f0 = 20 + r() * 180;
    let f1 = 2000 + r() * 10000;
    if (r() < 0.25) [f0, f1] = [f1, f0];
    const expo = r() < 0.5;
    const second = r() < 0.3;
    const noise = r() < 0.3 ? 0.01 : 0;
    const seed = 6000 + i;
    made.push({
      name: `sweep-${i}`,
      render: () => {
        const buf = new Float32Array(sec * SR);
        const nr = mulberry32(seed);
        const k = Math.log(f1 / f0) / sec;
        for (let j = 0; j < buf.length; j++) {
          const t = j / SR;
          // phase = ∫ f dt
          const ph = expo ? (f0 * (Math.exp(k * t) - 1)) / k : f0 * t + ((f1 - f0) / (2 * sec)) * t * t;
          buf[j] = 0.5 * Math.sin(2 * Math.PI * ph) + (second ? 0.2 * Math.sin(4 * Math.PI * ph) : 0) + noise * (nr() * 2 - 1);
        }
        return buf;
      },
    });
  }
  {
    const rate = 1 + r() * 4;
    const pink = r() < 0.5;
    const seed = 7000 + i;
    made.push({
      name: `bursts-${i}`,
      render: () => {
        const nr = mulberry32(seed);
        const buf = new Float32Array(SEC * SR);
        for (let t = -Math.log(1 - nr()) / rate; t < SEC - 0.4; t += -Math.log(1 - nr()) / rate) {
          const len = 0.02 + nr() * 0.28;
          const amp = 0.2 + nr() * 0.5;
          let b0 = 0;
          let b1 = 0;
          for (let j = Math.floor(t * SR), end = Math.min(buf.length, Math.floor((t + len * 3) * SR)); j < end; j++) {
            const w = nr() * 2 - 1;
            let v = w;
            if (pink) {
              b0 = 0.99765 * b0 + w * 0.099046;
              b1 = 0.963 * b1 + w * 0.2965164;
              v = (b0 + b1 + w * 0.1848) * 0.5;
            }
            buf[j] += amp * v * Math.exp(-(j / SR - t) / len);
          }
        }
        return buf;
      },
    });
  }
  {
    const [scaleName, scale] = SCALES[i % SCALES.length];
    const tonic = Math.floor(r() * 12);
    const font = FONTS[i % FONTS.length];
    const program = PROGRAMS[Math.floor(r() * PROGRAMS.length)];
    const seed = 8000 + i;
    made.push({
      name: `rubato-${scaleName}-${i}`,
      render: (work) => {
        const nr = mulberry32(seed);
        // one beat = one second at 60 BPM, so beats are seconds
        const notes: SmfNote[] = [];
        const pool: number[] = [];
        for (let m = 55; m <= 79; m++) if (scale.includes((m - tonic + 120) % 12)) pool.push(m);
        for (let t = 0.2; t < SEC - 1; t += 0.15 + nr() * 0.95) {
          notes.push({ beat: t, len: 0.3 + nr() * 0.5, ch: 0, note: pool[Math.floor(nr() * pool.length)], vel: 60 + Math.floor(nr() * 50) });
          if (nr() < 0.15) notes.push({ beat: t, len: 0.6, ch: 0, note: pool[Math.floor(nr() * pool.length)] - 12, vel: 55 });
        }
        const mid = join(work, `rubato-${i}.mid`);
        const wav = join(work, `rubato-${i}.wav`);
        writeFileSync(mid, smfBytes({ bpm: 60, notes, programs: { 0: program } }));
        execFileSync('fluidsynth', ['-ni', '-q', '-F', wav, '-T', 'wav', '-r', '44100', '-g', '0.5', font, mid], { stdio: 'ignore' });
        return wav;
      },
    });
  }
}

mkdirSync(join(OUT, 'pulseless'), { recursive: true });
const work = join(OUT, 'work');
mkdirSync(work, { recursive: true });
const items: object[] = [];
for (const m of made) {
  const file = `${m.name}.mp3`;
  const out = join(OUT, 'pulseless', file);
  if (!existsSync(out)) {
    const got = m.render(work);
    let input = got as string;
    let fmt: string[] = [];
    if (typeof got !== 'string') {
      let peak = 0;
      for (const v of got) peak = Math.max(peak, Math.abs(v));
      if (peak > 0.99) for (let i = 0; i < got.length; i++) got[i] *= 0.99 / peak;
      input = join(work, `${m.name}.f32`);
      writeFileSync(input, Buffer.from(got.buffer));
      fmt = ['-f', 'f32le', '-ar', String(SR), '-ac', '1'];
    }
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...fmt, '-i', input, '-t', String(SEC), '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k', out]);
    execFileSync('rm', ['-f', input]);
  }
  items.push({ set: 'pulseless', file, source: `pulseless:${m.name}`, category: 'beatless', bpm: null, meter: 0, meterClass: 'none', sourceKind: 'drone', key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0 });
}
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
console.log(`${items.length} files in ${join(OUT, 'pulseless')}`);

// Octave-decision features tried in tempo8 (issue 11) that need more than the
// tempo caches hold: a median-filter harmonic/percussive split (Fitzgerald
// 2010) of the tempo analyser's own 40-band spectrogram, and the harmonic-change
// rate from the tonal analyser's chroma (its novelty: cosine distance between
// the 2 chroma frames before and after each frame). Reads tools/eval/band-cache.ts's
// files; `octave-train.ts --extra <folder>` appends these after ALL_OCTAVE_FEATURES
// (indices 16…30, in EXTRA2_FEATURES order; 14…28 before session 9 added the two backbeat columns to tempo-explore.ts) and `--cols` picks the columns.
//
// Results (tempo8, 2026-11-30; grouped 5-fold CV by groove family over 188 dev-side renders;
// v8's five features 0–4 alone: Acc1 0.782, dev 79/98, synth 17/22, octave 51/68):
//   + HPSS combs and tempograms (14–17) 0.771; + perc comb/dft 0.787; + harm comb/dft 0.782;
//   + z·perc density 0.803 (dev 77/98); + z·harm density 0.787; + both densities 0.803 (dev 78);
//   + z·chord rate 0.777;
//   + log chord dft bar (21) 0.851 (dev 85/98, synth 17/22, octave 58/68);
//   + chord dft bar, 2, 1 (21–23) 0.846; + log(0.02 / 0.05 / 0.1 / 0.2 + chord dft bar) 0.846 / 0.846 / 0.846 / 0.835;
//   a plain chroma (FFT bins folded onto pitch classes, no peak picking) in place of the tonal one: 0.798.
// The raw log (21) read a click track at 128 BPM as 64 (its clicks alias into the chroma frames: a
// novelty of noise); the offset 0.05 (26) fixed that. Built into the product as tempo analyser v9
// (commit 9b1f4d7 on branch tempo8: OCTAVE_MODEL [-0.5524, -2.418, 2.384, -0.1805, 2.871, 2.388] over
// 0–4 and 26, the tempo analyser reading the run's tonal analyser's chroma): dev Acc1 86/98 against
// v8's 80/98 (dev-cache.ts), but the test set, run once, went DOWN: Acc1 0.824 against v8's 0.843
// (fast +2, game MIDI +2; pop4 −3, percussion −2, compound −1), Acc2 0.971 unchanged. Not shipped.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { autocorrelate, condition, fourierTempo, onsetRate, STEP, type TempoOptions } from '../../main/engine/analysis/tempo';

export const EXTRA2_FEATURES = [
  'log perc comb', // log comb salience at b of the percussive onset envelope
  'log perc dft', // log Fourier tempogram at b of the percussive onsets
  'log harm comb', // the same of the harmonic onsets
  'log harm dft',
  'z·perc density', // z × log2(percussive onsets/s ÷ 4)
  'z·harm density', // z × log2(harmonic onsets/s ÷ 2)
  'z·chord rate', // z × log2(chord changes/s ÷ 0.5), from chroma novelty peaks
  'log chord dft bar', // log Fourier magnitude of the chroma novelty at b/4 (a bar of 4 at b)
  'log chord dft 2', // the same at b/2 (a chord every two beats)
  'log chord dft 1', // at b (a chord every beat)
  'log chord dft bar3', // at b/3 (a bar of 3)
  'log(0.02 + chord dft bar)', // 'log chord dft' with an offset: a novelty without a pulse (noise, a click track's aliasing) has no say
  'log(0.05 + chord dft bar)',
  'log(0.1 + chord dft bar)',
  'log(0.2 + chord dft bar)',
] as const;

/** running median of xs over ±h (edges: the window clipped) */
function median1(xs: Float64Array, h: number, out: Float64Array): void {
  const n = xs.length;
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    w.length = 0;
    for (let j = Math.max(0, i - h); j <= Math.min(n - 1, i + h); j++) w.push(xs[j]);
    w.sort((a, b) => a - b);
    out[i] = w[w.length >> 1];
  }
}

export interface ExtraCache {
  perc: Float32Array;
  harm: Float32Array;
  nov: Float64Array;
  chromaFps: number;
  chordRate: number;
}

/** the harmonic and percussive log-flux envelopes (same frames as the tempo envelope) and the chroma novelty, from band-cache.ts's files; null when not cached */
export function loadExtra(cacheDir: string, set: string, file: string): ExtraCache | null {
  const base = join(cacheDir, set, file.replace(/\.mp3$/, ''));
  if (!existsSync(base + '.json')) return null;
  const meta = JSON.parse(readFileSync(base + '.json', 'utf8')) as { fps: number; frames: number; chromaFps: number; chromaFrames: number; active: boolean[] };
  const b40 = new Float32Array(Uint8Array.from(readFileSync(base + '.b40')).buffer);
  const chroma = new Float32Array(Uint8Array.from(readFileSync(base + '.chroma')).buffer);
  const nf = meta.frames;
  const B = 40;
  // HPSS on the power spectrogram (bands): H = median over ±8 frames (≈0.37 s), P = median over ±3 bands; soft masks P²/(P²+H²)
  const H = new Float64Array(nf * B);
  const P = new Float64Array(nf * B);
  const col = new Float64Array(nf);
  const out = new Float64Array(nf);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < nf; i++) col[i] = b40[i * B + b];
    median1(col, 8, out);
    for (let i = 0; i < nf; i++) H[i * B + b] = out[i];
  }
  const row = new Float64Array(B);
  const ro = new Float64Array(B);
  for (let i = 0; i < nf; i++) {
    for (let b = 0; b < B; b++) row[b] = b40[i * B + b];
    median1(row, 3, ro);
    for (let b = 0; b < B; b++) P[i * B + b] = ro[b];
  }
  const perc = new Float32Array(nf);
  const harm = new Float32Array(nf);
  const fl = 128 ** 2 * 1e-9;
  const prevP = new Float64Array(B);
  const prevH = new Float64Array(B);
  for (let i = 0; i < nf; i++) {
    let fp = 0;
    let fh = 0;
    for (let b = 0; b < B; b++) {
      const e = b40[i * B + b];
      const p2 = P[i * B + b] ** 2;
      const h2 = H[i * B + b] ** 2;
      const mp = p2 + h2 > 0 ? p2 / (p2 + h2) : 0.5;
      const lp = Math.log(e * mp + fl);
      const lh = Math.log(e * (1 - mp) + fl);
      if (i) {
        if (lp > prevP[b]) fp += lp - prevP[b];
        if (lh > prevH[b]) fh += lh - prevH[b];
      }
      prevP[b] = lp;
      prevH[b] = lh;
    }
    perc[i] = fp;
    harm[i] = fh;
  }
  // chroma novelty: cosine distance between the mean max-normalised chroma of 2 frames before and 2 after
  const cf = meta.chromaFrames;
  const nov = new Float64Array(cf);
  const w = 2;
  const a = new Float64Array(12);
  const c = new Float64Array(12);
  const add = (f: number, o: Float64Array) => {
    let m = 0;
    for (let k = 0; k < 12; k++) if (chroma[f * 12 + k] > m) m = chroma[f * 12 + k];
    if (m > 0 && meta.active[f]) for (let k = 0; k < 12; k++) o[k] += chroma[f * 12 + k] / m;
  };
  for (let f = w; f + w <= cf; f++) {
    a.fill(0);
    c.fill(0);
    for (let g = f - w; g < f; g++) add(g, a);
    for (let g = f; g < f + w; g++) add(g, c);
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let k = 0; k < 12; k++) {
      ab += a[k] * c[k];
      aa += a[k] * a[k];
      bb += c[k] * c[k];
    }
    nov[f] = aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0;
  }
  // chord changes: novelty peaks above 0.1 and above the mean + ½ sd, ≥ 2 frames apart
  let mean = 0;
  for (const v of nov) mean += v;
  mean /= cf || 1;
  let sd = 0;
  for (const v of nov) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / (cf || 1));
  let peaks = 0;
  let last = -9;
  for (let f = 1; f + 1 < cf; f++)
    if (nov[f] > Math.max(0.1, mean + 0.5 * sd) && nov[f] > nov[f - 1] && nov[f] >= nov[f + 1] && f - last >= 2) {
      peaks++;
      last = f;
    }
  const chordRate = Math.max(peaks / (cf / meta.chromaFps), 0.05);
  return { perc, harm, nov, chromaFps: meta.chromaFps, chordRate };
}

/** EXTRA2_FEATURES for candidate tempi `tempi` (BPM) of one file with tempo envelope rate `fps` */
export function extraFeatures(x: ExtraCache, fps: number, opts: Required<TempoOptions>, tempi: number[]): number[][] {
  const env = (e: Float32Array) => condition(e, fps);
  const pc = env(x.perc);
  const hc = env(x.harm);
  const pS = pc ? autocorrelate(pc, fps, opts)?.scores : undefined;
  const hS = hc ? autocorrelate(hc, fps, opts)?.scores : undefined;
  const combAt = (s: Float64Array | undefined, b: number) => {
    if (!s) return 0;
    let t = 0;
    for (let i = 0; i < s.length; i++) if (s[i] > t) t = s[i];
    const j = Math.min(s.length - 1, Math.max(0, Math.round((b - opts.minBpm) / STEP)));
    return Math.log(0.05 + (t > 0 ? s[j] / t : 0));
  };
  const pd = pc ? Math.log2(onsetRate(pc, fps) / 4) : 0;
  const hd = hc ? Math.log2(onsetRate(hc, fps) / 2) : 0;
  const cr = Math.log2(x.chordRate / 0.5);
  const L = (v: number) => Math.log(Math.max(v, 1e-3));
  const novDft = (bpm: number, nov = x.nov) => (bpm / 60 < x.chromaFps / 2 ? L(fourierTempo(nov, x.chromaFps, bpm, 30)) : Math.log(1e-3));
  return tempi.map((b) => {
    const z = Math.log2(b / 120);
    return [combAt(pS, b), pc ? L(fourierTempo(pc, fps, b, 30)) : 0, combAt(hS, b), hc ? L(fourierTempo(hc, fps, b, 30)) : 0, z * pd, z * hd, z * cr, novDft(b / 4), novDft(b / 2), novDft(b), novDft(b / 3), ...[0.02, 0.05, 0.1, 0.2].map((o) => Math.log(o + fourierTempo(x.nov, x.chromaFps, b / 4, 30)))];
  });
}

// A/B of the per-sample kernels in front of the analysers (issue 11 throughput; BENCHMARKS.md "Throughput: session
// 14, decimation, loudness, deinterleave"): this tree's SharedStreams decimators (the ~11 kHz and ~5.5 kHz taps the
// tempo and tonal analysers ask for), LoudnessAnalyser (K-weighting, 100 ms sums, sample and true peak) against another
// tree's (BASE, e.g. a `git archive` of the base commit), and run.ts Feed.frames' deinterleave loop (copied below)
// against variants of it, on the same decoded dev files in one process, alternating base/new 7 times (--passes N); checks that the results are the
// same bits first and prints medians of this thread's CPU ms.
//
//   BASE=/tmp/base nice node --import tsx test/bench/stream-kernels-ab.ts [FILES=8] [--only decim|loud|frames] [--passes 7]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readPcmOutputs } from '../../main/engine/media/pcm';
import { ANALYSIS_FILTER } from '../../main/engine/analysis/run';
import * as NS from '../../main/engine/dsp/streams';
import * as NL from '../../main/engine/analysis/loudness';

const base = process.env.BASE;
if (!base) throw new Error('set BASE to the other tree');
const imp = (p: string) => import(pathToFileURL(join(base, p)).href);
const BS = (await imp('main/engine/dsp/streams.ts')) as typeof NS;
const BL = (await imp('main/engine/analysis/loudness.ts')) as typeof NL;
const opt = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const only = opt('--only');
const passes = Number(opt('--passes') ?? 7);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
const ab = (name: string, fb: () => void, fn: () => void) => {
  const tb: number[] = [], tn: number[] = [];
  for (let r = 0; r < passes; r++) { let t = cpu(); fb(); tb.push(cpu() - t); t = cpu(); fn(); tn.push(cpu() - t); }
  console.log(`${name.padEnd(34)} base ${med(tb).toFixed(1).padStart(7)} ms  new ${med(tn).toFixed(1).padStart(7)} ms  (${(100 * (med(tn) / med(tb) - 1)).toFixed(1)} %)  min ${Math.min(...tb).toFixed(1)} → ${Math.min(...tn).toFixed(1)}`);
};

const dir = 'test/output/eval/dev';
const n = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 8);
const files = readdirSync(dir).filter((f) => f.endsWith('.mp3')).sort().filter((_, i) => i % Math.ceil(110 / n) === 0).map((f) => join(dir, f));
/** per file: rate, channel mask, the decode's interleaved chunks as they came, and the deinterleaved blocks of 4096 */
const decs: { rate: number; mask: number; ch: number; chunks: { f32: Float32Array; whole: number }[]; blocks: Float32Array[][] }[] = [];
let audioSec = 0;
for (const f of files) {
  const chunks: { f32: Float32Array; whole: number }[] = [];
  let rate = 0, ch = 0, mask = 0;
  await readPcmOutputs(f, { outputs: [{ filter: ANALYSIS_FILTER, onFormat: (fm) => { rate = fm.sampleRate; ch = fm.channels; mask = fm.channelMask; }, onFrames: (v, w) => { chunks.push({ f32: v.slice(0, w * ch), whole: w }); } }] });
  const total = chunks.reduce((s, c) => s + c.whole, 0);
  const planar = Array.from({ length: ch }, () => new Float32Array(total));
  let o = 0;
  for (const c of chunks) { for (let i = 0; i < c.whole; i++) for (let k = 0; k < ch; k++) planar[k][o + i] = c.f32[i * ch + k]; o += c.whole; }
  const blocks: Float32Array[][] = [];
  for (let off = 0; off < total; off += 4096) blocks.push(planar.map((p) => p.subarray(off, Math.min(off + 4096, total))));
  decs.push({ rate, mask, ch, chunks, blocks });
  audioSec += total / rate;
}
console.log(`${files.length} dev files, ${audioSec.toFixed(0)} s of audio`);

const decim = (S: typeof NS, check = false) => {
  const out: number[] = [];
  for (const d of decs) {
    const s = new S.SharedStreams(d.rate, d.ch, d.mask);
    const t11 = s.mono(11025);
    const t5 = s.mono(5512.5);
    let h = 0;
    for (const b of d.blocks) {
      s.process(b);
      if (check) {
        for (const v of t11.current) h = (h * 31 + v) % 1e9;
        for (const v of t5.current) h = (h * 7 + v) % 1e9;
      }
      s.endBlock();
    }
    out.push(h);
  }
  return out;
};
const loud = (L: typeof NL) => {
  const out: unknown[] = [];
  for (const d of decs) {
    const a = new L.LoudnessAnalyser();
    a.init(d.rate, d.ch, { channelMask: d.mask } as NS.SharedStreams);
    for (const b of d.blocks) a.process(b);
    out.push(a.finish());
  }
  return out;
};
/** the deinterleave loop of run.ts Feed.frames (ch: block.length) */
function oldFrames(block: Float32Array[], fill: number, f32: Float32Array, i: number, n: number): void {
  const ch = block.length;
  if (ch === 1) block[0].set(f32.subarray(i, i + n), fill);
  else if (ch === 2) {
    const l = block[0];
    const r = block[1];
    for (let k = 0, s = 2 * i; k < n; k++, s += 2) {
      l[fill + k] = f32[s];
      r[fill + k] = f32[s + 1];
    }
  } else {
    for (let c = 0; c < ch; c++) {
      const dst = block[c];
      for (let k = 0, s = i * ch + c; k < n; k++, s += ch) dst[fill + k] = f32[s];
    }
  }
}
/** the same, one pass per channel (each a strided read) */
function perChannel(block: Float32Array[], fill: number, f32: Float32Array, i: number, n: number): void {
  const ch = block.length;
  for (let c = 0; c < ch; c++) {
    const dst = block[c].subarray(fill, fill + n);
    for (let k = 0, s = i * ch + c; k < n; k++, s += ch) dst[k] = f32[s];
  }
}
/** the same as Int32 moves (no float32 → float64 → float32 conversions) */
function int32(block: Float32Array[], fill: number, f32: Float32Array, i: number, n: number): void {
  const ch = block.length;
  const src = new Int32Array(f32.buffer, f32.byteOffset + i * ch * 4, n * ch);
  for (let c = 0; c < ch; c++) {
    const dst = new Int32Array(block[c].buffer, block[c].byteOffset + fill * 4, n);
    for (let k = 0, s = c; k < n; k++, s += ch) dst[k] = src[s];
  }
}
const frames = (fn: typeof oldFrames) => {
  let h = 0;
  for (const d of decs) {
    const block = Array.from({ length: d.ch }, () => new Float32Array(4096));
    let fill = 0;
    for (const c of d.chunks) {
      let i = 0;
      while (i < c.whole) {
        const m = Math.min(c.whole - i, 4096 - fill);
        fn(block, fill, c.f32, i, m);
        fill += m;
        i += m;
        if (fill === 4096) { h = (h + block[0][17] + block[d.ch - 1][4000]) % 1e9; fill = 0; }
      }
    }
  }
  return h;
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
if (!only || only === 'decim') {
  if (!same(decim(BS, true), decim(NS, true))) throw new Error('decimation: different results');
  ab('decimation (11 kHz + 5.5 kHz taps)', () => decim(BS), () => decim(NS));
}
if (!only || only === 'loud') {
  const rb = loud(BL), rn = loud(NL);
  if (!same(rb, rn)) throw new Error(`loudness: different results\n${JSON.stringify(rb).slice(0, 400)}\n${JSON.stringify(rn).slice(0, 400)}`);
  ab('loudness (K-weighting + peaks)', () => loud(BL), () => loud(NL));
}
if (!only || only === 'frames') {
  for (const [name, fn] of [['one pass per channel', perChannel], ['Int32 moves', int32]] as const) {
    if (frames(oldFrames) !== frames(fn)) throw new Error(`deinterleave, ${name}: different results`);
    ab(`deinterleave: ${name}`, () => frames(oldFrames), () => frames(fn));
  }
}

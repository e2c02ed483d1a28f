// A/B of DSP kernels (issue 11 throughput; BENCHMARKS.md "ffmpeg's dynamic loader, cheaper FFT input and key
// floors"): this tree's RealFft and tonal analyser against another tree's (BASE, e.g. a `git archive` of the base
// commit), on the same data in one process, alternating; checks that the results are the same bits first.
//
//   BASE=/tmp/base node --import tsx test/bench/kernels-ab.ts [FILES=8]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readPcmOutputs } from '../../main/engine/media/pcm';
import { ANALYSIS_FILTER } from '../../main/engine/analysis/run';
import * as NF from '../../main/engine/dsp/fft';
import * as NS from '../../main/engine/dsp/streams';
import * as NT from '../../main/engine/analysis/tonal';

const base = process.env.BASE;
if (!base) throw new Error('set BASE to the other tree');
const imp = (p: string) => import(pathToFileURL(join(base, p)).href);
const BF = (await imp('main/engine/dsp/fft.ts')) as typeof NF;
const BS = (await imp('main/engine/dsp/streams.ts')) as typeof NS;
const BT = (await imp('main/engine/analysis/tonal.ts')) as typeof NT;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
const ab = (name: string, fb: () => void, fn: () => void) => {
  const tb: number[] = [], tn: number[] = [];
  for (let r = 0; r < 5; r++) { let t = cpu(); fb(); tb.push(cpu() - t); t = cpu(); fn(); tn.push(cpu() - t); }
  console.log(`${name.padEnd(20)} base ${med(tb).toFixed(1)} ms  new ${med(tn).toFixed(1)} ms  (${(100 * (med(tn) / med(tb) - 1)).toFixed(1)} %)`);
};

for (const size of [512, 1024, 2048]) {
  const nf = new NF.RealFft(size), bf = new BF.RealFft(size);
  const x = new Float64Array(size), a = new Float64Array(size / 2 + 1), b = new Float64Array(size / 2 + 1);
  let same = true;
  for (let t = 0; t < 200; t++) {
    for (let i = 0; i < size; i++) x[i] = Math.sin(i * (t + 1) * 0.37) * Math.random();
    nf.powerSpectrum(x, a);
    bf.powerSpectrum(x, b);
    for (let k = 0; k <= size / 2; k++) if (!Object.is(a[k], b[k])) same = false;
  }
  if (!same) throw new Error(`RealFft ${size}: different bits`);
  const reps = Math.round(4e6 / size);
  ab(`RealFft ${size} ×${reps}`, () => { for (let i = 0; i < reps; i++) bf.powerSpectrum(x, b); }, () => { for (let i = 0; i < reps; i++) nf.powerSpectrum(x, a); });
}

const dir = 'test/output/eval/dev';
const n = Number(process.argv[2] ?? 8);
const files = readdirSync(dir).filter((f) => f.endsWith('.mp3')).sort().filter((_, i) => i % Math.ceil(110 / n) === 0).map((f) => join(dir, f));
const decs: { rate: number; mask: number; data: Float32Array[] }[] = [];
for (const f of files) {
  const full: number[][] = [];
  let rate = 0, ch = 0, mask = 0;
  await readPcmOutputs(f, { outputs: [{ filter: ANALYSIS_FILTER, onFormat: (fm) => { rate = fm.sampleRate; ch = fm.channels; mask = fm.channelMask; for (let c = 0; c < ch; c++) full.push([]); }, onFrames: (v, w) => { for (let i = 0; i < w; i++) for (let c = 0; c < ch; c++) full[c].push(v[i * ch + c]); } }] });
  decs.push({ rate, mask, data: full.map((c) => Float32Array.from(c)) });
}
const tonal = (T: typeof NT, S: typeof NS) => {
  const res: unknown[] = [];
  for (const d of decs) {
    const an = new T.TonalAnalyser();
    const s = new S.SharedStreams(d.rate, d.data.length, d.mask);
    an.init(d.rate, d.data.length, s);
    for (let off = 0; off < d.data[0].length; off += 4096) {
      const blk = d.data.map((c) => c.subarray(off, Math.min(off + 4096, c.length)));
      s.process(blk);
      an.process(blk);
      s.endBlock();
    }
    res.push(an.finish());
  }
  return JSON.stringify(res);
};
if (tonal(BT, BS) !== tonal(NT, NS)) throw new Error('tonal: different results');
ab(`tonal, ${files.length} files`, () => tonal(BT, BS), () => tonal(NT, NS));

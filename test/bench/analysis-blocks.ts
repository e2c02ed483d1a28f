// Per-analyser CPU of the library's analysers on decoded audio held in memory (issue 11 throughput;
// BENCHMARKS.md "lazy start-up, fewer logarithms"): each file is decoded once by the analysis decode's two
// outputs (ANALYSIS_FILTER and WAVE_OUTPUT) into arrays, then the analysers (libraryAnalysers) and the shared
// decimated streams run over it in 4096-frame blocks REPS times, timed by this process's CPU inside each call.
// No pipe, no ffmpeg, no GC of pipe chunks in the figures: an analyser change shows alone. Run two trees side by
// side so that both see the same load. DUMP=FILE writes the first repetition's results (compare two trees with cmp).
//
//   REPS=4 [DUMP=out.json] node --import tsx test/bench/analysis-blocks.ts [FILES=12] [ANALYSERS=tempo,spectrogram,…]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPcmOutputs } from '../../main/engine/media/pcm';
import { ANALYSIS_FILTER } from '../../main/engine/analysis/run';
import { WAVE_OUTPUT } from '../../main/engine/analysis/waveform';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { SharedStreams } from '../../main/engine/dsp/streams';
const dir = 'test/output/eval/dev';
/** about this many files, spread over the dev folder's sorted list */
const n = Number(process.argv[2] ?? 12);
const only = process.argv[3];
const files = readdirSync(dir).filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f)).sort().filter((_, i) => i % Math.ceil(110 / n) === 0).map((f) => join(dir, f));
type Dec = { rate: number; ch: number; mask: number; data: Float32Array[]; wrate: number; wave: Float32Array };
const decs: Dec[] = [];
for (const f of files) {
  const full: number[][] = []; const wave: number[] = []; let rate = 0, ch = 0, mask = 0, wrate = 0;
  await readPcmOutputs(f, { outputs: [
    { filter: ANALYSIS_FILTER, onFormat: (fm) => { rate = fm.sampleRate; ch = fm.channels; mask = fm.channelMask; for (let c = 0; c < ch; c++) full.push([]); }, onFrames: (x, w) => { for (let i = 0; i < w; i++) for (let c = 0; c < ch; c++) full[c].push(x[i * ch + c]); } },
    { ...WAVE_OUTPUT, onFormat: (fm) => { wrate = fm.sampleRate; }, onFrames: (x, w) => { for (let i = 0; i < w; i++) wave.push(x[i]); } },
  ] });
  decs.push({ rate, ch, mask, data: full.map((a) => Float32Array.from(a)), wrate, wave: Float32Array.from(wave) });
}
const audio = decs.reduce((s, d) => s + d.data[0].length / d.rate, 0);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const ms: Record<string, number> = {};
const reps = Number(process.env.REPS ?? 3);
const results: unknown[] = [];
for (let r = 0; r < reps; r++) for (const d of decs) {
  const as = libraryAnalysers(d.data[0].length / d.rate).filter((a) => !only || only.split(',').includes(a.name));
  const shared = new SharedStreams(d.rate, d.ch, d.mask);
  for (const a of as) { const t = cpu(); a.init(a.stream === 'wave' ? d.wrate : d.rate, a.stream === 'wave' ? 1 : d.ch, a.stream === 'wave' ? undefined : shared); ms[a.name + ' init'] = (ms[a.name + ' init'] ?? 0) + cpu() - t; }
  const B = 4096;
  for (let off = 0; off < d.data[0].length; off += B) {
    const blk = d.data.map((c) => c.subarray(off, Math.min(off + B, c.length)));
    let t = cpu(); shared.process(blk); ms['shared'] = (ms['shared'] ?? 0) + cpu() - t;
    for (const a of as) if (a.stream !== 'wave') { t = cpu(); a.process(blk); ms[a.name] = (ms[a.name] ?? 0) + cpu() - t; }
    t = cpu(); shared.endBlock(); ms['shared'] = (ms['shared'] ?? 0) + cpu() - t;
  }
  for (let off = 0; off < d.wave.length; off += B) {
    const blk = [d.wave.subarray(off, Math.min(off + B, d.wave.length))];
    for (const a of as) if (a.stream === 'wave') { const t = cpu(); a.process(blk); ms[a.name] = (ms[a.name] ?? 0) + cpu() - t; }
  }
  for (const a of as) { const t = cpu(); const res = a.finish(); ms[a.name + ' finish'] = (ms[a.name + ' finish'] ?? 0) + cpu() - t; if (r === 0) results.push(res); }
}
const tot = Object.values(ms).reduce((a, b) => a + b, 0);
console.log(`${files.length} files × ${reps}, ${audio.toFixed(0)} s audio each rep; total ${(tot / reps).toFixed(0)} ms per rep = ${(audio * reps / tot * 1000).toFixed(0)}× realtime`);
for (const [k, v] of Object.entries(ms).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(22)} ${(v / reps).toFixed(1).padStart(8)} ms  ${(100 * v / tot).toFixed(1)} %`);
if (process.env.DUMP) (await import('node:fs')).writeFileSync(process.env.DUMP, JSON.stringify(results, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)));

// Decoder speed against llama.cpp (issue 13): prefill and decode tokens/s and peak RSS
// of the studio's int4 decoder (onnxruntime-node, CPU) and of llama.cpp Q4_0
// (node-llama-cpp's prebuilt CPU binary), same random weights, same thread count,
// one benchmark run.
//
//   nice /usr/bin/python3 test/bench/make_llm_speed.py --shape 1b --out test/output/llm-speed-1b --variants all --gguf
//   node --import tsx test/bench/llm-speed.ts test/output/llm-speed-1b [--threads 2] [--prompt 256] [--tokens 64]
//        [--runs 3] [--variants full,full/grow,baseline] [--no-peer]
//
// Every measurement is its own child process (so peak RSS is that session's VmHWM),
// engines alternating within each run; medians over runs. Prompt: `--prompt` token ids
// from a fixed LCG, prefilled in one call; then `--tokens` single-token decode steps
// (greedy), fed back as embedding rows (ours) or token ids (llama.cpp).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createSession } from '../../main/engine/model/providers';
import { KvDecoder } from '../../main/engine/model/generate/decoder';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string', default: '2' },
    prompt: { type: 'string', default: '256' },
    tokens: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    variants: { type: 'string', default: 'full' },
    'no-peer': { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});
const DIR = positionals[0];
if (!DIR) throw new Error('usage: llm-speed.ts DIR (made by make_llm_speed.py) [options]');
const THREADS = Number(values.threads);
const P = Number(values.prompt);
const N = Number(values.tokens);
const info = JSON.parse(readFileSync(join(DIR, 'info.json'), 'utf8'));

interface Result { prefillTokS: number; decodeTokS: number; peakRssMiB: number; loadS: number }

function promptIds(vocab: number): number[] {
  let s = 12345;
  return Array.from({ length: P }, () => 3 + ((s = (s * 1103515245 + 12345) % 2147483648) % (vocab - 9)));
}

function argmax(a: Float32Array): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

/** `VARIANT` (its graph, with the shared KV buffer where the graph has GroupQueryAttention) or `VARIANT/grow` (growing KV tensors). */
async function ours(spec: string): Promise<Result> {
  const [variant, mode] = spec.split('/');
  const dir = join(DIR, variant);
  const shared = mode !== 'grow' && info.variants[variant].options.fused_attention;
  const H = info.hidden;
  const t0 = performance.now();
  const { session } = await createSession(join(dir, 'decoder.onnx'), 'cpu', { threads: THREADS });
  const loadS = (performance.now() - t0) / 1000;
  const fd = openSync(join(dir, 'embed_tokens.bin'), 'r');
  const rows = (ids: number[]) => {
    const out = new Float32Array(ids.length * H);
    ids.forEach((id, i) => readSync(fd, new Uint8Array(out.buffer, i * H * 4, H * 4), 0, H * 4, id * H * 4));
    return out;
  };
  const dec = new KvDecoder(session, { layers: info.layers, heads: info.heads, headDim: H / info.heads, hidden: H, vocab: info.vocab, half: false }, shared ? P + N + 8 : undefined);
  const ids = promptIds(info.vocab);
  // warm-up: a short prompt and two steps
  let tok = argmax(await dec.append(rows(ids.slice(0, 8)), 8));
  for (let k = 0; k < 2; k++) tok = argmax(await dec.append(rows([tok]), 1));
  dec.reset();
  const t1 = performance.now();
  tok = argmax(await dec.append(rows(ids), P));
  const t2 = performance.now();
  for (let k = 0; k < N; k++) tok = argmax(await dec.append(rows([tok]), 1));
  const t3 = performance.now();
  closeSync(fd);
  await session.release();
  return { prefillTokS: P / ((t2 - t1) / 1000), decodeTokS: N / ((t3 - t2) / 1000), peakRssMiB: process.resourceUsage().maxRSS / 1024, loadS };
}

async function peer(): Promise<Result> {
  // node-llama-cpp is installed for this benchmark only (BENCHMARKS.md): the npm
  // registry this project uses lacks its macOS/Windows binary packages, so as a
  // devDependency it would leave the lock file unusable for `npm ci`.
  const PEER = 'node-llama-cpp';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const mod: any = await import(PEER).catch(() => {
    throw new Error('llama.cpp peer missing: run `npm install --no-save node-llama-cpp@3.22.1` first (its install script stays denied).');
  });
  const { getLlama, LlamaLogLevel } = mod;
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const t0 = performance.now();
  const model = await llama.loadModel({ modelPath: join(DIR, info.gguf.file), gpuLayers: 0 });
  const ctx = await model.createContext({ contextSize: P + N + 32, batchSize: P, threads: THREADS, sequences: 1 });
  const loadS = (performance.now() - t0) / 1000;
  const seq = ctx.getSequence();
  const ids = promptIds(info.vocab) as never[];
  // warm-up: a short prompt and two steps
  await seq.evaluateWithoutGeneratingNewTokens(ids.slice(0, 8));
  let k = 0;
  for await (const _ of seq.evaluate([ids[8]], { temperature: 0 })) if (++k >= 2) break;
  await seq.clearHistory();
  const t1 = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(ids);
  const t2 = performance.now();
  let n = 0;
  for await (const _ of seq.evaluate([ids[0]], { temperature: 0 })) if (++n >= N) break;
  const t3 = performance.now();
  if (n !== N) throw new Error(`llama.cpp stopped after ${n} of ${N} tokens`);
  await ctx.dispose();
  await model.dispose();
  return { prefillTokS: P / ((t2 - t1) / 1000), decodeTokS: N / ((t3 - t2) / 1000), peakRssMiB: process.resourceUsage().maxRSS / 1024, loadS };
}

if (values.child) {
  const r = values.child === 'llama.cpp' ? await peer() : await ours(values.child);
  console.log(JSON.stringify(r));
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const engines = [...values.variants!.split(',').filter(Boolean), ...(values['no-peer'] ? [] : ['llama.cpp'])];
const results: Record<string, Result[]> = Object.fromEntries(engines.map((e) => [e, []]));
const self = fileURLToPath(import.meta.url);
const loads: number[] = [];
console.log(`decoder speed — ${new Date().toISOString()} — ${cpus()[0].model}, ${cpus().length} logical CPUs, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${info.shape}: hidden ${info.hidden}, ${info.layers} layers, ${info.heads} heads, FFN ${info.intermediate}, vocab ${info.vocab}; ${THREADS} threads, prompt ${P}, ${N} decode steps, ${values.runs} runs`);
for (let r = 0; r < Number(values.runs); r++) {
  for (const e of engines) {
    loads.push(loadavg()[0]);
    const c = spawnSync(process.execPath, ['--import', 'tsx', self, DIR, '--child', e, '--threads', String(THREADS), '--prompt', String(P), '--tokens', String(N)], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (c.status !== 0) throw new Error(`${e} failed:\n${c.stdout}\n${c.stderr}`);
    const res = JSON.parse(c.stdout.trim().split('\n').at(-1)!) as Result;
    results[e].push(res);
    console.log(`  run ${r + 1} ${e.padEnd(22)} prefill ${res.prefillTokS.toFixed(1).padStart(7)} tok/s  decode ${res.decodeTokS.toFixed(2).padStart(6)} tok/s  peak RSS ${res.peakRssMiB.toFixed(0)} MiB  load ${res.loadS.toFixed(1)} s`);
  }
}
const peerRes = results['llama.cpp'];
const pm = peerRes && { prefill: median(peerRes.map((x) => x.prefillTokS)), decode: median(peerRes.map((x) => x.decodeTokS)) };
console.log(`\nmedians (load average during the runs ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}):`);
console.log('| engine | weights | prefill tok/s | × llama.cpp | decode tok/s | × llama.cpp | peak RSS | RSS ÷ weights |');
console.log('| --- | --: | --: | --: | --: | --: | --: | --: |');
for (const e of engines) {
  const xs = results[e];
  const pre = median(xs.map((x) => x.prefillTokS));
  const dec = median(xs.map((x) => x.decodeTokS));
  const rss = Math.max(...xs.map((x) => x.peakRssMiB));
  const bytes = e === 'llama.cpp' ? info.gguf.bytes : info.variants[e.split('/')[0]].weight_bytes;
  const ratio = (a: number, b?: number) => (b ? `${(a / b).toFixed(2)}×` : '—');
  console.log(`| ${e === 'llama.cpp' ? 'llama.cpp Q4_0' : `ours int4 (${e})`} | ${(bytes / 2 ** 20).toFixed(0)} MiB | ${pre.toFixed(1)} | ${ratio(pre, pm?.prefill)} | ${dec.toFixed(2)} | ${ratio(dec, pm?.decode)} | ${rss.toFixed(0)} MiB | ${(rss / (bytes / 2 ** 20)).toFixed(2)} |`);
}

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
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { createSession } from '../../main/engine/model/providers';
import { KvDecoder } from '../../main/engine/model/generate/decoder';
import { DECODER_SESSION_OPTIONS } from '../../main/engine/model/runtime';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string', default: '2' },
    prompt: { type: 'string', default: '256' },
    tokens: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    variants: { type: 'string', default: 'full' },
    'no-peer': { type: 'boolean', default: false },
    /** positions the decoder may reach beyond the prompt (the studio reserves max_new_tokens = 512) */
    reserve: { type: 'string' },
    child: { type: 'string' },
    'make-prepacked': { type: 'string' },
  },
});
const DIR = positionals[0];
if (!DIR) throw new Error('usage: llm-speed.ts DIR (made by make_llm_speed.py) [options]');
const THREADS = Number(values.threads);
const P = Number(values.prompt);
const N = Number(values.tokens);
const RESERVE = values.reserve === undefined ? N + 8 : Number(values.reserve);
const info = JSON.parse(readFileSync(join(DIR, 'info.json'), 'utf8'));

interface Result {
  prefillTokS: number;
  decodeTokS: number;
  /** VmHWM of the child process */
  peakRssMiB: number;
  loadS: number;
  /** VmRSS right after the session opened, and after the last decode step */
  loadedRssMiB?: number;
  endRssMiB?: number;
  /** tokens per second of this process's CPU time (user + system, all threads) in each phase: robust to
   *  other jobs taking the cores (on 1 thread, wall time then stretches but CPU time does not) */
  prefillTokCpuS?: number;
  decodeTokCpuS?: number;
  /** transparent huge pages at the end (MiB) */
  thpMiB?: number;
  /** greedy token after the prefill and after the last step (variants of one graph must agree) */
  tokens?: number[];
}

function promptIds(vocab: number): number[] {
  let s = 12345;
  return Array.from({ length: P }, () => 3 + ((s = (s * 1103515245 + 12345) % 2147483648) % (vocab - 9)));
}

function argmax(a: Float32Array): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

/**
 * Session-option presets (`VARIANT@PRESET`), measured against the default (issue 13, item 1: peak RSS).
 * `prepacked` loads `decoder.prepacked.onnx`, which `--make-prepacked VARIANT` writes once (its own
 * process): onnxruntime's optimised model with every prepacked MatMulNBits weight saved to external
 * data (`session.save_external_prepacked_constant_initializers`), so a load maps the packed form
 * from disk instead of packing the weights into the heap.
 */
const PRESETS: Record<string, ort.InferenceSession.SessionOptions> = {
  /** what the studio's runtime opens its decoder with (model/runtime.ts) */
  default: DECODER_SESSION_OPTIONS,
  /** createSession's defaults alone (onnxruntime's CPU arena on: the runtime before issue 13's item 1) */
  arena: {},
  noprepack: { extra: { 'session.disable_prepacking': '1' } },
  noarena: { enableCpuMemArena: false },
  nopattern: { enableMemPattern: false },
  noarena_nopattern: { enableCpuMemArena: false, enableMemPattern: false },
  basic: { graphOptimizationLevel: 'basic' },
  extended: { graphOptimizationLevel: 'extended' },
  nospin: { extra: { 'session.intra_op.allow_spinning': '0' } },
  prepacked: DECODER_SESSION_OPTIONS,
  lut: { extra: { 'mlas.use_lut_gemm': '1' } },
  devalloc: { ...DECODER_SESSION_OPTIONS, extra: { 'session.use_device_allocator_for_initializers': '1' } },
  daz: { ...DECODER_SESSION_OPTIONS, extra: { 'session.set_denormal_as_zero': '1' } },
  envalloc: { ...DECODER_SESSION_OPTIONS, extra: { 'session.use_env_allocators': '1' } },
};

/**
 * Environment presets (`VARIANT@PRESET`, also `llama.cpp@PRESET`), set when the child process starts
 * (glibc reads them before main): `thp` makes malloc ask for transparent huge pages for its mappings
 * (this kernel's THP mode is `madvise`), `trim` returns freed memory to the system at 1 MiB
 * (fixed mmap/trim thresholds instead of glibc's growing ones), `arena1` one malloc arena.
 * Presets combine with `+` (`full@arena+thp`).
 */
const ENV_PRESETS: Record<string, Record<string, string>> = {
  thp: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' },
  trim: { MALLOC_MMAP_THRESHOLD_: '1048576', MALLOC_TRIM_THRESHOLD_: '1048576' },
  arena1: { MALLOC_ARENA_MAX: '1' },
};

/** The session options and the environment of a preset list `a+b+…` (unknown names throw). */
function preset(spec: string): { session: ort.InferenceSession.SessionOptions; env: Record<string, string> } {
  let session: ort.InferenceSession.SessionOptions = {};
  let env: Record<string, string> = {};
  for (const p of spec.split('+')) {
    if (p in PRESETS) {
      const o = PRESETS[p];
      session = { ...session, ...o, extra: { ...(session.extra as object), ...(o.extra as object) } };
    } else if (p in ENV_PRESETS) env = { ...env, ...ENV_PRESETS[p] };
    else throw new Error(`unknown preset ${p}: ${[...Object.keys(PRESETS), ...Object.keys(ENV_PRESETS)].join(', ')}`);
  }
  if (!spec.split('+').some((p) => p in PRESETS)) session = DECODER_SESSION_OPTIONS;
  return { session, env };
}

/** Tokens per CPU-second of the prefill (c1→c2) and the decode (c2→c3). */
function cpuRates(c1: NodeJS.CpuUsage, c2: NodeJS.CpuUsage, c3: NodeJS.CpuUsage): { prefillTokCpuS: number; decodeTokCpuS: number } {
  const s = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1e6;
  return { prefillTokCpuS: P / s(c1, c2), decodeTokCpuS: N / s(c2, c3) };
}

/** AnonHugePages of this process (transparent huge pages in use), MiB */
function thpMiB(): number {
  const m = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function vmRssMiB(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Write DIR/VARIANT/decoder.prepacked.onnx(+.data): the optimised graph with its prepacked weights. */
async function makePrepacked(variant: string): Promise<void> {
  const dir = join(DIR, variant);
  const t0 = performance.now();
  const { session } = await createSession(join(dir, 'decoder.onnx'), 'cpu', {
    threads: THREADS,
    sessionOptions: {
      optimizedModelFilePath: join(dir, 'decoder.prepacked.onnx'),
      extra: {
        'session.optimized_model_external_initializers_file_name': 'decoder.prepacked.onnx.data',
        'session.optimized_model_external_initializers_min_size_in_bytes': '1024',
        'session.save_external_prepacked_constant_initializers': '1',
      },
    },
  });
  await session.release();
  console.log(JSON.stringify({ made: join(dir, 'decoder.prepacked.onnx'), seconds: (performance.now() - t0) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

/** `VARIANT[/grow|/fixed][@PRESET]`: its graph, with the shared KV buffer where the graph has GroupQueryAttention (`/grow`: growing KV tensors; `/fixed`: the shared buffer allocated at its capacity at once), under a session-option preset. */
async function ours(spec: string): Promise<Result> {
  const [graph, presetName = 'default'] = spec.split('@');
  const [variant, mode] = graph.split('/');
  const opts = preset(presetName).session;
  const dir = join(DIR, variant);
  const shared = mode !== 'grow' && info.variants[variant].options.fused_attention;
  const H = info.hidden;
  const t0 = performance.now();
  const file = presetName.split('+').includes('prepacked') ? 'decoder.prepacked.onnx' : 'decoder.onnx';
  const { session } = await createSession(join(dir, file), 'cpu', { threads: THREADS, sessionOptions: opts });
  const loadS = (performance.now() - t0) / 1000;
  const loadedRssMiB = vmRssMiB();
  const fd = openSync(join(dir, 'embed_tokens.bin'), 'r');
  const rows = (ids: number[]) => {
    const out = new Float32Array(ids.length * H);
    ids.forEach((id, i) => readSync(fd, new Uint8Array(out.buffer, i * H * 4, H * 4), 0, H * 4, id * H * 4));
    return out;
  };
  // `/fixed`: the whole capacity allocated at once (the runtime before the buffers grew with the sequence)
  const cap = shared ? P + RESERVE : undefined;
  const dec = new KvDecoder(session, { layers: info.layers, heads: info.heads, headDim: H / info.heads, hidden: H, vocab: info.vocab, half: false }, cap, mode === 'fixed' ? cap : undefined);
  const ids = promptIds(info.vocab);
  // warm-up: a short prompt and two steps
  let tok = argmax(await dec.append(rows(ids.slice(0, 8)), 8));
  for (let k = 0; k < 2; k++) tok = argmax(await dec.append(rows([tok]), 1));
  dec.reset();
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  tok = argmax(await dec.append(rows(ids), P));
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const first = tok;
  for (let k = 0; k < N; k++) tok = argmax(await dec.append(rows([tok]), 1));
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  const endRssMiB = vmRssMiB();
  closeSync(fd);
  await session.release();
  return { prefillTokS: P / ((t2 - t1) / 1000), decodeTokS: N / ((t3 - t2) / 1000), peakRssMiB: process.resourceUsage().maxRSS / 1024, loadS, loadedRssMiB, endRssMiB, thpMiB: thpMiB(), ...cpuRates(c1, c2, c3), tokens: [first, tok] };
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
  const loadedRssMiB = vmRssMiB();
  const seq = ctx.getSequence();
  const ids = promptIds(info.vocab) as never[];
  // warm-up: a short prompt and two steps
  await seq.evaluateWithoutGeneratingNewTokens(ids.slice(0, 8));
  let k = 0;
  for await (const _ of seq.evaluate([ids[8]], { temperature: 0 })) if (++k >= 2) break;
  await seq.clearHistory();
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(ids);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  let n = 0;
  for await (const _ of seq.evaluate([ids[0]], { temperature: 0 })) if (++n >= N) break;
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  if (n !== N) throw new Error(`llama.cpp stopped after ${n} of ${N} tokens`);
  const endRssMiB = vmRssMiB();
  await ctx.dispose();
  await model.dispose();
  return { prefillTokS: P / ((t2 - t1) / 1000), decodeTokS: N / ((t3 - t2) / 1000), peakRssMiB: process.resourceUsage().maxRSS / 1024, loadS, loadedRssMiB, endRssMiB, thpMiB: thpMiB(), ...cpuRates(c1, c2, c3) };
}

if (values['make-prepacked']) {
  await makePrepacked(values['make-prepacked']);
  process.exit(0);
}
if (values.child) {
  const r = values.child.split('@')[0] === 'llama.cpp' ? await peer() : await ours(values.child);
  console.log(JSON.stringify(r));
  process.exit(0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const engines = [...values.variants!.split(',').filter(Boolean), ...(values['no-peer'] || values.variants!.split(',').some((v) => v.startsWith('llama.cpp')) ? [] : ['llama.cpp'])];
const results: Record<string, Result[]> = Object.fromEntries(engines.map((e) => [e, []]));
const self = fileURLToPath(import.meta.url);
const loads: number[] = [];
console.log(`decoder speed — ${new Date().toISOString()} — ${cpus()[0].model}, ${cpus().length} logical CPUs, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${info.shape}: hidden ${info.hidden}, ${info.layers} layers, ${info.heads} heads, FFN ${info.intermediate}, vocab ${info.vocab}; ${THREADS} threads, prompt ${P}, ${N} decode steps, KV capacity prompt + ${RESERVE}, ${values.runs} runs`);
for (const v of new Set(engines.filter((e) => e.endsWith('@prepacked')).map((e) => e.split(/[/@]/)[0]))) {
  if (existsSync(join(DIR, v, 'decoder.prepacked.onnx'))) continue;
  const c = spawnSync(process.execPath, ['--import', 'tsx', self, DIR, '--make-prepacked', v, '--threads', String(THREADS)], { encoding: 'utf8' });
  if (c.status !== 0) throw new Error(`making ${v}'s prepacked graph failed:\n${c.stdout}\n${c.stderr}`);
  console.log(`  ${v}: prepacked graph written ${c.stdout.trim().split('\n').at(-1)}`);
}
for (let r = 0; r < Number(values.runs); r++) {
  for (const e of engines) {
    loads.push(loadavg()[0]);
    const env = { ...process.env, ...(e.includes('@') ? preset(e.split('@')[1]).env : {}) };
    const c = spawnSync(process.execPath, ['--import', 'tsx', self, DIR, '--child', e, '--threads', String(THREADS), '--prompt', String(P), '--tokens', String(N), '--reserve', String(RESERVE)], { encoding: 'utf8', maxBuffer: 16 << 20, env });
    if (c.status !== 0) throw new Error(`${e} failed:\n${c.stdout}\n${c.stderr}`);
    const res = JSON.parse(c.stdout.trim().split('\n').at(-1)!) as Result;
    results[e].push(res);
    console.log(`  run ${r + 1} ${e.padEnd(26)} prefill ${res.prefillTokS.toFixed(1).padStart(7)} tok/s (${res.prefillTokCpuS?.toFixed(1)}/CPU-s)  decode ${res.decodeTokS.toFixed(2).padStart(6)} tok/s (${res.decodeTokCpuS?.toFixed(2)}/CPU-s)  peak RSS ${res.peakRssMiB.toFixed(0)} MiB (after load ${res.loadedRssMiB?.toFixed(0)}, at end ${res.endRssMiB?.toFixed(0)}, THP ${res.thpMiB?.toFixed(0)})  load ${res.loadS.toFixed(1)} s${res.tokens ? `  tokens ${res.tokens.join(',')}` : ''}  [load avg ${loadavg()[0].toFixed(1)}]`);
  }
}
const peerRes = results['llama.cpp'] ?? results[engines.find((e) => e.startsWith('llama.cpp'))!];
const pm = peerRes && {
  prefill: median(peerRes.map((x) => x.prefillTokS)),
  decode: median(peerRes.map((x) => x.decodeTokS)),
  prefillCpu: median(peerRes.map((x) => x.prefillTokCpuS ?? NaN)),
  decodeCpu: median(peerRes.map((x) => x.decodeTokCpuS ?? NaN)),
};
console.log(`\nmedians (load average during the runs ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}):`);
console.log('| engine | weights | prefill tok/s | × llama.cpp | prefill tok/CPU-s | × llama.cpp | decode tok/s | × llama.cpp | decode tok/CPU-s | × llama.cpp | peak RSS | RSS after load | RSS at end | peak RSS ÷ weights |');
console.log('| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
for (const e of engines) {
  const xs = results[e];
  const pre = median(xs.map((x) => x.prefillTokS));
  const dec = median(xs.map((x) => x.decodeTokS));
  const preCpu = median(xs.map((x) => x.prefillTokCpuS ?? NaN));
  const decCpu = median(xs.map((x) => x.decodeTokCpuS ?? NaN));
  const rss = Math.max(...xs.map((x) => x.peakRssMiB));
  const loaded = median(xs.map((x) => x.loadedRssMiB ?? NaN));
  const end = median(xs.map((x) => x.endRssMiB ?? NaN));
  const isPeer = e.split('@')[0] === 'llama.cpp';
  const bytes = isPeer ? info.gguf.bytes : info.variants[e.split(/[/@]/)[0]].weight_bytes;
  const ratio = (a: number, b?: number) => (b ? `${(a / b).toFixed(2)}×` : '—');
  console.log(`| ${isPeer ? `llama.cpp Q4_0${e.includes('@') ? ` (${e.split('@')[1]})` : ''}` : `ours int4 (${e})`} | ${(bytes / 2 ** 20).toFixed(0)} MiB | ${pre.toFixed(1)} | ${ratio(pre, pm?.prefill)} | ${preCpu.toFixed(1)} | ${ratio(preCpu, pm?.prefillCpu)} | ${dec.toFixed(2)} | ${ratio(dec, pm?.decode)} | ${decCpu.toFixed(2)} | ${ratio(decCpu, pm?.decodeCpu)} | ${rss.toFixed(0)} MiB | ${loaded.toFixed(0)} MiB | ${end.toFixed(0)} MiB | ${(rss / (bytes / 2 ** 20)).toFixed(2)} |`);
}

// Time to first token of a follow-up question and of a Regenerate, with and without the
// prompt-prefix KV cache (main/engine/model/generate/prefix-cache.ts, issue 13), on a
// decoder of real shape (test/bench/make_llm_speed.py's graphs, random weights).
//
//   node --import tsx test/bench/prefix-kv.ts test/output/llm-speed-1b [--variant full] [--threads 1] [--runs 3]
//
// The prompt has DeepResonance's layout for a video with its soundtrack ("<Video><Audio>"
// input, MANIFEST.md): 15 video rows + 3 audio rows (projected media: random rows here),
// then "### Human: {instruction}\n### Assistant: " as token ids. The follow-up keeps the
// input and asks another instruction of the same length; Regenerate repeats the follow-up.
// TTFT here = the prefill of what is not reused + picking the first token (greedy): media
// decoding, encoders and prompt assembly are the media cache's part (model.ts), not this.
// Each measurement is one `generate`-shaped call: PrefixKvCache.take, then KvDecoder.append,
// as ModelRuntime.generate does; process CPU time is reported next to wall time.
import { openSync, readFileSync, readSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSession } from '../../main/engine/model/providers';
import { KvDecoder } from '../../main/engine/model/generate/decoder';
import { PrefixKvCache } from '../../main/engine/model/generate/prefix-cache';
import { DECODER_SESSION_OPTIONS } from '../../main/engine/model/runtime';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { variant: { type: 'string', default: 'full' }, threads: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' }, 'new-tokens': { type: 'string', default: '16' } },
});
const DIR = positionals[0];
if (!DIR) throw new Error('usage: prefix-kv.ts DIR (made by make_llm_speed.py)');
const info = JSON.parse(readFileSync(join(DIR, 'info.json'), 'utf8'));
const H: number = info.hidden;
const NEW = Number(values['new-tokens']);
const { session } = await createSession(join(DIR, values.variant!, 'decoder.onnx'), 'cpu', { threads: Number(values.threads), sessionOptions: DECODER_SESSION_OPTIONS });
const fd = openSync(join(DIR, values.variant!, 'embed_tokens.bin'), 'r');
const embed = (ids: number[]) => {
  const out = new Float32Array(ids.length * H);
  ids.forEach((id, i) => readSync(fd, new Uint8Array(out.buffer, i * H * 4, H * 4), 0, H * 4, id * H * 4));
  return out;
};
let s = 7;
const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.05;
const mediaRows = Float32Array.from({ length: 18 * H }, rnd);
// "### Human: " / "\n### Assistant: " / a 20-token instruction, as LLaMA token ids
const prefix = [835, 12968, 29901, 29871];
const suffix = [13, 2277, 29937, 4007, 22137, 29901, 29871];
const instruction = (seed: number) => Array.from({ length: 20 }, (_, i) => 1000 + ((seed * 7919 + i * 104729) % 28000));
const prompt = (seed: number) => {
  const text = embed([...prefix, ...instruction(seed), ...suffix]);
  const out = new Float32Array(mediaRows.length + text.length);
  out.set(mediaRows);
  out.set(text, mediaRows.length);
  return out;
};
const argmax = (a: Float32Array) => a.reduce((b, v, i) => (v > a[b] ? i : b), 0);
const shape = { layers: info.layers, heads: info.heads, headDim: H / info.heads, hidden: H, vocab: info.vocab, half: false };

/** One answer's start: TTFT (wall, CPU) and positions reused; then NEW decode steps (not timed), kept in `cache`. */
async function answer(cache: PrefixKvCache | undefined, rows: Float32Array): Promise<{ ms: number; cpuMs: number; reused: number; first: number }> {
  const T = rows.length / H;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const dec = cache ? cache.take(rows, T, T + NEW, (p) => new KvDecoder(session, shape, p)) : new KvDecoder(session, shape, T + NEW);
  const reused = dec.length;
  let tok = argmax(await dec.append(rows.subarray(reused * H), T - reused));
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const first = tok;
  for (let k = 0; k < NEW; k++) tok = argmax(await dec.append(embed([tok]), 1));
  cache?.keep(dec, T);
  return { ms, cpuMs: (c.user + c.system) / 1000, reused, first };
}

console.log(`prefix KV cache — ${new Date().toISOString()} — ${info.shape ?? ''} hidden ${H}, ${info.layers} layers; ${values.threads} thread(s); load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const rows: Record<string, Array<{ ms: number; cpuMs: number; reused: number }>> = {};
const add = (k: string, r: { ms: number; cpuMs: number; reused: number }) => (rows[k] ??= []).push(r);
await answer(undefined, prompt(0)); // warm-up
for (let r = 0; r < Number(values.runs); r++) {
  for (const withCache of [false, true]) {
    const cache = withCache ? new PrefixKvCache() : undefined;
    const tag = withCache ? 'with cache' : 'without';
    const q1 = await answer(cache, prompt(1 + r));
    const q2 = await answer(cache, prompt(100 + r));
    const q3 = await answer(cache, prompt(100 + r));
    add(`first question, ${tag}`, q1);
    add(`follow-up, ${tag}`, q2);
    add(`Regenerate, ${tag}`, q3);
    console.log(`  run ${r + 1} ${tag}: TTFT ${[q1, q2, q3].map((q) => `${q.ms.toFixed(0)} ms (CPU ${q.cpuMs.toFixed(0)}, reused ${q.reused})`).join(' / ')}  first ids ${[q1, q2, q3].map((q) => q.first).join(',')}  [load ${loadavg()[0].toFixed(1)}]`);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\n| prompt (${prompt(0).length / H} positions) | positions reused | TTFT (median) | CPU time |`);
console.log('| --- | --: | --: | --: |');
for (const [k, xs] of Object.entries(rows)) console.log(`| ${k} | ${xs[0].reused} | ${med(xs.map((x) => x.ms)).toFixed(0)} ms | ${med(xs.map((x) => x.cpuMs)).toFixed(0)} ms |`);
await session.release();

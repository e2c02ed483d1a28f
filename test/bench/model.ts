// DeepResonance runtime benchmark (issue 5): time to first token broken down
// (media decode, fbank, encoders, projection, prompt/fusion, prefill), decode
// tokens/s, the JS overhead per token against a bare session.run loop over the
// same decoder in the same run, and peak RSS.
//
//   node --import tsx test/bench/model.ts [PACK_DIR …] [--tokens 64] [--runs 3] [--provider cpu]
//
// Without pack folders it benchmarks the tiny packs (made by make_tiny.py).
// Each run asks a first question with the media cache emptied (the breakdown), then
// a follow-up (another instruction) and a Regenerate (the same one) about the same
// files: their TTFT shows what the media embedding cache saves (issue 13).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { ask } from '../../main/engine/model/ask';
import { imageInput } from '../../main/engine/model/media-input';
import { PROCESSORS } from '../../main/engine/model/processors';
import { loadPack } from '../../main/engine/model/pack';
import { ModelRuntime } from '../../main/engine/model/runtime';
import { f32ToF16 } from '../../main/engine/model/tensors';
import { ensureTinyPacks, refsIndex, TINY_DIR } from '../tools/helpers';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tokens: { type: 'string', default: '64' }, runs: { type: 'string', default: '3' }, provider: { type: 'string', default: 'cpu' } },
});
const TOKENS = Number(values.tokens);
const RUNS = Number(values.runs);

ensureTinyPacks();
const refs = refsIndex();
const packs = positionals.length ? positionals : Object.values<any>(refs.packs).map((p) => join(TINY_DIR, p.dir));
const audio = join(TINY_DIR, refs.media.audio);
const image = join(TINY_DIR, refs.media.image);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => x.toFixed(1).padStart(8);

/** The decoder alone: prefill, then `n` steps of session.run + argmax, no tokenizer, no streamer, no file reads. */
async function bareLoop(rt: ModelRuntime, promptEmbeds: Float32Array, S: number, n: number, embedTable: Float32Array): Promise<number> {
  const m = rt.pack.manifest;
  const H = m.llm.hidden_size;
  const V = m.llm.vocab_size;
  const half = m.dtype === 'fp16';
  const session = (rt as unknown as { sessions: Map<string, { session: ort.InferenceSession }> }).sessions.get('decoder')!.session;
  const T = (data: Float32Array, dims: number[]) => (half ? new ort.Tensor('float16', f32ToF16(data), dims) : new ort.Tensor('float32', data, dims));
  let past: Record<string, ort.Tensor> = {};
  for (let i = 0; i < m.llm.num_hidden_layers; i++) {
    for (const kv of ['key', 'value']) {
      const dims = [1, m.llm.num_attention_heads, 0, m.llm.head_dim];
      past[`past_key_values.${i}.${kv}`] = half ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
    }
  }
  const run = async (rows: Float32Array, t: number, pastLen: number) => {
    const out = await session.run({
      inputs_embeds: T(rows, [1, t, H]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + t).fill(1n), [1, pastLen + t]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: t }, (_, i) => BigInt(pastLen + i)), [1, t]),
      ...past,
    });
    const next: Record<string, ort.Tensor> = {};
    for (let i = 0; i < m.llm.num_hidden_layers; i++) {
      next[`past_key_values.${i}.key`] = out[`present.${i}.key`];
      next[`past_key_values.${i}.value`] = out[`present.${i}.value`];
    }
    past = next;
    const logits = out.logits.data as Float32Array;
    let best = 0;
    const o = logits.length - V; // the last position's logits
    for (let v = 1; v < V; v++) if (logits[o + v] > logits[o + best]) best = v;
    return best;
  };
  let tok = await run(promptEmbeds, S, 0);
  const t0 = performance.now();
  for (let k = 1; k < n; k++) tok = await run(embedTable.subarray(tok * H, (tok + 1) * H), 1, S + k - 1);
  return (performance.now() - t0) / (n - 1);
}

console.log(`DeepResonance runtime benchmark — ${new Date().toISOString()} — ${process.platform}-${process.arch}, provider ${values.provider}, ${TOKENS} new tokens, median of ${RUNS}`);
console.log('pack                          | decode  fbank  encoders  proj  prompt  prefill |   TTFT ms | tok/s (ours) | ms/token ours  bare  overhead');
for (const dir of packs) {
  const pack = await loadPack(dir);
  const rt = await ModelRuntime.open(pack, values.provider as 'cpu');
  const rows: Array<Record<string, number>> = [];
  const again: Array<{ followUp: number; regenerate: number; encoderRunsSaved: number }> = [];
  const question = (instruction: string, seed: number) =>
    ask(rt, {
      instruction,
      input: 'Tempo: 120 BPM. Key: A minor. <Audio> <Image>',
      audio: { path: audio },
      image: { path: image },
      options: { greedy: true, seed, maxNewTokens: TOKENS },
    }, {});
  for (let r = 0; r < RUNS; r++) {
    rt.mediaCache.clear();
    const res = await question('Describe the music and the cover.', r);
    // Force the full number of tokens: a tiny random model may stop early; report what it did.
    rows.push(res.timings);
    const runs = rt.encoderRuns.audio + rt.encoderRuns.vision;
    const followUp = await question('What instruments play?', r);
    const regenerate = await question('Describe the music and the cover.', r + 1000);
    again.push({ followUp: followUp.timings.firstTokenMs, regenerate: regenerate.timings.firstTokenMs, encoderRunsSaved: 4 - (rt.encoderRuns.audio + rt.encoderRuns.vision - runs) });
  }
  const med = (k: string) => median(rows.map((x) => x[k]));
  // Our decoding loop and the bare loop on the very same prompt (media included), alternating.
  const clips = pack.manifest.media.audio.clips;
  const audioRows = await rt.project(await rt.encodeAudio((await PROCESSORS.audio(audio, { clips })).data, clips), clips);
  const imageRows = await rt.project(await rt.encodeVision(await imageInput(image), 1), 1);
  const prompt = await rt.buildPrompt('Tempo: 120 BPM. Key: A minor. <Audio> <Image>', 'Describe the music and the cover.', [
    { kind: 'audio', rows: audioRows, tokens: clips },
    { kind: 'image', rows: imageRows, tokens: 1 },
  ]);
  const V = pack.manifest.llm.vocab_size;
  const table = rt.embedRows(Array.from({ length: V }, (_, i) => i));
  const ours: number[] = [];
  const bares: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const g = await rt.generate(prompt, { greedy: true, temperature: 0, topP: 1, maxNewTokens: TOKENS, seed: 0 });
    ours.push(g.timings.decodeMs / Math.max(1, g.timings.tokens - 1));
    bares.push(await bareLoop(rt, prompt.embeds, prompt.length, Math.max(2, (await rt.generate(prompt, { greedy: true, temperature: 0, topP: 1, maxNewTokens: TOKENS, seed: 0 })).timings.tokens), table));
  }
  const bare = median(bares);
  const oursPerToken = median(ours);
  console.log(
    `${pack.manifest.name.padEnd(30)}| ${ms(med('mediaDecodeMs'))}${ms(med('fbankMs'))}${ms(med('encodersMs'))}${ms(med('projectionMs'))}${ms(med('promptMs'))}${ms(med('prefillMs'))} |${ms(med('firstTokenMs'))}  | ${med('tokensPerSec').toFixed(1).padStart(10)}   | ${oursPerToken.toFixed(3).padStart(8)} ${bare.toFixed(3).padStart(6)} ${(((oursPerToken - bare) / bare) * 100).toFixed(1).padStart(7)}% (${med('tokens')} tokens)`,
  );
  console.log(`${''.padEnd(30)}  TTFT first question ${med('firstTokenMs').toFixed(1)} ms → follow-up ${median(again.map((a) => a.followUp)).toFixed(1)} ms, Regenerate ${median(again.map((a) => a.regenerate)).toFixed(1)} ms (media cache: ${median(again.map((a) => a.encoderRunsSaved))} of 4 encoder runs saved)`);
  await rt.close();
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

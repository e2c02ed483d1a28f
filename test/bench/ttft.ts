// Time to first token (issue 13, "no repeated work per question") with the real
// ImageBind-huge shapes: first question / follow-up / Regenerate / after an engine
// restart, and each ImageBind encoder timed alone (wall and process CPU time).
//
//   flock /work/locks/bigmem nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b --imagebind huge --sources-only
//   flock /work/locks/bigmem nice node --import tsx test/bench/ttft.ts [--convert] [--threads 2] [--tokens 16] [--encoder-runs 1]
//   flock /work/locks/bigmem nice node --import tsx test/bench/ttft.ts --parity   # the huge encoders against PyTorch
//
// The pack: the 1 B random LLaMA (hidden 2048, 18 layers, int4 Q4_0) and a random
// ImageBind of the real huge shapes (vision 32 × 1280, audio 12 × 768, out 1024;
// fp32), both from checkpoints saved as the official code saves them, converted by
// the TypeScript converter (`--convert`, or when the pack is missing). Media: a 30 s
// music video (testsrc2 + a chord, h264/aac) made by ffmpeg, asked about with
// its soundtrack (`<Video><Audio>`: 15 vision crops + 3 audio clips), and an audio
// track alone (3 clips). Peak RSS is this process's VmHWM.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ask, type AskRequest } from '../../main/engine/model/ask';
import { convertPack } from '../../main/engine/model/convert';
import { loadPack } from '../../main/engine/model/pack';
import { processVideoWithSoundtrack } from '../../main/engine/model/processors';
import { ModelRuntime } from '../../main/engine/model/runtime';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const WORK = join(ROOT, 'test', 'output', 'bench-1b');
const SRC = join(WORK, 'src');
const PACK = join(WORK, 'pack-ts-int4-imagebind-huge');

const { values } = parseArgs({
  options: {
    convert: { type: 'boolean', default: false },
    'convert-only': { type: 'boolean', default: false },
    parity: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '16' },
    'encoder-runs': { type: 'string', default: '1' },
    pack: { type: 'string', default: PACK },
  },
});
const THREADS = Number(values.threads);
const TOKENS = Number(values.tokens);

const vmHwmMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const du = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + du(join(p, f)), 0) : statSync(p).size);
/** process CPU seconds (user + system, all threads) */
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallS: number; cpuS: number; load: string }> {
  const c0 = cpuS();
  const t0 = performance.now();
  const value = await fn();
  return { value, wallS: (performance.now() - t0) / 1000, cpuS: cpuS() - c0, load: load() };
}

async function convert(): Promise<void> {
  if (!existsSync(join(SRC, 'imagebind-huge.pth'))) {
    throw new Error('no sources: run  flock /work/locks/bigmem nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b --imagebind huge --sources-only  first');
  }
  console.log(`converting with the TypeScript converter → ${PACK} (load ${load()})`);
  let last = '';
  const r = await timed(() =>
    convertPack({
      imagebind: join(SRC, 'imagebind-huge.pth'), imagebindConfig: join(SRC, 'imagebind-huge.json'), llm: join(SRC, 'llama'), delta: join(SRC, 'llama', 'delta.pt'),
      out: PACK, precision: 'int4', force: true,
      onProgress: (p) => {
        if (p.step !== last) console.log(`  ${new Date().toISOString().slice(11, 19)} ${p.step}`);
        last = p.step;
      },
    }),
  );
  console.log(`converted in ${r.wallS.toFixed(1)} s wall, ${r.cpuS.toFixed(1)} CPU-s, peak RSS ${vmHwmMb().toFixed(0)} MiB, ${(du(PACK) / 1e9).toFixed(2)} GB (load ${r.load})`);
}

/**
 * The converted huge encoders in onnxruntime against tools/convert/imagebind.py in
 * PyTorch on the same checkpoint and seeded inputs (test/bench/ttft_reference.py).
 */
async function parity(): Promise<void> {
  const dir = join(WORK, 'parity');
  execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'bench', 'ttft_reference.py'), SRC, dir], { stdio: 'inherit' });
  const { readNpy, maxAbsDiff } = await import('../tools/helpers');
  const ort = await import('onnxruntime-node');
  const npy = (f: string) => readNpy(join(dir, f)) as { data: Float32Array; shape: number[] };
  for (const [graph, input, x, ref] of [
    ['audio_encoder.onnx', 'fbank', npy('fbank.npy'), npy('audio_embeddings.npy')],
    ['vision_encoder.onnx', 'pixel_values', npy('pixels.npy'), npy('vision_embeddings.npy')],
  ] as const) {
    const s = await ort.InferenceSession.create(join(values.pack!, graph), { intraOpNumThreads: THREADS });
    const out = await s.run({ [input]: new ort.Tensor('float32', x.data, x.shape) });
    const got = out.embeddings.data as Float32Array;
    let cos = 1;
    for (let r = 0; r < got.length / 1024; r++) {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = r * 1024; i < (r + 1) * 1024; i++) {
        dot += got[i] * ref.data[i];
        na += got[i] ** 2;
        nb += ref.data[i] ** 2;
      }
      cos = Math.min(cos, dot / Math.sqrt(na * nb));
    }
    console.log(`${graph}: onnxruntime vs PyTorch on [${x.shape.join(', ')}] → [${out.embeddings.dims.join(', ')}]: max |Δ| ${maxAbsDiff(got, ref.data).toExponential(2)}, min cosine ${cos.toFixed(7)}`);
    await s.release();
  }
}

async function main(): Promise<void> {
  if (values.parity) return parity();
  if (values.convert || values['convert-only'] || !existsSync(join(values.pack!, 'manifest.json'))) await convert();
  if (values['convert-only']) return;
  const media = join(WORK, 'media');
  mkdirSync(media, { recursive: true });
  const video = join(media, 'clip-30s.mp4');
  const track = join(media, 'track-30s.flac');
  const gen = (out: string, args: string[]) => existsSync(out) || execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
  const chord = 'sine=f=220:d=30,volume=0.5[a];sine=f=330:d=30[b];sine=f=880:d=30:beep_factor=4[c];[a][b][c]amix=inputs=3';
  gen(video, ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=30', '-f', 'lavfi', '-i', chord, '-shortest', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
  gen(track, ['-f', 'lavfi', '-i', chord, '-ac', '2', '-ar', '44100']);

  console.log(`TTFT benchmark — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0].model}, ${THREADS} intra-op threads, ${TOKENS} new tokens; load ${load()}`);
  // as the engine does (model/service.ts): the pack's checksums verified once, then pinned in the cache folder
  const cacheDir = mkdtempSync(join(WORK, 'cache-'));
  const open = (dir: string) =>
    timed(async () => ModelRuntime.open(await loadPack(values.pack!, { verifyCachePath: join(dir, 'pack-verified.json') }), 'cpu', { threads: THREADS, mediaCacheDir: join(dir, 'embeddings') }));
  const opened = await open(cacheDir);
  let rt = opened.value;
  console.log(`pack load (checksums verified): ${opened.wallS.toFixed(1)} s wall`);
  const m = rt.pack.manifest;
  console.log(`pack ${m.name}: LLM hidden ${m.llm.hidden_size} × ${m.llm.num_hidden_layers} layers (${m.llm_quant}), ImageBind vision ${m.imagebind.vision_embed_dim ?? '?'} / audio ${m.imagebind.audio_embed_dim ?? '?'}; ${(du(values.pack!) / 1e9).toFixed(2)} GB`);

  // ---- each encoder and the projector, timed where ask() calls them -----------
  const clips = m.media.audio.clips;
  const calls: Array<{ what: string; wallS: number; cpuS: number; load: string }> = [];
  const instrument = (r: ModelRuntime) => {
    const wrap = <A extends unknown[], R>(what: (...a: A) => string, fn: (...a: A) => Promise<R>) => async (...a: A) => {
      const t = await timed(() => fn(...a));
      calls.push({ what: what(...a), wallS: t.wallS, cpuS: t.cpuS, load: t.load });
      return t.value;
    };
    r.encodeAudio = wrap((_d: Float32Array, n: number) => `audio tower, ${n} clips`, r.encodeAudio.bind(r));
    r.encodeVision = wrap((_d: Float32Array, n: number) => `vision tower, ${n} ${n === 1 ? 'image' : 'video crops'}`, r.encodeVision.bind(r));
    r.project = wrap((_d: Float32Array, n: number) => `projector, ${n} rows`, r.project.bind(r));
  };
  instrument(rt);
  const pre = await timed(() => processVideoWithSoundtrack(video, { clips }));
  console.log(`decode + preprocessing of the video + soundtrack: ${pre.wallS.toFixed(2)} s wall (${pre.cpuS.toFixed(2)} CPU-s in this process, ffmpeg apart; ffmpeg runs: ${pre.value.runs})`);
  for (let r = 0; r < Number(values['encoder-runs']); r++) await rt.encodeVision(pre.value.video.data.subarray(0, 3 * 2 * 224 * 224), 1);

  // ---- the questions ---------------------------------------------------------
  const q = (over: Partial<AskRequest>, seed: number): AskRequest => ({ instruction: 'Describe the music and the video.', options: { greedy: true, maxNewTokens: TOKENS, seed }, ...over });
  const scenarios: Array<[string, Partial<AskRequest>]> = [
    ['audio track (3 clips)', { audio: { path: track } }],
    ['video + its soundtrack (15 crops + 3 clips)', { video: { path: video }, input: '<Video> <Audio>' }],
  ];
  type Asked = Awaited<ReturnType<typeof ask>>;
  const rows: Array<{ name: string; first: Asked; cpuS: number; follow: Asked; regen: Asked; restart?: Asked }> = [];
  for (const [name, req] of scenarios) {
    const first = await timed(() => ask(rt, q(req, 0)));
    console.log(`  ${name}: first question ${(first.value.timings.firstTokenMs / 1000).toFixed(2)} s (load ${first.load})`);
    const follow = await ask(rt, q({ ...req, instruction: 'What instruments play?' }, 0));
    const regen = await ask(rt, q(req, 1000));
    rows.push({ name, first: first.value, cpuS: first.cpuS, follow, regen });
  }
  await rt.close(); // engine restart: a new runtime on the same pack and cache folder
  const reopened = await open(cacheDir);
  rt = reopened.value;
  for (const [i, [, req]] of scenarios.entries()) rows[i].restart = await ask(rt, q({ ...req, instruction: 'Is it danceable?' }, 0));
  console.log(`pack load after the restart (checksums pinned): ${reopened.wallS.toFixed(1)} s wall`);

  console.log('\n| encoder (ImageBind-huge shapes, random weights, fp32) | wall s | CPU-s | CPU-s / wall | load (1 min) |');
  console.log('|---|--:|--:|--:|--:|');
  for (const c of calls) console.log(`| ${c.what} | ${c.wallS.toFixed(2)} | ${c.cpuS.toFixed(2)} | ${(c.cpuS / c.wallS).toFixed(2)} | ${c.load.split(' ')[0]} |`);
  console.log('\n| question | TTFT first (decode / fbank / encoders / proj / prefill) | CPU-s first | follow-up | Regenerate | after engine restart | decode tok/s |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  const s = (x: number) => (x / 1000).toFixed(2);
  for (const r of rows) {
    const t = r.first.timings;
    const cachedAll = [r.follow, r.regen, r.restart!].every((x) => x.inputs.media.every((mm) => mm.cached));
    console.log(
      `| ${r.name} | **${s(t.firstTokenMs)} s** (${s(t.mediaDecodeMs)} / ${s(t.fbankMs)} / ${s(t.encodersMs)} / ${s(t.projectionMs)} / ${s(t.prefillMs)}) | ${r.cpuS.toFixed(1)} | ${s(r.follow.timings.firstTokenMs)} s | ${s(r.regen.timings.firstTokenMs)} s | ${s(r.restart!.timings.firstTokenMs)} s | ${t.tokensPerSec.toFixed(1)} |${cachedAll ? '' : ' (a medium was not cached!)'}`,
    );
  }
  await rt.close();
  console.log(`peak RSS ${vmHwmMb().toFixed(0)} MiB; load at the end ${load()}`);
}

await main();

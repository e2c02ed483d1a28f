// The studio's two int4 roundings (both MatMulNBits, block 32, zero point 8; tools/convert/llama.py
// INT4_SCHEMES): the earlier 'symmetric' (scale = amax/7, 15 levels) against llama.cpp's Q4_0 (scale =
// max/−8 stored in fp16, 16 levels; the default since it loses less) on the same weights: reconstruction error of every LLM matrix, and the logits drift of the whole decoder
// against the fp32 decoder (tools/convert/drift.mjs, onnxruntime-node), both packs made by convertPack.
//
//   nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b --quant int4   # the sources (once)
//   nice node --import tsx test/bench/int4-q4_0.bench.ts [--layers N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWeightFolder } from '../../main/engine/model/checkpoint';
import { convertPack } from '../../main/engine/model/convert';
import { dequantizeNbits, quantizeNbits, quantizeQ4_0 } from '../../main/engine/model/convert/numeric';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const SRC = join(ROOT, 'test', 'output', 'bench-1b', 'src');
const OUT = join(ROOT, 'test', 'output', 'bench-int4-q4_0');
const args = process.argv.slice(2);
const layers = args.includes('--layers') ? Number(args[args.indexOf('--layers') + 1]) : 4;

// 1. reconstruction error on the base weights of the first `layers` layers and lm_head-sized tables
const llm = await openWeightFolder(join(SRC, 'llama'));
const acc = { sym: { se: 0, max: 0 }, q40: { se: 0, max: 0 }, ss: 0, n: 0 };
for (const [name, t] of llm.tensors) {
  const m = /^model\.layers\.(\d+)\./.exec(name);
  if (t.shape.length !== 2 || !m || Number(m[1]) >= layers) continue;
  const [N, K] = t.shape;
  const w = await llm.readFloat32(name);
  const a = quantizeNbits(w, N, K, 4);
  const b = quantizeQ4_0(w, N, K);
  const da = dequantizeNbits(a.packed, a.scales, N, K, 4);
  const db = dequantizeNbits(b.packed, b.scales, N, K, 4);
  for (let i = 0; i < w.length; i++) {
    const ea = w[i] - da[i];
    const eb = w[i] - db[i];
    acc.sym.se += ea * ea;
    acc.q40.se += eb * eb;
    acc.sym.max = Math.max(acc.sym.max, Math.abs(ea));
    acc.q40.max = Math.max(acc.q40.max, Math.abs(eb));
    acc.ss += w[i] * w[i];
  }
  acc.n += w.length;
}
await llm.close();
const rel = (se: number) => Math.sqrt(se / acc.ss);
console.log(`reconstruction over ${(acc.n / 1e6).toFixed(0)} M weights (layers 0–${layers - 1}):`);
console.log(`  int4 'symmetric' (amax/7, before): relative RMS error ${rel(acc.sym.se).toFixed(5)}, max |err| ${acc.sym.max.toExponential(3)}`);
console.log(`  int4 'q4_0' (max/−8, fp16 d, default): relative RMS error ${rel(acc.q40.se).toFixed(5)}, max |err| ${acc.q40.max.toExponential(3)}`);

// 2. logits drift of the whole decoder vs fp32 (KV-cache decode, 8 prompts × 32 tokens)
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const base = { imagebind: join(SRC, 'imagebind.pth'), imagebindConfig: join(SRC, 'imagebind.json'), llm: join(SRC, 'llama'), delta: join(SRC, 'llama', 'delta.pt') };
const dirs: string[] = [];
for (const [name, precision, int4Scheme] of [['fp32', 'fp32', undefined], ['int4-symmetric', 'int4', 'symmetric'], ['int4-q4_0', 'int4', undefined]] as const) {
  const pack = join(OUT, `pack-${name}`);
  const r = await convertPack({ ...base, out: pack, precision, int4Scheme });
  const m = JSON.parse((await import('node:fs')).readFileSync(r.manifest, 'utf8'));
  // the default int4 pack must be the Q4_0 one (the manifest says which rounding it holds)
  if (name === 'int4-q4_0' && !/Q4_0/.test(m.quantization.rounding)) throw new Error(`default int4 rounding is ${m.quantization.rounding}`);
  const d = join(OUT, name);
  mkdirSync(d);
  for (const f of ['decoder.onnx', 'decoder.onnx.data', 'embed_tokens.bin']) if (existsSync(join(pack, f))) symlinkSync(join(pack, f), join(d, f));
  writeFileSync(join(d, 'info.json'), JSON.stringify({ hidden: m.llm.hidden_size, layers: m.llm.num_hidden_layers, heads: m.llm.num_attention_heads, vocab: m.llm.vocab_size }));
  dirs.push(d);
}
const r = spawnSync(process.execPath, [join(ROOT, 'tools/convert/drift.mjs'), ...dirs], { cwd: ROOT, encoding: 'utf8' });
if (r.status !== 0) throw new Error(r.stderr);
console.log('drift vs fp32 (drift.mjs):');
console.log(r.stdout.trim());

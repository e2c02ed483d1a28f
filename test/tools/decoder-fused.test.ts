// tools/convert/llama.py's optional fused projections (DecoderOptions.fused_qkv: one
// MatMulNBits/MatMul for q, k, v packed into GroupQueryAttention with do_rotary;
// fused_gate_up: one for gate and up, then Split) compute the same decoder as the
// packs' default graph: same logits over a prompt and KV-cache steps, fp32 and int4.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { KvDecoder, type DecoderShape } from '../../main/engine/model/generate/decoder';
import { maxAbsDiff, PY, ROOT } from './helpers';

const OUT = join(ROOT, 'test', 'output', 'decoder-fused');
const shape: DecoderShape = { layers: 2, heads: 4, headDim: 16, hidden: 64, vocab: 300, half: false };

const SCRIPT = `
import sys, zlib, torch
sys.path.insert(0, sys.argv[1])
import llama
cfg = llama.LlamaConfig(hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4, vocab_size=300)
shapes = llama.expected_shapes(cfg, 300)
def weights():
    for name, shape in shapes.items():
        g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        t = 1.0 + 0.1 * torch.randn(shape, generator=g) if len(shape) == 1 else torch.randn(shape, generator=g) / shape[-1] ** 0.5
        yield name, t
for quant in ("none", "int4"):
    for tag, opt in (("plain", llama.DecoderOptions()), ("fused", llama.DecoderOptions(fused_qkv=True, fused_gate_up=True))):
        out = f"{sys.argv[2]}/{quant}-{tag}"
        import os; os.makedirs(out, exist_ok=True)
        llama.export_decoder(cfg, weights(), out, dtype="fp32", quant=quant, vocab=300, options=opt, log=lambda s: None)
# the plain MatMul/Softmax attention (older graphs): the fused q/k/v output is Split
for tag, opt in (("plain", llama.DecoderOptions(fused_attention=False, fused_norm=False)),
                 ("fused", llama.DecoderOptions(fused_attention=False, fused_norm=False, fused_qkv=True, fused_gate_up=True))):
    os.makedirs(f"{sys.argv[2]}/mm-{tag}", exist_ok=True)
    llama.export_decoder(cfg, weights(), f"{sys.argv[2]}/mm-{tag}", dtype="fp32", quant="none", vocab=300, options=opt, log=lambda s: None)
`;

before(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  execFileSync(PY, ['-c', SCRIPT, join(ROOT, 'tools', 'convert'), OUT], { stdio: 'inherit' });
});

function rows(n: number, seed: number): Float32Array {
  const a = new Float32Array(n * shape.hidden);
  let s = seed;
  for (let i = 0; i < a.length; i++) a[i] = ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2;
  return a;
}

for (const [quant, tol] of [['none', 1e-4], ['int4', 1e-3], ['mm', 1e-4]] as const) {
  test(`fused QKV + gate-up = separate projections (${quant === 'mm' ? 'MatMul attention, Split' : quant}): prompt and decode steps`, async () => {
    const open = (tag: string) => ort.InferenceSession.create(join(OUT, `${quant}-${tag}`, 'decoder.onnx'), { intraOpNumThreads: 1, logSeverityLevel: 3 });
    const [plain, fused] = [await open('plain'), await open('fused')];
    const types = (s: ort.InferenceSession) => JSON.stringify(s.inputNames) + JSON.stringify(s.outputNames);
    assert.equal(types(fused), types(plain), 'same graph interface');
    const cap = quant === 'mm' ? undefined : 16; // the MatMul graph grows its cache by Concat
    const a = new KvDecoder(plain, shape, cap);
    const b = new KvDecoder(fused, shape, cap);
    for (const [r, T] of [[rows(7, 1), 7], [rows(1, 2), 1], [rows(1, 3), 1], [rows(3, 4), 3]] as const) {
      const la = await a.append(r, T);
      const lb = await b.append(r, T);
      const d = maxAbsDiff(la, lb);
      assert.ok(d <= tol, `step of ${T}: max abs diff ${d}`);
      assert.ok(Math.max(...la) - Math.min(...la) > 0.1, 'logits are not degenerate');
    }
    await plain.release();
    await fused.release();
  });
}

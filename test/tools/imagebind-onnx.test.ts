// Parity of the exported tiny ImageBind encoders (tools/convert/imagebind.py) run with
// onnxruntime-node against the PyTorch reference outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.STUDIO_PYTHON ?? '/usr/bin/python3';

interface Case {
  name: string;
  graph: string;
  input: string;
  in_shape: number[];
  out_shape: number[];
}
interface Meta {
  cases: Case[];
  exports: Record<string, { bytes: number; seconds: number; dtype: string }>;
  export_seconds: number;
  config: Record<string, unknown>;
}

function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  const out = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}

test('tiny ImageBind encoders: onnxruntime-node matches PyTorch', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imagebind-onnx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(PYTHON, [join(here, 'imagebind_onnx_fixture.py'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  const sessions = new Map<string, ort.InferenceSession>();
  for (const c of meta.cases) {
    let s = sessions.get(c.graph);
    if (!s) {
      s = await ort.InferenceSession.create(join(dir, c.graph), { executionProviders: ['cpu'] });
      sessions.set(c.graph, s);
      assert.deepEqual(s.outputNames, ['embeddings']);
      assert.deepEqual(s.inputNames, [c.input]);
    }
    const x = new ort.Tensor('float32', readF32(join(dir, `${c.name}.in.bin`)), c.in_shape);
    const res = await s.run({ [c.input]: x });
    const y = res.embeddings;
    assert.deepEqual(Array.from(y.dims), c.out_shape, `${c.name} output shape`);
    const want = readF32(join(dir, `${c.name}.out.bin`));
    const diff = maxAbsDiff(y.data as Float32Array, want);
    // fp16-stored weights differ from the fp32 reference by weight rounding only
    const tol = c.graph.includes('fp16') ? 5e-3 : 1e-4;
    t.diagnostic(`${c.name} (${c.graph}) max abs diff ${diff.toExponential(3)} (tol ${tol})`);
    assert.ok(diff <= tol, `${c.name}: max abs diff ${diff} > ${tol}`);
  }
  for (const [k, v] of Object.entries(meta.exports)) t.diagnostic(`${k}: ${v.bytes} bytes, ${v.seconds.toFixed(2)} s`);
  for (const s of sessions.values()) await s.release();
});

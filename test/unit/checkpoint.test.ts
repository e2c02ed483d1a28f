// The engine's checkpoint reader against files PyTorch 1.13 writes at test time
// (test/unit/checkpoint_fixture.py): values compared exactly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CheckpointError, listWeightFiles, openCheckpoint, openWeightFolder, type WeightSet } from '../../main/engine/model/checkpoint/index';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'checkpoint-reader');

interface Expected { dtype: string; shape: number[]; f32: string; raw: string; requires_grad: boolean; parameter: boolean }
let expected: Record<string, Record<string, Expected>>;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  execFileSync('/usr/bin/python3', [join(ROOT, 'test/unit/checkpoint_fixture.py'), DIR], { stdio: 'inherit' });
  expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
});

const f32 = (file: string) => {
  const b = readFileSync(join(DIR, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

async function checkAll(ws: WeightSet, exp: Record<string, Expected>, label: string) {
  assert.deepEqual([...ws.tensors.keys()].sort(), Object.keys(exp).sort(), label);
  for (const [name, e] of Object.entries(exp)) {
    const info = ws.tensors.get(name)!;
    assert.equal(info.dtype, e.dtype, `${label} ${name} dtype`);
    assert.deepEqual(info.shape, e.shape, `${label} ${name} shape`);
    assert.equal(info.byteSize, readFileSync(join(DIR, e.raw)).length, `${label} ${name} byteSize`);
    const got = await ws.readFloat32(name, { chunkBytes: 24 }); // small chunks: the streaming path crosses chunk borders
    const want = f32(e.f32);
    assert.equal(got.length, want.length, `${label} ${name} numel`);
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(got[i], want[i])) assert.fail(`${label} ${name}[${i}]: ${got[i]} != ${want[i]}`);
    }
    assert.deepEqual(await ws.readBytes(name), readFileSync(join(DIR, e.raw)), `${label} ${name} raw bytes`);
  }
}

describe('checkpoint reader (PyTorch zip/legacy, safetensors, HF shards)', () => {
  it('reads the delta as agent.save_model writes it: OrderedDict of fp16 Parameters with requires_grad', async () => {
    const c = await openCheckpoint(join(DIR, 'delta.pt'));
    assert.equal(c.format, 'torch-zip');
    const w = c.tensors.get('llama_proj.weight')!;
    assert.equal(w.parameter, true);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.dtype, 'float16');
    assert.equal(w.byteSize, 16 * 8 * 2);
    assert.ok(w.storage.byteOffset > 0 && w.storage.byteLength === 256);
    assert.deepEqual([...c.tensors.keys()], Object.keys(expected['delta.pt']), 'OrderedDict order kept');
    await checkAll(c, expected['delta.pt'], 'delta');
    await c.close();
  });

  it('zip64 archives (zip64 local headers and end-of-central-directory record)', async () => {
    const c = await openCheckpoint(join(DIR, 'zip64.pt'));
    assert.equal(c.format, 'torch-zip');
    await checkAll(c, expected['zip64.pt'], 'zip64');
    await c.close();
  });

  it('bf16, fp32, fp64, ints, scalars and empty tensors', async () => {
    const c = await openCheckpoint(join(DIR, 'mixed.bin'));
    await checkAll(c, expected['mixed.bin'], 'mixed');
    await c.close();
  });

  it('shared storages and non-contiguous views (slices, transposes, steps, expand)', async () => {
    for (const f of ['shared.pt', 'legacy.pt']) {
      const c = await openCheckpoint(join(DIR, f));
      assert.equal(c.format, f === 'legacy.pt' ? 'torch-legacy' : 'torch-zip');
      const base = c.tensors.get('base')!;
      const row = c.tensors.get('row')!;
      assert.equal(row.storage.key, base.storage.key, 'one storage');
      assert.equal(row.storageOffset, 16);
      assert.deepEqual(c.tensors.get('t')!.stride, [1, 8]);
      await checkAll(c, expected[f], f);
      await c.close();
    }
  });

  it('HF state_dict() with _metadata and inv_freq buffers; DeepSpeed {"module": …} wrapper', async () => {
    const hf = await openCheckpoint(join(DIR, 'hf.bin'));
    assert.ok(hf.tensors.has('0.inv_freq'));
    await checkAll(hf, expected['hf.bin'], 'hf');
    await hf.close();
    const ds = await openCheckpoint(join(DIR, 'deepspeed.pt'));
    await checkAll(ds, expected['deepspeed.pt'], 'deepspeed');
    await ds.close();
  });

  it('safetensors and sharded folders (pytorch_model.bin.index.json, model.safetensors.index.json)', async () => {
    const st = await openCheckpoint(join(DIR, 'model.safetensors'));
    assert.equal(st.format, 'safetensors');
    await checkAll(st, expected['model.safetensors'], 'safetensors');
    await st.close();
    for (const d of ['sharded-bin', 'sharded-st']) {
      const files = await listWeightFiles(join(DIR, d));
      assert.equal(files.length, d === 'sharded-bin' ? 2 : 3);
      const ws = await openWeightFolder(join(DIR, d));
      await checkAll(ws, expected.sharded, d);
      await ws.close();
    }
    mkdirSync(join(DIR, 'empty'));
    await assert.rejects(listWeightFiles(join(DIR, 'empty')), /no model\.safetensors\.index\.json/);
  });

  it('refuses a malicious pickle without executing it', async () => {
    for (const f of ['evil.pt', 'evil.pkl']) {
      await assert.rejects(openCheckpoint(join(DIR, f)), (e: Error) => {
        assert.ok(e instanceof CheckpointError, String(e));
        assert.match(e.message, /names '(posix|os|nt)\.system'.*refused without running it/);
        return true;
      });
    }
    assert.equal(existsSync(join(DIR, 'PWNED')), false);
  });

  it('truncated and corrupt files give clear errors', async () => {
    const cases: [string, RegExp][] = [
      ['truncated.pt', /not a readable zip|truncated/],
      ['truncated-legacy.pt', /truncated/],
      ['truncated.safetensors', /truncated/],
      ['garbage.pt', /pickle opcode|truncated|corrupt/],
      ['nopickle.zip', /not a torch\.save checkpoint/],
      ['list.pt', /not a state dict/],
      ['does-not-exist.pt', /cannot open: ENOENT/],
      ['expected.json', /not a PyTorch checkpoint/],
    ];
    for (const [f, re] of cases) {
      await assert.rejects(openCheckpoint(join(DIR, f)), (e: Error) => {
        assert.ok(e instanceof CheckpointError, `${f}: ${e}`);
        assert.match(e.message, re, f);
        assert.ok(e.message.includes(f), `${f}: message names the file`);
        return true;
      });
    }
  });
});

after(() => {
  rmSync(DIR, { recursive: true, force: true });
});

// The catalogue's pure parts: the official ckpt/ layout, which Vicuna-delta files are fetched,
// the pack-size estimate, LLM folder checks, the CLI's figures and readable provider reasons.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { CKPT, llmFolderProblem, locateCkpt, packBytesEstimate, vicunaDeltaWanted, installedPacks } from '../../main/engine/model/catalog/index';
import { fmtBytes, progressLine, stepNote } from '../../main/cli/model';
import { fmtEta } from '@contract';
import { lockModels, modelsFolderFailure } from '../../main/engine/model/catalog/job';
import { BENCH_CONVERT_SOURCE, convertEstimate, recordConvertRate } from '../../main/engine/model/catalog/convert-rate';
import { parseOwner, procStat, type LockOwner } from '../../main/engine/model/catalog/lock';
import { readableReason, webgpuProbeOutcome } from '../../main/engine/model/providers';
import type { HubFile } from '../../main/engine/model/download/index';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rs-catalog-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const touch = (p: string, s = 'x') => {
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, s);
};
const hub = (path: string): HubFile => ({ path, size: 1, gitOid: '0'.repeat(40), url: `u/${path}`, expected: { size: 1 } });

describe('model catalogue', () => {
  it('locates the parts in an official ckpt/ tree, given as ckpt/ or as the folder holding it', () => {
    const root = join(tmp, 'repo');
    touch(join(root, 'ckpt', CKPT.imagebind));
    touch(join(root, 'ckpt', CKPT.delta('beta')));
    touch(join(root, 'ckpt', CKPT.vicuna, 'config.json'), '{}');
    for (const given of [root, join(root, 'ckpt')]) {
      const t = locateCkpt(given);
      assert.equal(t.root, join(root, 'ckpt'));
      assert.equal(t.imagebind, join(root, 'ckpt', 'pretrained_ckpt/imagebind_ckpt/huge/imagebind_huge.pth'));
      assert.equal(t.delta.beta, join(root, 'ckpt', 'deepresonance_beta_delta_ckpt/deepresonance/7b_tiva_v0/pytorch_model.pt'));
      assert.equal(t.delta.alpha, null);
      assert.equal(t.vicuna, join(root, 'ckpt', 'pretrained_ckpt/vicuna_ckpt/7b_v0'));
    }
  });

  it('fetches config, tokenizer and one set of weights of lmsys/vicuna-7b-delta-v0 (safetensors when both are published)', () => {
    const bin = ['config.json', 'tokenizer.model', 'pytorch_model-00001-of-00002.bin', 'pytorch_model.bin.index.json', 'README.md', '.gitattributes'];
    assert.deepEqual(vicunaDeltaWanted(bin.map(hub)).map((f) => f.path), ['config.json', 'tokenizer.model', 'pytorch_model-00001-of-00002.bin', 'pytorch_model.bin.index.json']);
    const both = [...bin, 'model-00001-of-00002.safetensors', 'model.safetensors.index.json'];
    assert.deepEqual(vicunaDeltaWanted(both.map(hub)).map((f) => f.path), ['config.json', 'tokenizer.model', 'model-00001-of-00002.safetensors', 'model.safetensors.index.json']);
  });

  it('estimates a 7B pack: int4 < int8 < fp16 < fp32, fp16 about the 13.5 GB of Vicuna-7B fp16 plus the encoders; the measured 1 B int4 pack (0.92 GB) is matched', () => {
    const [i4, i8, f16, f32] = (['int4', 'int8', 'fp16', 'fp32'] as const).map((p) => packBytesEstimate(p));
    assert.ok(i4 < i8 && i8 < f16 && f16 < f32);
    assert.ok(f16 > 13.5e9 && f16 < 16e9, String(f16));
    assert.ok(Math.abs(f32 / f16 - 2) < 0.01);
    assert.ok(i4 > 6e9 && i4 < 9e9, String(i4));
    // BENCHMARKS.md "In-engine conversion": the 1 B int4 α pack (hidden 2048, 18 layers, ffn 5504, narrow ImageBind trunks) is 0.92 GB
    const oneB = packBytesEstimate('int4', { hidden: 2048, layers: 18, intermediate: 5504, vocab: 32006 }, 0);
    assert.ok(Math.abs(oneB / 0.92e9 - 1) < 0.05, String(oneB));
  });

  it('says what an LLM folder lacks', () => {
    const d = join(tmp, 'llm');
    mkdirSync(d, { recursive: true });
    assert.match(llmFolderProblem(d, 'The LLaMA-7B folder')!, /lacks config\.json, tokenizer\.model, the weights/);
    touch(join(d, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    touch(join(d, 'tokenizer.model'));
    touch(join(d, 'model.safetensors'));
    assert.match(llmFolderProblem(d, 'The LLaMA-7B folder')!, /not a LLaMA model/);
    touch(join(d, 'config.json'), JSON.stringify({ model_type: 'llama' }));
    assert.equal(llmFolderProblem(d, 'x'), null);
    assert.match(llmFolderProblem(join(tmp, 'nope'), 'The Vicuna-7B v0 folder')!, /"[^"]*nope" does not exist/);
    touch(join(tmp, 'a-file'));
    assert.match(llmFolderProblem(join(tmp, 'a-file'), 'The Vicuna-7B v0 folder')!, /is not a folder/);
  });

  it('lists only complete packs: never the converter’s <out>.partial or a folder without a manifest', () => {
    const packs = join(tmp, 'packs');
    touch(join(packs, 'deepresonance-beta-int4', 'manifest.json'), JSON.stringify({ variant: 'beta', name: 'b', llm_quant: 'int4', files: { a: { bytes: 3 }, b: { bytes: 4 } } }));
    touch(join(packs, 'deepresonance-alpha-int4.partial', 'manifest.json'), JSON.stringify({ variant: 'alpha', name: 'a' }));
    touch(join(packs, 'deepresonance-alpha-fp16', 'decoder.onnx'));
    // named by its folder, as its path shows it, whatever its manifest says (ui35: "deepresonance-beta-fp32-int4" was
    // shown beside the folder deepresonance-beta-int4)
    assert.deepEqual(installedPacks(packs), [{ variant: 'beta', precision: 'int4', name: 'deepresonance-beta-int4', path: join(packs, 'deepresonance-beta-int4'), bytes: 7 }]);
  });

  it('CLI figures: sizes, ETA and a progress line with speed', () => {
    assert.equal(fmtBytes(4.8e9, true), '≈4.8 GB');
    assert.equal(fmtEta(3725, 'clock'), '1:02:05');
    assert.equal(fmtEta(null, 'clock'), '--:--');
    const line = progressLine({
      jobId: 'j', variant: 'beta', precision: 'int4', state: 'running', bytes: 2.5e9, total: 5e9, bytesPerSecond: 50e6, etaSeconds: 50,
      message: '', error: null, packPath: null, startedAt: 0,
      steps: [{ id: 'a', label: 'ImageBind-huge: imagebind_huge.pth', kind: 'download', state: 'running', bytes: 1, total: 2, bytesPerSecond: 1, etaSeconds: 1 }],
    }, 200);
    assert.match(line, /^\[#{12}-{12}\]  50%  2\.5 GB\/5\.0 GB  50\.0 MB\/s  ETA 0:50  ImageBind-huge/);
  });

  it('the ETA covers the conversion after the downloads: measured on this computer once a real pack was made, else the benchmark (ui35)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-rate-'));
    try {
      const bench = convertEstimate(dir, 'int4', 0.92e9);
      assert.ok(bench && Math.abs(bench.seconds - 312.6) < 0.01, JSON.stringify(bench));
      assert.equal(bench.from, BENCH_CONVERT_SOURCE);
      assert.equal(convertEstimate(dir, 'int4', 0), null, 'no size, no estimate');
      recordConvertRate(dir, 'int4', 1.4e6, 2); // a tiny pack: its fixed costs are not a rate
      assert.equal(convertEstimate(dir, 'int4', 1e9)?.from, BENCH_CONVERT_SOURCE);
      recordConvertRate(dir, 'int4', 4e9, 800);
      const mine = convertEstimate(dir, 'int4', 2e9);
      assert.deepEqual(mine, { seconds: 400, from: "as this computer's last int4 conversion" });
      assert.equal(convertEstimate(dir, 'fp16', 1e9)?.from, BENCH_CONVERT_SOURCE, 'another precision: the benchmark');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const line = progressLine({
      jobId: 'j', variant: 'beta', precision: 'int4', state: 'running', bytes: 2.5e9, total: 5e9, bytesPerSecond: 50e6, etaSeconds: 50 + 1800, convertSeconds: 1800,
      message: '', error: null, packPath: null, startedAt: 0,
      steps: [{ id: 'a', label: 'ImageBind-huge: imagebind_huge.pth', kind: 'download', state: 'running', bytes: 1, total: 2, bytesPerSecond: 1, etaSeconds: 1 }],
    }, 200);
    assert.match(line, /ETA 30:50  \(convert 30:00 incl\.\)  ImageBind-huge/);
  });

  it('before the total is known the TTY line says it is connecting, not "0 B/0 B" (tester28)', () => {
    const line = progressLine({
      jobId: 'j', variant: 'alpha', precision: 'int4', state: 'running', bytes: 0, total: 0, bytesPerSecond: 0, etaSeconds: null,
      message: '', error: null, packPath: null, startedAt: 0,
      steps: [{ id: 'a', label: 'DeepResonance delta: pytorch_model.pt', kind: 'download', state: 'running', bytes: 0, total: 0, bytesPerSecond: 0, etaSeconds: null }],
    }, 200);
    assert.doesNotMatch(line, /0 B\/0 B|ETA/);
    assert.match(line, /^connecting…  DeepResonance delta: pytorch_model\.pt$/);
  });

  it('a download step\'s reason for waiting is printed whole above the TTY bar, once, not only cut to the terminal\'s width (tester28c)', () => {
    const wait = 'the server is limiting requests (HTTP 429) and asked to wait 5 min (Retry-After); retrying at 18:42:07 (in 5 min)';
    const state = (kind: 'download' | 'convert', detail?: string) => ({
      jobId: 'j', variant: 'alpha' as const, precision: 'int4' as const, state: 'running' as const, bytes: 1e6, total: 9e6, bytesPerSecond: 0, etaSeconds: null,
      message: '', error: null, packPath: null, startedAt: 0,
      steps: [{ id: 'delta', label: 'DeepResonance delta: pytorch_model.pt', kind, state: 'running' as const, bytes: 1, total: 2, bytesPerSecond: 0, etaSeconds: null, detail }],
    });
    // an 80-column terminal: the bar, the figures and the label leave no room for why it waits, nor until when
    assert.doesNotMatch(progressLine(state('download', wait), 80), /Retry-After|18:42:07/);
    const first = stepNote(state('download', wait), '');
    assert.equal(first.line, `DeepResonance delta: pytorch_model.pt (${wait})`);
    assert.equal(stepNote(state('download', wait), first.key).line, null, 'once per reason');
    assert.equal(stepNote(state('download'), first.key).line, null, 'no detail: nothing to say');
    assert.equal(stepNote(state('convert', 'writing layer 3 of 32'), '').line, null, 'a conversion\'s detail is its progress: the bar shows it');
  });

  it('turns onnxruntime provider errors into a sentence a person can act on', () => {
    assert.match(readableReason('webgpu', '[ONNXRuntimeError] : 1 : FAIL : webgpu_context.cc:183 Initialize Failed to get a WebGPU adapter: No available adapters.'), /^no GPU that WebGPU can use was found/);
    assert.equal(readableReason('webgpu', '[ONNXRuntimeError] : 9 : NOT_IMPLEMENTED : Could not find an implementation for MatMulNBits(1) node with name \'x\''), 'this model uses the MatMulNBits operator, which WebGPU cannot run here; the CPU is used instead');
    assert.match(readableReason('cuda', 'Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file'), /CUDA libraries or driver could not be loaded/);
    assert.equal(readableReason('dml', '[ONNXRuntimeError] : 1 : FAIL : something odd\nmore'), 'something odd');
    // onnxruntime-node as npm ci installs it (no CUDA build), --provider cuda (tester38): the raw first line before
    assert.equal(
      readableReason('cuda', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library'),
      'this installation of ONNX Runtime has no CUDA build (its CUDA provider library is not there): install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (a studio built from source; README, GPU), or use the auto or cpu provider',
    );
  });

  it('the WebGPU check: Dawn\'s lines dropped for "no GPU", any other failure\'s stderr kept', () => {
    const dawn = 'Warning: vkCreateInstance: Found no drivers!\n    at CheckVkSuccessImpl (/build/Release/_deps/dawn-src/src/dawn/native/vulkan/VulkanError.cpp:106)\n';
    const noGpu = webgpuProbeOutcome({ code: 3, signal: null, timedOut: false }, 'webgpu_context.cc:136 … Failed to get a WebGPU adapter: No supported adapters', dawn);
    assert.equal(noGpu.passStderr, false);
    assert.match(noGpu.probe.ok ? '' : noGpu.probe.reason, /^no GPU that WebGPU can use was found/);
    assert.deepEqual(webgpuProbeOutcome({ code: 0, signal: null, timedOut: false }, '', 'a warning'), { probe: { ok: true }, passStderr: false });
    const crash = webgpuProbeOutcome({ code: null, signal: 'SIGSEGV', timedOut: false }, '', 'Segmentation fault in libvulkan\n');
    assert.deepEqual(crash, { probe: { ok: false, reason: 'the WebGPU check stopped (killed by SIGSEGV); the CPU is used instead' }, passStderr: true });
    const other = webgpuProbeOutcome({ code: 3, signal: null, timedOut: false }, 'Failed to load library libonnxruntime_providers_webgpu.so', 'loader: symbol not found\n');
    assert.equal(other.passStderr, true);
    assert.equal(webgpuProbeOutcome({ code: null, signal: 'SIGKILL', timedOut: true }, '', '').passStderr, false, 'nothing to show');
  });
});

describe('one Get per models folder', () => {
  it('a second lock is refused while its owner lives; a dead owner’s lock is taken over', () => {
    const dir = join(tmp, 'models-lock');
    const unlock = lockModels(dir);
    writeFileSync(join(dir, '.get.lock'), String(process.ppid)); // a live process other than this one
    // a lock of the versions before (no command recorded): both things that can hold it named, the pid only as detail
    assert.throws(() => lockModels(dir), (e: Error & { detail?: string }) => {
      assert.match(e.message, /^Another Resonance Studio window or a `studio model get` in a terminal is getting a model into .* \(pid \d+\)\. /, e.message);
      assert.equal(JSON.parse(e.detail!).pid, process.ppid);
      return true;
    });
    writeFileSync(join(dir, '.get.lock'), '2147483646'); // no such process
    const again = lockModels(dir);
    again();
    unlock();
  });

  it('the lock names what holds it in words a user acts on: another Resonance Studio window, `studio model get` in a terminal, `studio serve` (session 30: "Another studio process (pid 4242)", the engine\'s pid)', () => {
    const dir = join(tmp, 'models-held-by');
    mkdirSync(dir, { recursive: true });
    const live = { pid: process.ppid, at: Date.now() };
    for (const [command, said, todo] of [
      ['Resonance Studio', /^Another Resonance Studio window is getting a model into /, /pause it in that window’s Models panel/],
      ['studio model get', /^`studio model get` in a terminal is getting a model into /, /stop it there with Ctrl\+C/],
      ['studio serve', /^`studio serve` \(Resonance Studio in a browser\) is getting a model into /, /pause it in that page’s Models panel/],
    ] as const) {
      writeFileSync(join(dir, '.get.lock'), JSON.stringify({ ...live, command }));
      assert.throws(() => lockModels(dir), (e: Error & { detail?: string }) => {
        assert.match(e.message, said, e.message);
        assert.match(e.message, todo, e.message);
        assert.doesNotMatch(e.message, /studio process/, e.message);
        assert.deepEqual(JSON.parse(e.detail!), { pid: process.ppid, command, since: new Date(live.at).toISOString() });
        return true;
      });
    }
    // what this process records: the command its host gave the engine (STUDIO_HOST_COMMAND)
    const unlock = lockModels(join(tmp, 'models-held-by-me'), 'studio model get');
    assert.equal(JSON.parse(readFileSync(join(tmp, 'models-held-by-me', '.get.lock'), 'utf8')).command, 'studio model get');
    unlock();
  });

  const linux = process.platform === 'linux';
  const lockFile = (dir: string) => join(dir, '.get.lock');
  /** wait until /proc says the process is in this state (Linux) */
  const procState = async (pid: number, want: string) => {
    while (procStat(pid)?.state !== want) await new Promise((r) => setTimeout(r, 20));
  };

  it('a zombie owner (the orphaned engine of a SIGKILLed CLI that nobody reaps) is gone: its lock is taken over', { skip: !linux && 'zombies are read from /proc' }, async () => {
    const dir = join(tmp, 'models-zombie');
    // a parent that forks and never waits: its child stays a zombie until the parent exits
    const parent = spawn('python3', ['-c', 'import os, sys\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nprint(pid, flush=True)\nsys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(String(b)))));
      await procState(zombie, 'Z');
      assert.doesNotThrow(() => process.kill(zombie, 0), 'kill(pid, 0) succeeds on a zombie');
      mkdirSync(dir, { recursive: true });
      for (const text of [String(zombie), JSON.stringify({ pid: zombie, start: procStat(zombie)!.start, at: Date.now() })]) {
        writeFileSync(lockFile(dir), text);
        const unlock = lockModels(dir);
        assert.equal(parseOwner(readFileSync(lockFile(dir), 'utf8'))?.pid, process.pid, 'the lock is ours now');
        unlock();
      }
    } finally {
      parent.stdin.end();
      await new Promise((r) => parent.once('exit', r));
    }
  });

  it('a live process is the owner only if it is the one that wrote the lock (start time, boot); a reused pid is taken over', async () => {
    const dir = join(tmp, 'models-reuse');
    mkdirSync(dir, { recursive: true });
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => other.once('spawn', r));
      const pid = other.pid!;
      const refused = (o: LockOwner) => {
        writeFileSync(lockFile(dir), JSON.stringify(o));
        try {
          lockModels(dir)();
          return false;
        } catch (e) {
          assert.match(String(e), new RegExp(`is getting a model into .* \\(pid ${pid}\\)\\. `));
          return true;
        }
      };
      if (linux) {
        const { start } = procStat(pid)!;
        const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
        assert.equal(refused({ pid, start, boot, at: Date.now() }), true, 'the process that wrote it');
        assert.equal(refused({ pid, start: String(Number(start) + 1), boot, at: Date.now() }), false, 'another start time: the pid was reused');
        assert.equal(refused({ pid, start, boot: '00000000-0000-0000-0000-000000000000', at: Date.now() }), false, 'written in another boot');
      } else {
        assert.equal(refused({ pid, at: Date.now() }), true, 'written in this boot by a live process');
        assert.equal(refused({ pid, at: Date.now() - uptime() * 1000 - 3_600_000 }), false, 'written before this boot: the pid was reused');
      }
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
  });

  it('a Get in another process holds the lock: refused while it lives, taken over once it is killed', async () => {
    const dir = join(tmp, 'models-holder');
    const script = join(tmp, 'hold-lock.ts');
    writeFileSync(script, `import { lockModels } from ${JSON.stringify(join(ROOT, 'main/engine/model/catalog/lock.ts'))};\nlockModels(${JSON.stringify(dir)});\nconsole.log('held');\nsetInterval(() => {}, 1e6);\n`);
    const holder = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => holder.once('exit', r));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (c) => reject(new Error(`the holder exited (${c}) before taking the lock`)));
      });
      assert.equal(parseOwner(readFileSync(lockFile(dir), 'utf8'))?.pid, holder.pid);
      assert.throws(() => lockModels(dir), new RegExp(`is getting a model into .* \\(pid ${holder.pid}\\)\\. `));
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
    lockModels(dir)();
  });
});

describe('a models folder that cannot be written (tester25)', () => {
  it('read-only disk, no permission, a file in the way: READ_ONLY naming the folder, the path that failed and what to do; other errors are not its concern', () => {
    const err = (code: string, path?: string) => Object.assign(new Error(`${code}: …`), { code, path });
    const cases: Array<[string, RegExp]> = [
      ['EROFS', /the file system is read-only/],
      ['EACCES', /permission denied/],
      ['EPERM', /permission denied/],
      ['ENOTDIR', /a file is in the way where a folder is needed/],
      ['EEXIST', /a file is in the way where a folder is needed/],
    ];
    for (const [code, why] of cases) {
      const e = modelsFolderFailure(err(code, '/m/ckpt/x.part'), '/m');
      assert.equal(e?.code, 'READ_ONLY', code);
      assert.match(e!.message, /^The models folder \/m cannot be written: /);
      assert.match(e!.message, why);
      assert.match(e!.message, /\(\/m\/ckpt\/x\.part\)\. Make it writable, or set STUDIO_MODELS_DIR to a folder you can write/);
    }
    assert.doesNotMatch(modelsFolderFailure(err('EROFS', '/m'), '/m')!.message, /\(\/m\)/, 'the folder itself is not named twice');
    for (const other of [err('ENOSPC'), err('ENOENT'), new Error('x'), null, 'text']) assert.equal(modelsFolderFailure(other, '/m'), null);
    // session 18 review: an EACCES on the user's own --llama shard is that file's error, not the models folder's
    assert.equal(modelsFolderFailure(err('EACCES', '/home/u/llama/consolidated.00.pth'), '/m'), null, 'a path outside the models folder');
    assert.equal(modelsFolderFailure(err('EACCES', '/m2/x.part'), '/m'), null, 'a sibling folder sharing the prefix');
    assert.equal(modelsFolderFailure(err('EACCES'), '/m')?.code, 'READ_ONLY', 'no path: the models folder');
    assert.equal(modelsFolderFailure(err('EACCES', '/m/ckpt/../x.part'), '/m/')?.code, 'READ_ONLY', 'compared resolved');
    // ci22: a file in the way of a PARENT of the models folder (mkdir of /d/blocked for /d/blocked/models) is the models folder's too
    assert.equal(modelsFolderFailure(err('ENOTDIR', '/d/blocked'), '/d/blocked/models')?.code, 'READ_ONLY', 'a parent the models folder needs');
  });
});

describe('measured figures per precision (catalog/figures.ts)', () => {
  it('covers every precision, matches the contract, and ranks int8 closer to fp32 than int4', async () => {
    const { PRECISION_FIGURES, PRECISIONS } = await import('../../main/engine/model/catalog/index');
    const { PrecisionFigures } = await import('@contract');
    assert.deepEqual(Object.keys(PRECISION_FIGURES).sort(), [...PRECISIONS].sort());
    for (const p of PRECISIONS) {
      const f = PrecisionFigures.parse(PRECISION_FIGURES[p]);
      assert.ok(f.source.length > 10, `${p}: says where its figures come from`);
      if (f.drift) for (const v of [f.drift.top1Agreement, f.drift.logitCosine]) assert.ok(v > 0 && v <= 1, `${p}: ${v}`);
    }
    const { int4, int8, fp32 } = PRECISION_FIGURES;
    assert.ok(int4.drift && int8.drift && fp32.drift);
    assert.ok(int4.drift.top1Agreement < int8.drift.top1Agreement && int8.drift.logitCosine < fp32.drift.logitCosine);
    assert.match(int4.source, /random 1 B/);
  });
});

describe('downloads already in place without a current marker (tester29b)', () => {
  it('a models folder copied or moved to another disk (new inodes and times) counts its files as on disk, not to download', async () => {
    // `cp -r models /big/models` + STUDIO_MODELS_DIR=/big/models listed every part "missing", "to download: 19 GB",
    // and Get's disk check counted those 19 GB again: a disk with room for the pack refused the Get
    const { plan } = await import('../../main/engine/model/catalog/index');
    const { createHash } = await import('node:crypto');
    const models = mkdtempSync(join(tmpdir(), 'rs-moved-'));
    try {
      const ib = join(models, 'ckpt', CKPT.imagebind);
      const delta = join(models, 'ckpt', 'deepresonance_beta_delta_ckpt', 'deepresonance', '7b_tiva_v0', 'pytorch_model.pt');
      const ibBytes = Buffer.alloc(3000, 7);
      const deltaBytes = Buffer.alloc(2000, 9);
      for (const [f, b] of [[ib, ibBytes], [delta, deltaBytes]] as const) {
        mkdirSync(join(f, '..'), { recursive: true });
        writeFileSync(f, b);
        // the marker the first disk's Get wrote, copied along: its mtime and inode are the old file's
        const sha = createHash('sha256').update(b).digest('hex');
        writeFileSync(`${f}.verified.json`, JSON.stringify({ url: 'u', bytes: b.length, sha256: sha, mtimeMs: 1, ino: 1, verifiedBy: 'sha256' }));
      }
      const sha = createHash('sha256').update(deltaBytes).digest('hex');
      const hubDelta: HubFile = { path: 'ckpt/deepresonance_beta_delta_ckpt/deepresonance/7b_tiva_v0/pytorch_model.pt', size: deltaBytes.length, sha256: sha, gitOid: 'x', url: 'http://hub/delta', expected: { size: deltaBytes.length, sha256: sha } };
      const p = plan(models, 'beta', { vicuna: undefined }, { delta: { beta: [hubDelta] }, vicunaDelta: [], imagebindBytes: ibBytes.length }, { STUDIO_IMAGEBIND_URL: 'http://meta/imagebind_huge.pth' });
      for (const f of [ib, delta]) {
        const d = p.downloads.find((x) => x.dest === f)!;
        assert.equal(d.present, false, 'not verified here: the Get hashes it again before it is used');
        assert.equal(d.bytes - d.partialBytes, 0, `${f}: nothing of it to download`);
      }
      for (const id of ['delta', 'imagebind']) assert.notEqual(p.parts.find((x) => x.id === id)!.state, 'missing', id);
    } finally {
      rmSync(models, { recursive: true, force: true });
    }
  });
});

// Shared helpers for the model-toolchain tests: .npy reading, the tiny packs
// (made once per test run by tools/convert/make_tiny.py) and their references.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PY = process.env.STUDIO_PYTHON ?? '/usr/bin/python3';
export const TINY_DIR = join(ROOT, 'test', 'output', 'tiny-packs');

export type NpyDtype = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'bool' | 'float64';
export interface Npy {
  dtype: NpyDtype;
  shape: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Uint16Array | Float64Array;
}

const DESCR: Record<string, NpyDtype> = {
  '<f4': 'float32', '<f2': 'float16', '<i8': 'int64', '<i4': 'int32', '|u1': 'uint8', '|b1': 'bool', '<f8': 'float64',
};

/** Parse a NumPy .npy (v1/v2, C order, little endian). */
export function readNpy(path: string): Npy {
  const buf = readFileSync(path);
  if (buf.readUInt32BE(0) !== 0x934e554d || buf[4] !== 0x50) throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.subarray(hstart, hstart + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? '';
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeStr = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeStr.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const dtype = DESCR[descr];
  if (!dtype || fortran) throw new Error(`${path}: unsupported npy dtype ${descr} / fortran=${fortran}`);
  const off = hstart + hlen;
  const raw = buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length);
  const data =
    dtype === 'float32' ? new Float32Array(raw)
      : dtype === 'float16' ? new Uint16Array(raw)
        : dtype === 'int64' ? new BigInt64Array(raw)
          : dtype === 'int32' ? new Int32Array(raw)
            : dtype === 'float64' ? new Float64Array(raw)
              : new Uint8Array(raw);
  return { dtype, shape, data };
}

export function npyTensor(n: Npy): ort.Tensor {
  if (n.dtype === 'float64') return new ort.Tensor('float32', Float32Array.from(n.data as Float64Array), n.shape);
  return new ort.Tensor(n.dtype as any, n.data as any, n.shape);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function argmax(a: ArrayLike<number>, start = 0, end = a.length): number {
  let best = start;
  for (let i = start + 1; i < end; i++) if (a[i] > a[best]) best = i;
  return best - start;
}

export function f16ToF32(u: Uint16Array): Float32Array {
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const h = u[i];
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    out[i] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
  }
  return out;
}

export function f32ToF16(a: Float32Array): Uint16Array {
  const out = new Uint16Array(a.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < a.length; i++) {
    f[0] = a[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    let exp = ((x >>> 23) & 0xff) - 127 + 15;
    let mant = x & 0x7fffff;
    if (((x >>> 23) & 0xff) === 0xff) { out[i] = sign | 0x7c00 | (mant ? 0x200 : 0); continue; }
    if (exp >= 31) { out[i] = sign | 0x7c00; continue; }
    if (exp <= 0) {
      if (exp < -10) { out[i] = sign; continue; }
      mant |= 0x800000;
      const shift = 14 - exp;
      let half = mant >> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && (half & 1))) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (exp << 10) | (mant >> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
    out[i] = sign | half;
  }
  return out;
}

export interface PackManifest {
  schema_version: number;
  name: string;
  variant: 'alpha' | 'beta';
  dtype: 'fp32' | 'fp16';
  llm_quant: 'none' | 'int8' | 'int4';
  llm: { hidden_size: number; num_hidden_layers: number; num_attention_heads: number; head_dim: number; vocab_size: number; max_position_embeddings: number };
  files: Record<string, { path: string; bytes: number; sha256: string; role: string }>;
  graphs: Record<string, { file: string }>;
  embed_tokens: { file: string; dtype: 'float32' | 'float16'; shape: [number, number] };
  tokens: { bos_id: number; eos_id: number; stop_ids: number[][]; added: Record<string, number>; placeholders: Record<string, string> };
  [k: string]: unknown;
}

export function readJson<T = any>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Make the tiny packs once per test run (reused across test files while fresh):
 * the stamp file holds the run marker; a pack older than the toolchain sources is remade.
 */
export function ensureTinyPacks(): string {
  const stamp = join(TINY_DIR, 'refs', 'index.json');
  const srcDir = join(ROOT, 'tools', 'convert');
  const newestSrc = Math.max(
    ...readdirSync(srcDir).filter((f) => f.endsWith('.py')).map((f) => statSync(join(srcDir, f)).mtimeMs),
  );
  const fresh = () => existsSync(stamp) && statSync(stamp).mtimeMs > newestSrc;
  if (fresh() && !process.env.STUDIO_REMAKE_TINY) return TINY_DIR;
  // test files run two at a time (tools/run-tests.mjs): one process makes the packs, under a lock folder; another
  // that needs them meanwhile waits for it, then finds them fresh (a lock whose owner died is taken over)
  mkdirSync(dirname(TINY_DIR), { recursive: true });
  const lock = `${TINY_DIR}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // being written: wait
      }
      let alive = true;
      if (owner > 0) {
        try {
          process.kill(owner, 0);
        } catch (k) {
          alive = (k as NodeJS.ErrnoException).code === 'EPERM';
        }
      } else {
        // no pid yet: being written, or its maker died between mkdir and write (then the lock is old)
        try {
          alive = Date.now() - statSync(lock).mtimeMs < 10_000;
        } catch {
          alive = false; // gone meanwhile: try again
        }
      }
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh() && !process.env.STUDIO_REMAKE_TINY) return TINY_DIR; // made by the lock's previous owner
    rmSync(TINY_DIR, { recursive: true, force: true });
    const r = spawnSync(PY, [join(srcDir, 'make_tiny.py'), '--out', TINY_DIR], {
      cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20,
    });
    if (r.status !== 0) throw new Error(`make_tiny.py failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return TINY_DIR;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function refsIndex(): any {
  return readJson(join(TINY_DIR, 'refs', 'index.json'));
}

export function pyAvailable(): boolean {
  try {
    execFileSync(PY, ['-c', 'import torch, onnx, sentencepiece'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function session(path: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
}

/** Zero-length past for the first decoder step. */
export function emptyPast(m: PackManifest, batch = 1): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const { num_hidden_layers: L, num_attention_heads: nh, head_dim: hd } = m.llm;
  const type = m.dtype === 'fp16' ? 'float16' : 'float32';
  for (let i = 0; i < L; i++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [batch, nh, 0, hd]);
    }
  }
  return feeds;
}

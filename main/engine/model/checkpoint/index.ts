/**
 * Streaming reader for PyTorch and Hugging Face checkpoints, for the in-engine
 * model converter. See README.md in this folder for the API and the formats.
 *
 * Opening a checkpoint parses only its metadata (zip central directory + the
 * pickle, or the safetensors header); tensor data is read on demand with
 * positional reads, one tensor at a time. A pickle is never executed
 * (./pickle.ts).
 */
import { open as openFile, readFile, stat, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type yauzl from 'yauzl';
import { ELEMENT_SIZE, SAFETENSORS_DTYPE, STORAGE_DTYPE, toFloat32, type DType } from './dtypes';
import { isPickledTensor, isStorageType, PickleError, unpickle, type PickledTensor } from './pickle';

export type { DType } from './dtypes';
export { PickleError } from './pickle';

/** A checkpoint that cannot be read: missing, truncated, corrupt, refused (unsafe pickle) or not a state dict. */
export class CheckpointError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'CheckpointError';
    this.path = path;
  }
}

/** Where a tensor's storage lies: `byteLength` bytes from absolute `byteOffset` of `file`. */
export interface StorageLocation {
  file: string;
  /** the storage's key (torch zip: `archive/data/{key}`; legacy: its pickle key; safetensors: the tensor name) */
  key: string;
  byteOffset: number;
  byteLength: number;
}

/** One tensor's metadata; no data is loaded. */
export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
  /** strides in elements (row-major contiguous: [prod(shape[1:]), …, 1]) */
  stride: number[];
  /** first element's index in the storage, in elements */
  storageOffset: number;
  /** bytes of this tensor's own elements: numel × element size */
  byteSize: number;
  /** stored as torch.nn.Parameter / with requires_grad (metadata only; it changes nothing here) */
  parameter: boolean;
  requiresGrad: boolean;
  storage: StorageLocation;
}

export interface ReadOptions {
  /** bytes per positional read when streaming a contiguous tensor (default 16 MiB) */
  chunkBytes?: number;
  signal?: AbortSignal;
}

/** A set of tensors readable one at a time: one file, or a sharded folder. */
export interface WeightSet {
  /** the files behind it, in shard order */
  readonly files: string[];
  /** name → metadata, in file order */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** the tensor as float32 (exact for fp32/fp16/bf16), row-major, views resolved. Raises CheckpointError. */
  readFloat32(name: string, options?: ReadOptions): Promise<Float32Array>;
  /** the tensor's elements in its stored dtype, row-major contiguous, little-endian. Raises CheckpointError. */
  readBytes(name: string, options?: ReadOptions): Promise<Buffer>;
  close(): Promise<void>;
}

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'safetensors';

export interface Checkpoint extends WeightSet {
  readonly path: string;
  readonly format: CheckpointFormat;
}

const numelOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const contiguousStride = (shape: number[]) => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};
const isContiguous = (t: TensorInfo) => {
  const c = contiguousStride(t.shape);
  return t.shape.every((n, i) => n <= 1 || t.stride[i] === c[i]);
};

async function readAt(fh: FileHandle, path: string, position: number, length: number, into?: Buffer, at = 0): Promise<Buffer> {
  const buf = into ?? Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, at + done, length - done, position + done);
    if (bytesRead === 0) throw new CheckpointError(path, `truncated: wanted ${length} bytes at offset ${position}, the file ends after ${position + done}`);
    done += bytesRead;
  }
  return buf;
}

/** Base class: tensor reads shared by every format. */
class FileCheckpoint implements Checkpoint {
  readonly files: string[];
  constructor(
    readonly path: string,
    readonly format: CheckpointFormat,
    private readonly fh: FileHandle,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
  ) {
    this.files = [path];
  }

  private info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new CheckpointError(this.path, `no tensor named '${name}'`);
    return t;
  }

  /** [first, last+1) element span of the storage a (possibly strided) view touches */
  private span(t: TensorInfo): [number, number] {
    const n = numelOf(t.shape);
    if (n === 0) return [t.storageOffset, t.storageOffset];
    let last = t.storageOffset;
    for (let i = 0; i < t.shape.length; i++) {
      if (t.stride[i] < 0) throw new CheckpointError(this.path, `${t.name}: negative stride`);
      last += (t.shape[i] - 1) * t.stride[i];
    }
    const el = ELEMENT_SIZE[t.dtype];
    if ((last + 1) * el > t.storage.byteLength) {
      throw new CheckpointError(this.path, `${t.name}: view reaches element ${last} but its storage holds ${t.storage.byteLength / el} (corrupt)`);
    }
    return [t.storageOffset, last + 1];
  }

  /** Calls `sink(buffer, byteOffset, count, outIndex)` for runs of consecutive elements in row-major order. */
  private async walk(t: TensorInfo, options: ReadOptions | undefined, sink: (b: Buffer, off: number, count: number, outIndex: number) => void) {
    const el = ELEMENT_SIZE[t.dtype];
    const [first, end] = this.span(t);
    const n = numelOf(t.shape);
    if (n === 0) return;
    if (isContiguous(t)) {
      const chunkEls = Math.max(1, Math.floor((options?.chunkBytes ?? 16 << 20) / el));
      const buf = Buffer.allocUnsafe(Math.min(n, chunkEls) * el);
      for (let i = 0; i < n; i += chunkEls) {
        options?.signal?.throwIfAborted();
        const count = Math.min(chunkEls, n - i);
        await readAt(this.fh, this.path, t.storage.byteOffset + (first + i) * el, count * el, buf);
        sink(buf, 0, count, i);
      }
      return;
    }
    // a strided view (transpose, slice with step …): read the span it touches once, then gather
    const buf = await readAt(this.fh, this.path, t.storage.byteOffset + first * el, (end - first) * el);
    const nd = t.shape.length;
    const idx = new Array<number>(nd).fill(0);
    const inner = nd - 1;
    const innerStride = t.stride[inner];
    const innerLen = t.shape[inner];
    let out = 0;
    for (;;) {
      let base = t.storageOffset - first;
      for (let d = 0; d < inner; d++) base += idx[d] * t.stride[d];
      if (innerStride === 1) {
        sink(buf, base * el, innerLen, out);
      } else {
        for (let j = 0; j < innerLen; j++) sink(buf, (base + j * innerStride) * el, 1, out + j);
      }
      out += innerLen;
      let d = inner - 1;
      while (d >= 0 && ++idx[d] === t.shape[d]) idx[d--] = 0;
      if (d < 0) break;
      options?.signal?.throwIfAborted();
    }
  }

  async readFloat32(name: string, options?: ReadOptions): Promise<Float32Array> {
    const t = this.info(name);
    const out = new Float32Array(numelOf(t.shape));
    await this.walk(t, options, (b, off, count, at) => toFloat32(b, off, t.dtype, count, out, at));
    return out;
  }

  async readBytes(name: string, options?: ReadOptions): Promise<Buffer> {
    const t = this.info(name);
    const el = ELEMENT_SIZE[t.dtype];
    const out = Buffer.allocUnsafe(numelOf(t.shape) * el);
    await this.walk(t, options, (b, off, count, at) => b.copy(out, at * el, off, off + count * el));
    return out;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

// ---------------------------------------------------------------------------
// safetensors (https://github.com/huggingface/safetensors#format)

async function openSafetensors(path: string, fh: FileHandle, size: number): Promise<Checkpoint> {
  if (size < 8) throw new CheckpointError(path, `truncated safetensors file (${size} bytes)`);
  const n = (await readAt(fh, path, 0, 8)).readBigUInt64LE(0);
  if (n > 100_000_000n || 8n + n > BigInt(size)) {
    throw new CheckpointError(path, `safetensors header of ${n} bytes does not fit the ${size}-byte file (truncated or not a safetensors file)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse((await readAt(fh, path, 8, Number(n))).toString('utf8'));
  } catch (e) {
    throw new CheckpointError(path, `safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CheckpointError(path, 'safetensors header is not an object');
  const base = 8 + Number(n);
  const entries: [string, TensorInfo][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const r = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = SAFETENSORS_DTYPE[String(r.dtype)];
    const shape = r.shape;
    const off = r.data_offsets;
    if (!dtype || !Array.isArray(shape) || !shape.every((x) => Number.isSafeInteger(x) && x >= 0) || !Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isSafeInteger(x))) {
      throw new CheckpointError(path, `tensor '${name}' has a malformed or unsupported header entry ${JSON.stringify(raw)}`);
    }
    const [a, b] = off as [number, number];
    const byteSize = numelOf(shape as number[]) * ELEMENT_SIZE[dtype];
    if (a < 0 || b < a || b - a !== byteSize || base + b > size) {
      throw new CheckpointError(path, `tensor '${name}' data_offsets ${a}..${b} do not fit its shape/dtype or the file (truncated?)`);
    }
    entries.push([name, {
      name, dtype, shape: shape as number[], stride: contiguousStride(shape as number[]), storageOffset: 0, byteSize,
      parameter: false, requiresGrad: false, storage: { file: path, key: name, byteOffset: base + a, byteLength: b - a },
    }]);
  }
  entries.sort((x, y) => x[1].storage.byteOffset - y[1].storage.byteOffset);
  return new FileCheckpoint(path, 'safetensors', fh, new Map(entries));
}

// ---------------------------------------------------------------------------
// torch.save: the state dict inside the pickle

interface StorageRef { kind: 'storage-ref'; key: string; dtype: DType; numel: number; viewOffset: number }

const WRAPPERS = ['module', 'state_dict', 'model'];

/** The {name: tensor} map of a (possibly DeepSpeed/trainer-wrapped) state dict. */
function stateDict(path: string, value: unknown): Map<string, PickledTensor> {
  if (!(value instanceof Map)) throw new CheckpointError(path, `not a state dict (the pickle holds ${Array.isArray(value) ? 'a list/tuple' : typeof value})`);
  let sd = value;
  if (![...sd.values()].every(isPickledTensor)) {
    const inner = WRAPPERS.map((w) => sd.get(w)).find((v) => v instanceof Map && v.size > 0 && [...v.values()].every(isPickledTensor));
    if (!inner) {
      const bad = [...sd.entries()].filter(([, v]) => !isPickledTensor(v)).slice(0, 4).map(([k]) => String(k));
      throw new CheckpointError(path, `not a state dict of tensors (entries ${bad.join(', ')} are not tensors)`);
    }
    sd = inner as Map<unknown, unknown>;
  }
  const out = new Map<string, PickledTensor>();
  for (const [k, v] of sd) out.set(String(k), v as PickledTensor);
  return out;
}

function tensorInfo(path: string, name: string, t: PickledTensor, locate: (ref: StorageRef) => StorageLocation): TensorInfo {
  const ref = t.storage as StorageRef;
  if (!ref || ref.kind !== 'storage-ref') throw new CheckpointError(path, `${name}: tensor without a storage`);
  if (t.shape.length !== t.stride.length) throw new CheckpointError(path, `${name}: shape and stride differ in length`);
  const loc = locate(ref);
  const el = ELEMENT_SIZE[ref.dtype];
  return {
    name, dtype: ref.dtype, shape: t.shape, stride: t.stride, storageOffset: t.storageOffset + ref.viewOffset,
    byteSize: numelOf(t.shape) * el, parameter: t.parameter, requiresGrad: t.requiresGrad, storage: loc,
  };
}

function storageRef(path: string, pid: unknown): StorageRef {
  // zip: ('storage', storage_type, key, location, numel); legacy adds view_metadata (view_key, offset, size) or None
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new CheckpointError(path, `unknown persistent id ${JSON.stringify(pid)?.slice(0, 80)}`);
  const [, type, key, , numel, view] = pid;
  if (!isStorageType(type)) throw new CheckpointError(path, 'persistent id without a storage type');
  const dtype = STORAGE_DTYPE[type.name];
  if (!dtype) throw new CheckpointError(path, `unsupported storage type torch.${type.name}`);
  let viewOffset = 0;
  if (Array.isArray(view)) viewOffset = Number(view[1]);
  return { kind: 'storage-ref', key: String(key), dtype, numel: Number(numel), viewOffset };
}

function unpickleChecked(path: string, data: Buffer, load: (pid: unknown) => unknown, start = 0) {
  try {
    return unpickle(data, load, start);
  } catch (e) {
    if (e instanceof PickleError) throw new CheckpointError(path, e.message);
    throw e;
  }
}

// ---------------------------------------------------------------------------
// torch.save zip format (torch >= 1.6): {archive}/data.pkl + {archive}/data/{key}, entries stored

function zipEntries(path: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    // yauzl is loaded here, not when the engine starts (it is rarely converting)
    (createRequire(import.meta.url)('yauzl') as typeof yauzl).open(path, { lazyEntries: true, autoClose: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(new CheckpointError(path, `not a readable zip (truncated or corrupt?): ${err?.message}`));
      const out: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => { out.push(e); zip.readEntry(); });
      zip.on('end', () => resolve(out));
      zip.on('error', (e: Error) => reject(new CheckpointError(path, `corrupt zip: ${e.message}`)));
      zip.readEntry();
    });
  });
}

async function openTorchZip(path: string, fh: FileHandle, size: number): Promise<Checkpoint> {
  const entries = await zipEntries(path);
  const byName = new Map(entries.map((e) => [e.fileName, e]));
  const pkl = entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.fileName));
  if (!pkl) throw new CheckpointError(path, 'a zip without {archive}/data.pkl is not a torch.save checkpoint');
  const prefix = pkl.fileName.slice(0, -'data.pkl'.length);
  const bo = byName.get(`${prefix}byteorder`);
  const dataStart = async (e: yauzl.Entry): Promise<number> => {
    if (e.compressionMethod !== 0) throw new CheckpointError(path, `${e.fileName} is compressed; torch.save stores entries uncompressed`);
    const off = e.relativeOffsetOfLocalHeader;
    const h = await readAt(fh, path, off, 30);
    if (h.readUInt32LE(0) !== 0x04034b50) throw new CheckpointError(path, `bad local header for ${e.fileName} (corrupt)`);
    const start = off + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    if (start + e.uncompressedSize > size) throw new CheckpointError(path, `${e.fileName} runs past the end of the file (truncated)`);
    return start;
  };
  if (bo) {
    const order = (await readAt(fh, path, await dataStart(bo), bo.uncompressedSize)).toString('latin1');
    if (order !== 'little') throw new CheckpointError(path, `byte order '${order}' is not supported`);
  }
  const pickle = await readAt(fh, path, await dataStart(pkl), pkl.uncompressedSize);
  const { value } = unpickleChecked(path, pickle, (pid) => storageRef(path, pid));
  const sd = stateDict(path, value);
  const locs = new Map<string, StorageLocation>();
  for (const t of sd.values()) {
    const ref = t.storage as StorageRef;
    if (!ref || ref.kind !== 'storage-ref' || locs.has(ref.key)) continue;
    const e = byName.get(`${prefix}data/${ref.key}`);
    if (!e) throw new CheckpointError(path, `storage ${ref.key} is missing from the archive (truncated?)`);
    if (e.uncompressedSize < ref.numel * ELEMENT_SIZE[ref.dtype]) throw new CheckpointError(path, `storage ${ref.key} is shorter than its ${ref.numel} elements (corrupt)`);
    locs.set(ref.key, { file: path, key: ref.key, byteOffset: await dataStart(e), byteLength: e.uncompressedSize });
  }
  const tensors = new Map<string, TensorInfo>();
  for (const [name, t] of sd) tensors.set(name, tensorInfo(path, name, t, (r) => locs.get(r.key)!));
  return new FileCheckpoint(path, 'torch-zip', fh, tensors);
}

// ---------------------------------------------------------------------------
// torch.save legacy format (torch < 1.6 or _use_new_zipfile_serialization=False):
// pickles magic, protocol, sys_info, the object, the storage keys; then per key: int64 numel + data

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

async function openTorchLegacy(path: string, fh: FileHandle, size: number): Promise<Checkpoint> {
  let want = Math.min(size, 1 << 20);
  for (;;) {
    const head = await readAt(fh, path, 0, want);
    try {
      const none = () => { throw new PickleError('persistent id outside the object pickle'); };
      const magic = unpickle(head, none);
      if (magic.value !== LEGACY_MAGIC) throw new CheckpointError(path, 'not a torch.save file (no zip, no legacy magic number)');
      const proto = unpickle(head, none, magic.end);
      if (proto.value !== 1001) throw new CheckpointError(path, `legacy protocol ${String(proto.value)} is not supported`);
      const sys = unpickle(head, none, proto.end);
      if (sys.value instanceof Map && sys.value.get('little_endian') === false) throw new CheckpointError(path, 'big-endian checkpoints are not supported');
      const refs = new Map<string, StorageRef>();
      const obj = unpickle(head, (pid) => {
        const r = storageRef(path, pid);
        refs.set(r.key, r);
        return r;
      }, sys.end);
      const keys = unpickle(head, none, obj.end);
      if (!Array.isArray(keys.value)) throw new CheckpointError(path, 'legacy storage key list missing');
      const sd = stateDict(path, obj.value);
      const locs = new Map<string, StorageLocation>();
      let off = keys.end;
      for (const k of keys.value.map(String)) {
        const r = refs.get(k);
        if (!r) throw new CheckpointError(path, `storage ${k} listed but never referenced (corrupt)`);
        const numel = Number((await readAt(fh, path, off, 8)).readBigUInt64LE(0));
        const byteLength = numel * ELEMENT_SIZE[r.dtype];
        if (off + 8 + byteLength > size) throw new CheckpointError(path, `storage ${k} runs past the end of the file (truncated)`);
        locs.set(k, { file: path, key: k, byteOffset: off + 8, byteLength });
        off += 8 + byteLength;
      }
      const tensors = new Map<string, TensorInfo>();
      for (const [name, t] of sd) {
        tensors.set(name, tensorInfo(path, name, t, (r) => {
          const l = locs.get(r.key);
          if (!l) throw new CheckpointError(path, `storage ${r.key} has no data (truncated?)`);
          return l;
        }));
      }
      return new FileCheckpoint(path, 'torch-legacy', fh, tensors);
    } catch (e) {
      if (e instanceof PickleError && /truncated/.test(e.message) && want < size) {
        want = Math.min(size, want * 4);
        continue;
      }
      if (e instanceof PickleError) throw new CheckpointError(path, e.message);
      throw e;
    }
  }
}

// ---------------------------------------------------------------------------

/**
 * Open one weight file: `.safetensors` (by suffix), a torch.save zip (.pt/.pth/.bin, zip64
 * included) or a legacy torch.save pickle. Parses metadata only. Raises CheckpointError for a
 * missing, truncated, corrupt or unsafe file, or one that is not a (DeepSpeed/trainer-wrapped)
 * state dict of tensors.
 */
export async function openCheckpoint(path: string): Promise<Checkpoint> {
  let fh: FileHandle;
  try {
    fh = await openFile(path, 'r');
  } catch (e) {
    throw new CheckpointError(path, `cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const { size } = await fh.stat();
    if (path.endsWith('.safetensors')) return await openSafetensors(path, fh, size);
    const magic = await readAt(fh, path, 0, Math.min(4, size));
    if (magic.length >= 4 && magic.readUInt32LE(0) === 0x04034b50) return await openTorchZip(path, fh, size);
    if (magic.length >= 2 && magic[0] === 0x80) return await openTorchLegacy(path, fh, size);
    throw new CheckpointError(path, 'not a PyTorch checkpoint (neither a zip nor a pickle) or safetensors file');
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

/** Index files of Hugging Face folders, preferred first (as transformers does). */
export const INDEX_FILES = ['model.safetensors.index.json', 'pytorch_model.bin.index.json'] as const;
export const SINGLE_FILES = ['model.safetensors', 'pytorch_model.bin'] as const;

const exists = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** The weight files of a HF folder in shard order (an index, else a single file). Raises CheckpointError. */
export async function listWeightFiles(dir: string): Promise<string[]> {
  for (const idx of INDEX_FILES) {
    const p = join(dir, idx);
    if (!(await exists(p))) continue;
    let files: string[];
    try {
      const wm = JSON.parse(await readFile(p, 'utf8')).weight_map as Record<string, string>;
      files = [...new Set(Object.values(wm))].sort();
      if (!files.every((f) => typeof f === 'string' && basename(f) === f)) throw new Error('shard names must be plain file names');
    } catch (e) {
      throw new CheckpointError(p, `not a valid weight index (${(e as Error).message})`);
    }
    const missing: string[] = [];
    for (const f of files) if (!(await exists(join(dir, f)))) missing.push(f);
    if (missing.length) throw new CheckpointError(p, `names shard(s) that do not exist: ${missing.join(', ')}`);
    return files.map((f) => join(dir, f));
  }
  for (const f of SINGLE_FILES) if (await exists(join(dir, f))) return [join(dir, f)];
  throw new CheckpointError(dir, `no ${[...INDEX_FILES, ...SINGLE_FILES].join(', ')}`);
}

/**
 * Open a Hugging Face weight folder (sharded .bin or .safetensors with an index, or one file)
 * as one WeightSet. Every shard's metadata is parsed; a name present in two shards, or a name
 * the index maps to a shard that lacks it, is a CheckpointError.
 */
export async function openWeightFolder(dir: string): Promise<WeightSet> {
  const files = await listWeightFiles(dir);
  const opened: Checkpoint[] = [];
  try {
    for (const f of files) opened.push(await openCheckpoint(f));
  } catch (e) {
    await Promise.all(opened.map((c) => c.close()));
    throw e;
  }
  const owner = new Map<string, Checkpoint>();
  const tensors = new Map<string, TensorInfo>();
  for (const c of opened) {
    for (const [n, t] of c.tensors) {
      if (owner.has(n)) throw new CheckpointError(dir, `tensor '${n}' is in both ${basename(owner.get(n)!.path)} and ${basename(c.path)}`);
      owner.set(n, c);
      tensors.set(n, t);
    }
  }
  for (const idx of INDEX_FILES) {
    const p = join(dir, idx);
    if (files.length && dirname(files[0]) === dir && (await exists(p))) {
      const wm = JSON.parse(await readFile(p, 'utf8')).weight_map as Record<string, string>;
      for (const [n, f] of Object.entries(wm)) {
        if (owner.get(n)?.path !== join(dir, f)) throw new CheckpointError(p, `maps '${n}' to ${f}, which does not hold it`);
      }
      break;
    }
  }
  const get = (n: string) => {
    const c = owner.get(n);
    if (!c) throw new CheckpointError(dir, `no tensor named '${n}'`);
    return c;
  };
  return {
    files,
    tensors,
    readFloat32: (n, o) => get(n).readFloat32(n, o),
    readBytes: (n, o) => get(n).readBytes(n, o),
    close: async () => { await Promise.all(opened.map((c) => c.close())); },
  };
}

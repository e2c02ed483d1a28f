/**
 * A restricted Python unpickler: enough of the pickle virtual machine (protocols
 * 0–5, as CPython's Lib/pickle.py `_Unpickler` defines the opcodes) to read what
 * `torch.save` writes, and nothing that can run code.
 *
 * A checkpoint is untrusted input. Python's unpickler calls whatever callable
 * GLOBAL/STACK_GLOBAL names; this one resolves only the names in `ALLOWED` to
 * inert data builders and refuses every other name with a `PickleError` before
 * anything is built — `os.system`, `builtins.eval`, `subprocess.Popen` … are
 * never looked up, let alone called. Dicts are `Map`s (no prototype pollution
 * through keys like `__proto__`).
 */

export class PickleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PickleError';
  }
}

/** A storage referenced by a persistent id, resolved by the caller's `persistentLoad`. */
export type PersistentLoad = (pid: unknown) => unknown;

/** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata]) */
export interface PickledTensor {
  kind: 'tensor';
  storage: unknown;
  /** in elements of the storage's dtype */
  storageOffset: number;
  shape: number[];
  /** in elements */
  stride: number[];
  requiresGrad: boolean;
  /** true when the value was a torch.nn.Parameter */
  parameter: boolean;
}

/** A storage class named by GLOBAL, e.g. torch.HalfStorage → 'HalfStorage'. */
export interface StorageType {
  kind: 'storage-type';
  name: string;
}

/** An object of a class `pickle` reconstructs by BUILD/SETITEMS (OrderedDict). */
type Callable = { kind: 'callable'; name: string; call: (args: unknown[]) => unknown };

const STORAGE_TYPES = [
  'FloatStorage', 'HalfStorage', 'BFloat16Storage', 'DoubleStorage', 'LongStorage', 'IntStorage',
  'ShortStorage', 'CharStorage', 'ByteStorage', 'BoolStorage', 'UntypedStorage',
];

function toInt(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
  throw new PickleError(`${what} is not an integer`);
}

function intList(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new PickleError(`${what} is not a tuple`);
  return v.map((x, i) => toInt(x, `${what}[${i}]`));
}

function rebuildTensor(args: unknown[]): PickledTensor {
  if (args.length < 4) throw new PickleError('_rebuild_tensor_v2 with too few arguments');
  return {
    kind: 'tensor',
    storage: args[0],
    storageOffset: toInt(args[1], 'storage_offset'),
    shape: intList(args[2], 'size'),
    stride: intList(args[3], 'stride'),
    requiresGrad: args[4] === true,
    parameter: false,
  };
}

function rebuildParameter(args: unknown[]): PickledTensor {
  const t = args[0] as PickledTensor;
  if (!t || t.kind !== 'tensor') throw new PickleError('_rebuild_parameter of something that is not a tensor');
  return { ...t, requiresGrad: args[1] === true, parameter: true };
}

/** The only globals a checkpoint may name. */
const ALLOWED = new Map<string, Callable | StorageType>([
  ['torch._utils._rebuild_tensor_v2', { kind: 'callable', name: '_rebuild_tensor_v2', call: rebuildTensor }],
  ['torch._utils._rebuild_parameter', { kind: 'callable', name: '_rebuild_parameter', call: rebuildParameter }],
  ['torch._utils._rebuild_parameter_with_state', { kind: 'callable', name: '_rebuild_parameter_with_state', call: rebuildParameter }],
  ['collections.OrderedDict', { kind: 'callable', name: 'OrderedDict', call: () => new Map() }],
  ...STORAGE_TYPES.map((n): [string, StorageType] => [`torch.${n}`, { kind: 'storage-type', name: n }]),
]);

const MARK = Symbol('mark');

/**
 * Unpickle `data` (one pickle, up to its STOP) with only the allowed globals.
 * Returns the value and the offset just after STOP. Dicts become Map, tuples and
 * lists arrays, ints number (bigint when beyond 2^53), bytes Buffer.
 * Raises PickleError on a forbidden global, an unsupported opcode or truncated data.
 */
export function unpickle(data: Buffer, persistentLoad: PersistentLoad, start = 0): { value: unknown; end: number } {
  const stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let pos = start;
  let cur: unknown[] = stack;

  const need = (n: number) => {
    if (pos + n > data.length) throw new PickleError(`pickle data truncated at byte ${pos} (needs ${n} more)`);
  };
  const u8 = () => { need(1); return data[pos++]; };
  const u16 = () => { need(2); const v = data.readUInt16LE(pos); pos += 2; return v; };
  const u32 = () => { need(4); const v = data.readUInt32LE(pos); pos += 4; return v; };
  const i32 = () => { need(4); const v = data.readInt32LE(pos); pos += 4; return v; };
  const u64 = () => {
    need(8);
    const v = data.readBigUInt64LE(pos);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError('pickle length too large');
    return Number(v);
  };
  const bytes = (n: number) => { need(n); const b = data.subarray(pos, pos + n); pos += n; return b; };
  const line = () => {
    const e = data.indexOf(0x0a, pos);
    if (e < 0) throw new PickleError('pickle data truncated (no end of line)');
    const s = data.toString('latin1', pos, e);
    pos = e + 1;
    return s;
  };
  const pop = () => {
    if (cur.length === 0) throw new PickleError('pickle stack underflow');
    return cur.pop();
  };
  const top = () => {
    if (cur.length === 0) throw new PickleError('pickle stack underflow');
    return cur[cur.length - 1];
  };
  const popMark = () => {
    const items = cur;
    const prev = metastack.pop();
    if (!prev) throw new PickleError('pickle MARK missing');
    cur = prev;
    return items;
  };
  const push = (v: unknown) => { cur.push(v); };
  const global = (module: string, name: string) => {
    const full = `${module}.${name}`;
    const g = ALLOWED.get(full);
    if (!g) {
      throw new PickleError(`the checkpoint's pickle names '${full}', which a tensor checkpoint never needs; refused without running it (allowed: torch._utils._rebuild_tensor_v2, _rebuild_parameter, collections.OrderedDict, torch.*Storage)`);
    }
    return g;
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) throw new PickleError('SETITEM(S) on something that is not a dict');
    if (items.length % 2) throw new PickleError('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i] as never, items[i + 1]);
  };
  const decodeLong = (b: Buffer) => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: { // STOP
        const v = pop();
        return { value: v, end: pos };
      }
      case 0x28: metastack.push(cur); cur = []; break; // MARK
      case 0x7d: push(new Map()); break; // EMPTY_DICT
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x29: push([]); break; // EMPTY_TUPLE
      case 0x8f: push(new Set()); break; // EMPTY_SET
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(i32()); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x8a: push(decodeLong(bytes(u8()))); break; // LONG1
      case 0x8b: push(decodeLong(bytes(u32()))); break; // LONG4
      case 0x49: { // INT
        const s = line();
        push(s === '01' ? true : s === '00' ? false : toIntText(s));
        break;
      }
      case 0x4c: push(toIntText(line().replace(/L$/, ''))); break; // LONG
      case 0x47: { need(8); push(data.readDoubleBE(pos)); pos += 8; break; } // BINFLOAT
      case 0x46: push(Number.parseFloat(line())); break; // FLOAT
      case 0x58: push(bytes(u32()).toString('utf8')); break; // BINUNICODE
      case 0x8c: push(bytes(u8()).toString('utf8')); break; // SHORT_BINUNICODE
      case 0x8d: push(bytes(u64()).toString('utf8')); break; // BINUNICODE8
      case 0x56: push(line()); break; // UNICODE (raw-unicode-escape; ASCII names in practice)
      case 0x55: push(bytes(u8()).toString('latin1')); break; // SHORT_BINSTRING
      case 0x54: push(bytes(u32()).toString('latin1')); break; // BINSTRING
      case 0x53: push(line().replace(/^(['"])(.*)\1$/, '$2')); break; // STRING
      case 0x43: push(Buffer.from(bytes(u8()))); break; // SHORT_BINBYTES
      case 0x42: push(Buffer.from(bytes(u32()))); break; // BINBYTES
      case 0x8e: push(Buffer.from(bytes(u64()))); break; // BINBYTES8
      case 0x96: push(Buffer.from(bytes(u64()))); break; // BYTEARRAY8
      case 0x74: push(popMark()); break; // TUPLE
      case 0x85: push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push([a, b, c]); break; } // TUPLE3
      case 0x6c: push(popMark()); break; // LIST
      case 0x64: { const items = popMark(); const d = new Map(); setItems(d, items); push(d); break; } // DICT
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) throw new PickleError('APPEND to a non-list'); l.push(v); break; }
      case 0x65: { const items = popMark(); const l = top(); if (!Array.isArray(l)) throw new PickleError('APPENDS to a non-list'); l.push(...items); break; }
      case 0x90: { const items = popMark(); const s = top(); if (!(s instanceof Set)) throw new PickleError('ADDITEMS to a non-set'); for (const i of items) s.add(i); break; }
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x70: memo.set(toIntText(line()), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: push(memoGet(memo, toIntText(line()))); break; // GET
      case 0x68: push(memoGet(memo, u8())); break; // BINGET
      case 0x6a: push(memoGet(memo, u32())); break; // LONG_BINGET
      case 0x63: { const module = line(); const name = line(); push(global(module, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL of non-strings');
        push(global(module, name));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop() as Callable;
        if (!fn || fn.kind !== 'callable') throw new PickleError('REDUCE of something that is not an allowed callable');
        if (!Array.isArray(args)) throw new PickleError('REDUCE arguments are not a tuple');
        push(fn.call(args));
        break;
      }
      case 0x62: { // BUILD: OrderedDict state (e.g. state_dict()'s _metadata) and Parameter state are dropped
        pop();
        const obj = top();
        if (!(obj instanceof Map) && !(obj && (obj as PickledTensor).kind === 'tensor')) throw new PickleError('BUILD on an object that is not a dict or tensor');
        break;
      }
      case 0x51: push(persistentLoad(pop())); break; // BINPERSID
      case 0x50: push(persistentLoad(line())); break; // PERSID
      case 0x81: case 0x92: case 0x69: case 0x6f: case 0x82: case 0x83: case 0x84: case 0x97: case 0x98:
        throw new PickleError(`pickle opcode 0x${op.toString(16)} (object construction) is not allowed in a checkpoint`);
      default:
        throw new PickleError(`unknown or unsupported pickle opcode 0x${op.toString(16)} at byte ${pos - 1} (corrupt file?)`);
    }
  }
}

function toIntText(s: string): number {
  const v = Number.parseInt(s, 10);
  if (!Number.isSafeInteger(v)) throw new PickleError(`bad integer '${s}' in pickle`);
  return v;
}

function memoGet(memo: Map<number, unknown>, k: number): unknown {
  if (!memo.has(k)) throw new PickleError(`pickle memo ${k} missing (corrupt file?)`);
  return memo.get(k);
}

export function isPickledTensor(v: unknown): v is PickledTensor {
  return typeof v === 'object' && v !== null && (v as PickledTensor).kind === 'tensor';
}

export function isStorageType(v: unknown): v is StorageType {
  return typeof v === 'object' && v !== null && (v as StorageType).kind === 'storage-type';
}

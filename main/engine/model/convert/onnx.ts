/**
 * ONNX graphs built in TypeScript, serialised with protobufjs, weights in an
 * external-data file (https://onnx.ai/onnx/repo-docs/ExternalData.html).
 *
 * Only the subset of onnx.proto (IR version 8, field numbers as in
 * onnx/onnx.proto of onnx 1.12) that the converter writes is declared here.
 * Weights never pass through protobuf: `ExternalData` appends each tensor's
 * bytes to `<graph>.onnx.data` (64-byte aligned, as tools/convert/llama.py does)
 * as soon as it is ready, and the initializer only records location, offset
 * and length, so the .onnx file itself stays small whatever the model size.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type * as Protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message TensorShapeProto {
  message Dimension { optional int64 dim_value = 1; optional string dim_param = 2; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  optional Tensor tensor_type = 1;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

// protobufjs and the schema are loaded and parsed at the first use, not when the engine starts (it is rarely converting)
let modelProto: Protobuf.Type | undefined;
const ModelProto = (): Protobuf.Type =>
  (modelProto ??= (createRequire(import.meta.url)('protobufjs') as typeof Protobuf).parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto'));

/** TensorProto.DataType values */
export const DT = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type ElemType = keyof typeof DT;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export type AttrValue = number | string | number[] | { float: number } | { floats: number[] } | { tensor: TensorRef };
/** An initializer as written into the graph (inline raw bytes or an external-data reference). */
export interface TensorRef {
  name: string;
  dims: number[];
  dtype: ElemType;
  raw?: Uint8Array;
  external?: { location: string; offset: number; length: number };
}

/** Appends tensor bytes to one external-data file; each add returns the initializer referencing them. */
export class ExternalData {
  static readonly ALIGN = 64;
  readonly location: string;
  offset = 0;
  private fd: number | null;
  constructor(readonly path: string) {
    this.location = basename(path);
    this.fd = openSync(path, 'w');
  }

  /** Write `data` (little-endian, row-major) as tensor `name` of `dims`/`dtype`. */
  add(name: string, dims: number[], dtype: ElemType, data: ArrayBufferView): TensorRef {
    if (this.fd === null) throw new Error(`${this.path}: external data already closed`);
    const pad = (ExternalData.ALIGN - (this.offset % ExternalData.ALIGN)) % ExternalData.ALIGN;
    if (pad) {
      writeAll(this.fd, new Uint8Array(pad));
      this.offset += pad;
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    writeAll(this.fd, bytes);
    const ref: TensorRef = { name, dims, dtype, external: { location: this.location, offset: this.offset, length: bytes.byteLength } };
    this.offset += bytes.byteLength;
    return ref;
  }

  /** fsync and close (idempotent). */
  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** A small inline constant (shapes, axes, scalars). */
export function constant(name: string, dtype: ElemType, dims: number[], values: ArrayLike<number> | ArrayLike<bigint>): TensorRef {
  let raw: Uint8Array;
  if (dtype === 'int64') raw = new Uint8Array(BigInt64Array.from(values as ArrayLike<number>, (v) => BigInt(v)).buffer);
  else if (dtype === 'int32') raw = new Uint8Array(Int32Array.from(values as ArrayLike<number>).buffer);
  else if (dtype === 'float32') raw = new Uint8Array(Float32Array.from(values as ArrayLike<number>).buffer);
  else if (dtype === 'float16') raw = new Uint8Array(Uint16Array.from(values as ArrayLike<number>).buffer);
  else raw = Uint8Array.from(values as ArrayLike<number>);
  return { name, dims, dtype, raw };
}

interface Node { op: string; inputs: string[]; outputs: string[]; name: string; domain?: string; attrs: Record<string, AttrValue> }
export interface ValueInfo { name: string; dtype: ElemType; shape: Array<number | string> }

/** Graph builder: `op()` returns the output name(s); names are unique per graph. */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inits: TensorRef[] = [];
  private n = 0;
  private readonly constNames = new Set<string>();

  uniq(base: string): string {
    this.n += 1;
    return `${base}_${this.n}`;
  }

  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { name?: string; domain?: string; outputs?: number | string[] } = {}): string {
    return this.opN(op, inputs, attrs, opts)[0];
  }

  opN(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { name?: string; domain?: string; outputs?: number | string[] } = {}): string[] {
    const base = opts.name ?? this.uniq(op.toLowerCase());
    const outs = Array.isArray(opts.outputs) ? opts.outputs
      : (opts.outputs ?? 1) === 1 ? [base] : Array.from({ length: opts.outputs as number }, (_, i) => `${base}_${i}`);
    this.nodes.push({ op, inputs, outputs: outs, name: `${base}_node`, domain: opts.domain, attrs });
    return outs;
  }

  init(t: TensorRef): string {
    this.inits.push(t);
    return t.name;
  }

  /** an int64 constant initializer, created once per name */
  i64(name: string, values: number[], scalar = false): string {
    if (!this.constNames.has(name)) {
      this.constNames.add(name);
      this.inits.push(constant(name, 'int64', scalar ? [] : [values.length], values));
    }
    return name;
  }

  f32(name: string, values: number[], scalar = false): string {
    if (!this.constNames.has(name)) {
      this.constNames.add(name);
      this.inits.push(constant(name, 'float32', scalar ? [] : [values.length], values));
    }
    return name;
  }

  /** Serialise the model (ir_version 8) with the given opsets. */
  serialize(name: string, inputs: ValueInfo[], outputs: ValueInfo[], opsets: Array<[string, number]>): Uint8Array {
    const vi = (v: ValueInfo) => ({
      name: v.name,
      type: { tensor_type: { elem_type: DT[v.dtype], shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
    });
    const tensor = (t: TensorRef) => ({
      name: t.name,
      dims: t.dims,
      data_type: DT[t.dtype],
      ...(t.external
        ? {
            data_location: 1,
            external_data: [
              { key: 'location', value: t.external.location },
              { key: 'offset', value: String(t.external.offset) },
              { key: 'length', value: String(t.external.length) },
            ],
          }
        : { raw_data: t.raw }),
    });
    const attr = (k: string, v: AttrValue) => {
      if (typeof v === 'number') return { name: k, type: ATTR.INT, i: v };
      if (typeof v === 'string') return { name: k, type: ATTR.STRING, s: Buffer.from(v, 'utf8') };
      if (Array.isArray(v)) return { name: k, type: ATTR.INTS, ints: v };
      if ('float' in v) return { name: k, type: ATTR.FLOAT, f: v.float };
      if ('floats' in v) return { name: k, type: ATTR.FLOATS, floats: v.floats };
      return { name: k, type: ATTR.TENSOR, t: tensor(v.tensor) };
    };
    const msg = {
      ir_version: 8,
      producer_name: 'resonance-studio-convert-ts',
      opset_import: opsets.map(([domain, version]) => ({ domain, version })),
      graph: {
        name,
        node: this.nodes.map((n) => ({
          input: n.inputs,
          output: n.outputs,
          name: n.name,
          op_type: n.op,
          ...(n.domain ? { domain: n.domain } : {}),
          attribute: Object.entries(n.attrs).map(([k, v]) => attr(k, v)),
        })),
        initializer: this.inits.map(tensor),
        input: inputs.map(vi),
        output: outputs.map(vi),
      },
    };
    const err = ModelProto().verify(msg);
    if (err) throw new Error(`internal: ONNX model ${name}: ${err}`);
    return ModelProto().encode(ModelProto().fromObject(msg)).finish();
  }
}

/** `{float: x}`: a FLOAT attribute (a bare number is an INT attribute). */
export const f = (x: number): { float: number } => ({ float: x });

/** Parse an ONNX model's bytes into a plain object (the fields declared above; int64 as numbers). For tests and checks. */
export function decodeModel(bytes: Uint8Array): any {
  return ModelProto().toObject(ModelProto().decode(bytes), { longs: Number, bytes: Buffer, defaults: false });
}

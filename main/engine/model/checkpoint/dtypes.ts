/**
 * Element types of checkpoint tensors and their conversion to float32.
 * Names follow safetensors' `dtype` strings' meaning with PyTorch's spelling
 * (float32, float16, bfloat16 …); all data is little-endian, as torch.save and
 * safetensors write it on every platform PyTorch supports.
 */

export type DType = 'float64' | 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** bytes per element */
export const ELEMENT_SIZE: Record<DType, number> = {
  float64: 8, float32: 4, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

/** torch.save storage classes (torch.HalfStorage …) → dtype */
export const STORAGE_DTYPE: Record<string, DType> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', DoubleStorage: 'float64',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** safetensors header dtype codes → dtype */
export const SAFETENSORS_DTYPE: Record<string, DType> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16',
  I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

let HALF: Float32Array | null = null;
/** IEEE 754 binary16 → float32 for all 65536 bit patterns (subnormals, ±inf, NaN exact). */
function halfTable(): Float32Array {
  if (HALF) return HALF;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  HALF = t;
  return t;
}

/**
 * Convert `count` elements of `dtype` starting at byte `byteOffset` of `src`
 * into `out[outOffset …]` as float32 (exact for float16/bfloat16; float64 and
 * 64-bit ints are rounded to the nearest float32).
 */
export function toFloat32(src: Buffer, byteOffset: number, dtype: DType, count: number, out: Float32Array, outOffset: number): void {
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < count; i++) out[outOffset + i] = src.readFloatLE(byteOffset + 4 * i);
      return;
    case 'float16': {
      const t = halfTable();
      for (let i = 0; i < count; i++) out[outOffset + i] = t[src[byteOffset + 2 * i] | (src[byteOffset + 2 * i + 1] << 8)];
      return;
    }
    case 'bfloat16': {
      const u = new Uint32Array(1);
      const f = new Float32Array(u.buffer);
      for (let i = 0; i < count; i++) {
        u[0] = (src[byteOffset + 2 * i] | (src[byteOffset + 2 * i + 1] << 8)) << 16;
        out[outOffset + i] = f[0];
      }
      return;
    }
    case 'float64':
      for (let i = 0; i < count; i++) out[outOffset + i] = src.readDoubleLE(byteOffset + 8 * i);
      return;
    case 'int64':
      for (let i = 0; i < count; i++) out[outOffset + i] = Number(src.readBigInt64LE(byteOffset + 8 * i));
      return;
    case 'int32':
      for (let i = 0; i < count; i++) out[outOffset + i] = src.readInt32LE(byteOffset + 4 * i);
      return;
    case 'int16':
      for (let i = 0; i < count; i++) out[outOffset + i] = src.readInt16LE(byteOffset + 2 * i);
      return;
    case 'int8':
      for (let i = 0; i < count; i++) out[outOffset + i] = src.readInt8(byteOffset + i);
      return;
    case 'uint8':
    case 'bool':
      for (let i = 0; i < count; i++) out[outOffset + i] = src[byteOffset + i];
      return;
  }
}

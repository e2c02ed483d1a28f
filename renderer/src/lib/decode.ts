/** base64 → bytes (no atob loop per char beyond what the platform does). */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The engine's peaks (interleaved little-endian Float32 [min0, max0, min1, max1, …])
 * as the two arrays wavesurfer draws: the top half from channel 0 (the maxima),
 * the bottom half from channel 1 (the minima).
 */
export function peaksToChannels(minMaxB64: string): [Float32Array, Float32Array] {
  const bytes = base64ToBytes(minMaxB64);
  const n = Math.floor(bytes.byteLength / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const max = new Float32Array(n);
  const min = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    min[i] = view.getFloat32(i * 8, true);
    max[i] = view.getFloat32(i * 8 + 4, true);
  }
  return [max, min];
}

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a small seeded PRNG, so a
 * test input or an evaluation set built from "random" choices is the same on
 * every run and a failing run can be replayed from its seed. `seed`: any
 * number (taken as uint32). Returns a function giving floats in [0, 1).
 * Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

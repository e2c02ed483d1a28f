// Shared by the key tuning tools (key-dev.ts, key-mode.ts, key-nnls.ts): key-dev.ts' cached spectral peaks read back,
// the kind of a key miss, a KeyResult as a Key, and the expected calibration error of stated confidences.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Key } from '../../main/engine/analysis/keys';
import type { EvalItem } from './build-set';
import { PEAK_FLOOR_RATIO, PitchFrames, type KeyResult, type TonalOptions } from '../../main/engine/analysis/tonal';

/** The kind of a miss of `est` against the truth `ref`: relative, fifth (estimate a fifth above), fourth (a fifth below), parallel, other; 'ok' when equal; no estimate is 'other'. */
export function confusion(ref: Key, est: Key | null): 'ok' | 'relative' | 'fifth' | 'fourth' | 'parallel' | 'other' {
  if (!est) return 'other';
  const d = (((est.tonic - ref.tonic) % 12) + 12) % 12;
  if (ref.mode === est.mode) return d === 0 ? 'ok' : d === 7 ? 'fifth' : d === 5 ? 'fourth' : 'other';
  if (d === 0) return 'parallel';
  return (ref.mode === 'major' && d === 9) || (ref.mode === 'minor' && d === 3) ? 'relative' : 'other';
}

/** The stated key of a KeyResult, null when it states none. */
export const keyOfResult = (r: KeyResult): Key | null => (r.tonic === null ? null : { tonic: r.tonic, mode: r.mode! });

/** Expected calibration error of (confidence 0–1, right) pairs over five equal-width bins of 0.2 (Naeini et al. 2015). */
export function ece(pairs: [number, boolean][]): number {
  let e = 0;
  for (let b = 0; b < 5; b++) {
    const inBin = pairs.filter(([c]) => Math.min(4, Math.floor(c * 5)) === b);
    if (!inBin.length) continue;
    const conf = inBin.reduce((s, [c]) => s + c, 0) / inBin.length;
    const right = inBin.filter(([, r]) => r).length / inBin.length;
    e += (inBin.length / pairs.length) * Math.abs(conf - right);
  }
  return e;
}

/** key-dev.ts' cached spectral peaks of one file: each frame's offset into f/m (`start`), its in-band energy, and every peak's frequency (Hz) and magnitude, float32. */
export type Peaks = { start: number[]; energy: number[]; f: Float32Array; m: Float32Array; r?: Float32Array };

/**
 * (key13) TonalAnalyser.pitchedShare from cached peaks: the share of the peaks' magnitude (≥ 65 Hz) in peaks at least
 * PEAK_FLOOR_RATIO over their band's floor (key-dev.ts' .r; key-dev --share 15's measure); undefined without .r.
 */
export function pitchedShareOf(p: Peaks): number | undefined {
  if (!p.r) return undefined;
  let a = 0;
  let b = 0;
  for (let i = 0; i < p.f.length; i++) if (p.f[i] >= 65) (b += p.m[i], p.r[i] >= PEAK_FLOOR_RATIO && (a += p.m[i]));
  return b > 0 ? a / b : 0;
}

/** The cached peaks of `file` (an .mp3 name) under `dir`/work/key-dev-floors (key-dev.ts' 2048-point frames), or null when not cached. */
export function peaksOf(dir: string, file: string): Peaks | null {
  const base = join(dir, 'work', 'key-dev-floors', `${file.replace(/\.mp3$/, '')}-2048`);
  if (!existsSync(base + '.json')) return null;
  const j = JSON.parse(readFileSync(base + '.json', 'utf8')) as { start: number[]; energy: number[] };
  const arr = (ext: string) => {
    const b = readFileSync(base + ext);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  return { start: j.start, energy: j.energy, f: arr('.f'), m: arr('.m'), ...(existsSync(base + '.r') ? { r: arr('.r') } : {}) };
}

/** The cached peaks `p` fed frame by frame into the product's PitchFrames with options `prm` (peaks under 65 Hz left out, power = magnitude²), as TonalAnalyser does. */
export function pitchFramesOf(p: Peaks, prm: Required<TonalOptions> | TonalOptions): PitchFrames {
  const pf = new PitchFrames(prm as ConstructorParameters<typeof PitchFrames>[0]);
  const frames = p.start.length;
  for (let fr = 0; fr < frames; fr++) {
    pf.newFrame(p.energy[fr]!);
    const end = fr + 1 < frames ? p.start[fr + 1]! : p.f.length;
    for (let i = p.start[fr]!; i < end; i++) if (p.f[i]! >= 65) pf.addPeak(p.f[i]!, p.m[i]! * p.m[i]!);
  }
  return pf;
}

/**
 * A development-side set's dev items with a trusted key, each with its cross-validation family: the split's unit
 * (`split.json` beside the manifest), a key-set MIDI file's folder (`key-midi-<folder>-…`), else its source.
 * `dir`: a set folder holding manifest.json. Callers prefix the family with the set's index (families never span sets).
 */
export function devKeyItems(dir: string): Array<{ item: EvalItem; family: string }> {
  const unitOf = new Map<string, string>();
  if (existsSync(join(dir, 'split.json')))
    for (const [id, u] of Object.entries((JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8')) as { units: Record<string, { files: { file: string }[] }> }).units)) for (const f of u.files) unitOf.set(f.file, id);
  const items = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === 'dev' && x.key && x.keyTrusted);
  return items.map((item) => ({ item, family: unitOf.get(item.file) ?? (item.file.startsWith('key-midi-') ? `midi-folder:${item.file.split('-')[2]}` : item.source) }));
}

/**
 * Key by essentia.js's KeyExtractor (HPCP + key profile, AGPL-3.0) on the
 * shared ~11 kHz mono stream. More accurate than the built-in chroma key on
 * the MIDI evaluation set, at roughly +60 % analysis CPU (see
 * test/bench/analysis-accuracy.ts); not in the default set. The whole
 * decimated track is kept in memory until finish() (≈ 2.6 MB per minute).
 */
import { createRequire } from 'node:module';
import { GrowingBuffer, SharedStreams, type MonoTap } from '../dsp/streams';
import { camelot, keyName, openKey, parseKey } from './keys';
import type { KeyResult } from './tonal';
import type { Analyser } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EssentiaInstance = any;
let essentia: EssentiaInstance | null = null;

/** The essentia.js WASM instance, created on first use (~70 ms). */
export function essentiaInstance(): EssentiaInstance {
  if (!essentia) {
    const require = createRequire(import.meta.url);
    const { EssentiaWASM, Essentia } = require('essentia.js') as { EssentiaWASM: unknown; Essentia: new (wasm: unknown) => EssentiaInstance };
    essentia = new Essentia(EssentiaWASM);
  }
  return essentia;
}

export class EssentiaKeyAnalyser implements Analyser<KeyResult> {
  readonly name = 'key';
  readonly version = 1;
  private own: SharedStreams | null = null;
  private tap!: MonoTap;
  private readonly samples = new GrowingBuffer(1 << 20);
  constructor(private readonly profile = 'edma') {}

  init(sampleRate: number, channels: number, shared?: SharedStreams): void {
    if (!shared) shared = this.own = new SharedStreams(sampleRate, channels);
    this.tap = shared.mono(11025);
  }

  process(block: Float32Array[]): void {
    if (this.own) this.own.process(block);
    this.samples.append(this.tap.current);
    if (this.own) this.own.endBlock();
  }

  finish(): KeyResult {
    const none: KeyResult = { key: null, tonic: null, mode: null, confidence: 0, camelot: null, openKey: null, strengths: [], chroma: [] };
    if (this.samples.length < this.tap.rate) return none;
    const e = essentiaInstance();
    const v = e.arrayToVector(this.samples.array.subarray(0, this.samples.length));
    try {
      const fs = Math.round(this.tap.rate);
      const r = e.KeyExtractor(v, true, 1024, 1024, 12, 3500, 60, 25, 0.2, this.profile, fs, 0.0001, 440, 'cosine', 'hann');
      const k = parseKey(`${r.key} ${r.scale}`);
      if (!k || !(r.strength > 0)) return none;
      // confidence: essentia's key strength as it is, NOT calibrated (confidence.ts calibrates the default
      // key analyser only; this one is a reference for tests and tools/eval, never stored in the library)
      return { key: keyName(k), tonic: k.tonic, mode: k.mode, confidence: Math.round(r.strength * 1000) / 1000, camelot: camelot(k), openKey: openKey(k), strengths: [], chroma: [] };
    } finally {
      v.delete?.();
    }
  }
}

/** The tempogram net's weights (tempo-net.ts), read from tempo-net.json beside this file (out/engine/ in the build) on first use; written by tools/eval/temponet-weights.ts from the JSON export of tools/ (format resonance-tempo-net/1). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TempoNetWeights } from './tempo-net';
/**
 * The tempogram net (temponet17's configuration, an ensemble of 3): 6 channels × 111 bins
 * (20–480 BPM, 24 per octave), 4 dilated convolutions (16 channels, kernel 7) + 1×1 + prior.
 * N5 (session 21, helper tnet21, decision21 arm P5): temponet-train.py --epochs 30 --seeds 3 --no-train soft,lmms --export on the rows of dev, dev2, synth, octave, sfshift and tempo-drums (tools/eval/drums-set.ts: plain General-MIDI drum patterns; 849 files + stretched copies ×0.8/0.88/1.12/1.25, octave-net.ts --soft --lock rows), E5's configuration otherwise unchanged. Used by LEVEL_TUNING.tempoNetExpert with tempoNetGate 2.5: BENCHMARKS.md "Tempo: the net retrained with drum patterns (tnet21, decision21)".
 * Read and parsed on the first call only (the analysis worker's first tempo): the 210 kB of weights held in the
 * engine's bundle, as an object literal or as a string, cost the engine's own process, which never analyses, ~35 MiB of
 * peak RSS at start (test/integration/engine-media "a 2-hour file": 250 MiB with, 213 without).
 * A path string, not the URL: Electron reads inside app.asar only for string paths.
 * @throws Error when tempo-net.json is missing or not JSON (a broken install: reinstall the studio)
 * @returns the same object on every call
 */
export function tempoNetWeights(): TempoNetWeights {
  return (parsed ??= JSON.parse(readFileSync(fileURLToPath(new URL('./tempo-net.json', import.meta.url)), 'utf8')) as TempoNetWeights);
}
let parsed: TempoNetWeights | undefined;

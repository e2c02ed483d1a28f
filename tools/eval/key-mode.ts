// The major/minor decision of the key analyser (issue 11, session 9), measured on development-side sets only from
// key-dev.ts's cached spectral peaks (OUT/work/key-dev-floors, DIR/work/key-dev-floors: run key-dev.ts with --also DIR
// first): KeyOptions.modeFrom 'blend' (the blended score's key, mode included) against 'profile' (the blend's tonic,
// its mode by the mean chroma's profile correlation), everything else as shipped (TONAL_DEFAULTS). Prints per set the
// MIREX score, the parallel (same tonic, other mode) misses, the key confidence's expected calibration error (right =
// exact key, bins of 0.2) and every file whose score changes; for --keyless DIR (keyless-set.ts: no key) how many
// files state a key at confidence ≥ 0.5. Never reads the test or held-out set.
//
//   nice node --import tsx tools/eval/key-dev.ts --also test/output/key-set --also DEV2   # fills the caches
//   nice node --import tsx tools/eval/key-mode.ts [--out test/output/eval] [--also DIR]… [--keyless DIR]
// A dev2 DIR has the layout DIR/manifest.json (items with set "dev") and DIR/dev/ (the dev2 MP3s).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { estimateKey, estimateTuning, foldChroma, PitchFrames, TONAL_DEFAULTS, type KeyResult, type TonalOptions } from '../../main/engine/analysis/tonal';
import type { EvalItem } from './build-set';
import { ece, keyOfResult, peaksOf, pitchFramesOf, type Peaks } from './key-score';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    also: { type: 'string', multiple: true, default: [] },
    keyless: { type: 'string' },
  },
});
const DIRS = [args.out, ...args.also];


/** The product's key path (PitchFrames → tuning → folded chroma → estimateKey) on cached peaks. */
function keyOf(p: Peaks, opts: TonalOptions): KeyResult {
  const prm = { ...TONAL_DEFAULTS, ...opts };
  const pf = pitchFramesOf(p, prm);
  const frames = p.start.length;
  const chroma = foldChroma(pf.fine, frames, estimateTuning(pf));
  const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
  return estimateKey(chroma, frames, active, prm.profile, prm.threshold, undefined, prm);
}


const MODES = ['blend', 'profile'] as const;
for (const dir of DIRS) {
  const items = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === 'dev' && x.key && x.keyTrusted);
  const score = { blend: [0, 0, 0], profile: [0, 0, 0] };
  const conf: Record<(typeof MODES)[number], [number, boolean][]> = { blend: [], profile: [] };
  const changed: string[] = [];
  let missing = 0;
  for (const it of items) {
    const p = peaksOf(dir, it.file);
    if (!p) {
      missing++;
      continue;
    }
    const got = MODES.map((modeFrom) => keyOf(p, { modeFrom }));
    const sc = got.map((r) => { const k = keyOfResult(r); return k ? mirexKeyScore(it.key!, k) : 0; });
    MODES.forEach((m, i) => {
      score[m][0] += sc[i];
      score[m][1]++;
      if (sc[i] === 0.2) score[m][2]++;
      conf[m].push([got[i].confidence, sc[i] === 1]);
    });
    if (sc[0] !== sc[1]) changed.push(`  ${it.file} truth ${keyName(it.key!)}: blend ${got[0].key} (${got[0].confidence.toFixed(2)}) → profile ${got[1].key} (${got[1].confidence.toFixed(2)})`);
  }
  const n = score.blend[1];
  console.log(`${dir}: ${n} files with a trusted key${missing ? ` (${missing} not cached: run key-dev.ts --also ${dir})` : ''}`);
  for (const m of MODES) console.log(`  modeFrom ${m.padEnd(8)} MIREX ${(score[m][0] / n).toFixed(3)} (${score[m][0].toFixed(1)}/${n}), parallel misses ${score[m][2]}, key ECE ${ece(conf[m]).toFixed(3)}`);
  for (const c of changed) console.log(c);
}
if (args.keyless) {
  const items = (JSON.parse(readFileSync(join(args.keyless, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items;
  for (const modeFrom of MODES) {
    const c = items.map((it) => peaksOf(args.keyless!, it.file)).filter((p) => p !== null).map((p) => keyOf(p, { modeFrom }).confidence);
    console.log(`${args.keyless} (no key): modeFrom ${modeFrom}: ${c.filter((v) => v >= 0.5).length} of ${c.length} state a key at confidence ≥ 0.5, mean confidence ${(c.reduce((a, b) => a + b, 0) / c.length).toFixed(3)}`);
  }
}

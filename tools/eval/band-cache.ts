// Exploration cache for issue 11's octave decision (tempo8): decodes every
// development-side file once (eval dev, tempo-synth, tempo-octave; never the
// test set) through the product's TempoAnalyser and TonalAnalyser and keeps
// what the tempo caches of dev-cache.ts / octave-train.ts do not: the tempo
// analyser's 40 log-spaced band energies per envelope frame (for a
// median-filter harmonic/percussive split of its own spectrogram) and the
// tonal analyser's per-frame chroma (harmonic-change rate). Files land in
// OUT/<set>/<file>.b40 (Float32, 40 per frame), .chroma (Float32, 12 per
// frame) and .json ({ fps, frames, chromaFps, active }).
//
//   nice node --import tsx tools/eval/band-cache.ts [--out test/output/octave-chroma]   # ~3 min, 210 files
//   nice node --import tsx tools/eval/octave-train.ts --extra test/output/octave-chroma --cols 0,1,2,3,4,28 [--verbose]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TempoAnalyser } from '../../main/engine/analysis/tempo';
import { TonalAnalyser } from '../../main/engine/analysis/tonal';
import type { EvalItem } from './build-set';

/** where the files land unless --out says otherwise */
export const BAND_CACHE = 'test/output/octave-chroma';
const SETS: [string, string][] = [
  ['test/output/eval', 'dev'],
  ['test/output/tempo-synth', 'synth'],
  ['test/output/tempo-octave', 'octave'],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
/** TempoAnalyser that also keeps each frame's 40 band energies (its private bandE, read when the frame is pushed) */
class BandTempo extends TempoAnalyser {
  b40 = new Float32Array(40 * 4096);
  n = 0;

  constructor() {
    super();
    const self = this as Any;
    const push = self.push.bind(this);
    self.push = (v: number) => {
      if (40 * (this.n + 1) > this.b40.length) {
        const b = new Float32Array(this.b40.length * 2);
        b.set(this.b40);
        this.b40 = b;
      }
      this.b40.set(self.bandE, 40 * this.n++);
      push(v);
    };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: BAND_CACHE } } });
  const OUTDIR = args.out;
  let done = 0;
  const t0 = Date.now();
  for (const [out, set] of SETS) {
    const dir = join(OUTDIR, set);
    mkdirSync(dir, { recursive: true });
    for (const it of (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items) {
      if ((it.set as string) !== set || !existsSync(join(out, set, it.file))) continue;
      const base = join(dir, it.file.replace(/\.mp3$/, ''));
      if (existsSync(base + '.json')) continue;
      const t = new BandTempo();
      const k = new TonalAnalyser() as Any;
      await analyzeFile(join(out, set, it.file), [t, k]);
      const maxE = (k.energy as number[]).reduce((m, v) => (v > m ? v : m), 0);
      writeFileSync(base + '.b40', Buffer.from(t.b40.slice(0, 40 * t.n).buffer));
      writeFileSync(base + '.chroma', Buffer.from((k.chroma as Float32Array).slice(0, k.frames * 12).buffer));
      const tt = t as Any;
      writeFileSync(base + '.json', JSON.stringify({ fps: tt.tap.rate / 256, frames: t.n, chromaFps: k.tap.rate / 1024, chromaFrames: k.frames, active: (k.energy as number[]).map((v) => maxE > 0 && v > maxE * 1e-6) }));
      done++;
      if (done % 20 === 0) console.log(`${done} files, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  console.log(`done: ${done} files decoded`);
}

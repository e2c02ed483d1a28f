// Exploration cache for the backbeat cue (issue 11, session 9, helper tempo11b): decodes each
// development-side file (dev, dev2, tempo-synth, tempo-octave, tempo-sfshift; never test or held-out)
// once through the product's TempoAnalyser and keeps its 40 band energies per envelope frame
// (OUT/<set>/<file>.b40, Float32, 40 per frame) — as band-cache.ts, without the tonal analyser.
//   nice node --import tsx tools/eval/backbeat-cache.ts [--sets dev2,dev,synth,octave,sfshift] [--out test/output/backbeat-b40]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TempoAnalyser } from '../../main/engine/analysis/tempo';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
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
export const B40 = 'test/output/backbeat-b40';
export const AUDIO: Record<string, [string, string]> = {
  dev: ['/work/eval/manifest.json', '/work/eval/dev'],
  dev2: ['/work/eval/manifest-dev2.json', '/work/eval/dev2'],
  synth: ['/work/eval/tempo-synth/manifest.json', '/work/eval/tempo-synth/synth'],
  octave: ['/work/eval/tempo-octave/manifest.json', '/work/eval/tempo-octave/octave'],
  sfshift: ['/work/eval/tempo-sfshift/manifest.json', '/work/eval/tempo-sfshift/sfshift'],
};
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: B40 }, sets: { type: 'string', default: 'dev2,dev,synth,octave,sfshift' } } });
  let done = 0;
  const t0 = Date.now();
  for (const set of args.sets.split(',')) {
    const [man, dir] = AUDIO[set];
    const od = join(args.out, set);
    mkdirSync(od, { recursive: true });
    for (const it of (JSON.parse(readFileSync(man, 'utf8')) as { items: { set: string; file: string; bpm?: number | null }[] }).items) {
      if (it.set !== set || it.bpm == null || !existsSync(join(dir, it.file))) continue;
      const base = join(od, it.file.replace(/\.(mp3|wav)$/, ''));
      if (existsSync(base + '.b40')) continue;
      const t = new BandTempo();
      await analyzeFile(join(dir, it.file), [t]);
      writeFileSync(base + '.b40', Buffer.from(t.b40.slice(0, 40 * t.n).buffer));
      if (++done % 25 === 0) console.log(`${done} files, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  console.log(`done: ${done} files decoded`);
}

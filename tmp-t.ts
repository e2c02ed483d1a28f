import { analyzeFile } from './main/engine/analysis/run';
import { defaultAnalysers } from './main/engine/analysis';
for (const f of process.argv.slice(2)) {
  const r = await analyzeFile(f, defaultAnalysers());
  const t = r.results.tempo as any; const k = (r.results.tonal as any).key;
  console.log(f, t.bpm, t.confidence, t.beats.length, k.key, k.confidence);
}

// The pinned 16-beat at 100 and oom-pah at 200 (test/unit/analysis-tempo-octave-net.test.ts' songs, test/helpers/octave-songs.ts: 14 and 26
// bars, rendered by fluidsynth as the test does) read by the shipped analyser (its octave log-odds: the P4 gate's figure)
// and by P3 with TEMPO_NET and with each exported ensemble given (NAME=FILE.json, temponet-train.py --export). Helper
// tnet21 (decision21 arm P5): E5 and E5r read the 16-beat at 200, N5 at 100.
//
//   nice -n 10 node --import tsx tools/eval/temponet-pin.ts [NAME=FILE.json ...]
import { readFileSync } from 'node:fs';
import { analyzeFile } from '../../main/engine/analysis/run';
import { LEVEL_TUNING, TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { tempoNetWeights } from '../../main/engine/analysis/tempo-net-weights';
const TEMPO_NET = tempoNetWeights();
import type { TempoNetWeights } from '../../main/engine/analysis/tempo-net';
import { oomPah, sixteenBeat } from '../../test/helpers/octave-songs';
const nets: Record<string, TempoNetWeights> = { TEMPO_NET };
for (const spec of process.argv.slice(2)) {
  const [name, file] = spec.split('=');
  nets[name] = JSON.parse(readFileSync(file, 'utf8')) as TempoNetWeights;
}
for (const [name, f] of [['16-beat 100', sixteenBeat(100, 14)], ['oom-pah 200', oomPah(200, 26)]] as const) {
  const a = new TempoAnalyser();
  const r = (await analyzeFile(f, [a])).results.tempo as TempoResult;
  const line = [`${name}: shipped ${r.bpm?.toFixed(1)} log-odds ${r.evidence?.octave.toFixed(3)}`];
  for (const [n, w] of Object.entries(nets)) line.push(`${n} P3 ${a.tempoWith({ ...LEVEL_TUNING, tempoNetExpert: w }).bpm?.toFixed(1)}`);
  console.log(line.join(' | '));
}

// The pinned 16-beat at 100 and oom-pah at 200 (test/unit/analysis-tempo-octave-net.test.ts' songs, copied here: 14 and 26
// bars, rendered by fluidsynth as the test does) read by the shipped analyser (its octave log-odds: the P4 gate's figure)
// and by P3 with TEMPO_NET and with each exported ensemble given (NAME=FILE.json, temponet-train.py --export). Helper
// tnet21 (decision21 arm P5): E5 and E5r read the 16-beat at 200, N5 at 100.
//
//   nice -n 10 node --import tsx tools/eval/temponet-pin.ts [NAME=FILE.json ...]
import { readFileSync } from 'node:fs';
import { analyzeFile } from '../../main/engine/analysis/run';
import { LEVEL_TUNING, TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { TEMPO_NET } from '../../main/engine/analysis/tempo-net-weights';
import type { TempoNetWeights } from '../../main/engine/analysis/tempo-net';
import { renderSong, type SmfNote } from '../../test/helpers/smf';
function sixteenBeat(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [45, 50, 43, 48];
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    const b0 = bar * 4;
    for (const k of [0, 2, 2.5]) notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 36, vel: 110 });
    for (const k of [1, 3]) notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 38, vel: 110 });
    for (let s = 0; s < 16; s++) notes.push({ beat: b0 + s / 4, len: 0.1, ch: 9, note: 42, vel: s % 2 ? 45 : 65 });
    for (let e = 0; e < 8; e++) notes.push({ beat: b0 + e / 2, len: 0.4, ch: 1, note: r - 12 + (e % 4 === 3 ? 7 : 0), vel: 90 });
    for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b0, len: 3.8, ch: 0, note: n, vel: 55 });
  }
  return renderSong(`octave-net-16beat-${bpm}.wav`, { bpm, notes, programs: { 0: 4, 1: 33 } });
}
function oomPah(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [45, 50, 43, 48];
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    const b0 = bar * 4;
    for (const k of [0, 2]) {
      notes.push({ beat: b0 + k, len: 0.8, ch: 1, note: r - 12 + (k ? 7 : 0), vel: 100 });
      notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 36, vel: 90 });
    }
    for (const k of [1, 3]) for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b0 + k, len: 0.5, ch: 0, note: n, vel: 85 });
    for (let e = 0; e < 8; e++) notes.push({ beat: b0 + e / 2, len: 0.1, ch: 9, note: 42, vel: e % 2 ? 45 : 60 });
  }
  return renderSong(`octave-net-oompah-${bpm}.wav`, { bpm, notes, programs: { 0: 21, 1: 58 } });
}
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

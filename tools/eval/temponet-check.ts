// (tnet18, decision18 (t6) at the system level) The product's tempo analyser with the tempogram net against the Python's
// own CV reads: every row of tools/eval/temponet-train.py --picks (shuffle 0; "set/file" → {hyb5, truth, T}) re-read by
// estimateTempo (tempo.ts, LevelTuning.tempoNet = the fold's ensemble of --export-folds DIR, the fold folds.json gives)
// on the same cached envelopes the Python's tempogram was computed from (octave-net.ts --cache layout:
// CACHE/<set>-cache/<file>.env, .env6, .json). Prints how many TS tempi lie within 4 % of the Python's hyb5 pick and
// both Acc1 per set; lists the files where only one of the two is right. (The TS tempo is refined by the beat line,
// fitPeriod, after the pick; the Python's is the candidate itself.)
//
//   nice -n 15 node --import tsx tools/eval/temponet-check.ts PICKS.json FOLD_DIR test/output/temponet17/cache
import { existsSync, readFileSync } from 'node:fs';
import { estimateTempo, LEVEL_TUNING } from '../../main/engine/analysis/tempo';
import { acc1 } from './tempo-metrics';
const [picksF, dir, cache] = process.argv.slice(2);
const picks = JSON.parse(readFileSync(picksF, 'utf8'));
const folds = JSON.parse(readFileSync(dir + '/folds.json', 'utf8'));
const nets = [0, 1, 2, 3, 4].map((k) => JSON.parse(readFileSync(`${dir}/fold-${k}.json`, 'utf8')));
const O = { minBpm: 40, maxBpm: 240, priorBpm: 120, priorOctaves: 0.7 };
let n = 0, sameT = 0, agree = 0, tsRight = 0, pyRight = 0;
const per: Record<string, number[]> = {};
for (const [key, p] of Object.entries<any>(picks)) {
  const [set, file] = key.split('/');
  const b = `${cache}/${set}-cache/${file.replace(/\.(mp3|wav|flac|ogg)$/, '')}`;
  if (!existsSync(b + '.env')) continue;
  const j = JSON.parse(readFileSync(b + '.json', 'utf8'));
  const env = new Float32Array(Uint8Array.from(readFileSync(b + '.env')).buffer);
  const env6 = new Float32Array(Uint8Array.from(readFileSync(b + '.env6')).buffer);
  const r = estimateTempo(env, j.fps, j.t0, O, env6, { ...LEVEL_TUNING, tempoNet: nets[folds[key]] }, true);
  n++;
  const ratio = (r.bpm ?? 0) / p.hyb5;
  if (Math.abs(ratio - 1) <= 0.04) agree++;
  const tr = acc1(r.bpm ?? 0, p.truth), pr = acc1(p.hyb5, p.truth);
  tsRight += +tr; pyRight += +pr;
  (per[set] ??= [0, 0, 0]); per[set][0]++; per[set][1] += +tr; per[set][2] += +pr;
  if (tr !== pr) console.log(`${key} truth ${p.truth} T ${p.T.toFixed(1)}: py ${p.hyb5.toFixed(1)} ts ${r.bpm}`);
}
console.log(`${n} rows: TS within 4 % of the Python hyb5 on ${agree}; Acc1 TS ${tsRight}, Python ${pyRight}`, JSON.stringify(per));

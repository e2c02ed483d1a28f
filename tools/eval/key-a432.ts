// Tuning robustness of the key finder (issue 11) on the eval DEV set only: each file with a trusted key retuned to A = 432 Hz by
// ffmpeg (asetrate 44100·432/440, resampled back: pitch −31.8 cents, also 1.8 % slower), key by the product's TonalAnalyser, MIREX
// next to the file as it is, and the median change of the estimated tuning. Writes WAVs to test/output/key-a432/.
//
//   nice node --import tsx tools/eval/key-a432.ts
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TonalAnalyser } from '../../main/engine/analysis/tonal';
import { mirexKeyScore } from '../../main/engine/analysis/keys';
const items = JSON.parse(readFileSync('test/output/eval/manifest.json', 'utf8')).items.filter((x: any) => x.set === 'dev' && x.key && x.keyTrusted);
mkdirSync('test/output/key-a432', { recursive: true });
let s0 = 0, s1 = 0, n = 0; const cents: number[] = [];
for (const it of items) {
  const src = join('test/output/eval/dev', it.file);
  const out = `test/output/key-a432/${it.file.replace(/\.mp3$/, '.wav')}`;
  if (!existsSync(out)) execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-af', `asetrate=${44100 * 432 / 440},aresample=44100`, '-ac', '1', out]);
  const a = (await analyzeFile(src, [new TonalAnalyser()])).results.tonal as any;
  const b = (await analyzeFile(out, [new TonalAnalyser()])).results.tonal as any;
  const sc = (k: any) => (k.tonic === null ? 0 : mirexKeyScore(it.key, { tonic: k.tonic, mode: k.mode }));
  s0 += sc(a.key); s1 += sc(b.key); n++; cents.push(b.key.tuningCents - a.key.tuningCents);
  if (sc(a.key) !== sc(b.key)) console.log(it.file, 'A440', a.key.key, 'A432', b.key.key, b.key.tuningCents);
}
cents.sort((x, y) => x - y);
console.log(`eval dev ${n} files: MIREX as is ${(s0 / n).toFixed(3)}, retuned to A=432 ${(s1 / n).toFixed(3)}; tuning shift median ${cents[n >> 1]} c (expected −31.8)`);

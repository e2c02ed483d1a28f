// The key peers of test/bench/analysis-accuracy.ts (essentia.js KeyExtractor edma / bgate /
// temperley with the bench's settings; Queen Mary DSP's GetKeyMode through the bench's C++
// harness, as Mixxx runs it) on the files of dev-side key sets that the bench does not run
// (tools/eval/key-set.ts's, and the like), so a miss of ours can be read next to theirs.
// Cached per set in DIR/work/key-peers.json; prints each peer's MIREX per set. Dev files only.
//
//   nice node --import tsx tools/eval/key-peers.ts [--set test/output/key-set ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mirexKeyScore, parseKey, type Key } from '../../main/engine/analysis/keys';
import type { EvalItem } from './build-set';

const { values: args } = parseArgs({ options: { set: { type: 'string', multiple: true, default: ['test/output/key-set'] }, qm: { type: 'string', default: 'test/output/eval/qm-harness' } } });
const require = createRequire(import.meta.url);
const { EssentiaWASM, Essentia } = require('essentia.js');
const ess = new Essentia(EssentiaWASM);
const QM_KEYS: (Key | null)[] = [null, ...Array.from({ length: 12 }, (_, t) => ({ tonic: t, mode: 'major' as const })), ...Array.from({ length: 12 }, (_, t) => ({ tonic: t, mode: 'minor' as const }))];
if (!existsSync(args.qm)) execFileSync('g++', ['-O2', '-I/usr/include/qm-dsp', '-o', args.qm, 'tools/eval/qm-harness.cpp', '-lqm-dsp']);
export const KEY_PEERS = ['essentia key edma', 'essentia key bgate', 'essentia key temperley', 'qm-dsp (Mixxx)'];

function mono(path: string): Float32Array {
  const b = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-ac', '1', '-ar', '44100', '-f', 'f32le', '-'], { maxBuffer: 1 << 28 });
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length - (b.length % 4)));
}
for (const dir of args.set) {
  const items = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items.filter((x) => x.set === 'dev');
  mkdirSync(join(dir, 'work'), { recursive: true });
  const cachePath = join(dir, 'work', 'key-peers.json');
  const cache: Record<string, Record<string, Key | null>> = existsSync(cachePath) ? JSON.parse(readFileSync(cachePath, 'utf8')) : {};
  for (const it of items) {
    if (cache[it.file]) continue;
    const x = mono(join(dir, 'dev', it.file));
    const out: Record<string, Key | null> = {};
    for (const p of ['edma', 'bgate', 'temperley']) {
      const v = ess.arrayToVector(x);
      const r = ess.KeyExtractor(v, true, 4096, 4096, 12, 3500, 60, 25, 0.2, p, 44100, 0.0001, 440, 'cosine', 'hann');
      v.delete?.();
      out[`essentia key ${p}`] = parseKey(`${r.key} ${r.scale}`);
    }
    const r = spawnSync(args.qm, ['44100'], { input: Buffer.from(x.buffer, x.byteOffset, x.byteLength), encoding: 'utf8', maxBuffer: 1 << 20 });
    out['qm-dsp (Mixxx)'] = QM_KEYS[(JSON.parse(r.stdout) as { key: number }).key] ?? null;
    cache[it.file] = out;
    writeFileSync(cachePath, JSON.stringify(cache));
  }
  const scored = items.filter((it) => it.key && it.keyTrusted);
  for (const p of KEY_PEERS) {
    const s = scored.reduce((a, it) => a + (cache[it.file][p] ? mirexKeyScore(it.key!, cache[it.file][p]!) : 0), 0) / scored.length;
    console.log(`${dir}: ${p.padEnd(24)} MIREX ${s.toFixed(3)} over ${scored.length} files`);
  }
}

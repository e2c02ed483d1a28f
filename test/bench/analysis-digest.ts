// A full-precision fingerprint of the library analysis (issue 11, throughput
// work): runs the library's analyser set (libraryAnalysers) over every audio
// file of the given folders/files through analyzeFile, as the library does,
// and prints one line per file: the SHA-256 of every analyser's raw result
// (numbers as their exact IEEE-754 bits, typed arrays as their bytes — no
// rounding, unlike `studio analyze --json`'s two or three decimals) and of the
// run's decoded duration/format. A speed-up that claims to be result-identical
// must leave every line unchanged: run it before and after, then `cmp`.
//
//   nice node --import tsx test/bench/analysis-digest.ts FOLDER_OR_FILE… > digest.txt
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../main/engine/analysis/run';
import { libraryAnalysers } from '../../main/engine/library/analyse';

const AUDIO = /\.(mp3|wav|flac|ogg|m4a|opus)$/i;
const files = process.argv.slice(2).flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => AUDIO.test(f))
        .sort()
        .map((f) => join(p, f))
    : [p],
);
if (!files.length) {
  console.error('usage: analysis-digest.ts FOLDER_OR_FILE…');
  process.exit(2);
}

/** feed `v` into `h` with its type and exact bits (keys in insertion order, which the analysers fix) */
function feed(h: Hash, v: unknown): void {
  if (v === null || v === undefined) h.update(String(v) + ';');
  else if (typeof v === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    h.update('n').update(b);
  } else if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') h.update(`${typeof v}:${String(v)};`);
  else if (ArrayBuffer.isView(v)) h.update(`${v.constructor.name}[${v.byteLength}]`).update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  else if (Array.isArray(v)) {
    h.update(`[${v.length}`);
    for (const x of v) feed(h, x);
    h.update(']');
  } else if (typeof v === 'object') {
    h.update('{');
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      h.update(JSON.stringify(k) + ':');
      feed(h, x);
    }
    h.update('}');
  } else h.update(`?${typeof v};`);
}

for (const f of files) {
  const run = await analyzeFile(f, libraryAnalysers());
  const parts = [`run:${createHash('sha256').update(JSON.stringify([run.durationSec, run.sampleRate, run.channels, run.exitCode])).digest('hex').slice(0, 16)}`];
  for (const [name, r] of Object.entries(run.results)) {
    const h = createHash('sha256');
    feed(h, r);
    parts.push(`${name}:${h.digest('hex').slice(0, 16)}`);
  }
  console.log(`${f}\t${parts.join(' ')}`);
}

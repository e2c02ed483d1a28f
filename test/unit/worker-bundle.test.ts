// speed37 (issue 11 throughput): the analysis worker's bundle (out/engine/analysis-worker.js, one per analysis thread,
// two per `studio analyze` on two cores) loads no zod and builds none of the contract's schemas. Before, importing
// StudioError, MIN_CONFIDENCE, clockTime… from '@contract' pulled in the modules that define them beside zod schemas
// (errors.ts, methods.ts, tempo-sections.ts) and every module index.ts re-exports (events.ts, wire.ts): zod's ~100
// files and ~1,400 lines of schemas evaluated at each worker's start, ~0.17 s of CPU a thread (BENCHMARKS.md
// "Throughput (speed37)"). Reads the build (`npm run build` runs before the tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = (name: string) => readFileSync(fileURLToPath(new URL(`../../out/engine/${name}`, import.meta.url)), 'utf8');

test('the analysis worker bundle imports no zod and holds no contract module with schemas', () => {
  const src = bundle('analysis-worker.js');
  const imports = [...src.matchAll(/^import\s[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gm)].map((m) => m[1] ?? m[2]);
  assert.ok(imports.includes('music-metadata'), `the bundle's imports were read: ${imports.join(', ')}`);
  assert.deepStrictEqual(imports.filter((i) => /^zod(\/|$)/.test(i)), [], 'zod imported by the worker');
  const contract = [...src.matchAll(/^\/\/ (main\/contract\/\S+\.ts)$/gm)].map((m) => m[1]);
  assert.ok(contract.includes('main/contract/errors.ts'), `contract modules in the bundle: ${contract.join(', ')}`);
  for (const m of ['methods.ts', 'events.ts', 'wire.ts', 'error-schemas.ts', 'tempo-sections.ts', 'bpm-range.ts'])
    assert.ok(!contract.includes(`main/contract/${m}`), `main/contract/${m} (zod schemas) in the worker bundle`);
});

test('the engine bundle still holds the schemas it validates calls with (the control: the same build)', () => {
  const src = bundle('index.js');
  assert.match(src, /^import \{[^}]*\bz\b[^}]*\} from "zod";$/m);
  assert.match(src, /^\/\/ main\/contract\/methods\.ts$/m);
});

// The node bundles (tools/build.mjs): npm packages stay external (native modules load from node_modules), except zod,
// which is bundled — ~100 ESM files each process would otherwise resolve and load one by one at start (issue 11:
// `studio analyze` on an empty folder 1.24 → 1.02 CPU s, medians of 8; BENCHMARKS.md "Throughput: session 14").
// Needs `npm run build`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/media';

const bundle = (name: string) => readFileSync(join(ROOT, 'out', name), 'utf8');
/** the bare package specifiers a bundle imports (import … from "x", import("x")) */
const imports = (src: string) => new Set([...src.matchAll(/(?:from|import\()\s*["']([^"'./][^"']*)["']/g)].map((m) => m[1]).filter((s) => !s.startsWith('node:')));

test('the CLI, engine and analysis-worker bundles hold zod themselves and load the other packages from node_modules', () => {
  for (const name of ['cli/studio.js', 'engine/index.js', 'engine/analysis-worker.js']) {
    const specs = [...imports(bundle(name))];
    assert.ok(!specs.some((s) => s === 'zod' || s.startsWith('zod/')), `${name} imports zod: ${specs.join(', ')}`);
  }
  const engine = imports(bundle('engine/index.js'));
  assert.ok(engine.has('better-sqlite3'), `the native module stays external: ${[...engine].join(', ')}`);
  assert.ok(engine.has('music-metadata'), [...engine].join(', '));
});

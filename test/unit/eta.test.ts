// fmtEta: one implementation (main/contract/eta.ts) for the CLI, the model panel and the library scan,
// giving the outputs the three copies gave (main/cli/model.ts → clock, catalog.svelte.ts → precise,
// library-format.ts → rounded), recorded from them before they were merged.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fmtEta } from '@contract';
import { ROOT } from '../helpers/media';

// [seconds, clock, precise, rounded]
const CASES: [number | null | undefined, string, string, string][] = [
  [null, '--:--', '', ''],
  [undefined, '--:--', '', ''],
  [NaN, '--:--', '', ''],
  [Infinity, '--:--', '', ''],
  [-Infinity, '--:--', '', ''],
  // the CLI's copy gave '-1:-1:-5' here; an ETA is never negative, so it now reads as none left
  [-5, '0:00', '0 s', '1 s'],
  [0, '0:00', '0 s', '1 s'],
  [0.4, '0:00', '0 s', '1 s'],
  [0.5, '0:01', '1 s', '1 s'],
  [1, '0:01', '1 s', '1 s'],
  [12.4, '0:12', '12 s', '12 s'],
  [59.4, '0:59', '59 s', '59 s'],
  [59.6, '1:00', '1 min 0 s', '60 s'],
  [60, '1:00', '1 min 0 s', '1 min'],
  [89, '1:29', '1 min 29 s', '1 min'],
  [90, '1:30', '1 min 30 s', '2 min'],
  [125, '2:05', '2 min 5 s', '2 min'],
  [3599, '59:59', '59 min 59 s', '1 h 0 min'],
  [3599.6, '1:00:00', '1 h 0 min', '1 h 0 min'],
  [3600, '1:00:00', '1 h 0 min', '1 h 0 min'],
  [3725, '1:02:05', '1 h 2 min', '1 h 2 min'],
  [5400, '1:30:00', '1 h 30 min', '1 h 30 min'],
  [86399, '23:59:59', '23 h 59 min', '24 h 0 min'],
  [90061, '25:01:01', '25 h 1 min', '25 h 1 min'],
];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const rel = join(dir, e.name);
    return e.isDirectory() ? sources(rel) : /\.(ts|svelte)$/.test(e.name) ? [rel] : [];
  });
}

describe('fmtEta (main/contract/eta.ts)', () => {
  for (const [sec, clock, precise, rounded] of CASES) {
    it(`${String(sec)} s → '${clock}' / '${precise}' / '${rounded}'`, () => {
      assert.equal(fmtEta(sec, 'clock'), clock);
      assert.equal(fmtEta(sec, 'precise'), precise);
      assert.equal(fmtEta(sec, 'rounded'), rounded);
    });
  }

  it('is defined once, in the contract', () => {
    const defs = [...sources('main'), ...sources('renderer/src')].filter((f) => /\bfunction fmtEta\b|\bfmtEta\s*=/.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.deepEqual(defs, [join('main', 'contract', 'eta.ts')]);
  });
});

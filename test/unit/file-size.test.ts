// tester20: the track view's Size and the file browser showed "754 KB" for a value counted in KiB (1024 bytes), while the
// model panel and `studio model list` counted in decimal kB/MB/GB, each with its own formatter and rounding. One
// formatter now (contract `fmtBytes`, bytes.ts): decimal SI units (1 kB = 1000 bytes, as file managers on Linux and
// macOS and `studio model list` count), the same text in the renderer (lib/format.ts, the models' state) and the CLI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmtBytes as contractBytes } from '@contract';
import { fmtBytes as rendererBytes } from '../../renderer/src/lib/format';
import { readFileSync } from 'node:fs';
import { fmtBytes as cliBytes } from '../../main/cli/model';

test('sizes in decimal SI units: B, kB, MB, GB, TB; one decimal under 100, none from 100', () => {
  const f = contractBytes;
  assert.equal(f(0), '0 B');
  assert.equal(f(999), '999 B');
  assert.equal(f(1000), '1.0 kB');
  assert.equal(f(754_000), '754 kB', 'not 736 KB (KiB labelled KB), nor 754 KB');
  assert.equal(f(772_096), '772 kB', '754 KiB');
  assert.equal(f(12_345_678), '12.3 MB');
  assert.equal(f(4.8e9), '4.8 GB');
  assert.equal(f(2.5e12), '2.5 TB');
  assert.equal(f(999_960), '1.0 MB', 'rounded up into the next unit: never "1000 kB"');
  assert.equal(f(99_960), '100 kB', 'rounded up past 100: no decimal');
  assert.equal(f(null), '—');
  assert.equal(f(undefined), '—');
});

test('the renderer (track view, file browser, models) and the CLI say the same', () => {
  for (const n of [0, 512, 1000, 1023, 1024, 754_000, 772_096, 5_242_880, 12_345_678, 999_960, 4.8e9, 19.1e9]) {
    const want = contractBytes(n);
    assert.equal(rendererBytes(n), want, `renderer lib/format ${n}`);
    assert.equal(cliBytes(n), want, `CLI ${n}`);
  }
  assert.equal(cliBytes(4.8e9, true), '≈4.8 GB');
  // the models' state (a runes module: not loadable here) hands out lib/format's, not a formatter of its own
  const catalog = readFileSync(new URL('../../renderer/src/shared/state/catalog.svelte.ts', import.meta.url), 'utf8');
  assert.match(catalog, /export \{ fmtBytes \} from '\.\.\/\.\.\/lib\/format'/);
  assert.doesNotMatch(catalog, /function fmtBytes/);
});

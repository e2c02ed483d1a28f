// tools/eval/realisation-noise.ts: the figures of one build and the files whose verdict changes between builds of
// the same set (another MMA realisation), on rows shaped as test/bench/analysis-accuracy.ts --json writes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Key } from '../../main/engine/analysis/keys';
import { figures, flips, type NoiseRow } from '../../tools/eval/realisation-noise';

const C: Key = { tonic: 0, mode: 'major' };
const Am: Key = { tonic: 9, mode: 'minor' };
const G: Key = { tonic: 7, mode: 'major' };
const row = (file: string, truth: number | null, bpm: number | null, key: Key | null, est: Key | null, trusted = true): NoiseRow => ({
  item: { set: 'dev', file, sourceKind: 'mma', bpm: truth, key, keyTrusted: trusted },
  ours: { bpm, key: est },
});

describe('eval: realisation noise (figures, flips)', () => {
  it('figures: Acc1 within 4 %, Acc2 also at double/half, MIREX over trusted keys only', () => {
    const f = figures([
      row('a', 120, 121, C, C), // Acc1, exact key
      row('b', 120, 60, C, Am), // Acc2 only; relative minor 0.3
      row('c', 90, 120, C, G, false), // wrong; key not trusted: not scored
      row('d', null, 100, null, null), // no tempo truth, no key
    ]);
    assert.equal(f.tempoN, 3);
    assert.equal(f.keyN, 2);
    assert.ok(Math.abs(f.acc1 - 1 / 3) < 1e-9);
    assert.ok(Math.abs(f.acc2 - 2 / 3) < 1e-9);
    assert.ok(Math.abs(f.mirex - (1 + 0.3) / 2) < 1e-9);
  });

  it('flips: a file right in one build and wrong in another is listed per metric, with each build’s estimate', () => {
    const one = [row('a', 120, 120, C, C), row('b', 150, 100, C, C), row('only-one', 100, 100, C, C)];
    const two = [row('a', 120, 90, C, G), row('b', 150, 100, C, C)];
    const f = flips([one, two]);
    assert.deepEqual(
      f.map((x) => [x.file, x.metric, x.verdicts, x.shown]),
      [
        ['a', 'Acc1', [true, false], ['120.0', '90.0']],
        ['a', 'Acc2', [true, false], ['120.0', '90.0']],
        ['a', 'key', [true, false], ['C major', 'G major']],
      ],
    );
    assert.throws(() => flips([one, [row('z', 1, 1, null, null)]]), /no file is in every build/);
  });
});

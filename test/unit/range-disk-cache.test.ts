// The on-disk cache of media:wave-range (range-disk-cache.ts): a stored range
// reads back equal; another key, another waveform version or a damaged file
// is a miss (the damaged file is deleted); the folder stays under its size
// bound, the least recently used going first (a hit counts as a use).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RangeDiskCache, type RangeValue } from '../../main/engine/media/range-disk-cache';

/** a range value whose base64 payloads are `n` bytes of `fill` */
function value(n: number, fill: number): RangeValue {
  const b64 = Buffer.alloc(n, fill).toString('base64');
  return {
    sampleRate: 16000, startSample: 0, endSample: n * 8, startSec: 0, endSec: (n * 8) / 16000, samplesPerPeak: 8, minMax: b64,
    spectrogram: { hop: 32, fftSize: 512, columns: 4, rows: 2, maxFreqHz: 8000, scale: 'mel', floorDb: -90, data: b64 },
  };
}

test('round trip, misses for another key, version or a damaged file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-rangedisk-'));
  try {
    const c = new RangeDiskCache(dir, 1 << 20, 3);
    const v = value(1000, 7);
    await c.put('fp:0:8000:8:32', v);
    assert.deepEqual(await c.get('fp:0:8000:8:32'), v);
    assert.equal(await c.get('fp:0:8000:16:32'), null, 'another plan');
    assert.equal(await new RangeDiskCache(dir, 1 << 20, 4).get('fp:0:8000:8:32'), null, 'another waveform version');
    assert.match(c.pathOf('fp:0:8000:8:32'), /wave-range[\\/][0-9a-f]{32}\.w3\.f2\.json$/);
    // damaged: a miss, and the file is gone
    writeFileSync(c.pathOf('fp:0:8000:8:32'), '{"key":"fp:0:8000:8:32","value":{"minMax":');
    assert.equal(await c.get('fp:0:8000:8:32'), null);
    assert.deepEqual(readdirSync(c.dir), []);
    // a file holding another key (a hash clash or a copied file) is not used
    await c.put('a', v);
    writeFileSync(c.pathOf('b'), JSON.stringify({ key: 'a', value: v }));
    assert.equal(await c.get('b'), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bounded by size: the least recently used leave first, a hit keeps an entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-rangedisk-'));
  try {
    // each entry is about 2 × 4/3 × 3000 + 300 ≈ 8.3 kB; the bound holds about 5
    const c = new RangeDiskCache(dir, 42_000, 3);
    const t0 = Date.now() / 1000 - 1000;
    for (let i = 0; i < 5; i++) {
      await c.put(`k${i}`, value(3000, i));
      // distinct, increasing use times (file mtimes)
      utimesSync(c.pathOf(`k${i}`), t0 + i, t0 + i);
    }
    assert.ok((await c.size()) <= 42_000, `${await c.size()} bytes`);
    assert.ok(await c.get('k0'), 'k0 still there, and now the most recently used');
    for (let i = 5; i < 8; i++) await c.put(`k${i}`, value(3000, i));
    const size = await c.size();
    assert.ok(size <= 42_000, `${size} bytes after eviction`);
    assert.ok(await c.get('k0'), 'the entry just read was kept');
    assert.equal(await c.get('k1'), null, 'the least recently used left');
    assert.ok(await c.get('k7'), 'the newest is there');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// media:wave-range's cache on disk (range-disk-cache.ts) through the real
// engine: a range computed before a restart is answered after it from
// <data>/cache/wave-range without decoding (ffmpeg runs counted by a
// wrapper), equal to the first answer; a changed file is decoded again.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/wave-range-disk.test.ts
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OUTPUT, toneFile } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';

const DIR = join(OUTPUT, 'wave-range-disk');
const FF_LOG = join(DIR, 'ffmpeg-runs.log');
const WRAPPER = join(DIR, 'ffmpeg-counting.sh');
const decodes = () => (existsSync(FF_LOG) ? readFileSync(FF_LOG, 'utf8').split('\n').filter((l) => /-ss \d/.test(l)) : []);

test('a range computed before a restart comes from the disk cache after it, with no decode', { timeout: 120_000 }, async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(WRAPPER, `#!/bin/sh\ncase "$*" in *-version*|*-layouts*) ;; *) echo "$*" >> '${FF_LOG}';; esac\nexec ffmpeg "$@"\n`);
  chmodSync(WRAPPER, 0o755);
  const track = join(DIR, 'disk-30s.flac');
  copyFileSync(toneFile('range-disk-30s.flac', 30), track);
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-rangedisk-'));
  const env = { STUDIO_FFMPEG: WRAPPER };
  const args = { startSec: 5, endSec: 7, pixelsPerSec: 2000 };
  try {
    let { engine } = await startTestEngine({ dataDir, env });
    const t = await engine.call('media:open', { path: track });
    const first = await engine.call('media:wave-range', { trackId: t.id, ...args });
    assert.equal(decodes().length, 1);
    await engine.stop();
    const files = readdirSync(join(dataDir, 'cache', 'wave-range'));
    assert.equal(files.length, 1, files.join(' '));
    assert.match(files[0], /^[0-9a-f]{32}\.w\d+\.f2\.json$/);

    ({ engine } = await startTestEngine({ dataDir, env }));
    const again = await engine.call('media:wave-range', { trackId: t.id, ...args });
    assert.deepEqual(again, first);
    assert.equal(decodes().length, 1, 'no decode after the restart');
    // the file changes (its mtime): opened again, the range is decoded again
    const later = new Date(Date.now() + 5000);
    utimesSync(track, later, later);
    const t2 = await engine.call('media:open', { path: track });
    await engine.call('media:wave-range', { trackId: t2.id, ...args });
    assert.equal(decodes().length, 2, 'a changed file is a miss');
    await engine.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// media:wave-range through the real engine process (issue 12 defect 7): the contract's shape, the
// same numbers as computeRange, one ranged decode (-ss) then the cache, and the track pinned.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { computeRange, planRange } from '../../main/engine/analysis/waveform-range';
import { OUTPUT, toneFile } from '../helpers/media';
import { startEngine } from './engine-harness';

const DIR = join(OUTPUT, 'wave-range');
const FF_LOG = join(DIR, 'ffmpeg-runs.log');
const WRAPPER = join(DIR, 'ffmpeg-counting.sh');
const runs = () => (existsSync(FF_LOG) ? readFileSync(FF_LOG, 'utf8').split('\n').filter(Boolean) : []);
const f32 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

describe('media:wave-range', { timeout: 120_000 }, () => {
  let h: Awaited<ReturnType<typeof startEngine>>;
  let track: string;
  const saved = process.env.STUDIO_FFMPEG;

  before(async () => {
    mkdirSync(DIR, { recursive: true });
    rmSync(FF_LOG, { force: true });
    writeFileSync(WRAPPER, `#!/bin/sh\ncase "$*" in *-version*|*-layouts*) ;; *) echo "$*" >> '${FF_LOG}';; esac\nexec ffmpeg "$@"\n`);
    chmodSync(WRAPPER, 0o755);
    track = join(DIR, 'range-40s.flac');
    copyFileSync(toneFile('range-40s.flac', 40), track);
    process.env.STUDIO_FFMPEG = WRAPPER; // the engine inherits it
    h = await startEngine();
  });

  after(async () => {
    await h?.stop();
    if (saved === undefined) delete process.env.STUDIO_FFMPEG;
    else process.env.STUDIO_FFMPEG = saved;
  });

  test('a range at 2000 px/s: sample boundaries, the values computeRange gives, one ranged decode, then the cache', async () => {
    const t = await h.engine.call('media:open', { path: track });
    const n0 = runs().length;
    const r = await h.engine.call('media:wave-range', { trackId: t.id, startSec: 10.01, endSec: 12, pixelsPerSec: 2000 });
    const decodes = runs().slice(n0);
    assert.equal(decodes.length, 1, decodes.join('\n'));
    assert.match(decodes[0], /-ss \d/);
    assert.match(decodes[0], /-ac 1 -rematrix_maxval 1 -ar 16000/); // the peak-safe mono mix (WAVE_VERSION 6)
    const plan = planRange(10.01, 12, 2000, 44100);
    assert.deepEqual([r.startSample, r.endSample, r.samplesPerPeak, r.spectrogram.hop], [plan.startSample, plan.endSample, 8, 32]);
    assert.equal(r.sampleRate, 16000);
    assert.equal(r.startSec, plan.startSample / 16000);
    assert.equal(r.spectrogram.maxFreqHz, 8000);
    const mm = f32(r.minMax);
    assert.equal(mm.length, 2 * ((plan.endSample - plan.startSample) / 8));
    const direct = await computeRange(track, plan);
    assert.deepEqual(mm, direct.minMax);
    assert.deepEqual(new Uint8Array(Buffer.from(r.spectrogram.data, 'base64')), direct.spectrogram.data);
    const n1 = runs().length; // (computeRange above ran ffmpeg in this process)
    // asked again (and by two callers at once): from the cache, no decode
    const [again, twice] = await Promise.all([
      h.engine.call('media:wave-range', { trackId: t.id, startSec: 10.01, endSec: 12, pixelsPerSec: 2000 }),
      h.engine.call('media:wave-range', { trackId: t.id, startSec: 10.01, endSec: 12, pixelsPerSec: 2000 }),
    ]);
    assert.deepEqual(again, r);
    assert.deepEqual(twice, r);
    assert.equal(runs().length, n1, 'no decode');
  });

  test('bounded: a range over 600 s or outside the contract is BAD_ARGS; past the end of the track DECODE_FAILED', async () => {
    const t = await h.engine.call('media:open', { path: track });
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    assert.equal(await code(h.engine.call('media:wave-range', { trackId: t.id, startSec: 0, endSec: 601, pixelsPerSec: 10 })), 'BAD_ARGS');
    assert.equal(await code(h.engine.call('media:wave-range', { trackId: t.id, startSec: 5, endSec: 4, pixelsPerSec: 10 })), 'BAD_ARGS');
    assert.equal(await code(h.engine.call('media:wave-range', { trackId: t.id, startSec: 0, endSec: 1, pixelsPerSec: 0 })), 'BAD_ARGS');
    assert.equal(await code(h.engine.call('media:wave-range', { trackId: t.id, startSec: 50, endSec: 52, pixelsPerSec: 100 })), 'DECODE_FAILED');
    // the range reaching past the end stops with the track
    const tail = await h.engine.call('media:wave-range', { trackId: t.id, startSec: 39, endSec: 45, pixelsPerSec: 100 });
    assert.equal(tail.endSample, 40 * 16000);
  });

  test('the track is pinned: a file changed since it was opened is FILE_CHANGED, not another file\'s detail', async () => {
    const t = await h.engine.call('media:open', { path: track });
    const later = new Date(Date.now() + 5000);
    utimesSync(track, later, later);
    const err = await h.engine.call('media:wave-range', { trackId: t.id, startSec: 1, endSec: 2, pixelsPerSec: 500 }).then(
      () => null,
      (e: { code?: string }) => e,
    );
    assert.equal(err?.code, 'FILE_CHANGED');
  });
});

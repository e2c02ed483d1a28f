// Issue 15 (item 6, "timeouts on every decode"): an ffmpeg that blocks — on a
// named pipe, or on a regular file that makes it open one (an ffconcat list) —
// is killed after STUDIO_DECODE_TIMEOUT_S without output, with a clear
// DECODE_FAILED; a working decode under the same short limit is untouched.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '@contract';
import { decodeTimeoutMs, DEFAULT_DECODE_TIMEOUT_S, runFfmpeg } from '../../main/engine/media/ffmpeg';
import { readPcm } from '../../main/engine/media/pcm';
import { probeFile } from '../../main/engine/media/probe';
import { startTestEngine } from '../helpers/engine';
import { OUTPUT, toneFile } from '../helpers/media';
import type { EngineHost } from '../../main/engine-host';

const DIR = join(OUTPUT, 'decode-timeout');
const FIFO = join(DIR, 'pipe.wav');
/** A regular file that ffmpeg reads as a concat list naming the pipe next to it: opening it blocks. */
const LIST = join(DIR, 'song.mp3');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  execFileSync('mkfifo', [FIFO]);
  writeFileSync(LIST, 'ffconcat version 1.0\nfile pipe.wav\n');
});

describe('decode timeouts', () => {
  test('STUDIO_DECODE_TIMEOUT_S: seconds, fractional allowed, 0 = none, junk = the default', () => {
    assert.equal(decodeTimeoutMs({}), DEFAULT_DECODE_TIMEOUT_S * 1000);
    assert.equal(decodeTimeoutMs({ STUDIO_DECODE_TIMEOUT_S: '2.5' }), 2500);
    assert.equal(decodeTimeoutMs({ STUDIO_DECODE_TIMEOUT_S: '0' }), 0);
    assert.equal(decodeTimeoutMs({ STUDIO_DECODE_TIMEOUT_S: 'soon' }), DEFAULT_DECODE_TIMEOUT_S * 1000);
    assert.equal(decodeTimeoutMs({ STUDIO_DECODE_TIMEOUT_S: '-1' }), DEFAULT_DECODE_TIMEOUT_S * 1000);
  });

  describe('in process, limit 0.5 s', () => {
    let saved: string | undefined;
    before(() => {
      saved = process.env.STUDIO_DECODE_TIMEOUT_S;
      process.env.STUDIO_DECODE_TIMEOUT_S = '0.5';
    });
    after(() => {
      if (saved === undefined) delete process.env.STUDIO_DECODE_TIMEOUT_S;
      else process.env.STUDIO_DECODE_TIMEOUT_S = saved;
    });

    test('a PCM read of a named pipe nobody writes: DECODE_FAILED naming the file and the setting, ffmpeg killed', async () => {
      let pid = 0;
      const err = await readPcm(FIFO, { onSpawn: (p) => (pid = p), onFrames: () => {} }).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StudioError, String(err));
      assert.equal(err.code, 'DECODE_FAILED');
      assert.match(err.message, /no progress for 0\.5 s reading ".*pipe\.wav"/);
      assert.match(err.message, /STUDIO_DECODE_TIMEOUT_S/);
      assert.ok(pid > 0);
      assert.equal(alive(pid), false, 'the ffmpeg child is gone');
    });

    test('a regular file that makes ffmpeg block (an ffconcat list naming a pipe): the probe fails the same way', async () => {
      await assert.rejects(probeFile(LIST), (e: StudioError) => e.code === 'DECODE_FAILED' && /song\.mp3/.test(e.message));
      await assert.rejects(runFfmpeg(['-i', LIST]), (e: StudioError) => e.code === 'DECODE_FAILED');
    });

    test('a working decode that keeps writing is not cut off by the same limit', async () => {
      let frames = 0;
      const r = await readPcm(toneFile('timeout-tone.wav', 6), { onFrames: (_x, n) => (frames += n) });
      assert.equal(r.exitCode, 0);
      assert.ok(frames > 6 * 44_000, `frames ${frames}`);
    });
  });

  describe('through the engine', () => {
    let engine: EngineHost;
    before(async () => {
      ({ engine } = await startTestEngine({ env: { STUDIO_DECODE_TIMEOUT_S: '1' } }));
    });
    after(async () => {
      await engine?.stop();
    });

    test('media:probe of a file that blocks ffmpeg answers DECODE_FAILED, and the engine keeps answering', async () => {
      await assert.rejects(engine.call('media:probe', { path: LIST }), (e: StudioError) => e.code === 'DECODE_FAILED' && /no progress for 1 s/.test(e.message));
      const probe = await engine.call('media:probe', { path: toneFile('timeout-tone.wav', 6) });
      assert.ok(probe.durationSec > 5);
    });
  });
});

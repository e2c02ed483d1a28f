// Issue 15 (item 6, "timeouts on every decode"): an ffmpeg that blocks — on a
// named pipe, or on a regular file that makes it open one (an ffconcat list) —
// is killed after STUDIO_DECODE_TIMEOUT_S without output, with a clear
// DECODE_FAILED; a working decode under the same short limit is untouched (shown
// on a mocked watchdog clock, so no case depends on how fast ffmpeg starts).
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
/** A regular file that ffmpeg reads as a concat list naming the pipe next to it: opening it blocks (given to ffmpeg with -f concat; the studio refuses it as a list). */
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

    test('a regular file that makes ffmpeg block (an ffconcat list naming a pipe): ffmpeg told to read it is killed the same way; the probe refuses it as a list before ffmpeg runs', async () => {
      // an explicit -f is left as given (withInputFixes), so ffmpeg opens the pipe the list names and blocks
      await assert.rejects(runFfmpeg(['-f', 'concat', '-i', LIST]), (e: StudioError) => e.code === 'DECODE_FAILED' && /no progress/.test(e.message));
      // a list of other files under a media name is no media (demuxer.ts fileListKind; session 26): never handed to ffmpeg
      await assert.rejects(probeFile(LIST), (e: StudioError) => e.code === 'NOT_MEDIA' && /"song\.mp3" is a ffmpeg concat list/.test(e.message));
    });

    test('a decode that keeps writing is never cut off, however long it runs in all: the limit is on silence', async (t) => {
      // The watchdog's clock is mocked and moves only here, by 0.9 of the limit after each block of
      // output: the decode "runs" many limits long, with never a whole limit of silence. Nothing
      // depends on how fast ffmpeg starts or runs on this machine (no real time passes on this clock).
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const limit = decodeTimeoutMs();
      assert.equal(limit, 500);
      let frames = 0;
      let blocks = 0;
      const r = await readPcm(toneFile('timeout-tone.wav', 6), {
        onFrames: (_x, n) => {
          frames += n;
          blocks++;
          t.mock.timers.tick(limit * 0.9);
        },
      });
      assert.equal(r.exitCode, 0);
      assert.ok(frames > 6 * 44_000, `frames ${frames}`);
      assert.ok(blocks * 0.9 > 3, `the decode lasted ${blocks * 0.9} limits on the watchdog's clock (${blocks} blocks of output)`);
    });

    test('the control: the same decode with one whole limit of silence on that clock is stopped', async (t) => {
      // the control for the test above: one tick of a whole limit after the first block of output
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const limit = decodeTimeoutMs();
      let first = true;
      const err = await readPcm(toneFile('timeout-tone.wav', 6), {
        onFrames: () => {
          if (first) t.mock.timers.tick(limit);
          first = false;
        },
      }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof StudioError && err.code === 'DECODE_FAILED', String(err));
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

    test('media:probe of the one regular file that blocked ffmpeg (an ffconcat list naming a pipe) is refused at once, and the engine keeps answering', async () => {
      // session 26: a list of other files is refused before ffmpeg runs (demuxer.ts fileListKind), so it no longer
      // reaches the watchdog (DECODE_FAILED "no progress for 1 s" before); the watchdog itself is shown in process above
      const t0 = Date.now();
      await assert.rejects(engine.call('media:probe', { path: LIST }), (e: StudioError) => e.code === 'NOT_MEDIA' && /ffmpeg concat list/.test(e.message));
      assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms: the refusal waited for the 1 s watchdog`);
      // the same engine answers the next call (one that starts no ffmpeg: under a 1 s limit a probe of a
      // working file would depend on ffmpeg starting within 1 s on a loaded machine; the decode above covers that)
      assert.deepEqual(await engine.call('library:list-folders', {}), []);
    });
  });
});

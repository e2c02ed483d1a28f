// Write tags… and the folder watcher (tester29a). The write replaces the file (a copy renamed over it) and records its
// new size and mtime at once, so the watcher's job that follows finds it unchanged — but that job counted the
// unchanged file as its work: the scan bar read "Scan finished 1 / 1" after Write tags (3 / 3 after a write of 11
// files), and the summary of the scan before it (its failures, the paths left out, the files skipped) was gone. A
// watcher's job now counts only its own work, as the catch-up at start does: an unchanged file is none, so its state
// is 0 / 0 and the page keeps the last summary (renderer scan.svelte.ts: a job nobody started with nothing analysed).
// Run: npm run build && node tools/run-tests.mjs test/integration/tag-write-watcher.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventName, ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { OUTPUT } from '../helpers/media';
import { startTestEngine, until } from '../helpers/engine';

const DIR = join(OUTPUT, 'tag-write-watcher');
/** 8 s of a 124 BPM click over an A minor triad (a tempo and a key to write) */
const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";

describe('Write tags and the folder watcher', { timeout: 240_000 }, () => {
  let engine: EngineHost | undefined;
  const events: { name: EventName; payload: unknown }[] = [];

  before(async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    for (const n of ['one', 'two']) execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', TONE, '-c:a', 'libmp3lame', '-b:a', '128k', join(DIR, `${n}.mp3`)]);
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    engine.onEvent((name, payload) => void events.push({ name, payload }));
  });
  after(async () => {
    await engine?.stop();
  });

  test("the watcher's job after a tag write counts no work: not 'finished 1 / 1'", async () => {
    const e = engine!;
    await e.call('library:add-folder', { path: DIR });
    await e.call('library:idle', {});
    const scan = await e.call('library:scan-state', {});
    assert.deepEqual([scan.state, scan.total, scan.done], ['finished', 2, 2]);
    const { rows } = await e.call('library:query', { offset: 0, limit: 10 });
    const one = rows.find((r) => r.fileName === 'one.mp3')!;
    const mark = events.length;
    await e.call('library:write-tags', { trackId: one.id, keyNotation: 'camelot', bpm: true, key: true });
    // the watcher's job for the replaced file: started and finished after the write
    const done = await until('the watcher job to finish', () => {
      const states = events.slice(mark).filter((x) => x.name === 'library:scan-state').map((x) => x.payload as ScanState);
      return states.find((s) => s.state === 'finished' && s.jobId !== scan.jobId);
    });
    assert.deepEqual([done.total, done.done, done.failed], [0, 0, 0], `the unchanged file is no work of the watcher's job: ${done.done} / ${done.total}`);
    const after = (await e.call('library:query', { offset: 0, limit: 10 })).rows.find((r) => r.id === one.id)!;
    assert.equal(after.analysedAt, one.analysedAt, 'not analysed again');
  });
});

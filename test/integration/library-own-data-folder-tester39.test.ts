// A library folder that holds the studio's own data folder (tester39: a DJ adds their home folder, which holds
// ~/.config/Resonance Studio; or keeps the data folder beside the music). Before: the scan walked the data folder —
// a playback copy under cache/playable became a track named by its hash — and the folder's watcher saw every write
// to the database: each scan job stored itself, which started the next, a new job about every half second for as
// long as the studio ran (`studio serve` here: 14 jobs in 6 s, scan_jobs growing without end). Now the data folder is
// one skip of the scan ("not music: the studio's own data folder …") and its changes start no job.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/library-own-data-folder-tester39.test.ts
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { OWN_FOLDER_REASON } from '../../main/engine/library/job';
import { startTestEngine, until } from '../helpers/engine';
import { media, toneFile } from '../helpers/media';

describe('a library folder holding the studio\'s data folder (tester39)', () => {
  let engine: EngineHost;
  let tmp: string;
  let music: string;
  let data: string;
  const states: ScanState[] = [];
  const fileNames = async () => (await engine.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => r.fileName).sort();

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-own-data-'));
    music = join(tmp, 'Music');
    data = join(music, 'Studio data');
    mkdirSync(join(data, 'cache', 'playable'), { recursive: true });
    copyFileSync(toneFile('own-data-one.mp3', 3), join(music, 'one.mp3'));
    // a playback copy as the studio keeps one for a file the browser cannot play (Opus in WebM, by ffmpeg's libopus)
    copyFileSync(media('own-data-proxy.webm', ['-f', 'lavfi', '-i', 'sine=f=330:d=3', '-c:a', 'libopus', '-b:a', '64k']), join(data, 'cache', 'playable', '0123456789abcdef0123456789abcdef.s1.webm'));
    ({ engine } = await startTestEngine({ dataDir: data }));
    engine.onEvent((name, payload) => void (name === 'library:scan-state' && states.push(payload as ScanState)));
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the scan leaves the data folder out, saying why; its database writes start no scan; a new track still does', async () => {
    await engine.call('library:add-folder', { path: music });
    const first = await until('the first scan to finish', () => states.findLast((s) => s.state === 'finished'));
    assert.deepEqual(await fileNames(), ['one.mp3'], 'the playback copy is not a track');
    assert.deepEqual(first.skipped?.files.filter((f) => f.path === data), [{ path: data, reason: OWN_FOLDER_REASON, folder: true }], JSON.stringify(first.skipped));
    const firstJob = first.jobId;

    // a new track: the watcher's job for it is the one job after the first (before: a job per database write, without end)
    copyFileSync(toneFile('own-data-two.mp3', 2), join(music, 'two.mp3'));
    await until('two.mp3 to be picked up', async () => ((await fileNames()).includes('two.mp3') ? true : undefined));
    await until('its job to finish', () => states.findLast((s) => s.jobId !== firstJob && s.state === 'finished'));
    const jobs = new Set(states.map((s) => s.jobId).filter((j) => j !== null && j !== firstJob));
    assert.equal(jobs.size, 1, `one scan job after the first, for two.mp3: ${[...jobs].join(', ')}`);
    await engine.call('library:idle', {});
    assert.deepEqual(await fileNames(), ['one.mp3', 'two.mp3']);
  });
});

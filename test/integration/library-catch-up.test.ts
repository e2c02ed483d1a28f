// The library catches up at start with what changed while the studio was closed (catchup27). Before, the engine
// started a scan only when one had been interrupted, and the folder watcher sees changes only while the engine runs:
// a file deleted while the studio was closed stayed listed as analysed until Rescan, files added or replaced meanwhile
// were not in the library, and a library folder unplugged meanwhile read "ok". Now the engine walks the watched
// folders at start (job.ts catchUp): gone files leave, new and changed ones are analysed, a moved file keeps its row
// and analysis, unchanged files are not analysed again, a missing folder keeps its rows; and a catch-up with nothing
// to analyse tells no scan state (the scan bar keeps what it showed). A file gone while a library folder is unplugged
// keeps its row until the folder is back (rescan39: it may have been moved onto that drive; before, it left at once,
// and a file moved onto the drive came back as a new row, without its crates, cues and chat). Through the real engine, stopped and started
// again on one data folder. Run: npm run build && node --import tsx --test test/integration/library-catch-up.test.ts
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventName, LibraryTrack, ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine, until } from '../helpers/engine';
import { toneFile } from '../helpers/media';

describe('the library catches up at start with what changed while the studio was closed', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-catch-up-'));
  const music = join(root, 'Music');
  const drive = join(root, 'Drive');
  const dataDir = join(root, 'data');
  let engine: EngineHost | undefined;
  let events: { name: EventName; payload: unknown }[] = [];
  /** the rows after the first scan, by file name */
  let first = new Map<string, LibraryTrack>();

  const rows = async (e: EngineHost) => new Map((await e.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => [r.fileName, r]));
  const start = async () => {
    events = [];
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_ANALYSIS_WORKERS: '2' } }));
    engine.onEvent((name, payload) => void events.push({ name, payload }));
    return engine;
  };

  before(async () => {
    mkdirSync(join(music, 'sub'), { recursive: true });
    mkdirSync(drive, { recursive: true });
    // each file its own length: no two share a size (a move is told by size and mtime)
    copyFileSync(toneFile('catch-up-2s.mp3', 2), join(music, 'gone.mp3'));
    copyFileSync(toneFile('catch-up-3s.mp3', 3), join(music, 'changed.mp3'));
    copyFileSync(toneFile('catch-up-4s.mp3', 4), join(music, 'same.mp3'));
    copyFileSync(toneFile('catch-up-5s.mp3', 5), join(music, 'moved.mp3'));
    copyFileSync(toneFile('catch-up-6s.mp3', 6), join(drive, 'away.mp3'));
    const e = await start();
    await e.call('library:add-folder', { path: music });
    await e.call('library:add-folder', { path: drive });
    await e.call('library:idle', {});
    first = await rows(e);
    assert.deepEqual([...first.values()].map((r) => `${r.fileName}:${r.status}`).sort(), ['away.mp3:analysed', 'changed.mp3:analysed', 'gone.mp3:analysed', 'moved.mp3:analysed', 'same.mp3:analysed']);
    await e.stop();
    engine = undefined;
  });
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('deleted, added, replaced and moved files and an unplugged folder are taken in at start, without a Rescan', async () => {
    // while the studio is closed
    rmSync(join(music, 'gone.mp3'));
    copyFileSync(toneFile('catch-up-7s.mp3', 7), join(music, 'changed.mp3'));
    renameSync(join(music, 'moved.mp3'), join(music, 'sub', 'moved-here.mp3'));
    copyFileSync(toneFile('catch-up-8s.mp3', 8), join(music, 'sub', 'new.mp3'));
    renameSync(drive, `${drive}-unplugged`);

    const e = await start();
    const now = await until('the rows to follow the disk', async () => {
      await e.call('library:idle', {});
      const r = await rows(e);
      return r.get('new.mp3')?.status === 'analysed' && r.get('changed.mp3')?.analysedAt !== first.get('changed.mp3')!.analysedAt ? r : undefined;
    }, 60_000);
    assert.deepEqual([...now.keys()].sort(), ['away.mp3', 'changed.mp3', 'gone.mp3', 'moved-here.mp3', 'new.mp3', 'same.mp3']);
    // deleted while the drive is unplugged: kept as it was (it may have been moved onto the drive), said in the drive's problem
    assert.equal(now.get('gone.mp3')!.id, first.get('gone.mp3')!.id);
    // replaced: analysed again (its new length)
    assert.equal(now.get('changed.mp3')!.status, 'analysed');
    assert.ok(Math.abs(now.get('changed.mp3')!.durationSec! - 7) < 0.2, `changed.mp3 is ${now.get('changed.mp3')!.durationSec} s`);
    // unchanged: not analysed again
    assert.equal(now.get('same.mp3')!.id, first.get('same.mp3')!.id);
    assert.equal(now.get('same.mp3')!.analysedAt, first.get('same.mp3')!.analysedAt, 'same.mp3 not analysed again');
    // moved: its row (id, analysis) follows it, not analysed again
    assert.equal(now.get('moved-here.mp3')!.id, first.get('moved.mp3')!.id, 'the moved file keeps its row');
    assert.equal(now.get('moved-here.mp3')!.analysedAt, first.get('moved.mp3')!.analysedAt, 'the moved file is not analysed again');
    assert.equal(now.get('moved-here.mp3')!.path, join(music, 'sub', 'moved-here.mp3'));
    // the unplugged folder: its row kept as it was, the folder shown missing and said so
    assert.equal(now.get('away.mp3')!.id, first.get('away.mp3')!.id);
    assert.equal(now.get('away.mp3')!.analysedAt, first.get('away.mp3')!.analysedAt);
    const folders = await e.call('library:list-folders', {});
    assert.equal(folders.find((f) => f.path === drive)?.status, 'missing');
    assert.equal(folders.find((f) => f.path === music)?.status, 'ok');
    const state = await e.call('library:scan-state', {});
    assert.equal(state.state, 'finished');
    assert.deepEqual([state.total, state.done, state.failed], [2, 2, 0], 'its counts are its own work: the replaced and the new file');
    const missing = state.problems.find((p) => p.path === drive && p.kind === 'folder-missing');
    assert.match(missing?.message ?? '', /1 file gone from the library's folders keeps its row .*this library folder is not there, and it may have moved onto it/, JSON.stringify(state.problems));
    await e.stop();
    engine = undefined;
  });

  test('a catch-up with nothing to analyse is silent: no scan state told, the folder known missing not told again, a file deleted meanwhile kept while it is', async () => {
    // nothing changed: nothing told
    const before = await (async () => {
      const e = await start();
      await e.call('library:idle', {});
      const r = await rows(e);
      assert.deepEqual(events.filter((x) => x.name === 'library:scan-state').map((x) => x.payload as ScanState), [], 'no scan state told');
      await e.stop();
      engine = undefined;
      return r;
    })();
    rmSync(join(music, 'sub', 'new.mp3'));
    const e = await start();
    // the catch-up has ended (idle waits for it); every event it sent came before idle's answer
    await e.call('library:idle', {});
    const state = await e.call('library:scan-state', {});
    assert.deepEqual([state.state, state.jobId], ['idle', null], JSON.stringify(state));
    assert.deepEqual(events.filter((x) => x.name === 'library:scan-state').map((x) => x.payload as ScanState), [], 'no scan state told');
    assert.ok(!events.some((x) => x.name === 'library:changed' && (x.payload as { removed: number }).removed > 0), 'no row left: the drive is still unplugged');
    const now = await rows(e);
    for (const name of ['away.mp3', 'changed.mp3', 'gone.mp3', 'moved-here.mp3', 'new.mp3', 'same.mp3']) assert.equal(now.get(name)?.analysedAt, before.get(name)?.analysedAt, `${name} not analysed again`);
    await e.stop();
    engine = undefined;
  });

  test('the unplugged folder plugged in again while the studio was closed: read ok and watched again at start, its row as it was', async () => {
    renameSync(`${drive}-unplugged`, drive);
    const e = await start();
    const back = await until('the folder to read ok', async () => {
      await e.call('library:idle', {});
      const f = (await e.call('library:list-folders', {})).find((x) => x.path === drive);
      return f?.status === 'ok' ? f : undefined;
    }, 60_000);
    assert.equal(back.watching, true);
    // the drive is back and neither is on it: the files deleted while it was away leave the library now
    await until('the deleted files to leave', async () => {
      await e.call('library:idle', {});
      const r = await rows(e);
      return (!r.has('gone.mp3') && !r.has('new.mp3')) || undefined;
    }, 60_000);
    assert.ok(events.some((x) => x.name === 'library:changed'), 'the page is told (it reads the folders again)');
    const away = (await rows(e)).get('away.mp3')!;
    assert.deepEqual([away.id, away.analysedAt], [first.get('away.mp3')!.id, first.get('away.mp3')!.analysedAt]);
    // watched again: a file copied in is taken in without a scan
    copyFileSync(toneFile('catch-up-9s.mp3', 9), join(drive, 'plugged.mp3'));
    await until('plugged.mp3 to be analysed', async () => {
      await e.call('library:idle', {});
      return (await rows(e)).get('plugged.mp3')?.status === 'analysed' || undefined;
    }, 60_000);
  });
});

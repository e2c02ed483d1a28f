// A library folder that goes away while the studio watches it (renamed, an unplugged drive) and comes back (tester20).
// Before: the watcher took the folder's own disappearance for the deletion of every file in it — all its rows (their
// analyses, their chats) left the library, the folder still read "ok" and "watching" — and after it came back the
// watcher was dead: new files there were not picked up until the studio restarted. Needs `npm run build`.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine, until } from '../helpers/engine';
import { toneFile } from '../helpers/media';

describe('a library folder that goes away and comes back (tester20)', () => {
  let engine: EngineHost;
  let tmp: string;
  let music: string;
  let folderId: string;
  const rows = async () => (await engine.call('library:query', { offset: 0, limit: 100 })).rows.map((r) => `${r.fileName}:${r.id}`).sort();
  const folder = async () => (await engine.call('library:list-folders', {})).find((f) => f.id === folderId)!;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-folder-gone-'));
    music = join(tmp, 'Music');
    mkdirSync(join(music, 'sub'), { recursive: true });
    copyFileSync(toneFile('folder-gone-1.mp3', 3), join(music, 'one.mp3'));
    copyFileSync(toneFile('folder-gone-2.mp3', 4), join(music, 'sub', 'two.mp3'));
    ({ engine } = await startTestEngine());
    folderId = (await engine.call('library:add-folder', { path: music })).id;
    await engine.call('library:idle', {});
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('renamed away: its tracks are kept and the folder is missing; back and scanned: the same rows, watched again', async () => {
    const before = await rows();
    assert.equal(before.length, 2);
    renameSync(music, `${music}-away`);
    // the watcher sees it (no scan is asked for)
    const gone = await until('the folder to read missing', async () => {
      await engine.call('library:idle', {});
      const f = await folder();
      return f.status === 'missing' ? f : undefined;
    }, 30_000);
    assert.equal(gone.watching, false);
    assert.deepEqual(await rows(), before, 'its tracks are kept (with their analyses)');
    const state = await engine.call('library:scan-state', {});
    assert.ok(state.problems.some((p) => p.path === music && p.kind === 'folder-missing' && /Library folder is missing.*Its tracks are kept/.test(p.message)), JSON.stringify(state.problems));

    renameSync(`${music}-away`, music);
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    const back = await folder();
    assert.equal(back.status, 'ok');
    assert.equal(back.watching, true);
    assert.deepEqual(await rows(), before, 'the same rows, nothing analysed anew');
    // watched again: a new file is picked up without a scan
    copyFileSync(toneFile('folder-gone-3.mp3', 2), join(music, 'three.mp3'));
    await until('three.mp3 to be picked up', async () => {
      await engine.call('library:idle', {});
      return (await rows()).some((r) => r.startsWith('three.mp3:')) || undefined;
    }, 20_000);
  });

  test('opening a track of the folder while it is away names the folder (lib40: before, only "does not exist")', async () => {
    renameSync(music, `${music}-away`);
    try {
      await engine.call('library:scan', {});
      await engine.call('library:idle', {});
      assert.equal((await folder()).status, 'missing');
      const err = await engine.call('media:open', { path: join(music, 'one.mp3') }).then(
        () => assert.fail('opened a file that is not there'),
        (e: { code?: string; message?: string }) => e,
      );
      assert.equal(err.code, 'NOT_FOUND');
      const msg = err.message ?? '';
      assert.ok(msg.startsWith('"one.mp3" does not exist') && msg.endsWith(` Its library folder "${music}" is missing (an unplugged drive, moved or deleted); its tracks are kept.`), msg);
    } finally {
      renameSync(`${music}-away`, music);
    }
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    assert.equal((await folder()).status, 'ok');
    // a file not there in a folder that is: the message as before
    const err = await engine.call('media:open', { path: join(music, 'nothing.mp3') }).catch((e: { message?: string }) => e);
    assert.doesNotMatch((err as { message?: string }).message ?? '', /library folder/);
  });

  test('a file deleted from a folder that is there still leaves the library', async () => {
    rmSync(join(music, 'sub', 'two.mp3'));
    await until('two.mp3 to leave', async () => {
      await engine.call('library:idle', {});
      return !(await rows()).some((r) => r.startsWith('two.mp3:')) || undefined;
    }, 20_000);
    assert.equal((await folder()).status, 'ok');
  });
});

import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { IPC, StudioError, type Handlers, type IpcCallResult } from '@contract';
import { registerIpc, refuseSender, type IpcRegistration } from '../../main/electron/ipc';
import { isRendererUrl } from '../../main/electron/paths';
import { createShellMethods, openDialogOptions, type OpenDialogOptions } from '../../main/electron/shell-methods';
import type { EngineHost } from '../../main/engine-host';
import { FakeIpcMain, FakeWebContents, frame, ipcEvent, startFakeEngine, until } from '../helpers/electron-fakes';

const RENDERER_HTML = '/opt/Resonance Studio/resources/app.asar/out/renderer/index.html';
const RENDERER_URL = pathToFileURL(RENDERER_HTML).href;
const isOurs = (u: string) => isRendererUrl(u, RENDERER_HTML, 'linux');

let releaseSlow: (() => void) | undefined;
const handlers: Handlers = {
  'recent:list': () => [],
  'media:get-track': ({ trackId }) => {
    throw new StudioError('NOT_FOUND', `No open track ${trackId}.`);
  },
  'media:peaks': async ({ trackId }, ctx) => {
    ctx.progress({ stage: 'decoding', fraction: 0.5 });
    await new Promise<void>((resolve, reject) => {
      releaseSlow = resolve;
      ctx.signal.addEventListener('abort', () => reject(new StudioError('CANCELLED', 'Cancelled.')));
    });
    return { trackId, durationSec: 1, sampleRate: 8000, samplesPerPeak: 80, minMax: '' };
  },
};

describe('IPC (registerIpc)', () => {
  let engine: EngineHost;
  let fork: Awaited<ReturnType<typeof startFakeEngine>>['fork'];
  let ipcMain: FakeIpcMain;
  let win: FakeWebContents;
  let reg: IpcRegistration;
  let dialogCalls: Array<{ parent: unknown; options: OpenDialogOptions }>;
  let dialogAnswer: { canceled: boolean; filePaths: string[] };
  const settled: Array<[string, boolean]> = [];
  const windows: FakeWebContents[] = [];

  const call = (method: unknown, args: unknown, callId: unknown, w: FakeWebContents = win, url = RENDERER_URL) =>
    ipcMain.invoke(ipcEvent(w, frame(url)), IPC.call, method, args, callId) as Promise<IpcCallResult>;

  beforeEach(async () => {
    reg?.dispose();
    await engine?.stop();
    ({ host: engine, fork } = await startFakeEngine(handlers, { maxRestarts: 1 }));
    ipcMain = new FakeIpcMain();
    win = new FakeWebContents();
    windows.length = 0;
    windows.push(win);
    dialogCalls = [];
    releaseSlow = undefined;
    dialogAnswer = { canceled: false, filePaths: ['/music/a b/ça.flac'] };
    settled.length = 0;
    const dialog = {
      showOpenDialog: async (a: unknown, b?: OpenDialogOptions) => {
        dialogCalls.push(b ? { parent: a, options: b } : { parent: undefined, options: a as OpenDialogOptions });
        return dialogAnswer;
      },
    };
    reg = registerIpc({
      ipcMain,
      engine,
      shellMethods: createShellMethods({ dialog, parentWindowOf: (s) => ({ windowOf: s.id }) }),
      contents: () => windows,
      isRendererUrl: isOurs,
      onCallSettled: (m, ok) => settled.push([m, ok]),
    });
  });
  after(async () => {
    reg?.dispose();
    await engine?.stop();
  });

  it('forwards an engine method and answers { ok: true, value }', async () => {
    const res = await call('recent:list', {}, 'c1');
    assert.deepEqual(res, { ok: true, value: [] });
    assert.deepEqual(settled, [['recent:list', true]]);
  });

  it('answers failures as { ok: false, error } and never throws', async () => {
    const res = await call('media:get-track', { trackId: 'abcdefgh1' }, 'c2');
    assert.deepEqual(res, { ok: false, error: { code: 'NOT_FOUND', message: 'No open track abcdefgh1.' } });
    const bad = await call('media:get-track', { trackId: '../../etc' }, 'c3');
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error.code, 'BAD_ARGS');
    assert.deepEqual(Object.keys(bad).sort(), ['error', 'ok']);
  });

  it('refuses a frame that is not our renderer page', async () => {
    for (const url of ['https://evil.example/index.html', 'file:///tmp/index.html', 'about:blank', 'devtools://devtools/bundled/x.html', '']) {
      const res = await call('recent:list', {}, 'c4', win, url);
      assert.equal(res.ok, false, url);
      assert.equal(!res.ok && res.error.code, 'FORBIDDEN', url);
    }
    // query and fragment do not matter; the page does
    assert.equal((await call('recent:list', {}, 'c5', win, `${RENDERER_URL}#/track`)).ok, true);
  });

  it('refuses subframes, vanished frames and webContents that are not our windows', async () => {
    const sub = await ipcMain.invoke(ipcEvent(win, frame(RENDERER_URL, frame(RENDERER_URL))), IPC.call, 'recent:list', {}, 'c6');
    assert.equal((sub as IpcCallResult).ok, false);
    const gone = await ipcMain.invoke(ipcEvent(win, null), IPC.call, 'recent:list', {}, 'c7');
    assert.equal((gone as IpcCallResult).ok, false);
    const stranger = new FakeWebContents();
    const res = await call('recent:list', {}, 'c8', stranger);
    assert.equal(!res.ok && res.error.code, 'FORBIDDEN');
    assert.match(refuseSender(ipcEvent(stranger, frame(RENDERER_URL)), { contents: () => windows, isRendererUrl: isOurs }) ?? '', /not a studio window/);
    assert.equal(refuseSender(ipcEvent(win, frame(RENDERER_URL)), { contents: () => windows, isRendererUrl: isOurs }), null);
  });

  it('only lets the renderer call exposed methods of the contract', async () => {
    const internal = await call('media:resolve', { kind: 'track', id: 'abcdefgh' }, 'c9');
    assert.equal(!internal.ok && internal.error.code, 'UNKNOWN_METHOD');
    for (const m of ['nope:nothing', 42, null, '__proto__', 'constructor']) {
      const res = await call(m, {}, 'c10');
      assert.equal(!res.ok && res.error.code, 'UNKNOWN_METHOD', String(m));
    }
  });

  it('needs a well-formed call id', async () => {
    for (const id of [undefined, '', 'x'.repeat(65), 'a b', 7]) {
      const res = await call('recent:list', {}, id);
      assert.equal(!res.ok && res.error.code, 'BAD_ARGS', String(id));
    }
  });

  it('handles dialog:open-media itself, with filters from the contract, modal to the calling window', async () => {
    const res = await call('dialog:open-media', { kind: 'media' }, 'd1');
    assert.deepEqual(res, { ok: true, value: { paths: ['/music/a b/ça.flac'] } });
    assert.equal(dialogCalls.length, 1);
    assert.deepEqual(dialogCalls[0].parent, { windowOf: win.id });
    const exts = dialogCalls[0].options.filters!.flatMap((f) => f.extensions);
    for (const e of ['mp3', 'flac', 'wav', 'ogg', 'm4a', 'aac', 'aiff', 'opus', 'mp4', 'mkv', 'webm', 'mov']) assert.ok(exts.includes(e), e);
    assert.deepEqual(openDialogOptions('image').filters, [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] }]);
    // Import playlist… (crateimport34): the playlists first, then every file
    assert.deepEqual(openDialogOptions('playlist').filters, [{ name: 'Playlists', extensions: ['m3u', 'm3u8', 'pls', 'xspf'] }, { name: 'All files', extensions: ['*'] }]);

    dialogAnswer = { canceled: true, filePaths: [] };
    assert.deepEqual(await call('dialog:open-media', { kind: 'image' }, 'd2'), { ok: true, value: { paths: [] } });
    assert.equal(dialogCalls[1].options.filters![0].name, 'Images');
    // one last folder per purpose (issue 12, item 14): the track's folder is not where images are looked for
    assert.equal(dialogCalls[0].options.defaultPath, undefined);
    assert.equal(dialogCalls[1].options.defaultPath, undefined, 'no image was chosen yet');
    await call('dialog:open-media', { kind: 'media' }, 'd2b');
    assert.equal(dialogCalls[2].options.defaultPath, '/music/a b', 'tracks: where the last track was');
  });

  it('handles dialog:open-folder itself: a folder chooser modal to the calling window', async () => {
    dialogAnswer = { canceled: false, filePaths: ['/packs/tiny alpha'] };
    dialogCalls.length = 0;
    const res = await call('dialog:open-folder', { purpose: 'model-pack' }, 'f1');
    assert.deepEqual(res, { ok: true, value: { paths: ['/packs/tiny alpha'] } });
    assert.equal(dialogCalls.length, 1);
    assert.deepEqual(dialogCalls[0].parent, { windowOf: win.id });
    assert.deepEqual(dialogCalls[0].options.properties, ['openDirectory']);
    assert.equal(dialogCalls[0].options.filters, undefined);
    dialogAnswer = { canceled: true, filePaths: [] };
    assert.deepEqual(await call('dialog:open-folder', { purpose: 'model-pack' }, 'f2'), { ok: true, value: { paths: [] } });
    const bad = await call('dialog:open-folder', { purpose: 'model-pack', defaultPath: '/etc' }, 'f3');
    assert.equal(!bad.ok && bad.error.code, 'BAD_ARGS');
    assert.equal(dialogCalls.length, 2);
  });

  it('validates shell-method arguments before showing anything', async () => {
    const res = await call('dialog:open-media', { kind: 'folder' }, 'd3');
    assert.equal(!res.ok && res.error.code, 'BAD_ARGS');
    const extra = await call('dialog:open-media', { kind: 'media', defaultPath: '/etc' }, 'd4');
    assert.equal(!extra.ok && extra.error.code, 'BAD_ARGS');
    assert.equal(dialogCalls.length, 0);
  });

  it('sends progress to the calling window under its own call id, and cancels', async () => {
    const pending = call('media:peaks', { trackId: 'abcdefgh1' }, 'p1');
    await until(() => win.sentOn(IPC.progress).length > 0, 'progress');
    assert.deepEqual(win.sentOn(IPC.progress)[0], ['p1', { stage: 'decoding', fraction: 0.5 }]);
    ipcMain.send(ipcEvent(win, frame(RENDERER_URL)), IPC.cancel, 'p1');
    const res = await pending;
    assert.equal(!res.ok && res.error.code, 'CANCELLED');
  });

  it('ignores cancels from foreign frames', async () => {
    const pending = call('media:peaks', { trackId: 'abcdefgh1' }, 'p2');
    await until(() => releaseSlow !== undefined && win.sentOn(IPC.progress).length > 0, 'the call to start');
    ipcMain.send(ipcEvent(win, frame('https://evil.example/')), IPC.cancel, 'p2');
    releaseSlow!();
    assert.equal((await pending).ok, true);
  });

  it('keeps call ids of different windows apart', async () => {
    const other = new FakeWebContents();
    windows.push(other);
    releaseSlow = undefined;
    const a = call('media:peaks', { trackId: 'abcdefgh1' }, 'same');
    await until(() => releaseSlow !== undefined, 'first call');
    const firstRelease = releaseSlow!;
    releaseSlow = undefined;
    const b = call('media:peaks', { trackId: 'abcdefgh2' }, 'same', other);
    await until(() => releaseSlow !== undefined, 'second call');
    // a duplicate id from the same window is refused while the first is in flight
    const dup = await call('media:peaks', { trackId: 'abcdefgh1' }, 'same');
    assert.equal(!dup.ok && dup.error.code, 'BAD_ARGS');
    // cancelling in one window leaves the other's call alone
    ipcMain.send(ipcEvent(other, frame(RENDERER_URL)), IPC.cancel, 'same');
    firstRelease();
    assert.equal((await a).ok, true);
    const rb = await b;
    assert.equal(!rb.ok && rb.error.code, 'CANCELLED');
  });

  it('cancels the calls of a window that closes', async () => {
    releaseSlow = undefined;
    const pending = call('media:peaks', { trackId: 'abcdefgh1' }, 'gone');
    await until(() => releaseSlow !== undefined, 'the call to start');
    win.destroy();
    const res = await pending;
    assert.equal(!res.ok && res.error.code, 'CANCELLED');
  });

  it('pushes engine events and engine:state to every window; a crash rejects with ENGINE_CRASHED, then ready', async () => {
    const other = new FakeWebContents();
    windows.push(other);
    fork.emit!('media:file-gone', { trackId: 'abcdefgh1', path: '/x.flac', message: 'gone' });
    await until(() => other.sentOn(IPC.event).length > 0, 'event');
    for (const w of [win, other]) assert.deepEqual(w.sentOn(IPC.event)[0], ['media:file-gone', { trackId: 'abcdefgh1', path: '/x.flac', message: 'gone' }]);

    releaseSlow = undefined;
    const pending = call('media:peaks', { trackId: 'abcdefgh1' }, 'k1');
    await until(() => releaseSlow !== undefined, 'the call to start');
    engine.killForTest();
    const res = await pending;
    assert.equal(!res.ok && res.error.code, 'ENGINE_CRASHED');
    await until(() => engine.state.state === 'ready' && fork.forks === 2, 'restart');
    const states = other.sentOn(IPC.event).filter(([n]) => n === 'engine:state').map(([, p]) => (p as { state: string }).state);
    assert.deepEqual(states, ['crashed', 'starting', 'ready']);
    assert.equal((await call('recent:list', {}, 'k2')).ok, true);
  });

  it('broadcast and sendEvent reach windows and skip destroyed ones', () => {
    const other = new FakeWebContents();
    windows.push(other);
    other.destroyed = true;
    reg.broadcast('app:open-paths', { paths: ['/a.mp3'] });
    assert.deepEqual(win.sentOn(IPC.event), [['app:open-paths', { paths: ['/a.mp3'] }]]);
    assert.deepEqual(other.sentOn(IPC.event), []);
    reg.sendEvent(win, 'engine:state', { state: 'ready', restarts: 0 });
    assert.equal(win.sentOn(IPC.event).length, 2);
  });

  it('dispose removes the handlers', () => {
    reg.dispose();
    assert.equal(ipcMain.handlers.size, 0);
    assert.equal(ipcMain.listeners.get(IPC.cancel)?.size ?? 0, 0);
  });
});

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import vm from 'node:vm';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IPC, type StudioBridge } from '@contract';
import { createDesktopBridge, type IpcRendererLike } from '../../preload/bridge';
import { ROOT } from '../helpers/media';

class FakeIpcRenderer extends EventEmitter implements IpcRendererLike {
  invoked: unknown[][] = [];
  sent: unknown[][] = [];
  answer: (method: string) => Promise<unknown> = async () => ({ ok: true, value: 42 });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return this.answer(args[0] as string);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
}

const RENDERER_EVENT = { sender: 'the IpcRendererEvent must not reach the page' };

function make(getPath: (f: File) => string = () => '/home/me/a.flac') {
  const ipc = new FakeIpcRenderer();
  const bridge: StudioBridge = createDesktopBridge({ ipcRenderer: ipc, webUtils: { getPathForFile: getPath } });
  return { ipc, bridge };
}

describe('preload bridge (window.studio in the desktop app)', () => {
  it('is the desktop StudioBridge and nothing more', () => {
    const { bridge } = make();
    assert.equal(bridge.mode, 'desktop');
    assert.deepEqual(Object.keys(bridge).sort(), ['call', 'cancel', 'mediaUrl', 'mode', 'onEvent', 'onProgress', 'onToken', 'pathForFile']);
  });

  it('calls over IPC.call and unwraps the envelope', async () => {
    const { ipc, bridge } = make();
    assert.equal(await bridge.call('model:status', {}, 'c1'), 42);
    assert.deepEqual(ipc.invoked, [[IPC.call, 'model:status', {}, 'c1']]);
    ipc.answer = async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'No such track.' } });
    await assert.rejects(bridge.call('media:get-track', { trackId: 'abcdefgh' }, 'c2'), { code: 'NOT_FOUND', message: 'No such track.' });
  });

  it('turns a missing handler or a strange answer into typed errors', async () => {
    const { ipc, bridge } = make();
    ipc.answer = async () => {
      throw new Error("Error invoking remote method 'studio:call': no handler");
    };
    await assert.rejects(bridge.call('model:status', {}, 'c3'), (e: { code: string }) => e.code === 'ENGINE_UNAVAILABLE');
    ipc.answer = async () => 'surprise';
    await assert.rejects(bridge.call('model:status', {}, 'c4'), (e: { code: string }) => e.code === 'INTERNAL');
  });

  it('cancels over IPC.cancel', () => {
    const { ipc, bridge } = make();
    bridge.cancel('c9');
    assert.deepEqual(ipc.sent, [[IPC.cancel, 'c9']]);
  });

  it('delivers progress, tokens and events without the IpcRendererEvent, and unsubscribes', () => {
    const { ipc, bridge } = make();
    const progress: unknown[][] = [];
    const events: unknown[][] = [];
    const tokens: unknown[][] = [];
    const offP = bridge.onProgress((...a) => void progress.push(a));
    const offE = bridge.onEvent((...a) => void events.push(a));
    const offT = bridge.onToken((...a) => void tokens.push(a));
    ipc.emit(IPC.progress, RENDERER_EVENT, 'c1', { stage: 'decoding', fraction: 0.25 });
    ipc.emit(IPC.event, RENDERER_EVENT, 'engine:state', { state: 'ready', restarts: 0 });
    ipc.emit(IPC.token, RENDERER_EVENT, 'c2', ' the');
    assert.deepEqual(progress, [['c1', { stage: 'decoding', fraction: 0.25 }]]);
    assert.deepEqual(events, [['engine:state', { state: 'ready', restarts: 0 }]]);
    assert.deepEqual(tokens, [['c2', ' the']]);
    offP();
    offE();
    offT();
    assert.equal(ipc.listenerCount(IPC.progress), 0);
    assert.equal(ipc.listenerCount(IPC.event), 0);
    assert.equal(ipc.listenerCount(IPC.token), 0);
    ipc.emit(IPC.event, RENDERER_EVENT, 'engine:state', { state: 'crashed', restarts: 1 });
    assert.equal(events.length, 1);
  });

  it('builds studio-media:// URLs', () => {
    const { bridge } = make();
    assert.equal(bridge.mediaUrl('track', 'abcdefgh01'), 'studio-media://track/abcdefgh01');
    assert.equal(bridge.mediaUrl('frame', 'abc/../x'), 'studio-media://frame/abc%2F..%2Fx');
  });

  it('gives the path of a dropped file, or null', () => {
    const file = {} as File;
    assert.equal(make().bridge.pathForFile(file), '/home/me/a.flac');
    assert.equal(make(() => '').bridge.pathForFile(file), null);
    assert.equal(
      make(() => {
        throw new TypeError('not a File');
      }).bridge.pathForFile(file),
      null,
    );
  });

  it('exposes exactly window.studio through contextBridge', () => {
    const src = readFileSync(join(ROOT, 'preload', 'index.ts'), 'utf8');
    const exposes = [...src.matchAll(/exposeInMainWorld\(\s*'([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(exposes, ['studio']);
  });
});

describe('the built preload (out/preload/preload.cjs)', () => {
  const bundle = join(ROOT, 'out', 'preload', 'preload.cjs');

  it('runs in a sandbox that can only require electron, and exposes window.studio', { skip: !existsSync(bundle) && 'run `npm run build` first' }, () => {
    const exposed: Record<string, unknown> = {};
    const required: string[] = [];
    const ipc = new FakeIpcRenderer();
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: ipc,
      webUtils: { getPathForFile: () => '/x.flac' },
    };
    const module = { exports: {} };
    vm.runInNewContext(readFileSync(bundle, 'utf8'), {
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
        return fakeElectron;
      },
      module,
      exports: module.exports,
    });
    assert.deepEqual([...new Set(required)], ['electron']);
    assert.deepEqual(Object.keys(exposed), ['studio']);
    const studio = exposed.studio as StudioBridge;
    assert.equal(studio.mode, 'desktop');
    assert.equal(studio.mediaUrl('cover', 'abcdefgh01'), 'studio-media://cover/abcdefgh01');
  });
});

// A second launch of the desktop app: the built main (out/main/electron.js) under Node with `electron` faked
// (test/helpers/electron-loader.mjs), its single-instance lock refused as Electron refuses it when the app
// already runs. It must quit before ready: no window, no engine, no data folder lock (the first app's
// 'second-instance' gets its command line: engine-host-electron.test.ts).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/media';

const MAIN = join(ROOT, 'out', 'main', 'electron.js');

describe('desktop main: a second launch', { skip: !existsSync(MAIN) && 'run `npm run build` first' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-second-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('quits when the single-instance lock is held by the first app: no window, no engine, nothing written to the data folder', async () => {
    const calls: string[] = [];
    const app = Object.assign(new EventEmitter(), {
      isPackaged: false,
      whenReady: () => (calls.push('whenReady'), new Promise<void>(() => undefined)),
      getPath: (name: string) => join(dir, name),
      setPath: (name: string, p: string) => calls.push(`setPath ${name} ${p}`),
      requestSingleInstanceLock: () => (calls.push('lock'), false),
      enableSandbox: () => calls.push('sandbox'),
      quit: () => calls.push('quit'),
    });
    const unused = new Proxy({}, { get: (_t, k) => { throw new Error(`a second instance used electron's ${String(k)}`); } });
    (globalThis as Record<string, unknown>).__studioFakeElectron = {
      app,
      protocol: { registerSchemesAsPrivileged: () => undefined },
      BrowserWindow: unused, dialog: unused, ipcMain: unused, Menu: unused, screen: unused, session: unused, shell: unused, utilityProcess: unused,
    };
    delete process.env.STUDIO_DATA_DIR; // (it would move userData: setPath)
    register(new URL('../helpers/electron-loader.mjs', import.meta.url));
    await import(pathToFileURL(MAIN).href);
    assert.deepEqual(calls, ['sandbox', 'lock', 'quit']);
    assert.equal(app.listenerCount('second-instance'), 0);
    assert.deepEqual(readdirSync(dir), [], 'no data folder made, no lock taken');
  });
});

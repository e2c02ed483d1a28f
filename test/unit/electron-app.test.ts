import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { RecentEntry } from '@contract';
import { electronForker, ENGINE_SERVICE_NAME, type UtilityProcessLike } from '../../main/electron/engine-fork';
import { buildMenuTemplate, type MenuItemTemplate } from '../../main/electron/menu';
import { OpenPathsRelay, pathsFromArgv } from '../../main/electron/open-paths';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState, trackWindowState } from '../../main/electron/window-state';
import { OUTPUT } from '../helpers/media';

const recent: RecentEntry[] = [
  { trackId: 'abcdefgh01', path: '/m/a.flac', fileName: 'a.flac', kind: 'audio', title: 'Rock & Roll', artist: 'Band', lastOpenedAt: 2, missing: false },
  { trackId: 'abcdefgh02', path: '/m/gone.mp3', fileName: 'gone.mp3', kind: 'audio', lastOpenedAt: 1, missing: true },
];

function find(items: MenuItemTemplate[], pred: (i: MenuItemTemplate) => boolean): MenuItemTemplate | undefined {
  for (const i of items) {
    if (pred(i)) return i;
    const inner = i.submenu && find(i.submenu, pred);
    if (inner) return inner;
  }
  return undefined;
}

describe('app menu', () => {
  const calls: string[] = [];
  const actions = {
    open: () => calls.push('open'),
    openRecent: (p: string) => calls.push(`recent ${p}`),
    clearRecent: () => calls.push('clear'),
    about: () => calls.push('about'),
  };

  it('has File (Open…, Open Recent, Quit), View (zoom) and Help (About) with accelerators', () => {
    const t = buildMenuTemplate({ appName: 'Resonance Studio', platform: 'linux', isDev: false, recent, actions });
    assert.deepEqual(t.map((i) => i.label ?? i.role), ['&File', 'editMenu', '&View', '&Help']);
    const file = t[0].submenu!;
    assert.equal(find(file, (i) => i.id === 'open')!.accelerator, 'CmdOrCtrl+O');
    assert.equal(find(file, (i) => i.id === 'quit')!.accelerator, 'CmdOrCtrl+Q');
    assert.equal(find(file, (i) => i.id === 'quit')!.role, 'quit');
    const view = t[2].submenu!;
    assert.deepEqual(view.filter((i) => i.role).map((i) => i.role), ['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    for (const i of view.filter((x) => x.role)) assert.ok(i.accelerator, i.role);
    assert.equal(find(t, (i) => i.role === 'toggleDevTools'), undefined);

    find(file, (i) => i.id === 'open')!.click!();
    find(t, (i) => i.id === 'about')!.click!();
    assert.deepEqual(calls.splice(0), ['open', 'about']);
  });

  it('lists recent files; missing ones are disabled', () => {
    const t = buildMenuTemplate({ appName: 'Resonance Studio', platform: 'linux', isDev: false, recent, actions });
    const sub = find(t, (i) => i.id === 'open-recent')!.submenu!;
    assert.equal(sub[0].label, 'Band — Rock && Roll');
    assert.equal(sub[1].label, 'gone.mp3 (missing)');
    assert.equal(sub[1].enabled, false);
    sub[0].click!();
    find(sub, (i) => i.id === 'recent-clear')!.click!();
    assert.deepEqual(calls.splice(0), ['recent /m/a.flac', 'clear']);
    const empty = buildMenuTemplate({ appName: 'Resonance Studio', platform: 'linux', isDev: false, recent: [], actions });
    assert.equal(find(empty, (i) => i.id === 'recent-none')!.enabled, false);
  });

  it('offers devtools and reload only in development, and follows macOS conventions there', () => {
    const dev = buildMenuTemplate({ appName: 'Resonance Studio', platform: 'linux', isDev: true, recent: [], actions });
    assert.ok(find(dev, (i) => i.role === 'toggleDevTools'));
    assert.ok(find(dev, (i) => i.role === 'reload'));
    const mac = buildMenuTemplate({ appName: 'Resonance Studio', platform: 'darwin', isDev: false, recent: [], actions });
    assert.equal(mac[0].role, 'appMenu');
    assert.ok(find(mac, (i) => i.role === 'windowMenu'));
  });
});

describe('window state', () => {
  const dir = join(OUTPUT, 'electron-window-state');

  it('round-trips through a file and falls back to the default', () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'window-state.json');
    assert.deepEqual(loadWindowState(file), DEFAULT_WINDOW_STATE);
    saveWindowState(file, { x: 30, y: 40, width: 1100, height: 750, maximized: false });
    assert.deepEqual(loadWindowState(file), { x: 30, y: 40, width: 1100, height: 750, maximized: false });
    assert.deepEqual(loadWindowState(file, () => '{"width":"big"}'), DEFAULT_WINDOW_STATE);
    assert.deepEqual(loadWindowState(file, () => 'not json'), DEFAULT_WINDOW_STATE);
    assert.deepEqual(loadWindowState(file, () => '{"width":10,"height":10}'), { width: 800, height: 560, maximized: false });
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the window on a display that is still there', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1050 }];
    assert.deepEqual(fitToDisplays({ x: 100, y: 100, width: 1200, height: 800, maximized: false }, screen), { x: 100, y: 100, width: 1200, height: 800, maximized: false });
    // saved on a second monitor that was unplugged: drop the position
    assert.deepEqual(fitToDisplays({ x: 2500, y: 100, width: 1200, height: 800, maximized: true }, screen), { width: 1200, height: 800, maximized: true });
    // bigger than the screen: shrink
    assert.deepEqual(fitToDisplays({ x: 0, y: 0, width: 4000, height: 3000, maximized: false }, screen), { x: 0, y: 0, width: 1920, height: 1050, maximized: false });
  });

  it('saves the normal bounds when the window closes', () => {
    const win = Object.assign(new EventEmitter(), {
      getNormalBounds: () => ({ x: 5, y: 6, width: 900, height: 600 }),
      isMaximized: () => true,
      isDestroyed: () => false,
    });
    const saved: unknown[] = [];
    trackWindowState(win, (s) => saved.push(s));
    win.emit('resize');
    win.emit('close');
    assert.deepEqual(saved, [{ x: 5, y: 6, width: 900, height: 600, maximized: true }]);
  });
});

describe('files opened from outside', () => {
  const files = new Set(['/m/a.flac', '/home/me/Music/b b.MP3', '/m/clip.mp4', '/m/notes.txt']);
  const isFile = (p: string) => files.has(p);

  it('takes media files from the command line', () => {
    assert.deepEqual(pathsFromArgv(['/opt/studio/resonance-studio', '--no-sandbox', '/m/a.flac', 'b b.MP3', '/m/notes.txt', '/m/missing.flac', '/m/a.flac'], { cwd: '/home/me/Music', isPackaged: true, isFile }), [
      '/m/a.flac',
      '/home/me/Music/b b.MP3',
    ]);
    // `electron . file`: argv[1] is the app folder
    assert.deepEqual(pathsFromArgv(['/usr/bin/electron', '.', '--', '-/m/clip.mp4', '/m/clip.mp4'], { cwd: '/m', isPackaged: false, isFile }), ['/m/clip.mp4']);
  });

  it('holds paths until the renderer has loaded, then passes them straight through', () => {
    const relay = new OpenPathsRelay();
    const got: string[][] = [];
    relay.push(['/a.mp3']);
    relay.push(['/b.mp3', '/a.mp3']);
    relay.push([]);
    relay.attach((p) => got.push(p));
    assert.deepEqual(got, [['/a.mp3', '/b.mp3']]);
    relay.push(['/c.mp3']);
    relay.detach();
    relay.push(['/d.mp3']);
    assert.deepEqual(got, [['/a.mp3', '/b.mp3'], ['/c.mp3']]);
    relay.attach((p) => got.push(p));
    assert.deepEqual(got.at(-1), ['/d.mp3']);
  });
});

describe('engine under utilityProcess', () => {
  class FakeChild extends EventEmitter implements UtilityProcessLike {
    pid: number | undefined = 777;
    stdout = new PassThrough();
    stderr = new PassThrough();
    posted: unknown[] = [];
    killed = 0;
    postMessage(m: unknown): void {
      this.posted.push(m);
    }
    kill(): boolean {
      this.killed++;
      return true;
    }
  }

  it('forks with the service name, env and piped stdio, and speaks EngineProcess', async () => {
    const child = new FakeChild();
    const forks: Array<{ modulePath: string; args: string[]; options: { env: Record<string, string>; serviceName: string; stdio: 'pipe' } }> = [];
    const log = new PassThrough();
    const killed: Array<[number, string]> = [];
    const forker = electronForker(
      { fork: (modulePath, args, options) => (forks.push({ modulePath, args, options }), child) },
      { log, baseEnv: { PATH: '/usr/bin', UNSET: undefined }, kill: (pid, s) => void killed.push([pid, s]) },
    );
    const proc = forker('/app/out/engine/index.js', { STUDIO_DATA_DIR: '/data' });
    assert.equal(forks[0].modulePath, '/app/out/engine/index.js');
    assert.deepEqual(forks[0].args, []);
    assert.deepEqual(forks[0].options, { env: { PATH: '/usr/bin', STUDIO_DATA_DIR: '/data' }, serviceName: ENGINE_SERVICE_NAME, stdio: 'pipe' });
    assert.equal(proc.pid, 777);

    proc.send({ t: 'req', id: 'a', method: 'model:status', args: {} });
    assert.deepEqual(child.posted, [{ t: 'req', id: 'a', method: 'model:status', args: {} }]);
    const got: unknown[] = [];
    proc.onMessage((m) => got.push(m));
    child.emit('message', { t: 'event', name: 'engine:ready', payload: {} });
    assert.deepEqual(got, [{ t: 'event', name: 'engine:ready', payload: {} }]);

    const chunks: string[] = [];
    log.on('data', (d: Buffer) => chunks.push(String(d)));
    child.stderr.write('engine says hi\n');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(chunks, ['engine says hi\n']);

    proc.kill('SIGKILL');
    assert.deepEqual(killed, [[777, 'SIGKILL']]);
    proc.kill();
    assert.equal(child.killed, 1);

    const exits: Array<[number | null, string | null]> = [];
    proc.onExit((code, signal) => exits.push([code, signal]));
    child.emit('exit', 9);
    assert.deepEqual(exits, [[9, null]]);
    assert.throws(() => proc.send({}), /closed/);
    proc.kill();
    assert.equal(child.killed, 1);
  });
});


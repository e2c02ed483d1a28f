import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineHost } from '../../main/engine-host';
import { startServer, type StudioServer } from '../../main/serve/server';
import type { RootsSetting } from '../../main/engine/fs/roots';
import { startTestEngine } from '../helpers/engine';
import { rpc } from '../helpers/raw-ws';
import { imageFile, OUTPUT, ROOT, toneFile } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

// Issue 15 item 4: web mode is limited to the operator's folders (`studio serve --root DIR`).
const BASE = join(OUTPUT, 'serve-roots');
const root = join(BASE, 'root');
const outside = join(BASE, 'outside');

let engine: EngineHost;
let server: StudioServer;
let free: EngineHost;
let freeServer: StudioServer;

before(async () => {
  rmSync(BASE, { recursive: true, force: true });
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(outside, 'deep'), { recursive: true });
  const tone = toneFile('serve-roots-tone.mp3', 2);
  copyFileSync(tone, join(root, 'tone.mp3'));
  copyFileSync(tone, join(outside, 'tone.mp3'));
  copyFileSync(imageFile(), join(root, 'cover.png'));
  copyFileSync(imageFile(), join(outside, 'cover.png'));
  // symlinks inside the root that lead out of it
  symlinkSync(outside, join(root, 'link-dir'));
  symlinkSync(join(outside, 'tone.mp3'), join(root, 'link-tone.mp3'));
  symlinkSync(join(outside, 'cover.png'), join(root, 'link-cover.png'));
  const roots: RootsSetting = { dirs: [root], libraryFolders: false };
  ({ engine } = await startTestEngine({ env: { STUDIO_ROOTS: JSON.stringify(roots) } }));
  server = await startServer({ engine, rendererDir: join(ROOT, 'out', 'renderer') });
  // the engine as the desktop app and the CLI start it: no STUDIO_ROOTS
  ({ engine: free } = await startTestEngine());
  freeServer = await startServer({ engine: free, rendererDir: join(ROOT, 'out', 'renderer') });
});
after(async () => {
  await server.close();
  await engine.stop();
  await freeServer.close();
  await free.stop();
});

function connect(s: StudioServer): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, [], { headers: { authorization: `Bearer ${s.token}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}


async function refused(ws: WebSocket, method: string, args: unknown): Promise<void> {
  const r = await rpc(ws, method, args);
  assert.equal(r.ok, false, `${method} ${JSON.stringify(args)} was allowed`);
  assert.equal(r.error.code, 'FORBIDDEN', `${method}: ${JSON.stringify(r.error)}`);
  assert.match(r.error.message, /--root DIR/, 'the message says how to allow it');
}

async function allowed(ws: WebSocket, method: string, args: unknown): Promise<any> {
  const r = await rpc(ws, method, args);
  assert.equal(r.ok, true, `${method} ${JSON.stringify(args)}: ${JSON.stringify(r.error)}`);
  return r.value;
}

test('browsing (fs:list-dir): outside, through a symlink and by ".." refused; the root and below listed; "up" stops at the root', async () => {
  const ws = await connect(server);
  try {
    for (const path of [outside, '/', '/etc', join(root, 'link-dir'), join(root, 'link-dir', 'deep'), join(root, '..', 'outside'), join(outside, 'does-not-exist')]) {
      await refused(ws, 'fs:list-dir', { path });
    }
    const top = await allowed(ws, 'fs:list-dir', { path: root });
    assert.equal(top.parent, null, 'the parent of a root is not offered');
    assert.deepEqual(top.roots, [root], 'the roots are offered instead (tester33: a second root was reached only by typing its path)');
    assert.ok(top.entries.some((e: { name: string }) => e.name === 'tone.mp3'));
    const start = await allowed(ws, 'fs:list-dir', {});
    assert.equal(start.path, root, 'without a path the browser starts in the first root');
    const sub = await allowed(ws, 'fs:list-dir', { path: join(root, 'sub') });
    assert.equal(sub.parent, root);
    // inside a root, a missing folder is the ordinary NOT_FOUND
    assert.equal((await rpc(ws, 'fs:list-dir', { path: join(root, 'nope') })).error.code, 'NOT_FOUND');
  } finally {
    ws.close();
  }
});

test('opening (media:probe, media:open): outside and symlinks out refused; files in the root open', async () => {
  const ws = await connect(server);
  try {
    for (const method of ['media:probe', 'media:open']) {
      for (const path of [join(outside, 'tone.mp3'), join(root, 'link-tone.mp3'), join(root, 'link-dir', 'tone.mp3'), join(root, '..', 'outside', 'tone.mp3'), '/etc/passwd']) {
        await refused(ws, method, { path });
      }
    }
    const probe = await allowed(ws, 'media:probe', { path: join(root, 'tone.mp3') });
    assert.equal(probe.tags.title, 'Test Tone');
    const track = await allowed(ws, 'media:open', { path: join(root, 'tone.mp3') });
    assert.ok(track.id);
  } finally {
    ws.close();
  }
});

test('covers (media:set-cover) and chat image attachments: outside images refused; one in the root attaches', async () => {
  const ws = await connect(server);
  try {
    const track = await allowed(ws, 'media:open', { path: join(root, 'tone.mp3') });
    for (const imagePath of [join(outside, 'cover.png'), join(root, 'link-cover.png'), join(root, 'link-dir', 'cover.png')]) {
      await refused(ws, 'media:set-cover', { trackId: track.id, imagePath });
    }
    await refused(ws, 'chat:ask', { trackId: track.id, instruction: 'what is in this picture?', attachments: { audio: null, image: { path: join(outside, 'cover.png') }, video: false } });
    const covered = await allowed(ws, 'media:set-cover', { trackId: track.id, imagePath: join(root, 'cover.png') });
    assert.equal(covered.id, track.id);
    await allowed(ws, 'media:set-cover', { trackId: track.id, imagePath: null });
  } finally {
    ws.close();
  }
});

test('library folders and scan paths: outside and symlinked folders refused; a folder in the root is added', async () => {
  const ws = await connect(server);
  try {
    await refused(ws, 'library:add-folder', { path: outside });
    await refused(ws, 'library:add-folder', { path: join(root, 'link-dir') });
    await refused(ws, 'library:add-folder', { path: '/' });
    await refused(ws, 'library:scan', { paths: [join(root, 'tone.mp3'), join(outside, 'tone.mp3')] });
    await refused(ws, 'library:scan', { paths: [join(root, 'link-tone.mp3')] });
    const folder = await allowed(ws, 'library:add-folder', { path: join(root, 'sub') });
    assert.equal(folder.path, join(root, 'sub'));
    // export hands its content back over the socket; it writes nowhere on the server
    const exp = await allowed(ws, 'library:export', { format: 'json' });
    assert.equal(typeof exp.content, 'string');
  } finally {
    ws.close();
  }
});

test('an engine started without roots (desktop app, CLI) keeps its freedom', async () => {
  const ws = await connect(freeServer);
  try {
    const list = await allowed(ws, 'fs:list-dir', { path: outside });
    assert.ok(list.entries.some((e: { name: string }) => e.name === 'tone.mp3'));
    assert.equal(list.roots, undefined, 'no roots to offer');
    await allowed(ws, 'media:probe', { path: join(root, 'link-tone.mp3') });
    const track = await allowed(ws, 'media:open', { path: join(outside, 'tone.mp3') });
    await allowed(ws, 'media:set-cover', { trackId: track.id, imagePath: join(outside, 'cover.png') });
  } finally {
    ws.close();
  }
});

const STUDIO = join(ROOT, 'bin', 'studio.js');

test('ids opened earlier (by the desktop app on the same data folder) are re-checked at every call and every media request', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-roots-shared-'));
  // the desktop app (no roots) opens a file outside the roots, and attaches an outside cover to one inside
  const { engine: desktop } = await startTestEngine({ dataDir });
  const out = await desktop.call('media:open', { path: join(outside, 'tone.mp3') });
  const inside = await desktop.call('media:open', { path: join(root, 'tone.mp3') });
  copyFileSync(join(root, 'tone.mp3'), join(root, 'sub', 'covered.mp3'));
  const covered = await desktop.call('media:open', { path: join(root, 'sub', 'covered.mp3') });
  await desktop.call('media:set-cover', { trackId: covered.id, imagePath: join(outside, 'cover.png') });
  await desktop.stop();
  const roots: RootsSetting = { dirs: [root], libraryFolders: false };
  const { engine: web } = await startTestEngine({ dataDir, env: { STUDIO_ROOTS: JSON.stringify(roots) } });
  const webServer = await startServer({ engine: web, rendererDir: join(ROOT, 'out', 'renderer') });
  const ws = await connect(webServer);
  const get = (path: string) => fetch(`http://127.0.0.1:${webServer.port}${path}`, { headers: { authorization: `Bearer ${webServer.token}` } });
  try {
    for (const [method, args] of [
      ['media:get-track', { trackId: out.id }],
      ['media:peaks', { trackId: out.id }],
      ['media:spectrogram', { trackId: out.id }],
      ['library:track-detail', { trackId: out.id }],
      ['chat:get-thread', { trackId: out.id }],
      ['recent:remove', { trackId: out.id }],
    ] as const) {
      await refused(ws, method, args);
    }
    for (const kind of ['track', 'playable', 'cover']) {
      const r = await get(`/media/${kind}/${out.id}`);
      assert.equal(r.status, 403, `${kind}: ${await r.text()}`);
    }
    const coverOut = await get(`/media/cover/${covered.id}`);
    assert.equal(coverOut.status, 403, 'an attached cover outside the roots is not served');
    await refused(ws, 'chat:ask', { trackId: covered.id, instruction: 'x', attachments: { audio: null, image: 'cover', video: false } });
    assert.equal((await get(`/media/track/${inside.id}`)).status, 200, 'a track inside the roots is served');
    await allowed(ws, 'media:peaks', { trackId: inside.id });
    const recent = (await allowed(ws, 'recent:list', {})) as { trackId: string }[];
    assert.ok(recent.some((e) => e.trackId === inside.id));
    assert.ok(!recent.some((e) => e.trackId === out.id), 'recent files outside the roots are not listed');
    // a filmstrip frame made outside this web session is not served
    assert.equal((await get(`/media/frame/${'0'.repeat(32)}.4.0`)).status, 403);
  } finally {
    ws.close();
    await webServer.close();
    await web.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a library and a model pack kept by the desktop app on the same data folder: web mode lists, exports and acts only inside the roots, and refuses a remembered pack outside them', async () => {
  ensureTinyPacks();
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-roots-lib-'));
  const libIn = join(root, 'lib-in');
  const libOut = join(outside, 'lib-out');
  for (const d of [libIn, libOut]) {
    mkdirSync(d, { recursive: true });
    copyFileSync(join(root, 'tone.mp3'), join(d, 'tone.mp3'));
  }
  // the desktop app (no roots): a library folder inside and one outside, and a pack outside, remembered
  const { engine: desktop } = await startTestEngine({ dataDir });
  const folderIn = await desktop.call('library:add-folder', { path: libIn });
  const folderOut = await desktop.call('library:add-folder', { path: libOut });
  await desktop.call('library:idle', {});
  const all = await desktop.call('library:query', { offset: 0, limit: 100 });
  assert.equal(all.total, 2, 'the desktop app sees both folders’ tracks');
  const rowIn = all.rows.find((r) => r.folderId === folderIn.id)!;
  const rowOut = all.rows.find((r) => r.folderId === folderOut.id)!;
  await desktop.call('model:choose-pack', { path: join(TINY_DIR, 'packs', 'beta-fp32') });
  await desktop.stop();
  const roots: RootsSetting = { dirs: [root], libraryFolders: false };
  const { engine: web } = await startTestEngine({ dataDir, env: { STUDIO_ROOTS: JSON.stringify(roots), STUDIO_LIBRARY_BACKGROUND: '0' } });
  const webServer = await startServer({ engine: web, rendererDir: join(ROOT, 'out', 'renderer') });
  const ws = await connect(webServer);
  try {
    const page = await allowed(ws, 'library:query', { offset: 0, limit: 100 });
    assert.deepEqual(page.rows.map((r: { path: string }) => r.path), [rowIn.path], 'rows outside the roots are not listed');
    assert.equal(page.total, 1, 'nor counted');
    assert.equal((await allowed(ws, 'library:query', { offset: 0, limit: 100, filter: { folderId: folderOut.id } })).total, 0);
    for (const format of ['json', 'csv']) {
      const exp = await allowed(ws, 'library:export', { format });
      assert.equal(exp.count, 1, `${format} export holds only the rows inside the roots`);
      assert.ok(!exp.content.includes(libOut), `${format} export names no file outside the roots`);
    }
    assert.equal((await allowed(ws, 'library:export', { format: 'json', trackIds: [rowOut.id, rowIn.id] })).count, 1, 'a selection naming an outside id exports only the inside one');
    const folders = await allowed(ws, 'library:list-folders', {});
    assert.deepEqual(folders.map((f: { id: string }) => f.id), [folderIn.id], 'library folders outside the roots are not listed');
    await refused(ws, 'library:scan', { folderId: folderOut.id });
    await refused(ws, 'library:remove-folder', { folderId: folderOut.id });
    await allowed(ws, 'library:scan', { folderId: folderIn.id });
    await allowed(ws, 'library:idle', {});
    // "scan all" scans only the folders inside the roots
    await allowed(ws, 'library:scan', {});
    const scanned = await allowed(ws, 'library:idle', {});
    assert.equal(scanned.total, 1, `only the inside folder's file is walked: ${JSON.stringify(scanned)}`);
    // the remembered pack is outside the roots: asking and reloading it are refused, saying how to choose one inside
    for (const [method, args] of [
      ['chat:ask', { trackId: rowIn.id, instruction: 'hi', attachments: { audio: null, image: null, video: false } }],
      ['model:set-provider', { provider: 'cpu' }],
    ] as const) {
      const r = await rpc(ws, method, args);
      assert.equal(r.error?.code, 'FORBIDDEN', `${method}: ${JSON.stringify(r)}`);
      assert.match(r.error.message, /model pack in use .*is outside web mode's allowed folders/);
      assert.match(r.error.message, /Choose a model pack inside them/);
    }
    // a pack inside the roots is chosen, and then used
    const packIn = join(root, 'pack');
    rmSync(packIn, { recursive: true, force: true });
    cpSync(join(TINY_DIR, 'packs', 'beta-fp32'), packIn, { recursive: true });
    const status = await allowed(ws, 'model:choose-pack', { path: packIn });
    assert.equal(status.packPath, packIn);
    assert.equal((await allowed(ws, 'model:set-provider', { provider: 'cpu' })).provider.requested, 'cpu');
  } finally {
    ws.close();
    await webServer.close();
    await web.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('model packs: choosing a pack and model:ask paths outside the roots are refused', async () => {
  const ws = await connect(server);
  try {
    await refused(ws, 'model:choose-pack', { path: outside });
    await refused(ws, 'model:ask', { packPath: outside, instruction: 'hi' });
    await refused(ws, 'model:ask', { packPath: join(root, 'sub'), instruction: 'hi', audio: { path: join(outside, 'tone.mp3') } });
  } finally {
    ws.close();
  }
});

test('studio serve --root refuses a folder that does not exist, and a file, each in its own words (exit 2)', () => {
  // tester28: a mistyped path read "not a folder", as if something else were there
  const serve = (dir: string) => spawnSync(process.execPath, [STUDIO, 'serve', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'rs-roots-')), '--root', dir], { encoding: 'utf8', timeout: 60_000 });
  const r = serve(join(BASE, 'missing'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--root .*missing: does not exist\./);
  const file = join(BASE, 'a-file.txt');
  writeFileSync(file, 'not a folder\n');
  const f = serve(file);
  assert.equal(f.status, 2, f.stderr);
  assert.match(f.stderr, /--root .*a-file\.txt: not a folder \(a file\)\./);
});

test('studio serve without --root: the music folder ($XDG_MUSIC_DIR) plus the library folders, end to end', async () => {
  const music = join(BASE, 'music');
  mkdirSync(music, { recursive: true });
  copyFileSync(join(root, 'tone.mp3'), join(music, 'tone.mp3'));
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-roots-'));
  const proc = spawn(process.execPath, [STUDIO, 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_MUSIC_DIR: music },
  });
  try {
    let out = '';
    proc.stdout!.setEncoding('utf8');
    const url = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 120_000); // only a hang guard
      proc.stdout!.on('data', (d: string) => {
        out += d;
        const m = /(http:\/\/\S+#token=\S+)\n[^\n]*\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(new URL(m[1]));
        }
      });
    });
    assert.match(out, new RegExp(`limited to: ${music.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and the library folders`));
    const s = { port: Number(url.port), token: new URLSearchParams(url.hash.slice(1)).get('token')! } as StudioServer;
    const ws = await connect(s);
    try {
      const start = await allowed(ws, 'fs:list-dir', {});
      assert.equal(start.path, music);
      await allowed(ws, 'media:open', { path: join(music, 'tone.mp3') });
      await refused(ws, 'media:open', { path: join(root, 'tone.mp3') });
      await refused(ws, 'library:add-folder', { path: root });
    } finally {
      ws.close();
    }
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});

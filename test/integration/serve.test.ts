import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineHost } from '../../main/engine-host';
import { startServer, type StudioServer } from '../../main/serve/server';
import { startTestEngine } from '../helpers/engine';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { imageFile, OUTPUT, ROOT, toneFile } from '../helpers/media';

let engine: EngineHost;
let server: StudioServer;

before(async () => {
  ({ engine } = await startTestEngine());
  server = await startServer({ engine, rendererDir: join(ROOT, 'out', 'renderer') });
});
after(async () => {
  await server.close();
  await engine.stop();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `studio_token=${server.token}`;

test('the printed URL binds to loopback and carries a random token', () => {
  assert.match(server.openUrl, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
});

test('without the token every path is refused (401)', async () => {
  for (const p of ['/', '/index.html', '/media/track/abcdefgh1234']) {
    const r = await get(p);
    assert.equal(r.status, 401, p);
    assert.match(r.body, /access token/);
  }
  assert.equal((await get('/?token=wrong')).status, 401);
});

test('the token in the URL becomes an HttpOnly SameSite=Strict cookie, then the UI loads with a CSP', async () => {
  const r = await get(`/?token=${server.token}`);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, '/');
  const setCookie = String(r.headers['set-cookie']);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const page = await get('/', { cookie: cookie() });
  assert.equal(page.status, 200);
  assert.match(page.body, /<div id="app">/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
});

test('a foreign Host header is refused (DNS rebinding)', async () => {
  const r = await get('/', { cookie: cookie(), host: 'evil.example:80' });
  assert.equal(r.status, 421);
});

test('static paths cannot escape the renderer folder', async () => {
  const r = await get('/..%2f..%2fpackage.json', { cookie: cookie() });
  assert.equal(r.status, 404);
});

test('media for unknown ids and malformed paths is 404', async () => {
  assert.equal((await get('/media/track/abcdefgh1234', { cookie: cookie() })).status, 404);
  assert.equal((await get('/media/track/..%2f..%2fetc%2fpasswd', { cookie: cookie() })).status, 404);
  assert.equal((await get('/media/other/abcdefgh1234', { cookie: cookie() })).status, 404);
});

function connect(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function rpc(ws: WebSocket, method: string, args: unknown, id = `t${Math.random().toString(36).slice(2)}`): Promise<{ ok: boolean; value?: any; error?: any }> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data));
      if (m.t === 'res' && m.id === id) {
        ws.off('message', onMsg);
        resolve(m);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'req', id, method, args }));
  });
}

test('the WebSocket needs the token and a same-origin Origin', async () => {
  await assert.rejects(connect({}), /403/);
  await assert.rejects(connect({ cookie: cookie(), origin: 'http://evil.example' }), /403/);
  const ws = await connect({ cookie: cookie(), origin: `http://127.0.0.1:${server.port}` });
  ws.close();
});

test('the WebSocket speaks the contract: calls, typed errors, no internal or shell methods', async () => {
  const ws = await connect({ cookie: cookie() });
  try {
    const info = await rpc(ws, 'app:get-info', {});
    assert.equal(info.ok, true);
    assert.equal(info.value.mode, 'web');
    const bad = await rpc(ws, 'media:open', { path: 12 });
    assert.equal(bad.error.code, 'BAD_ARGS');
    const internal = await rpc(ws, 'media:resolve', { kind: 'track', id: 'abcdefgh1234' });
    assert.equal(internal.error.code, 'UNKNOWN_METHOD');
    const shell = await rpc(ws, 'dialog:open-media', { kind: 'media' });
    assert.equal(shell.error.code, 'UNSUPPORTED');
    const track = await rpc(ws, 'media:open', { path: toneFile('serve-tone.mp3', 3) });
    assert.equal(track.ok, true, JSON.stringify(track.error));
    assert.equal(track.value.probe.tags.title, 'Test Tone');
    // The opened file is now served, with Range support.
    const media = await get(`/media/track/${track.value.id}`, { cookie: cookie(), range: 'bytes=0-99' });
    assert.equal(media.status, 206);
    assert.match(String(media.headers['content-range']), /^bytes 0-99\/\d+$/);
  } finally {
    ws.close();
  }
});

test('an attached cover is pinned: replaced by a symlink to a text file, it is not served (issue 15 item 3)', async () => {
  const dir = join(OUTPUT, 'serve-cover-pin');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cover = join(dir, 'cover.png');
  copyFileSync(imageFile(), cover);
  writeFileSync(join(dir, 'notes.txt'), 'private notes, not an image');
  writeFileSync(join(dir, 'notes.png'), 'private notes, not an image either');
  const ws = await connect({ cookie: cookie() });
  try {
    const track = await rpc(ws, 'media:open', { path: toneFile('serve-cover-tone.mp3', 2) });
    assert.equal(track.ok, true, JSON.stringify(track.error));
    const set = await rpc(ws, 'media:set-cover', { trackId: track.value.id, imagePath: cover });
    assert.equal(set.ok, true, JSON.stringify(set.error));
    const served = await get(`/media/cover/${track.value.id}`, { cookie: cookie() });
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    rmSync(cover);
    symlinkSync(join(dir, 'notes.txt'), cover);
    const swapped = await get(`/media/cover/${track.value.id}`, { cookie: cookie() });
    assert.notEqual(swapped.status, 200);
    assert.doesNotMatch(swapped.body, /private notes/);
    assert.doesNotMatch(String(swapped.headers['content-type']), /image/);
    // and a text file cannot be attached as a cover in the first place, whatever its name
    const text = await rpc(ws, 'media:set-cover', { trackId: track.value.id, imagePath: join(dir, 'notes.png') });
    assert.equal(text.ok, false);
  } finally {
    ws.close();
  }
});

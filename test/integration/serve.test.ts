import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineHost } from '../../main/engine-host';
import { startServer, type StudioServer } from '../../main/serve/server';
import { startTestEngine } from '../helpers/engine';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { openRawWebSocket, rpc } from '../helpers/raw-ws';
import { MAX_MESSAGE_BYTES } from '@contract';
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

const bearer = () => `Bearer ${server.token}`;

test('the printed URL binds to loopback and carries a random token in its fragment (never sent to a server)', () => {
  assert.match(server.openUrl, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
});

test('without a credential media is refused (401); the public UI loads with a CSP and sets no cookie', async () => {
  for (const p of ['/media/track/abcdefgh1234', '/cap/guessguessguessguess/media/track/abcdefgh1234', `/media/track/abcdefgh1234?token=${server.token}`, `/cap/${server.token}/media/track/abcdefgh1234`]) {
    const r = await get(p);
    assert.equal(r.status, 401, p);
    assert.match(r.body, /capability/);
  }
  assert.equal((await get('/media/track/abcdefgh1234', { authorization: 'Bearer wrong' })).status, 401);
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<div id="app">/);
  assert.equal(page.headers['set-cookie'], undefined);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
});

test('a foreign Host header is refused (DNS rebinding)', async () => {
  const r = await get('/', { host: 'evil.example:80' });
  assert.equal(r.status, 421);
});

test('static paths cannot escape the renderer folder', async () => {
  const r = await get('/..%2f..%2fpackage.json');
  assert.equal(r.status, 404);
});

test('media for unknown ids and malformed paths is 404', async () => {
  assert.equal((await get('/media/track/abcdefgh1234', { authorization: bearer() })).status, 404);
  assert.equal((await get('/media/track/..%2f..%2fetc%2fpasswd', { authorization: bearer() })).status, 404);
  assert.equal((await get('/media/other/abcdefgh1234', { authorization: bearer() })).status, 404);
});

function connect(headers: Record<string, string>, protocols: string[] = [], port = server.port): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}


test('the WebSocket needs the token (subprotocol or bearer) and a same-origin Origin; a cookie is not a credential', async () => {
  await assert.rejects(connect({}), /403/);
  await assert.rejects(connect({ cookie: `studio_token=${server.token}` }), /403/);
  await assert.rejects(connect({}, ['studio.v1', 'studio-token.wrong']), /403/);
  await assert.rejects(connect({ authorization: bearer(), origin: 'http://evil.example' }), /403/);
  await assert.rejects(connect({ origin: `http://127.0.0.1:${server.port + 1}` }, ['studio.v1', `studio-token.${server.token}`]), /403/);
  const ws = await connect({ origin: `http://127.0.0.1:${server.port}` }, ['studio.v1', `studio-token.${server.token}`]);
  assert.equal(ws.protocol, 'studio.v1', 'the server answers with the protocol, never echoes the token');
  ws.close();
});

test('the WebSocket speaks the contract: calls, typed errors, no internal or shell methods', async () => {
  const ws = await connect({ authorization: bearer() });
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
    const media = await get(`/media/track/${track.value.id}`, { authorization: bearer(), range: 'bytes=0-99' });
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
  const ws = await connect({ authorization: bearer() });
  try {
    const track = await rpc(ws, 'media:open', { path: toneFile('serve-cover-tone.mp3', 2) });
    assert.equal(track.ok, true, JSON.stringify(track.error));
    const set = await rpc(ws, 'media:set-cover', { trackId: track.value.id, imagePath: cover });
    assert.equal(set.ok, true, JSON.stringify(set.error));
    const served = await get(`/media/cover/${track.value.id}`, { authorization: bearer() });
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    rmSync(cover);
    symlinkSync(join(dir, 'notes.txt'), cover);
    const swapped = await get(`/media/cover/${track.value.id}`, { authorization: bearer() });
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

/** The first `web:session` event of a connection: the media capability. */
function sessionOf(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data));
      if (m.t === 'event' && m.name === 'web:session') {
        ws.off('message', onMsg);
        resolve(m.payload.media);
      }
    };
    ws.on('message', onMsg);
  });
}

test('each connection gets a media capability that opens media (and nothing else)', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['studio.v1', `studio-token.${server.token}`]);
  const capP = sessionOf(ws);
  await new Promise((r) => ws.once('open', r));
  const cap = await capP;
  assert.match(cap, /^[A-Za-z0-9_-]{16,64}$/);
  try {
    const track = await rpc(ws, 'media:open', { path: toneFile('serve-cap.mp3', 2) });
    assert.equal(track.ok, true, JSON.stringify(track.error));
    const media = await get(`/cap/${cap}/media/track/${track.value.id}?v=3`, { range: 'bytes=0-9' });
    assert.equal(media.status, 206);
    assert.equal((await get(`/cap/${cap}x/media/track/${track.value.id}`)).status, 401);
    assert.equal((await get(`/media/track/${track.value.id}?cap=${cap}`)).status, 401, 'only as the path prefix');
    // the capability is not the token: it does not open the WebSocket
    await assert.rejects(connect({}, ['studio.v1', `studio-token.${cap}`]), /403/);
    await assert.rejects(connect({ authorization: `Bearer ${cap}` }), /403/);
  } finally {
    ws.close();
  }
});

test('a capability stops opening media when its connection closes; a reconnecting page takes its own back, never a made-up one', async () => {
  const open = async (extra: string[] = []) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, ['studio.v1', `studio-token.${server.token}`, ...extra]);
    const capP = sessionOf(ws);
    await new Promise((r) => ws.once('open', r));
    return { ws, cap: await capP };
  };
  const closed = (ws: WebSocket) => new Promise((r) => (ws.once('close', r), ws.close()));
  const first = await open();
  const track = await rpc(first.ws, 'media:open', { path: toneFile('serve-cap.mp3', 2) });
  const url = `/cap/${first.cap}/media/track/${track.value.id}`;
  assert.equal((await get(url)).status, 200);
  // two connections of one page (a reconnect racing the old socket's close) share it until both close
  const again = await open([`studio-cap.${first.cap}`]);
  assert.equal(again.cap, first.cap, 'a reconnecting page keeps its capability');
  await closed(first.ws);
  assert.equal((await get(url)).status, 200, 'still open on the other connection');
  await closed(again.ws);
  assert.equal((await get(url)).status, 401, 'the tab closed: its links no longer open media');
  const back = await open([`studio-cap.${first.cap}`]);
  assert.equal(back.cap, first.cap);
  assert.equal((await get(url)).status, 200, 'the page reconnected with its capability');
  await closed(back.ws);
  const madeUp = await open(['studio-cap.madeupmadeupmadeupmadeup']);
  assert.notEqual(madeUp.cap, 'madeupmadeupmadeupmadeup', 'only capabilities this server issued are taken back');
  assert.equal((await get('/cap/madeupmadeupmadeupmadeup/media/track/' + track.value.id)).status, 401);
  await closed(madeUp.ws);
});

test('one bad frame never stops the server: each closes only its socket, with a code and reason', async () => {
  const auth = { Authorization: bearer() };
  const cases: Array<{ what: string; send: (w: Awaited<ReturnType<typeof openRawWebSocket>>) => void; code: number }> = [
    { what: 'a frame declaring more than MAX_MESSAGE_BYTES', send: (w) => w.frame({ payload: Buffer.alloc(0), declaredLength: MAX_MESSAGE_BYTES + 1 }), code: 1009 },
    { what: 'invalid UTF-8 (ff fe)', send: (w) => w.frame({ payload: Buffer.from([0xff, 0xfe]) }), code: 1007 },
    { what: 'RSV1 set without an extension', send: (w) => w.frame({ payload: Buffer.from('{}'), rsv1: true }), code: 1002 },
    { what: 'an unknown opcode', send: (w) => w.frame({ opcode: 3, payload: Buffer.from('x') }), code: 1002 },
    { what: 'a binary frame', send: (w) => w.frame({ opcode: 2, payload: Buffer.from('{}') }), code: 1003 },
    { what: 'text that is not JSON', send: (w) => w.frame({ payload: Buffer.from('{"t":') }), code: 1003 },
  ];
  for (const c of cases) {
    const w = await openRawWebSocket(server.port, auth);
    c.send(w);
    const closed = await w.closed();
    w.end();
    assert.equal(closed.code, c.code, c.what);
    assert.ok(closed.reason.length > 0 || c.code !== 1003, `${c.what}: a reason`);
  }
  // the server lives: a new connection works
  const ws = await connect({ authorization: bearer() });
  assert.equal((await rpc(ws, 'app:get-info', {})).ok, true);
  ws.close();
});

test('a text frame of 1 MiB + 1 byte is an ordinary message; exporting 55,000 track ids works', async () => {
  const ws = await connect({ authorization: bearer() });
  try {
    const big = await rpc(ws, 'app:get-info', { pad: 'x'.repeat(1 << 20) });
    assert.equal(big.error.code, 'BAD_ARGS', 'answered, not dropped');
    const trackIds = Array.from({ length: 55_000 }, (_, i) => `t${i.toString(36).padStart(20, '0')}`);
    assert.ok(JSON.stringify(trackIds).length > 1 << 20);
    const exported = await rpc(ws, 'library:export', { format: 'csv', trackIds });
    assert.equal(exported.ok, true, JSON.stringify(exported.error));
    assert.equal(exported.value.count, 0);
  } finally {
    ws.close();
  }
});

test('malformed messages get typed answers: bad envelope with an id, 10,000-deep arguments, no id', async () => {
  const ws = await connect({ authorization: bearer() });
  try {
    const replies: any[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ t: 'req', id: 'env1', method: 12, args: {} }));
    ws.send(JSON.stringify({ t: 'rq', id: 'env2' }));
    ws.send('{"t":"req","id":"deep1","method":"media:probe","args":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}');
    ws.send(JSON.stringify([1, 2, 3]));
    const want = (pred: (m: any) => boolean) => new Promise<any>((resolve) => {
      const t = setInterval(() => {
        const m = replies.find(pred);
        if (m) (clearInterval(t), resolve(m));
      }, 10);
    });
    assert.equal((await want((m) => m.id === 'env1')).error.code, 'BAD_ARGS');
    assert.equal((await want((m) => m.id === 'env2')).error.code, 'BAD_ARGS');
    const deep = await want((m) => m.id === 'deep1');
    assert.equal(deep.error.code, 'BAD_ARGS');
    assert.match(deep.error.message, /nested deeper/);
    assert.equal((await want((m) => m.t === 'error')).error.code, 'BAD_ARGS');
    assert.equal((await rpc(ws, 'app:get-info', {})).ok, true, 'the connection is still usable');
  } finally {
    ws.close();
  }
});

test('a malformed %-escape in an address is 400, not 500', async () => {
  assert.equal((await get('/%E0%A4%A')).status, 400);
  assert.equal((await get('/assets/%zz.js')).status, 400);
  // the media route answers a bad escape as an unknown address; never a 500
  assert.ok([400, 404].includes((await get('/media/track/%E0%A4%A', { authorization: bearer() })).status));
});

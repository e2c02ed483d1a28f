import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISCONNECTED, MAX_ARGS_DEPTH, RpcClient, RpcServer, StudioError, forward, type Port } from '@contract';

/** Two ports wired back to back, delivering asynchronously like a real channel. */
function pipe(): [Port, Port] {
  const a = new Set<(m: unknown) => void>();
  const b = new Set<(m: unknown) => void>();
  const mk = (mine: Set<(m: unknown) => void>, theirs: Set<(m: unknown) => void>): Port => ({
    send: (m) => {
      const copy = JSON.parse(JSON.stringify(m));
      setImmediate(() => theirs.forEach((l) => l(copy)));
    },
    onMessage: (l) => (mine.add(l), () => mine.delete(l)),
  });
  return [mk(a, b), mk(b, a)];
}

/** Wait until `cond` holds (what was sent has arrived); not a sleep: 2 min is only a hang guard. */
async function arrived(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 120_000; !cond(); ) {
    if (Date.now() > end) throw new Error(`never arrived: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

test('valid calls reach the handler and return its value', async () => {
  const [c, s] = pipe();
  new RpcServer(s, { 'media:probe': ({ path }) => ({ path }) as never });
  const client = new RpcClient(c);
  assert.deepEqual(await client.callRaw('media:probe', { path: '/x.mp3' }), { path: '/x.mp3' });
});

test('arguments are validated at the receiving side (BAD_ARGS), extra keys refused', async () => {
  const [c, s] = pipe();
  let called = false;
  new RpcServer(s, { 'media:probe': () => ((called = true), null as never), 'media:get-track': () => ((called = true), null as never) });
  const client = new RpcClient(c);
  await assert.rejects(client.callRaw('media:probe', { path: 42 }), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'BAD_ARGS');
    assert.match(e.message, /path/);
    return true;
  });
  await assert.rejects(client.callRaw('media:probe', { path: '/a', evil: true }), { code: 'BAD_ARGS' });
  await assert.rejects(client.callRaw('media:get-track', { trackId: '../../etc' }), { code: 'BAD_ARGS' });
  assert.equal(called, false);
});

test('unknown and unhandled methods get UNKNOWN_METHOD; malformed messages are answered, never dropped', async () => {
  const [c, s] = pipe();
  new RpcServer(s, {});
  const client = new RpcClient(c);
  await assert.rejects(client.callRaw('nope:nothing', {}), { code: 'UNKNOWN_METHOD' });
  await assert.rejects(client.callRaw('media:probe', { path: '/a' }), { code: 'UNKNOWN_METHOD' });
  const replies: unknown[] = [];
  c.onMessage((m) => replies.push(m));
  c.send({ t: 'req', id: 'bad1', method: 7 });
  c.send({ t: 'call', id: 'bad2', method: 'recent:list' });
  c.send('garbage');
  await arrived(() => replies.length >= 3, 'three answers');
  const malformed = { code: 'BAD_ARGS', message: 'Malformed request: expected { t: "req", id, method, args } or { t: "cancel", id }.' };
  assert.deepEqual(replies, [
    { t: 'res', id: 'bad1', ok: false, error: malformed },
    { t: 'res', id: 'bad2', ok: false, error: malformed },
    { t: 'error', error: malformed },
  ]);
});

test('arguments nested 10,000 deep answer BAD_ARGS before any schema or serialiser recurses', async () => {
  let called = false;
  let deep: unknown = {};
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  const replies: Array<{ id?: string; error?: { code: string; message: string } }> = [];
  // delivered as objects (no JSON round trip, whose recursion would fail first)
  const direct = new Set<(m: unknown) => void>();
  const server = new RpcServer({ send: (m) => replies.push(m as never), onMessage: (l) => (direct.add(l), () => direct.delete(l)) }, { 'media:probe': () => ((called = true), null as never) });
  direct.forEach((l) => l({ t: 'req', id: 'deep', method: 'media:probe', args: { path: deep } }));
  let ok: unknown = { path: '/a' };
  for (let i = 0; i < MAX_ARGS_DEPTH - 1; i++) ok = [ok];
  direct.forEach((l) => l({ t: 'req', id: 'wide', method: 'media:probe', args: ok }));
  await arrived(() => replies.some((r) => r.id === 'deep') && replies.some((r) => r.id === 'wide'), 'both answers');
  server.close();
  const deepReply = replies.find((r) => r.id === 'deep')!;
  assert.equal(deepReply.error?.code, 'BAD_ARGS');
  assert.match(deepReply.error!.message, /nested deeper than 32/);
  // within the depth limit the schema decides (an array is not { path })
  assert.match(replies.find((r) => r.id === 'wide')!.error!.message, /Invalid arguments for media:probe: \(arguments\)/);
  assert.equal(called, false);
});

test('tokens stream only for methods declared tokens: true, in order, before the result', async () => {
  const [c, s] = pipe();
  new RpcServer(s, {
    'chat:get-thread': (_a, ctx) => (ctx.token('never'), []),
    'chat:clear-thread': (_a, ctx) => {
      ctx.token('nor this');
      return null;
    },
    'chat:ask': async (_a, ctx) => {
      for (const t of ['A', ' b', 'c.']) ctx.token(t);
      return { user: null, assistant: null } as never;
    },
  });
  const client = new RpcClient(c);
  const got: string[] = [];
  await client.callRaw('chat:get-thread', { trackId: 'abcdefgh12' }, { onToken: (t) => got.push(t) });
  await client.callRaw('chat:ask', { trackId: 'abcdefgh12', instruction: 'hi', attachments: { audio: {}, image: null, video: false } }, { onToken: (t) => got.push(t) });
  assert.deepEqual(got, ['A', ' b', 'c.']);
});

test('events reach listeners only when their payload fits the contract', async () => {
  const [c, s] = pipe();
  const server = new RpcServer(s, {});
  const client = new RpcClient(c);
  const seen: unknown[] = [];
  client.onEvent((name, payload) => void seen.push([name, payload]));
  server.emit('engine:state', { state: 'ready', restarts: 0 });
  server.emit('engine:state', { state: 'exploded', restarts: 'many' });
  server.emit('library:changed', { added: 1, updated: 0, removed: 0 });
  // the last event sent has arrived: the bad one before it, if it were let through, would have too
  await arrived(() => seen.some((e) => (e as [string])[0] === 'library:changed'), 'the last event');
  assert.deepEqual(seen, [
    ['engine:state', { state: 'ready', restarts: 0 }],
    ['library:changed', { added: 1, updated: 0, removed: 0 }],
  ]);
});

test('a Port that closes rejects the calls in flight; a send that throws error data rejects with it', async () => {
  const closers = new Set<() => void>();
  const port: Port = { send: () => undefined, onMessage: () => () => undefined, onClose: (l) => (closers.add(l), () => closers.delete(l)) };
  const client = new RpcClient(port, { lost: { code: 'ENGINE_UNAVAILABLE', message: 'dropped' } });
  const p = client.callRaw('recent:list', {});
  closers.forEach((l) => l());
  await assert.rejects(p, { code: 'ENGINE_UNAVAILABLE', message: 'dropped' });
  const refusing = new RpcClient({ send: () => { throw { code: 'FORBIDDEN', message: 'no token' }; }, onMessage: () => () => undefined });
  await assert.rejects(refusing.callRaw('recent:list', {}), { code: 'FORBIDDEN', message: 'no token' });
  const first = client.callRaw('recent:list', {}, { callId: 'same' });
  await assert.rejects(client.callRaw('recent:list', {}, { callId: 'same' }), { code: 'BAD_ARGS', message: 'Call id same is already in use.' });
  client.failAll({ code: 'CANCELLED', message: 'done' });
  await assert.rejects(first, { code: 'CANCELLED' });
});

test('forward(): engine methods go through with progress, tokens and cancel; internal methods are unknown; shell methods local or refused', async () => {
  const [c, s] = pipe();
  const [engineSide, engineServerPort] = pipe();
  let aborted = false;
  new RpcServer(engineServerPort, {
    'recent:list': () => [],
    'media:resolve': () => ({ path: '/etc/passwd', mime: 'text/plain' }) as never,
    'chat:ask': async (_a, ctx) => {
      ctx.progress({ stage: 'loading model', fraction: 0.5 });
      ctx.token('Hi');
      return await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => ((aborted = true), reject(new Error('x')))));
    },
  });
  const engine = new RpcClient(engineSide);
  const settled: Array<[string, boolean]> = [];
  forward(s, engine, {
    idPrefix: 'w1_',
    local: { 'dialog:open-folder': () => ({ paths: ['/chosen'] }) },
    shellUnavailable: (m) => ({ code: 'UNSUPPORTED', message: `${m} needs the desktop app` }),
    settled: (m, ok) => void settled.push([m, ok]),
  });
  const client = new RpcClient(c);
  assert.deepEqual(await client.callRaw('recent:list', {}), []);
  await assert.rejects(client.callRaw('media:resolve', { kind: 'track', id: 'abcdefgh12' }), { code: 'UNKNOWN_METHOD' });
  assert.deepEqual(await client.callRaw('dialog:open-folder', { purpose: 'model-pack' }), { paths: ['/chosen'] });
  await assert.rejects(client.callRaw('dialog:open-media', { kind: 'media' }), { code: 'UNSUPPORTED', message: 'dialog:open-media needs the desktop app' });
  const progress: unknown[] = [];
  const tokens: string[] = [];
  const controller = new AbortController();
  const asking = client.callRaw(
    'chat:ask',
    { trackId: 'abcdefgh12', instruction: 'hi', attachments: { audio: {}, image: null, video: false } },
    { signal: controller.signal, onProgress: (p) => progress.push(p), onToken: (t) => (tokens.push(t), controller.abort()) },
  );
  await assert.rejects(asking, { code: 'CANCELLED' });
  assert.equal(aborted, true, 'the cancel reached the engine');
  assert.deepEqual(progress, [{ stage: 'loading model', fraction: 0.5 }]);
  assert.deepEqual(tokens, ['Hi']);
  assert.deepEqual(settled, [['recent:list', true], ['dialog:open-folder', true], ['chat:ask', false]]);
});


test('handler errors cross as { code, message }; unexpected errors become INTERNAL', async () => {
  const [c, s] = pipe();
  new RpcServer(s, {
    'media:probe': () => {
      throw new StudioError('NOT_MEDIA', 'not audio');
    },
    'recent:list': () => {
      throw new TypeError('boom');
    },
  });
  const client = new RpcClient(c);
  await assert.rejects(client.callRaw('media:probe', { path: '/a' }), { code: 'NOT_MEDIA', message: 'not audio' });
  await assert.rejects(client.callRaw('recent:list', {}), (e: { code: string; message: string }) => e.code === 'INTERNAL' && /boom/.test(e.message));
});

test('progress is delivered for progress methods and cancellation aborts the handler', async () => {
  const [c, s] = pipe();
  let aborted = false;
  new RpcServer(s, {
    'media:peaks': (_args, ctx) =>
      new Promise((_, reject) => {
        ctx.progress({ stage: 'decoding', fraction: 0.5 });
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('killed'));
        });
      }),
  });
  const client = new RpcClient(c);
  const seen: number[] = [];
  const p = client.callRaw('media:peaks', { trackId: 'abcdefgh12' }, { callId: 'k1', onProgress: (pr) => seen.push(pr.fraction ?? -1) });
  await arrived(() => seen.length > 0, 'the progress');
  client.cancel('k1');
  await assert.rejects(p, { code: 'CANCELLED' });
  assert.equal(aborted, true);
  assert.deepEqual(seen, [0.5]);
});

test('failAll settles every pending call with the given error', async () => {
  const [c] = pipe();
  const client = new RpcClient(c);
  const p = client.callRaw('recent:list', {});
  assert.equal(client.pendingCount, 1);
  client.failAll({ code: 'ENGINE_CRASHED', message: 'gone' });
  await assert.rejects(p, { code: 'ENGINE_CRASHED' });
  assert.equal(client.pendingCount, 0);
});

test('a channel that closes cancels its forwarded calls with reason DISCONNECTED all the way to the engine; a Stop has no such reason (issue 12, defect 5)', async () => {
  // page ⇄ forward() ⇄ engine, as in `studio serve`
  const [pageSide, serveSide] = pipe();
  const [hostSide, engineSide] = pipe();
  const reasons: unknown[] = [];
  let started!: () => void;
  new RpcServer(engineSide, {
    'chat:ask': (_a, ctx) =>
      new Promise((_, reject) => {
        started();
        ctx.signal.addEventListener('abort', () => (reasons.push(ctx.signal.reason), reject(new StudioError('CANCELLED', 'Cancelled.'))));
      }),
  });
  const host = new RpcClient(hostSide);
  const ask = { trackId: 'abcdefgh1', instruction: 'q', attachments: { audio: {}, image: null, video: false } };
  // a Stop: the page cancels its call
  const server = forward(serveSide, host, { idPrefix: 'w1_' });
  const page = new RpcClient(pageSide);
  const stop = new AbortController();
  let running = new Promise<void>((r) => (started = r));
  const stopped = page.callRaw('chat:ask', ask, { signal: stop.signal }).catch((e) => e);
  await running;
  stop.abort();
  assert.equal(((await stopped) as { code: string }).code, 'CANCELLED');
  // the page goes away: its channel closes
  running = new Promise<void>((r) => (started = r));
  void page.callRaw('chat:ask', ask).catch(() => undefined);
  await running;
  server.close();
  while (reasons.length < 2) await new Promise((r) => setImmediate(r));
  assert.notEqual(reasons[0], DISCONNECTED, 'a Stop is not a disconnect');
  assert.equal(reasons[1], DISCONNECTED);
});

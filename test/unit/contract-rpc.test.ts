import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RpcClient, RpcServer, StudioError, type Port } from '@contract';

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

test('unknown and unhandled methods get UNKNOWN_METHOD; malformed frames are ignored or refused', async () => {
  const [c, s] = pipe();
  new RpcServer(s, {});
  const client = new RpcClient(c);
  await assert.rejects(client.callRaw('nope:nothing', {}), { code: 'UNKNOWN_METHOD' });
  await assert.rejects(client.callRaw('media:probe', { path: '/a' }), { code: 'UNKNOWN_METHOD' });
  const replies: unknown[] = [];
  c.onMessage((m) => replies.push(m));
  c.send({ t: 'req', id: 'bad1', method: 7 });
  c.send('garbage');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(replies, [{ t: 'res', id: 'bad1', ok: false, error: { code: 'BAD_ARGS', message: 'Malformed request.' } }]);
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
  await new Promise((r) => setTimeout(r, 20));
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

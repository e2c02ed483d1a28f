// The protocol fuzzed over the real WebSocket of `studio serve` and over the
// engine's own channel: seeded, bounded in count and time, loopback only.
// Every message gets a typed answer (a result, or an error whose code is in
// the contract), invalid frames get a clean close, nothing crashes, and
// memory stays bounded.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ErrorCode, methodNames, type MethodName } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { nodeForker } from '../../main/engine-host/node-fork';
import { startServer, type StudioServer } from '../../main/serve/server';
import { ENGINE_PATH, startTestEngine } from '../helpers/engine';
import { ROOT } from '../helpers/media';
import { openRawWebSocket } from '../helpers/raw-ws';
import { mulberry32 } from '../helpers/prng';

const SEED = Number(process.env.STUDIO_FUZZ_SEED ?? 0x5eed);
const COUNT = Number(process.env.STUDIO_FUZZ_COUNT ?? 400);
/** per run of one channel: the fuzzer stops sending after this, whatever COUNT says */
const TIME_BUDGET_MS = 40_000;
/** RSS growth allowed over a run (MB) */
const RSS_BOUND_MB = 200;


/**
 * Methods whose *valid* arguments would start real work on this machine
 * (scanning folders, reading model packs, generating): the fuzzer sends them
 * only with an extra key that their strict schemas refuse.
 */
const HEAVY = new Set<MethodName>(['library:add-folder', 'library:scan', 'model:choose-pack', 'model:ask', 'chat:ask', 'chat:regenerate', 'media:open', 'media:probe', 'fs:list-dir', 'media:set-cover', 'model:set-provider']);
const KEYS = ['path', 'paths', 'trackId', 'kind', 'id', 'folderId', 'format', 'trackIds', 'options', 'action', 'instruction', 'attachments', 'count', 'offset', 'limit', 'sort', 'filter', '__proto__', 'constructor', 'toString'];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function randString(r: Rand): string {
  const n = pick(r, [0, 1, 3, 8, 12, 40, 300, 5000]);
  const alphabet = 'abcXYZ019_-:%~ \u00e9\u4e2d\u{1F3B5}\\"\'\n\t\u0000';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)] ?? 'a';
  return s;
}

function randJson(r: Rand, depth = 0): unknown {
  const k = r();
  if (depth > 5 || k < 0.35) {
    return pick(r, [null, true, false, 0, -1, 1.5, 1e308, -1e-320, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, '', 'abcdefgh12', randString(r), randString(r)]);
  }
  if (k < 0.55) return Array.from({ length: Math.floor(r() * 5) }, () => randJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) o[pick(r, KEYS)] = randJson(r, depth + 1);
  return o;
}

function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

interface Case {
  /** the message */
  message: unknown;
  /** its JSON text, written by hand when too deep for JSON.stringify (WebSocket only) */
  text?: string;
  /** the call id whose answer is expected; null when only a WireError can answer */
  expect: string | null | 'nothing';
}

/** One fuzzed message #i. */
function makeCase(r: Rand, i: number, maxDepth: number): Case {
  const id = `f${i.toString(36)}`;
  const methods: string[] = [...methodNames, 'nope:nothing', '__proto__', 'constructor', 'x'.repeat(101), ''];
  const k = r();
  if (k < 0.5) {
    const method = pick(r, methods);
    let args = randJson(r);
    if (HEAVY.has(method as MethodName)) args = { ...(args && typeof args === 'object' && !Array.isArray(args) ? args : {}), __fuzz: true };
    return { message: { t: 'req', id, method, args }, expect: id };
  }
  if (k < 0.62) {
    const depth = pick(r, [33, 100, maxDepth]);
    const method = pick(r, methods);
    // past a few thousand levels even the sender's JSON.stringify overflows: send the text itself
    if (depth > 2000) {
      const text = `{"t":"req","id":"${id}","method":${JSON.stringify(method)},"args":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      return { message: `${depth}-deep ${method}`, text, expect: id };
    }
    return { message: { t: 'req', id, method, args: deep(depth) }, expect: id };
  }
  if (k < 0.77) {
    // a valid id, a broken envelope
    const broken = pick(r, [
      { t: 'req', id, method: 7 },
      { t: 'req', id },
      { t: 'rq', id, method: 'app:get-info' },
      { t: 'res', id, ok: true, value: 1 },
      { t: 'progress', id, progress: {} },
      { t: 'req', id, method: 'app:get-info', args: {}, extra: 1 },
      { id, method: 'app:get-info' },
    ]);
    // an envelope with an extra key is still a valid request (envelopes are not strict)
    return { message: broken, expect: id };
  }
  if (k < 0.85) return { message: { t: 'cancel', id: pick(r, [id, 'f0', 'w1_1']) }, expect: 'nothing' };
  // nothing to answer by id
  return { message: pick(r, [null, 42, 'text', [1, 2], {}, { t: 'req' }, { t: 'req', id: 'bad id!', method: 'app:get-info' }, { t: 'req', id: 'x'.repeat(65) }, { id: 5 }]), expect: null };
}

function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, `no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

function assertTyped(reply: { ok?: boolean; error?: { code?: unknown; message?: unknown } }, what: string): void {
  if (reply.ok === true) return;
  assert.equal(reply.ok, false, what);
  assert.ok(ErrorCode.safeParse(reply.error?.code).success, `${what}: a code of the contract, got ${JSON.stringify(reply.error)}`);
  assert.equal(typeof reply.error?.message, 'string', what);
  assert.notEqual(reply.error?.code, 'INTERNAL', `${what}: ${reply.error?.message}`);
  assert.notEqual(reply.error?.code, 'ENGINE_UNAVAILABLE', `${what}: ${reply.error?.message}`);
  assert.notEqual(reply.error?.code, 'ENGINE_CRASHED', `${what}: ${reply.error?.message}`);
}

/**
 * Send the cases one by one over `send`, waiting for each answer (a `res`
 * with its id, or a WireError) before the next, so every answer is paired.
 */
async function drive(
  cases: Case[],
  send: (c: Case) => void,
  replies: { next(timeoutMs: number): Promise<any> },
): Promise<{ answered: number; errors: number }> {
  const t0 = Date.now();
  let answered = 0;
  let errors = 0;
  for (const [i, c] of cases.entries()) {
    if (Date.now() - t0 > TIME_BUDGET_MS) break;
    send(c);
    if (c.expect === 'nothing') continue;
    for (;;) {
      // 2 min: only a hang guard (one answer is milliseconds here; a slow machine just takes longer)
      const m = await replies.next(120_000);
      assert.ok(m, `case ${i} (${JSON.stringify(c.message).slice(0, 200)}): no answer in 2 min`);
      if (m.t === 'event' || m.t === 'progress' || m.t === 'token') continue;
      if (m.t === 'res' && m.id !== c.expect) continue; // the late answer of a cancelled or earlier call
      if (c.expect === null) {
        assert.equal(m.t, 'error', `case ${i}: a WireError`);
        assert.equal(m.error.code, 'BAD_ARGS');
        errors++;
      } else {
        assert.equal(m.t, 'res', `case ${i}: ${JSON.stringify(m).slice(0, 300)}`);
        assertTyped(m, `case ${i} (${JSON.stringify(c.message).slice(0, 200)})`);
        answered++;
      }
      break;
    }
  }
  return { answered, errors };
}

/** A queue of parsed messages with a timed next(). */
function inbox() {
  const queue: unknown[] = [];
  const waiters: Array<(m: unknown) => void> = [];
  return {
    push(m: unknown) {
      const w = waiters.shift();
      if (w) w(m);
      else queue.push(m);
    },
    next(timeoutMs: number): Promise<any> {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          resolve(undefined);
        }, timeoutMs);
        const done = (m: unknown) => (clearTimeout(timer), resolve(m));
        waiters.push(done);
      });
    },
  };
}

describe(`protocol fuzz (seed ${SEED}, up to ${COUNT} messages per channel)`, () => {
  let engine: EngineHost;
  let server: StudioServer;
  before(async () => {
    ({ engine } = await startTestEngine({ env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
    server = await startServer({ engine, rendererDir: join(ROOT, 'out', 'renderer') });
  });
  after(async () => {
    await server?.close();
    await engine?.stop();
  });

  it('over the WebSocket of studio serve: typed answers, clean closes for invalid frames, the server and its engine live', async (t) => {
    const r = mulberry32(SEED);
    const cases = Array.from({ length: COUNT }, (_, i) => makeCase(r, i, 10_000));
    const enginePid = engine.pid!;
    const rss0 = { serve: process.memoryUsage().rss / 2 ** 20, engine: rssMbOf(enginePid) };
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: { authorization: `Bearer ${server.token}` } });
    const box = inbox();
    ws.on('message', (d) => box.push(JSON.parse(String(d))));
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    let closes = 0;
    // every 50 messages, a frame that breaks the WebSocket protocol on a socket of its own
    const badFrames = [
      { payload: Buffer.from([0xff, 0xfe]), code: 1007 },
      { payload: Buffer.from('{}'), rsv1: true, code: 1002 },
      { payload: Buffer.alloc(0), declaredLength: 2 ** 27, code: 1009 },
      { payload: Buffer.from('not json'), code: 1003 },
    ];
    const chunks = Math.ceil(cases.length / 50);
    let answered = 0;
    let errors = 0;
    for (let c = 0; c < chunks; c++) {
      const res = await drive(cases.slice(c * 50, (c + 1) * 50), (c) => ws.send(c.text ?? JSON.stringify(c.message)), box);
      answered += res.answered;
      errors += res.errors;
      const bad = badFrames[c % badFrames.length];
      const raw = await openRawWebSocket(server.port, { Authorization: `Bearer ${server.token}` });
      raw.frame(bad);
      const closed = await raw.closed();
      raw.end();
      assert.equal(closed.code, bad.code, `bad frame ${c}`);
      closes++;
    }
    ws.close();
    assert.ok(answered > COUNT / 2, `answered ${answered}`);
    assert.ok(errors > 0 && closes > 0);
    assert.equal(engine.state.state, 'ready');
    assert.equal(engine.pid, enginePid, 'the engine never restarted');
    const rss1 = { serve: process.memoryUsage().rss / 2 ** 20, engine: rssMbOf(enginePid) };
    t.diagnostic(`${answered} answered, ${errors} WireErrors, ${closes} bad frames closed; RSS serve ${rss0.serve.toFixed(0)} → ${rss1.serve.toFixed(0)} MB, engine ${rss0.engine.toFixed(0)} → ${rss1.engine.toFixed(0)} MB`);
    assert.ok(rss1.engine - rss0.engine < RSS_BOUND_MB, `engine RSS ${rss0.engine.toFixed(0)} → ${rss1.engine.toFixed(0)} MB`);
    assert.ok(rss1.serve - rss0.serve < RSS_BOUND_MB, `serve RSS ${rss0.serve.toFixed(0)} → ${rss1.serve.toFixed(0)} MB`);
    // and it still serves
    const ws2 = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: { authorization: `Bearer ${server.token}` } });
    const box2 = inbox();
    ws2.on('message', (d) => box2.push(JSON.parse(String(d))));
    await new Promise((res) => ws2.once('open', res));
    ws2.send(JSON.stringify({ t: 'req', id: 'alive', method: 'app:get-info', args: {} }));
    for (;;) {
      const m = await box2.next(120_000);
      assert.ok(m, 'an answer after the fuzz');
      if (m.t === 'res') {
        assert.equal(m.ok, true);
        break;
      }
    }
    ws2.close();
  });

  it("over the engine's own channel: typed answers, the engine lives, memory bounded", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-fuzz-'));
    const proc = nodeForker(ENGINE_PATH, { STUDIO_DATA_DIR: dataDir, STUDIO_MODE: 'web', STUDIO_VERSION: 'test', STUDIO_LIBRARY_BACKGROUND: '0' });
    const box = inbox();
    let exited: string | null = null;
    proc.onExit((code, signal) => (exited = `${code ?? signal}`));
    let ready!: () => void;
    const isReady = new Promise<void>((res) => (ready = res));
    proc.onMessage((m) => {
      if ((m as { name?: string }).name === 'engine:ready') ready();
      else box.push(m);
    });
    try {
      await isReady;
      const rss0 = rssMbOf(proc.pid!);
      const r = mulberry32(SEED ^ 0x9e3779b9);
      // Node's IPC serialiser recurses: keep the deepest message within what the host itself could send
      const cases = Array.from({ length: COUNT }, (_, i) => makeCase(r, i, 2000)).filter((c) => c.text === undefined);
      const { answered, errors } = await drive(cases, (c) => proc.send(c.message), box);
      assert.ok(answered > COUNT / 2, `answered ${answered}`);
      assert.ok(errors > 0);
      assert.equal(exited, null, 'the engine is alive');
      const rss1 = rssMbOf(proc.pid!);
      t.diagnostic(`${answered} answered, ${errors} WireErrors; engine RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`);
      assert.ok(rss1 - rss0 < RSS_BOUND_MB, `engine RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`);
    } finally {
      proc.kill('SIGTERM');
    }
  });
});

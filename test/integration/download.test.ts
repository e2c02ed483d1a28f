// The model download engine against a local server that behaves like the Hub and Meta's
// file server (test/helpers/hub-server.ts): discovery, redirects, Range resume, retries,
// checksums, disk space, pause, and a download SIGKILLed at a random moment.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  deltaFiles, download, DownloadError, HubError, hubEndpoint, imagebindUrl, listRepoFiles, removePartial, type DownloadProgress,
} from '../../main/engine/model/download/index';
import { getAgainFor } from '@contract';
import { HubServer } from '../helpers/hub-server';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'download');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const DELTA = randomBytes(3 * 1024 * 1024 + 17);
const CONFIG = Buffer.from('{"model_type": "llama", "vocab_size": 32001}\n');
const IMAGEBIND = randomBytes(1024 * 1024 + 5);
const FOLDER = 'ckpt/deepresonance_beta_delta_ckpt/deepresonance/7b_tiva_v0';
let hub: HubServer;
let n = 0;
const dest = (name = 'f.bin') => join(DIR, `${n++}`, name);

before(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  hub = await HubServer.start(1);
  hub.addRepo('dataset', 'Sony/DeepResonance_data_models', {
    [`${FOLDER}/pytorch_model.pt`]: DELTA,
    [`${FOLDER}/config.json`]: CONFIG,
    'ckpt/deepresonance_alpha_delta_ckpt/deepresonance/7b_tiva_v0/pytorch_model.pt': randomBytes(1000),
    'README.md': Buffer.from('# data\n'),
  });
});
after(async () => {
  await hub.close();
  rmSync(DIR, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ HF_ENDPOINT: `${hub.url}/`, ...extra });
const fast = { backoffMs: 10, reserveBytes: 0 };

async function deltaFile() {
  const files = await deltaFiles('beta', { env: env() });
  return files.find((f) => f.path.endsWith('pytorch_model.pt'))!;
}

describe('model downloads (local Hub and file server)', () => {
  it('discovers a dataset folder with the tree API (paginated), SHA-256 from lfs.oid, HF_ENDPOINT honoured', async () => {
    assert.equal(hubEndpoint({ HF_ENDPOINT: 'http://mirror.example/' }), 'http://mirror.example');
    assert.equal(hubEndpoint({}), 'https://huggingface.co');
    const files = await deltaFiles('beta', { env: env() });
    assert.deepEqual(files.map((f) => f.path).sort(), [`${FOLDER}/config.json`, `${FOLDER}/pytorch_model.pt`]);
    const pt = files.find((f) => f.path.endsWith('.pt'))!;
    assert.equal(pt.sha256, sha(DELTA));
    assert.equal(pt.size, DELTA.length);
    assert.equal(pt.url, `${hub.url}/datasets/Sony/DeepResonance_data_models/resolve/main/${FOLDER}/pytorch_model.pt`);
    const cfg = files.find((f) => f.path.endsWith('config.json'))!;
    assert.equal(cfg.sha256, undefined);
    assert.deepEqual(cfg.expected, { size: CONFIG.length, gitBlobSha1: createHash('sha1').update(`blob ${CONFIG.length}\0`).update(CONFIG).digest('hex') });
    assert.ok(hub.requests.filter((r) => r.path.startsWith('/api/datasets/')).length >= 2, 'followed the Link rel="next" pages');
    await assert.rejects(listRepoFiles({ repo: 'Sony/nope', repoType: 'dataset', endpoint: hub.url }), (e: Error) => e instanceof HubError && /not found/.test(e.message));
  });

  it('follows the resolve redirect to the CDN, verifies SHA-256 while streaming, renames into place; the token stays on the Hub', async () => {
    const f = await deltaFile();
    const d = dest();
    const seen: DownloadProgress[] = [];
    const before = hub.requests.length;
    const r = await download({ url: f.url, dest: d, expected: f.expected, headers: { Authorization: 'Bearer secret' }, onProgress: (p) => seen.push(p), progressIntervalMs: 0, ...fast });
    assert.equal(r.sha256, sha(DELTA));
    assert.equal(r.linkedEtag, sha(DELTA), 'X-Linked-Etag of the 302');
    assert.equal(r.linkedSize, DELTA.length);
    assert.deepEqual(readFileSync(d), DELTA);
    assert.equal(existsSync(`${d}.part`) || existsSync(`${d}.part.json`), false);
    const reqs = hub.requests.slice(before);
    assert.equal(reqs[0].authorization, 'Bearer secret');
    assert.equal(reqs[1].host, new URL(hub.cdnOrigin).host);
    assert.equal(reqs[1].authorization, undefined, 'credentials are not forwarded to another origin');
    const dl = seen.filter((p) => p.phase === 'downloading');
    assert.ok(dl.length > 1);
    for (let i = 1; i < dl.length; i++) assert.ok(dl[i].bytes >= dl[i - 1].bytes);
    assert.equal(dl.at(-1)!.total, DELTA.length);
    assert.ok(dl.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== undefined));
    // a second call finds it verified in place and downloads nothing
    const again = await download({ url: f.url, dest: d, expected: f.expected, ...fast });
    assert.equal(again.alreadyPresent, true);
  });

  it('verifies a small non-LFS file by its git blob id', async () => {
    const cfg = (await deltaFiles('beta', { env: env() })).find((f) => f.path.endsWith('config.json'))!;
    const r = await download({ url: cfg.url, dest: dest('config.json'), expected: cfg.expected, ...fast });
    assert.equal(r.size, CONFIG.length);
    await assert.rejects(
      download({ url: cfg.url, dest: dest('config.json'), expected: { ...cfg.expected, gitBlobSha1: '0'.repeat(40) }, ...fast }),
      (e: Error) => e instanceof DownloadError && e.code === 'checksum',
    );
  });

  it('resumes with Range after dropped connections mid-body', async () => {
    const f = await deltaFile();
    const cdn = hub.cdnPath(f.sha256!);
    hub.fault(cdn, { kind: 'drop', afterBytes: 1_000_000 }, { kind: 'drop', afterBytes: 700_000 });
    const before = hub.requests.length;
    const r = await download({ url: f.url, dest: dest(), expected: f.expected, ...fast });
    assert.equal(r.sha256, sha(DELTA));
    const ranges = hub.requests.slice(before).filter((q) => q.path === cdn).map((q) => q.range);
    // each retry asks for the rest, from what actually arrived (at most what was sent before the drop)
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0], undefined);
    const starts = ranges.slice(1).map((x) => Number(x!.match(/^bytes=(\d+)-$/)![1]));
    assert.ok(starts[0] > 0 && starts[0] <= 1_000_000 && starts[1] > starts[0] && starts[1] <= starts[0] + 700_000, String(starts));
    assert.equal(r.attempts, 3);
  });

  it('a server that stops sending mid-file (the connection left open) is given up after the idle timeout and resumed from the bytes kept, saying so — not 5 minutes of silence (tester33)', async () => {
    const f = await deltaFile();
    const cdn = hub.cdnPath(f.sha256!);
    hub.fault(cdn, { kind: 'stall', afterBytes: 600_000 });
    const before = hub.requests.length;
    const seen: DownloadProgress[] = [];
    const t0 = Date.now();
    const r = await download({ url: f.url, dest: dest(), expected: f.expected, idleTimeoutMs: 500, onProgress: (p) => seen.push(p), progressIntervalMs: 0, ...fast });
    assert.equal(r.sha256, sha(DELTA));
    assert.ok(Date.now() - t0 < 30_000, `${Date.now() - t0} ms`);
    const ranges = hub.requests.slice(before).filter((q) => q.path === cdn).map((q) => q.range);
    assert.equal(ranges.length, 2, String(ranges));
    const from = Number(ranges[1]!.match(/^bytes=(\d+)-$/)![1]);
    assert.ok(from > 0 && from <= 600_000, `resumed from ${from}`);
    assert.match(seen.find((p) => p.phase === 'waiting')?.message ?? '', /^the server sent nothing for 1 s/);
  });

  it('a server that accepts the connection and never answers: each attempt ends at the idle timeout; out of retries, the error says the server sent nothing', async () => {
    const silent = createServer(() => undefined); // takes the connection, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/f.bin`;
      await assert.rejects(download({ url, dest: dest(), idleTimeoutMs: 300, retries: 1, ...fast }), (e: Error) => e instanceof DownloadError && e.code === 'network' && /the server sent nothing for 1 s \(it gave up after 1 retries\)/.test(e.message));
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('retries 429 and 503, honouring Retry-After', async () => {
    const f = await deltaFile();
    const resolvePath = new URL(f.url).pathname;
    hub.fault(resolvePath, { kind: 'status', status: 429, retryAfter: '1' }, { kind: 'status', status: 503 });
    const t0 = Date.now();
    const r = await download({ url: f.url, dest: dest(), expected: f.expected, ...fast });
    assert.ok(Date.now() - t0 >= 950, 'waited the Retry-After second');
    assert.equal(r.attempts, 3);
    hub.fault(resolvePath, ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 503 })));
    await assert.rejects(download({ url: f.url, dest: dest(), expected: f.expected, ...fast, retries: 2 }), (e: Error) => e instanceof DownloadError && e.code === 'http' && e.status === 503);
    hub.fault(resolvePath); // clear what is left
    await assert.rejects(
      download({ url: f.url.replace('pytorch_model.pt', 'missing.pt'), dest: dest(), ...fast }),
      (e: Error) => e instanceof DownloadError && e.status === 404 && /not found/.test(e.message),
    );
  });

  it('a gated or private repository (401/403) names its page, the token page and whether HF_TOKEN was sent; another server’s 403 never asks for HF_TOKEN (tester18)', async () => {
    const body = randomBytes(5000);
    hub.addRepo('model', 'Org/gated-llm', { 'weights.bin': body }, 'main', 64);
    hub.gate('model', 'Org/gated-llm', 'hf_good');
    const [f] = await listRepoFiles({ repo: 'Org/gated-llm', repoType: 'model', endpoint: hub.url, headers: {} }); // listed, as the Hub does
    const page = `${hub.url}/Org/gated-llm`;
    const opts = { url: f.url, expected: f.expected, hubEndpoint: hub.url, ...fast };
    await assert.rejects(download({ ...opts, dest: dest() }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.status === 401, e.message);
      assert.ok(e.message.includes(page), e.message);
      assert.ok(e.message.includes(`${hub.url}/settings/tokens`), e.message);
      assert.match(e.message, /no HF_TOKEN was sent/);
      return true;
    });
    await assert.rejects(download({ ...opts, dest: dest(), headers: { Authorization: 'Bearer hf_other' } }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.status === 403, e.message);
      assert.ok(e.message.includes(page), e.message);
      assert.match(e.message, /HF_TOKEN that was sent has no access.*accept its conditions/);
      return true;
    });
    const ok = await download({ ...opts, dest: dest(), headers: { Authorization: 'Bearer hf_good' } });
    assert.equal(ok.sha256, sha(body));
    // a private repository is not even listed
    hub.addRepo('dataset', 'Org/private-data', { 'x.bin': body });
    hub.gate('dataset', 'Org/private-data', 'hf_good', true);
    await assert.rejects(listRepoFiles({ repo: 'Org/private-data', repoType: 'dataset', endpoint: hub.url, headers: {} }), (e: Error) => {
      assert.ok(e instanceof HubError && e.status === 401, e.message);
      assert.ok(e.message.includes(`${hub.url}/datasets/Org/private-data`), e.message);
      return true;
    });
    // Meta's server (S3 behind a CDN) answers 403 for a file that moved: HF_TOKEN has nothing to do with it
    const url = hub.addStatic('/imagebind/moved.pth', body);
    hub.fault('/imagebind/moved.pth', { kind: 'status', status: 403 });
    await assert.rejects(download({ url, dest: dest(), hubEndpoint: hub.url, ...fast }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.status === 403, e.message);
      assert.doesNotMatch(e.message, /HF_TOKEN|gated/);
      assert.match(e.message, /access denied by 127\.0\.0\.1:\d+: the file may have moved/);
      return true;
    });
  });

  it('an expired signed CDN link (403 from the redirect target, not the Hub) goes back to the Hub for a fresh link and resumes from the partial bytes', async () => {
    const body = randomBytes(400_000);
    hub.addRepo('model', 'Org/long', { 'w.bin': body }, 'main', 64);
    const [f] = await listRepoFiles({ repo: 'Org/long', repoType: 'model', endpoint: hub.url, headers: {} });
    const cdn = hub.cdnPath(f.sha256!);
    const d = dest();
    hub.fault(cdn, { kind: 'drop', afterBytes: 150_000 });
    await assert.rejects(download({ url: f.url, dest: d, expected: f.expected, hubEndpoint: hub.url, ...fast, retries: 0 }), (e: Error) => e instanceof DownloadError && e.code === 'network');
    const kept = readFileSync(`${d}.part`).length;
    assert.ok(kept > 0 && kept <= 150_000, String(kept));
    // hours later: the link the Hub hands out first has expired (a cached 302); the CDN refuses it with 403
    hub.staleRedirects = 1;
    const before = hub.requests.length;
    const r = await download({ url: f.url, dest: d, expected: f.expected, hubEndpoint: hub.url, ...fast, retries: 0 });
    assert.equal(r.sha256, sha(body));
    assert.equal(r.resumedFrom, kept);
    const reqs = hub.requests.slice(before).map((q) => `${q.path.startsWith('/cdn/') ? 'cdn' : 'hub'} ${q.status} ${q.range ?? ''}`);
    assert.deepEqual(reqs, [`hub 302 bytes=${kept}-`, `cdn 403 bytes=${kept}-`, `hub 302 bytes=${kept}-`, `cdn 206 bytes=${kept}-`]);
    // a CDN that refuses even the fresh link: a real refusal, after one fresh link, and never the gated-repository message
    const d2 = dest();
    hub.staleRedirects = 5;
    const b2 = hub.requests.length;
    await assert.rejects(download({ url: f.url, dest: d2, expected: f.expected, hubEndpoint: hub.url, ...fast }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.status === 403, e.message);
      assert.match(e.message, /access denied by localhost:\d+: .*, even with a fresh link from 127\.0\.0\.1:\d+\)$/);
      assert.doesNotMatch(e.message, /HF_TOKEN|gated/);
      return true;
    });
    assert.equal(hub.requests.slice(b2).filter((q) => q.path === cdn).length, 2, 'one fresh link, not a loop');
    hub.staleRedirects = 0;
    // a 403 from the Hub itself is still the gated/private refusal, at once
    hub.gate('model', 'Org/long', 'hf_good');
    const b3 = hub.requests.length;
    await assert.rejects(download({ url: f.url, dest: dest(), expected: f.expected, hubEndpoint: hub.url, ...fast, headers: { Authorization: 'Bearer hf_other' } }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.status === 403, e.message);
      assert.match(e.message, /gated or private/);
      return true;
    });
    assert.equal(hub.requests.length - b3, 1);
  });

  it('a Retry-After over 60 s is waited in full with a status message saying how long and why; over the cap it fails at once saying when to come back; cancel ends the wait', async () => {
    const body = randomBytes(5000);
    hub.addRepo('model', 'Org/slow-down', { 'w.bin': body }, 'main', 64);
    const [f] = await listRepoFiles({ repo: 'Org/slow-down', repoType: 'model', endpoint: hub.url, headers: {} });
    const resolvePath = new URL(f.url).pathname;
    const opts = { url: f.url, expected: f.expected, hubEndpoint: hub.url, ...fast };
    // 2 min asked: waited 2 min (a fake sleep records it), not cut to 60 s; the progress says why and how long
    const slept: number[] = [];
    const sleep = async (ms: number) => { slept.push(ms); };
    const waits: DownloadProgress[] = [];
    hub.fault(resolvePath, { kind: 'status', status: 429, retryAfter: '120' });
    const r = await download({ ...opts, dest: dest(), sleep, onProgress: (p) => { if (p.phase === 'waiting') waits.push(p); } });
    assert.equal(r.sha256, sha(body));
    assert.deepEqual(slept, [120_000]);
    assert.equal(waits.length, 1);
    assert.equal(waits[0].waitMs, 120_000);
    assert.match(waits[0].message ?? '', /^the server is limiting requests \(HTTP 429\) and asked to wait 2 min \(Retry-After\); retrying at \d\d:\d\d:\d\d \(in 2 min\)$/);
    // 2 h asked, over the 15 min cap: no 2 h frozen bar, no request before the server's time — fails now, says when
    slept.length = 0;
    hub.fault(resolvePath, { kind: 'status', status: 503, retryAfter: '7200' });
    const before = hub.requests.length;
    await assert.rejects(download({ ...opts, dest: dest(), sleep }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.code === 'http' && e.status === 503, e.message);
      assert.match(e.message, /cannot serve now \(HTTP 503\) and asked to wait 2 h \(Retry-After\), longer than the 15 min a download waits; the server is ready again after \d\d:\d\d:\d\d\.$/, 'nothing was downloaded: no "0.0 MB downloaded are kept" (tester28)');
      return true;
    });
    assert.deepEqual(slept, []);
    assert.equal(hub.requests.length - before, 1);
    // a cap injected for the test: 3 s asked, 2 s allowed → fails the same way
    hub.fault(resolvePath, { kind: 'status', status: 429, retryAfter: '3' });
    await assert.rejects(download({ ...opts, dest: dest(), sleep, maxRetryAfterMs: 2000 }), (e: Error) => e instanceof DownloadError && /asked to wait 3 s \(Retry-After\), longer than the 2 s/.test(e.message));
    // cancel during a (real) 10 min wait ends it at once; the partial file is kept
    hub.fault(resolvePath, { kind: 'status', status: 429, retryAfter: '600' });
    const ac = new AbortController();
    const t0 = Date.now();
    await assert.rejects(
      download({ ...opts, dest: dest(), signal: ac.signal, onProgress: (p) => { if (p.phase === 'waiting') setTimeout(() => ac.abort(), 50); } }),
      (e: Error) => e instanceof DownloadError && e.code === 'aborted',
    );
    assert.ok(Date.now() - t0 < 5000, `cancelled after ${Date.now() - t0} ms`);
  });

  it('429 or 503 to the last retry says the server is limiting or failing, what it asked and what to do — not a bare "HTTP 429" (tester18)', async () => {
    const body = randomBytes(5000);
    hub.addRepo('model', 'Org/busy', { 'w.bin': body }, 'main', 64);
    const [f] = await listRepoFiles({ repo: 'Org/busy', repoType: 'model', endpoint: hub.url, headers: {} });
    const resolvePath = new URL(f.url).pathname;
    hub.fault(resolvePath, ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '0' })));
    await assert.rejects(download({ url: f.url, dest: dest(), expected: f.expected, hubEndpoint: hub.url, ...fast, retries: 2 }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.code === 'http' && e.status === 429, e.message);
      assert.match(e.message, /limiting requests \(HTTP 429, too many requests\) \(it asked to wait 0 s\); it gave up after 2 retries\. Wait a few minutes \(an HF_TOKEN raises the Hub’s limit\)\.$/, 'nothing was downloaded: no "0.0 MB downloaded are kept" (tester28)');
      return true;
    });
    const url = hub.addStatic('/busy.bin', body);
    hub.fault('/busy.bin', ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })));
    await assert.rejects(download({ url, dest: dest(), hubEndpoint: hub.url, ...fast, retries: 2 }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.status === 503, e.message);
      assert.match(e.message, /failing or overloaded \(HTTP 503\); it gave up after 2 retries\. Wait a while\.$/);
      assert.doesNotMatch(e.message, /HF_TOKEN/);
      return true;
    });
  });

  it('a failed download as the Get shows it: one instruction, in the host\'s words, ending with its full stop (session 30: "…; nothing was kept, try again" with no stop; "Try again later; … Then Get again")', async () => {
    const { downloadFailure } = await import('../../main/engine/model/catalog/job');
    const body = randomBytes(5000);
    hub.addRepo('model', 'Org/fails', { 'a.bin': body, 'b.bin': randomBytes(5000), 'c.bin': randomBytes(5000), 'd.bin': randomBytes(5000) }, 'main', 64);
    const files = await listRepoFiles({ repo: 'Org/fails', repoType: 'model', endpoint: hub.url, headers: {} });
    const messages: string[] = [];
    const seen = async (f: (typeof files)[number], faults: Parameters<HubServer['fault']>[1][], at = new URL(f.url).pathname) => {
      hub.fault(at, ...faults);
      const e = await download({ url: f.url, dest: dest(), expected: f.expected, hubEndpoint: hub.url, ...fast, retries: 2 }).then(() => null, (x: unknown) => x);
      assert.ok(e instanceof DownloadError, String(e));
      messages.push(getAgainFor(downloadFailure(e, { part: 'delta', url: f.url, dest: 'x' } as Parameters<typeof downloadFailure>[1]).message, 'panel'));
    };
    await seen(files[0], Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '0' })));
    await seen(files[1], Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })));
    await seen(files[2], [{ kind: 'corrupt' as const }], hub.cdnPath(files[2].sha256!));
    await seen(files[3], Array.from({ length: 3 }, () => ({ kind: 'drop' as const, afterBytes: 0 })), hub.cdnPath(files[3].sha256!));
    assert.equal(messages.length, 4);
    for (const m of messages) {
      assert.match(m, /\.$/, `ends with its full stop: ${m}`);
      assert.doesNotMatch(m, /try again|run it again|run the download again/i, `one instruction, "Get again": ${m}`);
      assert.equal(m.match(/Get again/g)?.length, 1, m);
    }
  });

  it('refuses a wrong checksum, says what to do, and removes the partial file', async () => {
    const f = await deltaFile();
    hub.fault(hub.cdnPath(f.sha256!), { kind: 'corrupt' });
    const d = dest();
    await assert.rejects(download({ url: f.url, dest: d, expected: f.expected, ...fast }), (e: Error) => {
      assert.ok(e instanceof DownloadError && e.code === 'checksum', String(e));
      assert.match(e.message, /does not match the published SHA-256 \(expected [0-9a-f]{64}, got [0-9a-f]{64}\)/);
      assert.match(e.message, /the partial download was removed; if a new download fails the same way, the source or mirror \(HF_ENDPOINT\) serves a different file/);
      return true;
    });
    assert.equal(existsSync(d) || existsSync(`${d}.part`) || existsSync(`${d}.part.json`), false);
  });

  it('a read-only disk (EROFS opening the partial file) fails at once with the file system\'s error — no retries, never "check the connection" (tester25)', async () => {
    const f = await deltaFile();
    const d = dest();
    const realOpen = fsp.open;
    fsp.open = (async (...args: Parameters<typeof realOpen>) => {
      if (String(args[0]).endsWith('.part')) throw Object.assign(new Error(`EROFS: read-only file system, open '${args[0]}'`), { code: 'EROFS', errno: -30, syscall: 'open', path: String(args[0]) });
      return realOpen(...args);
    }) as typeof realOpen;
    syncBuiltinESMExports();
    const before = hub.requests.length;
    const waits: number[] = [];
    try {
      await assert.rejects(
        download({ url: f.url, dest: d, expected: f.expected, ...fast, sleep: async (ms: number) => void waits.push(ms) }),
        (e: NodeJS.ErrnoException) => {
          assert.ok(!(e instanceof DownloadError), `the file system's error, not a DownloadError after retries: ${e}`);
          assert.equal(e.code, 'EROFS', String(e));
          assert.equal(e.path, `${d}.part`);
          return true;
        },
      );
    } finally {
      fsp.open = realOpen;
      syncBuiltinESMExports();
    }
    assert.deepEqual(waits, [], 'no retry waits');
    assert.ok(hub.requests.length - before <= 2, `one attempt (resolve + CDN) at most, got ${hub.requests.length - before} requests`);
  });

  // session 18 review: on Windows EPERM/EACCES on a new file is often an antivirus lock for a moment
  it('EPERM/EACCES opening the partial file is retried twice after a short wait (a brief lock), then is the folder\'s refusal', async () => {
    const realOpen = fsp.open;
    for (const [fails, ok] of [[2, true], [3, false]] as const) {
      const f = await deltaFile();
      const d = dest();
      let n = 0;
      fsp.open = (async (...args: Parameters<typeof realOpen>) => {
        if (String(args[0]).endsWith('.part') && n++ < fails) throw Object.assign(new Error(`EPERM: operation not permitted, open '${args[0]}'`), { code: n % 2 ? 'EPERM' : 'EACCES', syscall: 'open', path: String(args[0]) });
        return realOpen(...args);
      }) as typeof realOpen;
      syncBuiltinESMExports();
      const waits: number[] = [];
      try {
        const run = download({ url: f.url, dest: d, expected: f.expected, ...fast, sleep: async (ms: number) => void waits.push(ms) });
        if (ok) {
          await run;
          assert.ok(readFileSync(d).equals(DELTA), 'downloaded and verified after two locks');
        } else {
          await assert.rejects(run, (e: NodeJS.ErrnoException) => !(e instanceof DownloadError) && (e.code === 'EPERM' || e.code === 'EACCES') && e.path === `${d}.part`);
        }
      } finally {
        fsp.open = realOpen;
        syncBuiltinESMExports();
      }
      assert.deepEqual(waits, [300, 600], `${fails} locks: two short waits, no more`);
    }
  });

  it('checks free disk space before downloading anything', async () => {
    const f = await deltaFile();
    const before = hub.requests.length;
    await assert.rejects(
      download({ url: f.url, dest: dest(), expected: { size: 1e15 }, backoffMs: 10 }),
      (e: Error) => e instanceof DownloadError && e.code === 'disk-space' && /Free some space/.test(e.message),
    );
    assert.equal(hub.requests.length, before);
  });

  it('the disk fills up during the download (ENOSPC, a short write first): disk-space with what to do, no retries, the bytes on disk kept and resumed once there is room (tester15)', async () => {
    const f = await deltaFile();
    const d = dest();
    // the disk is full after 1 MiB of the partial file: the write that crosses it is short, every later one fails
    const limit = 1024 * 1024;
    const realOpen = fsp.open;
    fsp.open = (async (...args: Parameters<typeof realOpen>) => {
      const fh = await realOpen(...args);
      if (String(args[0]).endsWith('.part')) {
        const realWrite = fh.write.bind(fh) as (b: Buffer, o: number, n: number, p: number) => Promise<{ bytesWritten: number; buffer: Buffer }>;
        (fh as unknown as { write: unknown }).write = async (b: Buffer, o: number, n: number, p: number) => {
          const room = Math.max(0, limit - p);
          if (room === 0) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
          return realWrite(b, o, Math.min(n, room), p);
        };
      }
      return fh;
    }) as typeof realOpen;
    syncBuiltinESMExports();
    const requests = hub.requests.length;
    try {
      await assert.rejects(download({ url: f.url, dest: d, expected: f.expected, ...fast }), (e: Error) => {
        assert.ok(e instanceof DownloadError && e.code === 'disk-space', String(e));
        assert.match(e.message, /disk is full/);
        assert.match(e.message, /Free some space/);
        assert.doesNotMatch(e.message, /retries/);
        return true;
      });
    } finally {
      fsp.open = realOpen;
      syncBuiltinESMExports();
    }
    assert.ok(hub.requests.length - requests <= 2, `not retried against a full disk (${hub.requests.length - requests} requests: resolve + CDN)`);
    assert.equal(readFileSync(`${d}.part`).length, limit, 'what was written is kept');
    const r = await download({ url: f.url, dest: d, expected: f.expected, ...fast });
    assert.equal(r.resumedFrom, limit);
    assert.equal(r.sha256, sha(DELTA), 'the resumed file verifies');
  });

  it('a file larger than the file system takes (EFBIG after a short write: FAT32\'s 4 GiB, or ulimit -f) is not called a full disk: it says why and where to put the models instead (tester28c)', async () => {
    const f = await deltaFile();
    const d = dest();
    // a real limit, the kernel's: the process may write files up to 1 MiB (ulimit -f counts 1024-byte blocks); the write
    // that crosses it is short, the next fails with EFBIG, as on a FAT32 disk at 4 GiB (ImageBind-huge is 4.8 GB)
    const child = join(ROOT, 'test/integration/download-child.ts');
    const p = spawn('bash', ['-c', 'ulimit -f 1024 && exec "$0" --import tsx "$@"', process.execPath, child, f.url, d, f.sha256!, String(f.size)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    p.stdout!.resume();
    const code = await new Promise<number | null>((resolve) => p.on('exit', resolve));
    assert.notEqual(code, 0, 'the download failed');
    assert.doesNotMatch(err, /disk is full/, 'the disk is not full: freeing space would not help');
    assert.match(err, /cannot grow past 1\.0 MB: the file system of .* does not take files this large \(3\.1 MB\)/);
    assert.match(err, /FAT32/);
    assert.match(err, /STUDIO_MODELS_DIR/, 'where to put the models instead');
    assert.equal(readFileSync(`${d}.part`).length, 1024 * 1024, 'what was written is kept');
  });

  it('pauses on abort, keeping the partial file, and resumes from it (re-hashing it first)', async () => {
    const f = await deltaFile();
    const d = dest();
    hub.throttle = 2 * 1024 * 1024;
    const ac = new AbortController();
    await assert.rejects(
      download({ url: f.url, dest: d, expected: f.expected, signal: ac.signal, onProgress: (p) => { if (p.bytes > 500_000) ac.abort(); }, progressIntervalMs: 0, ...fast }),
      (e: Error) => e instanceof DownloadError && e.code === 'aborted',
    );
    hub.throttle = 0;
    const kept = readFileSync(`${d}.part`).length;
    assert.ok(kept > 0 && kept < DELTA.length);
    const phases = new Set<string>();
    const r = await download({ url: f.url, dest: d, expected: f.expected, onProgress: (p) => phases.add(p.phase), ...fast });
    assert.equal(r.resumedFrom, kept);
    assert.equal(r.sha256, sha(DELTA));
    assert.ok(phases.has('hashing'));
    // cancel for good
    writeFileSync(`${d}.x.part`, 'x');
    await removePartial(`${d}.x`);
    assert.equal(existsSync(`${d}.x.part`), false);
  });

  it("Meta's file server: STUDIO_IMAGEBIND_URL, no published checksum — the verified file's SHA-256 is recorded", async () => {
    const url = hub.addStatic('/imagebind/imagebind_huge.pth', IMAGEBIND);
    assert.equal(imagebindUrl({ STUDIO_IMAGEBIND_URL: url }), url);
    assert.equal(imagebindUrl({}), 'https://dl.fbaipublicfiles.com/imagebind/imagebind_huge.pth');
    hub.fault('/imagebind/imagebind_huge.pth', { kind: 'drop', afterBytes: 300_000 });
    const r = await download({ url, dest: dest('imagebind_huge.pth'), ...fast });
    assert.equal(r.sha256, sha(IMAGEBIND));
    assert.equal(r.size, IMAGEBIND.length);
  });

  it('restarts from zero when the remote file changed under a partial download (If-Range)', async () => {
    const d = dest();
    const v1 = randomBytes(400_000);
    const v2 = randomBytes(400_000);
    const url = hub.addStatic('/changing.bin', v1);
    hub.fault('/changing.bin', { kind: 'drop', afterBytes: 100_000 });
    await assert.rejects(download({ url, dest: d, ...fast, retries: 0 }), (e: Error) => e instanceof DownloadError && e.code === 'network');
    assert.equal(readFileSync(`${d}.part`).length, 100_000);
    hub.addStatic('/changing.bin', Buffer.concat([v2, Buffer.from('x')])); // new ETag
    const r = await download({ url, dest: d, ...fast });
    assert.deepEqual(readFileSync(d), Buffer.concat([v2, Buffer.from('x')]));
    assert.equal(r.sha256, sha(readFileSync(d)));
  });

  it('restarts from zero when the file changed at the same size and the server ignores If-Range (206 with a new ETag) — no spliced file (tester18)', async () => {
    // Meta's server publishes no checksum, so only the ETag tells the two versions apart: a proxy or CDN that
    // ignores If-Range answers 206 from the new version, and appending it to the old head made a file that was
    // neither (accepted: right size, its own SHA-256 recorded as the verified one)
    const d = dest();
    const v1 = randomBytes(400_000);
    const v2 = randomBytes(400_000);
    const url = hub.addStatic('/same-size.bin', v1);
    hub.fault('/same-size.bin', { kind: 'drop', afterBytes: 100_000 });
    await assert.rejects(download({ url, dest: d, ...fast, retries: 0 }), (e: Error) => e instanceof DownloadError && e.code === 'network');
    assert.equal(readFileSync(`${d}.part`).length, 100_000);
    hub.addStatic('/same-size.bin', v2); // same size, new ETag
    hub.ignoreIfRange = true;
    try {
      const r = await download({ url, dest: d, ...fast });
      assert.equal(r.sha256, sha(v2), 'the file is the new version, not the old head + the new tail');
      assert.deepEqual(readFileSync(d), v2);
    } finally {
      hub.ignoreIfRange = false;
    }
  });

  it('a kill while restarting from zero (the file changed) never leaves the old bytes under the new ETag: the partial file is emptied before the sidecar is written', async () => {
    // Meta's server publishes no checksum, so a spliced file (old head + new tail, same size) would pass. The kill is
    // injected at the first of the two steps (checkpoint); with the sidecar written first it left v1's head under v2's ETag
    const d = dest();
    const v1 = randomBytes(400_000);
    const v2 = randomBytes(400_000);
    const url = hub.addStatic('/restart-kill.bin', v1);
    hub.fault('/restart-kill.bin', { kind: 'drop', afterBytes: 100_000 });
    await assert.rejects(download({ url, dest: d, ...fast, retries: 0 }), (e: Error) => e instanceof DownloadError && e.code === 'network');
    assert.equal(readFileSync(`${d}.part`).length, 100_000);
    hub.addStatic('/restart-kill.bin', v2); // same size, new ETag: If-Range gets 200, the download restarts from zero
    const steps: string[] = [];
    const killed = new Error('killed between the two steps');
    await assert.rejects(download({ url, dest: d, ...fast, retries: 0, checkpoint: (step) => { steps.push(step); throw killed; } }));
    assert.equal(steps.length, 1);
    const r = await download({ url, dest: d, ...fast });
    assert.equal(r.sha256, sha(v2), 'the new version, not v1\'s head + v2\'s tail');
    assert.deepEqual(readFileSync(d), v2);
  });

  it('survives being SIGKILLed at a random moment: the re-run resumes and the file verifies', async () => {
    const f = await deltaFile();
    const d = dest();
    hub.throttle = 1024 * 1024;
    const child = join(ROOT, 'test/integration/download-child.ts');
    const run = () => spawn(process.execPath, ['--import', 'tsx', child, f.url, d, f.sha256!, String(f.size)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    // at 1 MiB/s the 3 MiB file takes 3 s; the engine writes at least once a second
    const killAfterMs = 1300 + Math.floor(Math.random() * 1300);
    const p1 = run();
    await new Promise<void>((resolve) => {
      p1.stdout!.once('data', () => setTimeout(() => p1.kill('SIGKILL'), killAfterMs));
      p1.on('exit', () => resolve());
    });
    assert.equal(p1.signalCode, 'SIGKILL', 'killed mid-download');
    const partial = readFileSync(`${d}.part`).length;
    assert.ok(partial > 0 && partial < DELTA.length, `partial ${partial}`);
    hub.throttle = 0;
    const before = hub.requests.length;
    const p2 = run();
    let out = '';
    p2.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    const code = await new Promise<number | null>((resolve) => p2.on('exit', resolve));
    assert.equal(code, 0, out.slice(-500));
    const r = JSON.parse(out.match(/result (.*)/)![1]);
    assert.equal(r.resumedFrom, partial);
    assert.equal(r.sha256, sha(DELTA));
    assert.deepEqual(readFileSync(d), DELTA);
    const cdn = hub.requests.slice(before).find((q) => q.path === hub.cdnPath(f.sha256!));
    assert.equal(cdn?.range, `bytes=${partial}-`);
  });
});

// A model download whose server is gone said only undici's words (tester40): "fetch failed" whether the server refused
// the connection, its name was unknown (offline) or a proxy cut the file off ("terminated"). `studio model get` with the
// local Hub killed mid-file ended "…/pytorch_model.pt: fetch failed (it gave up after 8 retries; the 197 kB downloaded
// are kept)", and `studio model list` said "The Hugging Face Hub could not be reached (fetch failed)". Now the cause
// undici keeps is said: real failures of Node's fetch against real sockets here, and the CLI's messages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { networkFailureText } from '../../main/engine/model/download/network-words';
import { ROOT } from '../helpers/media';
import { llamaFolderStandIn } from '../helpers/model-sources';

const BAD_PORT = 'the port is one the runtime refuses to connect to (as browsers do: a port kept for other services) — serve the mirror on another port, such as 8080';
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'rs-networds-'));
  dirs.push(d);
  return d;
};
let closedPort = 0;
let cutter: Server;

/** a port nothing listens on: one the system gave out and that was closed again */
async function freedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** what fetch (or reading its body) rejected with */
async function failure(url: string, readBody = false): Promise<unknown> {
  try {
    const r = await fetch(url);
    if (readBody) await r.arrayBuffer();
  } catch (e) {
    return e;
  }
  throw new Error(`${url} did not fail`);
}

function studioModel(dataDir: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'model', ...args], {
    env: { ...process.env, STUDIO_DATA_DIR: dataDir, STUDIO_DOWNLOAD_BACKOFF_MS: '20', STUDIO_DISK_RESERVE_BYTES: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (b: Buffer) => (out += b));
  p.stderr.on('data', (b: Buffer) => (err += b));
  const t = setTimeout(() => p.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => p.on('close', (code) => { clearTimeout(t); resolve({ code, out, err }); }));
}

before(async () => {
  closedPort = await freedPort();
  // a server that promises 100 000 bytes, sends 1 000 and drops the connection: a proxy or server dying mid-file
  cutter = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': '100000', 'Content-Type': 'application/octet-stream' });
    res.write(Buffer.alloc(1000, 7), () => res.socket?.destroy());
  });
  await new Promise<void>((r) => cutter.listen(0, '127.0.0.1', r));
});
after(async () => {
  await new Promise((r) => cutter?.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a download that fails at the connection says why, not "fetch failed" (tester40)', { timeout: 300_000 }, () => {
  it("Node's fetch: a refused connection, a cut-off body, an unknown host name each in words, with undici's cause", async () => {
    const refused = await failure(`http://127.0.0.1:${closedPort}/file`);
    assert.equal((refused as Error).message, 'fetch failed', 'undici says no more itself');
    assert.equal(networkFailureText(refused), `the server refused the connection — nothing answers at that address: connect ECONNREFUSED 127.0.0.1:${closedPort}`);
    // "localhost" is tried on each of its addresses: undici's cause is an AggregateError of them
    assert.match(networkFailureText(await failure(`http://localhost:${closedPort}/file`)), /^the server refused the connection — nothing answers at that address: connect ECONNREFUSED (127\.0\.0\.1|::1)/);
    const cut = await failure(`http://127.0.0.1:${(cutter.address() as AddressInfo).port}/file`, true);
    assert.equal((cut as Error).message, 'terminated');
    assert.equal(networkFailureText(cut), 'the connection was closed before the file ended: other side closed');
    // .invalid never resolves (RFC 6761): ENOTFOUND, or EAI_AGAIN where no name server answers at all
    assert.match(networkFailureText(await failure('http://hub.invalid/file')), /^the server’s name could not be looked up — offline, or a wrong address: getaddrinfo (ENOTFOUND|EAI_AGAIN) hub\.invalid$/);
    // a port on the Fetch standard's blocked list is never connected to (undici's cause: "bad port", no code) — model40
    const blocked = await failure('http://127.0.0.1:9/file');
    assert.equal((blocked as Error).cause instanceof Error && (blocked as Error & { cause: Error }).cause.message, 'bad port', 'undici says no more itself');
    assert.equal(networkFailureText(blocked), `${BAD_PORT}: bad port`);
    // an error of another kind keeps its own words
    assert.equal(networkFailureText(new Error('hub.example: HTTP 503')), 'hub.example: HTTP 503');
  });

  it('studio model list with HF_ENDPOINT on a port the runtime refuses (9, discard): said so, with another port to use (was "fetch failed: bad port")', async () => {
    const list = await studioModel(fresh(), ['list'], { HF_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(list.code, 0, list.err);
    assert.ok(list.out.includes(`Note: The Hugging Face Hub could not be reached (${BAD_PORT}: bad port); sizes are estimates.`), list.out);
    assert.doesNotMatch(list.out, /fetch failed/);
  });

  it('studio model list and get with the Hub refusing connections: the cause named, "fetch failed" nowhere', async () => {
    const env = { HF_ENDPOINT: `http://127.0.0.1:${closedPort}`, STUDIO_IMAGEBIND_URL: `http://127.0.0.1:${closedPort}/imagebind_huge.pth` };
    const list = await studioModel(fresh(), ['list', '--json'], env);
    assert.equal(list.code, 0, list.err);
    const note = JSON.parse(list.out).sourcesNote as string;
    assert.equal(note, `The Hugging Face Hub could not be reached (the server refused the connection — nothing answers at that address: connect ECONNREFUSED 127.0.0.1:${closedPort}); sizes are estimates. Get looks the sources up again.`);
    const d = fresh();
    const get = await studioModel(d, ['get', 'beta', '--llama', llamaFolderStandIn(join(d, 'llama')), '--yes'], env);
    assert.equal(get.code, 1, get.err);
    assert.doesNotMatch(get.err, /fetch failed/);
    assert.ok(get.err.includes(`could not be reached to look up the files (the server refused the connection — nothing answers at that address: connect ECONNREFUSED 127.0.0.1:${closedPort}). Check the connection`), get.err);
  });
});

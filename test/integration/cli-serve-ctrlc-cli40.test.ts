// cli40 (lock39 noticed): `studio serve` answered Ctrl+C by its own rule — the first stopped and exited 0, a second only
// asked for the same stop again, so a stop that hung (a connection mid-request keeps the HTTP server's close() waiting)
// could not be cut short. Now it follows the CLI's one rule (main/cli/interrupt.ts onCtrlC): the first stops cleanly
// and exits 130, as every command stopped by Ctrl+C; a second exits 130 at once. The built CLI, real SIGINTs.
// Run: npm run build && node tools/run-tests.mjs test/integration/cli-serve-ctrlc-cli40.test.ts
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readDataLockOwner } from '../../main/data-lock';
import { ROOT } from '../helpers/media';
import { ctrlCTwice } from '../helpers/signals';

const dir = mkdtempSync(join(tmpdir(), 'rs-serve-ctrlc-'));
const running: ChildProcess[] = [];
after(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** a hang guard only: a serve that never exits fails the test instead of holding the run */
const HANG_GUARD_MS = 60_000;

/** `studio serve --port 0` on its own data folder; resolves once it listens, with its port and how it ends */
async function serve(name: string) {
  const dataDir = join(dir, name);
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--root', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(proc);
  let out = '';
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /is running at http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`studio serve exited (${code}) before listening: ${err}`)));
  });
  const ended = async () => {
    let guard: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'hung'>((r) => (guard = setTimeout(() => r('hung'), HANG_GUARD_MS)))]);
    clearTimeout(guard);
    return { code, err };
  };
  return { proc, port, dataDir, ended };
}

test('one Ctrl+C: studio serve stops cleanly — its data folder given up — and exits 130', async () => {
  const s = await serve('once');
  assert.ok(readDataLockOwner(s.dataDir), 'serve holds its data folder');
  s.proc.kill('SIGINT');
  const r = await s.ended();
  // before: exit 0
  assert.equal(r.code, 130, r.err);
  assert.match(r.err, /^studio: stopping \(Ctrl\+C again to stop at once\)…$/m);
  assert.doesNotMatch(r.err, /stopped at once/);
  assert.equal(readDataLockOwner(s.dataDir), null, 'the lock released by the clean stop');
});

test('Ctrl+C twice while the stop waits on a connection mid-request: exit 130 at once', async () => {
  const s = await serve('twice');
  // a request whose headers never end: the HTTP server's close() waits for it (Node closes only idle connections)
  const sock: Socket = connect(s.port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.on('error', () => undefined);
  sock.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  // a whole request on another connection, answered: the server has accepted the first one by then
  const probe = await fetch(`http://127.0.0.1:${s.port}/`, { redirect: 'manual' });
  await probe.arrayBuffer();
  await ctrlCTwice(s.proc.pid!);
  const r = await s.ended();
  sock.destroy();
  // before: the second Ctrl+C asked for the same stop again; serve waited on the connection (r.code 'hung')
  assert.equal(r.code, 130, r.err);
  assert.match(r.err, /^studio: stopping \(Ctrl\+C again to stop at once\)…\nstudio: stopped at once\.$/m);
});

// cli40: an engine busy in a long synchronous step while its host exits (a second Ctrl+C exits the CLI at once:
// `studio model get`, `studio serve`) sent its next message on a channel whose other end was gone: process.connected
// is still true until the event loop sees the channel close, the write fails with EPIPE, and with no callback Node
// makes that an 'error' event on process — an uncaught exception whose stack trace ("Error: write EPIPE … at
// RpcServer.send") the engine's inherited stderr put on the user's terminal (seen once in model-get's Ctrl+C-twice
// case). main/engine/port.ts hostPort's send now takes the error; 'disconnect' ends the engine.
// Real processes: a host that forks the engine side of hostPort over child_process IPC and is SIGKILLed while the
// child spins; the child sends once the host is gone, before its event loop runs again.
// Run: node tools/run-tests.mjs test/integration/engine-port-host-gone-cli40.test.ts
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { ROOT } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-port-host-gone-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** a hang guard only */
const HANG_GUARD_MS = 60_000;

test('hostPort: a message sent after the host died (the channel not yet seen closed) is dropped, no uncaught EPIPE', async () => {
  const child = join(dir, 'engine-side.mjs');
  const host = join(dir, 'host.mjs');
  const errFile = join(dir, 'engine-stderr.txt');
  writeFileSync(child, `
import { writeSync } from 'node:fs';
import { hostPort } from ${JSON.stringify(pathToFileURL(join(ROOT, 'main', 'engine', 'port.ts')).href)};
process.on('exit', (code) => writeSync(2, 'exit ' + code + '\\n'));
const port = hostPort();
const host = process.ppid;
port.send({ t: 'event', name: 'ready' });
setTimeout(() => {
  // busy, as in a long synchronous step, until the host is gone: the event loop does not see the channel close
  for (;;) {
    try { process.kill(host, 0); } catch { break; }
  }
  writeSync(2, 'host gone, connected ' + process.connected + '\\n');
  port.send({ t: 'event', name: 'after-the-host', payload: 'x'.repeat(1 << 20) });
}, 20);
`);
  writeFileSync(host, `
import { fork } from 'node:child_process';
import { openSync } from 'node:fs';
const err = openSync(${JSON.stringify(errFile)}, 'w');
const c = fork(${JSON.stringify(child)}, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', err, 'ipc'] });
// killed while the child spins (a second Ctrl+C's process.exit is as sudden for the channel)
c.once('message', () => setTimeout(() => process.kill(process.pid, 'SIGKILL'), 200));
`);
  const h = spawn(process.execPath, [host], { cwd: ROOT, stdio: 'ignore' });
  await new Promise((r) => h.once('exit', r));
  // the child is no longer ours to wait for: its own 'exit' line says it ended
  for (const guard = Date.now() + HANG_GUARD_MS; !(existsSync(errFile) && /^exit \d+$/m.test(readFileSync(errFile, 'utf8'))); ) {
    assert.ok(Date.now() < guard, `the engine side never ended: ${existsSync(errFile) ? readFileSync(errFile, 'utf8') : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const err = readFileSync(errFile, 'utf8');
  // the case under test was reached: the send came while the channel still read as connected
  assert.match(err, /^host gone, connected true$/m, err);
  // before: "Error: write EPIPE … Unhandled 'error' event", exit 1
  assert.doesNotMatch(err, /EPIPE|Unhandled 'error'/, err);
  assert.match(err, /^exit 0$/m, err);
});

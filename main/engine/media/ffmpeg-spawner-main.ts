/**
 * The ffmpeg spawner process (issue 11 throughput; the engine side is ffmpeg-spawner.ts): a small, idle Node process
 * that starts ffmpeg children for one engine thread, so that the engine — whose heap is hundreds of MB — is not
 * forked once per decode. libuv (1.46, Node 20) starts a child with fork(): the kernel copies the parent's page tables,
 * and afterwards every page the parent writes takes a copy-on-write fault once; forked from this process instead,
 * that cost is paid on a few MB that nothing writes.
 *
 * Protocol, newline-delimited JSON:
 *  - stdin (from the engine thread): `{op:'spawn', id, bin, args, tokens}` (tokens: hex, one per child fd 1, 2, 3, …)
 *    and `{op:'kill', id, signal}`; end of stdin (the thread or the engine is gone): every child is killed (SIGKILL)
 *    and this process exits.
 *  - stdout (to the engine thread): `{ready: path}` once listening (path: an abstract name on Linux, starting with
 *    NUL, else a socket file in the temporary directory); `{id, accepted: true}` once a spawn's tokens are known;
 *    `{id, pid}` once spawned; `{id, error, code}` when the spawn failed (`error` is Node's message, e.g.
 *    "spawn /x/ffmpeg ENOENT"); `{id, exit, signal}` when the child has exited.
 *  - the listening socket: the engine thread connects once per fd of a spawn and sends that fd's token (16 bytes);
 *    an accepted connection becomes the child's fd exactly as a pipe would (pcm-socket.ts). A connection that brings
 *    no token of a spawn is closed unread. Once every fd of a spawn is connected the child is started with
 *    stdin ignored and this process's copies of the sockets are closed.
 * Only Node built-ins here: the process must stay small (it is what gets forked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// the engine's environment, less what made this Electron binary run as Node
delete process.env.ELECTRON_RUN_AS_NODE;

const TOKEN_BYTES = 16;

interface Spawn {
  bin: string;
  args: string[];
  /** accepted connection per fd (index 0: fd 1) */
  fds: Array<net.Socket | undefined>;
  tokens: string[];
  child?: ChildProcess;
}

const spawns = new Map<number, Spawn>();
/** an expected token → its spawn's id and fd index */
const expected = new Map<string, { id: number; k: number }>();

const send = (msg: object) => process.stdout.write(JSON.stringify(msg) + '\n');

function drop(id: number): void {
  const s = spawns.get(id);
  if (!s) return;
  spawns.delete(id);
  for (const t of s.tokens) expected.delete(t);
  for (const f of s.fds) f?.destroy();
}

function start(id: number, s: Spawn): void {
  for (const t of s.tokens) expected.delete(t);
  const fds = s.fds as net.Socket[];
  let child: ChildProcess;
  try {
    child = spawn(s.bin, s.args, { stdio: ['ignore', ...fds], windowsHide: true });
  } catch (err) {
    drop(id);
    send({ id, error: (err as Error).message, code: (err as NodeJS.ErrnoException).code ?? null });
    return;
  } finally {
    // the child holds its own copies: ours go, so the engine's ends see the child's close
    for (const f of fds) f.destroy();
  }
  s.child = child;
  child.on('spawn', () => send({ id, pid: child.pid }));
  child.on('error', (err) => {
    if (child.pid === undefined) send({ id, error: err.message, code: (err as NodeJS.ErrnoException).code ?? null });
  });
  child.on('close', (code, signal) => {
    spawns.delete(id);
    if (child.pid !== undefined) send({ id, exit: code, signal });
  });
}

const server = net.createServer((sock) => {
  let got: Buffer = Buffer.alloc(0);
  const onData = (b: Buffer) => {
    got = Buffer.concat([got, b]);
    if (got.length < TOKEN_BYTES) return;
    sock.off('data', onData);
    sock.pause();
    const want = got.length === TOKEN_BYTES ? expected.get(got.toString('hex')) : undefined;
    const s = want && spawns.get(want.id);
    if (!want || !s || s.fds[want.k]) return void sock.destroy();
    s.fds[want.k] = sock;
    if (s.fds.every((f) => f)) start(want.id, s);
  };
  sock.on('data', onData);
  sock.on('error', () => sock.destroy());
});

const name = `resonance-ffspawn-${randomBytes(8).toString('hex')}`;
const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);

function quit(): never {
  for (const s of spawns.values()) s.child?.kill('SIGKILL');
  try {
    server.close();
    if (!path.startsWith('\0')) unlinkSync(path);
  } catch {
    /* gone already */
  }
  process.exit(0);
}

server.on('error', (err) => {
  process.stderr.write(`ffmpeg spawner: ${err.message}\n`);
  quit();
});
server.listen(path, () => send({ ready: path }));

let partial = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  partial += text;
  let nl: number;
  while ((nl = partial.indexOf('\n')) >= 0) {
    const line = partial.slice(0, nl);
    partial = partial.slice(nl + 1);
    if (!line.trim()) continue;
    const m = JSON.parse(line) as { op: 'spawn'; id: number; bin: string; args: string[]; tokens: string[] } | { op: 'kill'; id: number; signal?: NodeJS.Signals };
    if (m.op === 'spawn') {
      spawns.set(m.id, { bin: m.bin, args: m.args, tokens: m.tokens, fds: m.tokens.map(() => undefined) });
      m.tokens.forEach((t, k) => expected.set(t, { id: m.id, k }));
      send({ id: m.id, accepted: true });
    } else if (m.op === 'kill') {
      const s = spawns.get(m.id);
      if (s?.child) s.child.kill(m.signal ?? 'SIGTERM');
      else if (s) {
        // not started yet (its fds not all connected): never started
        drop(m.id);
        send({ id: m.id, exit: null, signal: m.signal ?? 'SIGTERM' });
      }
    }
  }
});
process.stdin.on('end', quit);
process.stdin.on('error', quit);
process.stdout.on('error', quit);

/**
 * ffmpeg started by a small spawner process (ffmpeg-spawner-main.ts) instead of by the engine thread itself (issue 11
 * throughput). libuv (1.46, Node 20) starts children with fork(): each decode copied the engine's page tables, and
 * then every page the engine wrote took a copy-on-write fault once — 13.8 % of `studio analyze`'s CPU in page faults
 * (speed24 perf split). The spawner is forked instead, a Node process that holds a few MB and writes almost nothing.
 *
 * One spawner per engine thread that decodes (started on first use with this process's executable — under Electron
 * as Node, ELECTRON_RUN_AS_NODE — and ended when the thread's end closes its stdin). The PCM outputs still come
 * straight from ffmpeg through Unix-domain stream sockets (pcm-socket.ts): here this thread's readers connect to the
 * SPAWNER's listening socket, each sending a token the spawn request named, and the spawner gives the accepted
 * connections to ffmpeg as fds 1, 2 (stderr), 3, … . Cancelling kills ffmpeg through the spawner.
 *
 * A spawner that dies (killed, crashed) fails the decodes it had with SpawnerLostError — their ffmpeg children are
 * killed (by pid) and their sockets closed — and the next spawn starts a new one; pcm.ts reads such a file again
 * from the start, so no file is lost. Not used (null: ffmpeg is spawned directly, as before) on Windows, with
 * STUDIO_PCM_TRANSPORT=pipe or STUDIO_FFMPEG_SPAWNER=0, when the spawner's entry is missing, or after it failed to
 * start 3 times in this thread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { PCM_SOCKET_BUFFER, pcmSocketsWanted, type PcmSocket } from './pcm-socket';

const TOKEN_BYTES = 16;
/** ms a spawner may take to start listening (under tsx, in tests, it compiles its source first) */
const START_TIMEOUT_MS = 20_000;
/** starts that may fail in one thread before ffmpeg is spawned directly for good */
const MAX_START_FAILURES = 3;

/** A decode's spawner went away before its ffmpeg exited: read the file again (pcm.ts does). */
export class SpawnerLostError extends Error {
  readonly code = 'SPAWNER_LOST';
  constructor() {
    super('The ffmpeg spawner process ended during a decode.');
  }
}

/** Whether ffmpeg is started through a spawner here: PCM sockets are read (pcm-socket.ts) and STUDIO_FFMPEG_SPAWNER is not 0. */
export function spawnerWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return pcmSocketsWanted(env) && env.STUDIO_FFMPEG_SPAWNER !== '0';
}

/** The spawner's entry next to the engine bundle (out/engine/ffmpeg-spawner.js), or its .ts source under tsx. */
function spawnerEntry(): string[] | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return ['--import', 'tsx', fileURLToPath(new URL('./ffmpeg-spawner-main.ts', here))];
  const file = fileURLToPath(new URL('./ffmpeg-spawner.js', here));
  return existsSync(file) ? [file] : null;
}

type Reply = { ready: string } | { id: number; accepted: true } | { id: number; pid: number } | { id: number; error: string; code: string | null } | { id: number; exit: number | null; signal: NodeJS.Signals | null };

/**
 * A child ffmpeg run by the spawner, with the part of ChildProcess's surface that spawnFfmpeg and its callers use:
 * `pid` (once 'spawn' is emitted), `stderr`, `kill`, and the events 'spawn', 'error' (the spawn failed: Node's
 * message; or SpawnerLostError), 'exit' and 'close' (code, signal; 'close' once stderr has ended too).
 */
export class RemoteFfmpeg extends EventEmitter {
  pid: number | undefined = undefined;
  readonly stdin = null;
  readonly stdout = null;
  readonly stderr: net.Socket;
  readonly stdio: Array<net.Socket | null>;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  private ended = false;
  private exited = false;
  private stderrClosed = false;

  constructor(
    private readonly spawner: Spawner,
    readonly id: number,
    readonly sockets: PcmSocket[],
  ) {
    super();
    this.stderr = new net.Socket();
    this.stderr.on('error', () => {});
    this.stderr.once('close', () => {
      this.stderrClosed = true;
      this.maybeClose();
    });
    this.stdio = [null, null, this.stderr];
  }

  /** Sends `signal` to ffmpeg (through the spawner); false once it has exited. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exited) return false;
    return this.spawner.kill(this, signal);
  }

  /** @internal the spawner's replies */
  accepted(path: string, tokens: Buffer[]): void {
    const connect = (s: net.Socket, k: number) => {
      s.connect({ path });
      s.write(tokens[k]);
    };
    connect(this.sockets[0].reader, 0);
    connect(this.stderr, 1);
    for (let k = 1; k < this.sockets.length; k++) connect(this.sockets[k].reader, k + 1);
  }
  /** @internal */
  spawned(pid: number): void {
    this.pid = pid;
    this.emit('spawn');
  }
  /** @internal the spawn failed, or the spawner is gone (then ffmpeg, if it started, is killed here) */
  failed(err: Error): void {
    if (this.exited) return;
    if (err instanceof SpawnerLostError && this.pid !== undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* exited already */
      }
    }
    this.exited = true;
    for (const s of this.sockets) s.reader.destroy();
    this.stderr.destroy();
    this.emit('error', err);
    this.exit(null, 'SIGKILL');
  }
  /** @internal */
  exit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
    // never connected (killed before it started): nothing will close it
    if (this.stderr.connecting || this.stderr.pending) this.stderr.destroy();
    this.maybeClose();
  }
  private maybeClose(): void {
    if (this.ended || !this.exited || !this.stderrClosed) return;
    this.ended = true;
    this.spawner.done(this);
    this.emit('close', this.exitCode, this.signalCode);
  }
}


/** One running spawner process and the spawns it has in hand. */
class Spawner {
  private readonly running = new Map<number, { child: RemoteFfmpeg; tokens: Buffer[]; bin: string; args: string[] }>();
  private nextId = 1;
  dead = false;

  constructor(
    readonly proc: ChildProcess,
    readonly path: string,
  ) {}

  launch(bin: string, args: string[], sockets: PcmSocket[]): RemoteFfmpeg {
    const id = this.nextId++;
    const child = new RemoteFfmpeg(this, id, sockets);
    if (this.dead) {
      queueMicrotask(() => child.failed(new SpawnerLostError()));
      return child;
    }
    // fd 1, fd 2 (stderr), fds 3, …
    const tokens = Array.from({ length: sockets.length + 1 }, () => randomBytes(TOKEN_BYTES));
    this.running.set(id, { child, tokens, bin, args });
    // its replies keep the thread alive while a spawn is in hand
    if (this.running.size === 1) (this.proc.stdout as net.Socket).ref();
    this.send({ op: 'spawn', id, bin, args, tokens: tokens.map((t) => t.toString('hex')) });
    return child;
  }

  kill(child: RemoteFfmpeg, signal: NodeJS.Signals): boolean {
    if (this.dead || !this.running.has(child.id)) return false;
    this.send({ op: 'kill', id: child.id, signal });
    return true;
  }

  done(child: RemoteFfmpeg): void {
    if (this.running.delete(child.id) && this.running.size === 0) (this.proc.stdout as net.Socket).unref();
  }

  reply(m: Reply): void {
    if (!('id' in m)) return;
    const r = this.running.get(m.id);
    if (!r) return;
    if ('accepted' in m) r.child.accepted(this.path, r.tokens);
    else if ('pid' in m) r.child.spawned(m.pid);
    else if ('error' in m) {
      const err: NodeJS.ErrnoException = new Error(m.error);
      if (m.code) err.code = m.code;
      r.child.failed(err);
    } else if ('exit' in m) r.child.exit(m.exit, m.signal);
  }

  /** the process is gone: every spawn in hand fails with SpawnerLostError */
  lost(): void {
    if (this.dead) return;
    this.dead = true;
    for (const r of [...this.running.values()]) r.child.failed(new SpawnerLostError());
    this.running.clear();
  }

  private send(msg: object): void {
    this.proc.stdin!.write(JSON.stringify(msg) + '\n');
  }
}

let current: Promise<Spawner | null> | null = null;
let startFailures = 0;

function startSpawner(): Promise<Spawner | null> {
  const entry = spawnerEntry();
  if (!entry) return Promise.resolve(null);
  return new Promise<Spawner | null>((resolve) => {
    let proc: ChildProcess;
    try {
      proc = spawn(process.execPath, entry, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, windowsHide: true });
    } catch {
      return resolve(null);
    }
    let spawner: Spawner | null = null;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve(null);
    }, START_TIMEOUT_MS);
    timer.unref();
    const gone = () => {
      clearTimeout(timer);
      if (spawner) {
        // the next spawn starts a new one
        if (current && spawner === lastSpawner) current = null;
        spawner.lost();
      } else resolve(null);
    };
    proc.on('error', gone);
    proc.on('exit', gone);
    proc.stdin!.on('error', () => {});
    let partial = '';
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (text: string) => {
      partial += text;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        let m: Reply;
        try {
          m = JSON.parse(partial.slice(0, nl)) as Reply;
        } catch {
          // not the spawner's protocol: ended, and its spawns fail as lost (the 'exit' above)
          proc.kill('SIGKILL');
          return;
        }
        partial = partial.slice(nl + 1);
        if ('ready' in m) {
          clearTimeout(timer);
          spawner = lastSpawner = new Spawner(proc, m.ready);
          // idle from here: only a spawn in hand keeps the thread alive (Spawner.launch)
          (proc.stdout as net.Socket).unref();
          resolve(spawner);
        } else spawner?.reply(m);
      }
    });
    // never keeps a thread or the process alive: a decode's own sockets do while it runs
    proc.unref();
    (proc.stdin as net.Socket).unref();
  });
}
let lastSpawner: Spawner | null = null;

/** This thread's spawner, started (or restarted) on demand; null when ffmpeg is spawned directly (see the header). */
function spawner(): Promise<Spawner | null> {
  if (!spawnerWanted() || startFailures >= MAX_START_FAILURES) return Promise.resolve(null);
  current ??= startSpawner().then((s) => {
    if (!s) {
      startFailures++;
      current = null;
    } else startFailures = 0;
    return s;
  });
  return current;
}

/**
 * `count` PCM outputs read through the spawner's sockets (the same readers pcm-socket.ts's pcmSockets gives, with no
 * writer on this side) and `launch`, which runs ffmpeg through the spawner with them as fds 1, 3, 4, … and its stderr
 * as fd 2; null when there is no spawner (spawn directly). `onData(k, bytes)` as in pcmSockets.
 */
export async function spawnerSinks(count: number, onData: (k: number, bytes: Buffer) => void): Promise<{ sockets: PcmSocket[]; launch: (bin: string, args: string[]) => RemoteFfmpeg } | null> {
  const s = await spawner();
  if (!s) return null;
  const sockets = Array.from({ length: count }, (_, k) => {
    // connected once the spawner knows the spawn's tokens (RemoteFfmpeg.accepted); Node's Socket constructor takes
    // `onread` (net.connect passes its options on to it; @types/node lists it for connect only)
    const onread: net.OnReadOpts = {
      buffer: Buffer.allocUnsafeSlow(PCM_SOCKET_BUFFER),
      callback: (n: number, buf: Uint8Array) => {
        onData(k, (buf as Buffer).subarray(0, n));
        return true;
      },
    };
    const reader = new net.Socket({ onread } as net.SocketConstructorOpts);
    // an error (the peer reset) ends the read like an end of stream: what was read stays read
    reader.on('error', () => {});
    const closed = new Promise<void>((done) => reader.once('close', () => done()));
    return { writer: null, reader, closed } satisfies PcmSocket;
  });
  return { sockets, launch: (bin, args) => s.launch(bin, args, sockets) };
}

/** This thread's spawner (started if need be): its pid and listening socket; null when none is used. For tests. */
export async function spawnerInfo(): Promise<{ pid: number; path: string } | null> {
  const s = await spawner();
  return s && s.proc.pid !== undefined ? { pid: s.proc.pid, path: s.path } : null;
}

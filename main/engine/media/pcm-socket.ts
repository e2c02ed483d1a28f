/**
 * PCM outputs of ffmpeg read through local stream sockets into one reused buffer (issue 11 throughput).
 *
 * A child's stdio pipe is read by node into a fresh 64 KiB Buffer per read: on a 30 s stereo track about 380 reads,
 * each an external allocation that V8 counts toward its next full collection, plus a Readable stream's push and a
 * 'data' event. A socket node connects itself can read into a caller's buffer instead (net's `onread`), with no
 * allocation per read. So on POSIX each PCM output of a decode is a connected pair of Unix-domain stream sockets:
 * this side's end (`reader`) reads into the output's buffer, the other end (`writer`) becomes ffmpeg's fd 1 (or 3, 4,
 * …) exactly as a pipe would (libuv's stdio "pipes" are socket pairs too), and ffmpeg's `pipe:N` protocol writes the
 * same bytes to it. Pairs come from one listening socket per thread (a randomly named socket file in the temporary
 * directory, or on Linux an abstract socket name, which leaves no file); each connect sends a random token first, and
 * only the accepted connection that brings it back becomes that connect's writer.
 *
 * Windows, a failure to listen (no writable temporary directory), or STUDIO_PCM_TRANSPORT=pipe: null, and the caller
 * reads ordinary pipes. The samples are the same either way; only node's CPU per read differs (a 30 s MP3 decode's two
 * outputs: ~45 → ~15 ms, BENCHMARKS.md "Throughput: session 11").
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One PCM output's socket pair. */
export interface PcmSocket {
  /** the end ffmpeg writes to: give it to spawn's stdio, then `destroy()` this side's copy */
  writer: net.Socket;
  /** this side's end, read into the buffer given to pcmSockets */
  reader: net.Socket;
  /** resolves once the reader is closed: ffmpeg closed its end and every byte was handed on, or the reader was destroyed */
  closed: Promise<void>;
}

/** bytes read at most per read: ffmpeg writes 32 KiB at a time and a socket holds ~200 KiB, so a late read takes several */
export const PCM_SOCKET_BUFFER = 256 * 1024;

const TOKEN_BYTES = 16;

interface Listener {
  path: string;
  /** connects waiting for their accepted end, by the token each sent (hex) */
  waiting: Map<string, (writer: net.Socket) => void>;
}

let listener: Promise<Listener | null> | null = null;

/** Whether PCM outputs are read through sockets here (not Windows, not STUDIO_PCM_TRANSPORT=pipe). */
export function pcmSocketsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform !== 'win32' && env.STUDIO_PCM_TRANSPORT !== 'pipe';
}

/**
 * This thread's listening socket, made on first use; null when it cannot be made (then pipes are read). An accepted
 * connection is paired with the connect that sent its token first; anything else (a stranger that found the path) is
 * closed unread. A socket file (not Linux) goes when the listener closes (libuv unlinks it: a worker's end, the
 * process's exit); a process killed by SIGKILL leaves it.
 */
function listening(): Promise<Listener | null> {
  listener ??= new Promise<Listener | null>((resolve) => {
    const name = `resonance-pcm-${randomBytes(8).toString('hex')}`;
    // Linux: an abstract socket, a name with no file, gone with its process whatever ends it (a socket file is
    // unlinked by the exit handler below, which SIGKILL skips: tester17 found 61 left in /tmp by killed runs)
    const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
    const waiting = new Map<string, (writer: net.Socket) => void>();
    const server = net.createServer((sock) => {
      let got: Buffer = Buffer.alloc(0);
      const onData = (b: Buffer) => {
        got = Buffer.concat([got, b]);
        if (got.length < TOKEN_BYTES) return;
        sock.off('data', onData);
        sock.pause();
        const paired = got.length === TOKEN_BYTES ? waiting.get(got.toString('hex')) : undefined;
        if (!paired) return void sock.destroy();
        waiting.delete(got.toString('hex'));
        paired(sock);
      };
      sock.on('data', onData);
      sock.on('error', () => sock.destroy());
    });
    // not listening (then pipes), or no longer accepting (then connects fail, and pipes are read from then on)
    server.on('error', () => {
      server.close();
      resolve(null);
    });
    const ready = () => {
      // never keeps a process or a worker alive
      server.unref();
      process.once('exit', () => {
        try {
          server.close();
          if (!path.startsWith('\0')) unlinkSync(path);
        } catch {
          /* gone already */
        }
      });
      resolve({ path, waiting });
    };
    try {
      server.listen(path, ready);
    } catch {
      // a path the platform refuses outright (too long): pipes
      resolve(null);
    }
  });
  return listener;
}

/**
 * This thread's listening socket (made on first use): a file path, or on Linux an abstract name starting with NUL
 * (listed in /proc/net/unix with @ for the NUL); null when sockets are not read. For tests and diagnostics.
 */
export async function pcmSocketPath(): Promise<string | null> {
  return pcmSocketsWanted() ? ((await listening())?.path ?? null) : null;
}

/**
 * `count` socket pairs, one per PCM output; `onData(k, bytes)` gets each read of output k's reader (a view of that
 * reader's own buffer, reused by the next read: handle it before returning; a throw is not caught here). null when
 * sockets are not used (pcmSocketsWanted) or cannot be made: read pipes instead.
 */
export async function pcmSockets(count: number, onData: (k: number, bytes: Buffer) => void): Promise<PcmSocket[] | null> {
  if (!pcmSocketsWanted()) return null;
  const l = await listening();
  if (!l) return null;
  const made = await Promise.allSettled(Array.from({ length: count }, (_, k) => onePair(l, Buffer.allocUnsafeSlow(PCM_SOCKET_BUFFER), (bytes) => onData(k, bytes))));
  if (made.every((m) => m.status === 'fulfilled')) return made.map((m) => (m as PromiseFulfilledResult<PcmSocket>).value);
  for (const m of made) if (m.status === 'fulfilled') closePcmSocket(m.value);
  return null;
}

/** Both ends of a pair closed (after a failed spawn, a kill, an error). */
export function closePcmSocket(s: PcmSocket): void {
  s.writer.destroy();
  s.reader.destroy();
}

function onePair(l: Listener, buffer: Buffer, onData: (bytes: Buffer) => void): Promise<PcmSocket> {
  return new Promise<PcmSocket>((resolve, reject) => {
    const token = randomBytes(TOKEN_BYTES);
    const key = token.toString('hex');
    const reader = net.connect({
      path: l.path,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array) => {
          onData((buf as Buffer).subarray(0, n));
          return true;
        },
      },
    });
    const closed = new Promise<void>((done) => reader.once('close', () => done()));
    const failed = (err: Error) => {
      l.waiting.delete(key);
      reader.destroy();
      reject(err);
    };
    reader.once('error', failed);
    l.waiting.set(key, (writer) => {
      reader.off('error', failed);
      // an error after this (the peer reset) ends the read like an end of stream: what was read stays read
      reader.on('error', () => {});
      resolve({ writer, reader, closed });
    });
    reader.write(token);
  });
}

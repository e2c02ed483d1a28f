import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type WebSocket from 'ws';

/**
 * A WebSocket client at the byte level (RFC 6455), for sending frames no
 * well-behaved client would: oversized length headers, invalid UTF-8, RSV
 * bits. Loopback only.
 */
export interface RawWebSocket {
  socket: Socket;
  /** send one client frame (masked, as RFC 6455 §5.3 requires) */
  frame(opts: { opcode?: number; payload?: Buffer; rsv1?: boolean; fin?: boolean; declaredLength?: number }): void;
  /** the next complete server frame */
  next(timeoutMs?: number): Promise<{ opcode: number; payload: Buffer }>;
  /** resolves with the close code and reason the server sent (or 1006 when the socket just ended) */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  end(): void;
}

/** Open `ws://127.0.0.1:port/ws` with the given extra request headers. Rejects unless the answer is 101. */
export function openRawWebSocket(port: number, headers: Record<string, string>): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const key = randomBytes(16).toString('base64');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const waiters: Array<() => void> = [];
    let ended = false;
    socket.on('error', () => undefined);
    socket.on('end', () => ((ended = true), waiters.splice(0).forEach((w) => w())));
    socket.on('close', () => ((ended = true), waiters.splice(0).forEach((w) => w())));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        if (!/^HTTP\/1\.1 101/.test(head)) {
          socket.destroy();
          return reject(new Error(head.split('\r\n')[0]));
        }
        upgraded = true;
        resolve(api);
      }
      waiters.splice(0).forEach((w) => w());
    });
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n'),
    );

    const parse = (): { opcode: number; payload: Buffer } | null => {
      if (buf.length < 2) return null;
      const opcode = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return null;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return null;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      if (buf.length < off + len) return null;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      return { opcode, payload };
    };

    const api: RawWebSocket = {
      socket,
      frame({ opcode = 1, payload = Buffer.alloc(0), rsv1 = false, fin = true, declaredLength }) {
        const len = declaredLength ?? payload.length;
        const head: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
        if (len < 126) head.push(0x80 | len);
        else if (len < 65536) head.push(0x80 | 126, len >> 8, len & 0xff);
        else {
          const b = Buffer.alloc(8);
          b.writeBigUInt64BE(BigInt(len));
          head.push(0x80 | 127, ...b);
        }
        const mask = randomBytes(4);
        const masked = Buffer.from(payload);
        for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
        socket.write(Buffer.concat([Buffer.from(head), mask, masked]));
      },
      async next(timeoutMs = 120_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const f = parse();
          if (f) return f;
          if (ended) throw new Error('the socket ended');
          if (Date.now() > deadline) throw new Error('no frame in time');
          await new Promise<void>((r) => {
            waiters.push(r);
            setTimeout(r, 50);
          });
        }
      },
      async closed(timeoutMs = 120_000) {
        for (;;) {
          let f;
          try {
            f = await api.next(timeoutMs);
          } catch {
            return { code: 1006, reason: '' };
          }
          if (f.opcode === 8) return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005, reason: f.payload.subarray(2).toString('utf8') };
        }
      },
      end() {
        socket.destroy();
      },
    };
  });
}

/**
 * One contract call over an open `ws` WebSocket of `studio serve`: sends
 * `{t:'req', id, method, args}` and resolves with the `res` message of that id
 * (`ok`, `value` or `error`). Test helper shared by the serve suites.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function rpc(ws: WebSocket, method: string, args: unknown, id = `t${Math.random().toString(36).slice(2)}`): Promise<{ ok: boolean; value?: any; error?: any }> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data));
      if (m.t === 'res' && m.id === id) {
        ws.off('message', onMsg);
        resolve(m);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'req', id, method, args }));
  });
}

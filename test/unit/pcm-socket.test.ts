// The PCM reader's socket transport (media/pcm-socket.ts): on POSIX each PCM output of a decode is read through a
// Unix-domain socket pair into one buffer per output, not a fresh Buffer per pipe read. Pinned here: the reads land in
// one reused buffer per output, and ffmpeg writes to connections of the listening socket (with
// STUDIO_PCM_TRANSPORT=pipe, to pipes of its own: the control), the samples are the pipe path's bit for
// bit (STUDIO_PCM_TRANSPORT=pipe is the reference), an onFrames throw still kills ffmpeg and rejects, a stranger's
// connection to the listening socket is closed without disturbing a decode, and no socket file outlives its process.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readPcmOutputs, type PcmOutput } from '../../main/engine/media/pcm';
import { pcmSocketPath, pcmSocketsWanted } from '../../main/engine/media/pcm-socket';
import { ROOT, toneFile } from '../helpers/media';

const ANALYSIS = { filter: 'aformat=sample_fmts=flt:sample_rates=44100|48000' };
const WAVE = { channels: 1, sampleRate: 16000 };

/** both outputs of one decode of `path`: every sample (as bits) and the distinct ArrayBuffers onFrames was given, per output */
async function decodeBoth(path: string, transport: 'socket' | 'pipe') {
  const saved = process.env.STUDIO_PCM_TRANSPORT;
  if (transport === 'pipe') process.env.STUDIO_PCM_TRANSPORT = 'pipe';
  else delete process.env.STUDIO_PCM_TRANSPORT;
  try {
    const got = [[], []] as number[][];
    const buffers = [new Set<ArrayBufferLike>(), new Set<ArrayBufferLike>()];
    const outputs: PcmOutput[] = [ANALYSIS, WAVE].map((o, k) => ({
      ...o,
      onFrames: (x: Float32Array) => {
        buffers[k].add(x.buffer);
        for (const b of new Uint32Array(x.buffer, x.byteOffset, x.length)) got[k].push(b);
      },
    }));
    const r = await readPcmOutputs(path, { outputs });
    return { r, got, buffers };
  } finally {
    if (saved === undefined) delete process.env.STUDIO_PCM_TRANSPORT;
    else process.env.STUDIO_PCM_TRANSPORT = saved;
  }
}

describe('PCM reader: socket transport', { skip: !pcmSocketsWanted() && 'sockets are not used here (Windows or STUDIO_PCM_TRANSPORT=pipe)' }, () => {
  it('reads each output into one reused buffer, with the same samples as pipes', async () => {
    const path = toneFile('pcm-socket-tone.mp3', 8);
    const sock = await decodeBoth(path, 'socket');
    const pipe = await decodeBoth(path, 'pipe');
    assert.equal(sock.r.exitCode, 0);
    assert.equal(sock.r.outputs[0].frames, pipe.r.outputs[0].frames);
    assert.equal(sock.r.outputs[1].frames, pipe.r.outputs[1].frames);
    assert.ok(sock.r.outputs[0].frames > 7 * 44_100, `frames ${sock.r.outputs[0].frames}`);
    for (const k of [0, 1]) {
      assert.equal(sock.got[k].length, pipe.got[k].length);
      let diff = -1;
      for (let i = 0; i < sock.got[k].length && diff < 0; i++) if (sock.got[k][i] !== pipe.got[k][i]) diff = i;
      assert.equal(diff, -1, `output ${k}: sample ${diff} differs`);
    }
    // the output's read buffer and the staging array for a frame split across reads
    assert.ok(sock.buffers[0].size <= 2 && sock.buffers[1].size <= 2, `socket reads used ${sock.buffers[0].size} + ${sock.buffers[1].size} buffers`);
  });

  it('ffmpeg writes each output to a connection of the listening socket, not to a pipe of its own', { skip: process.platform !== 'linux' && '/proc is Linux' }, async () => {
    const listening = await pcmSocketPath();
    const fds: Record<number, string | null> = {};
    const saved = process.env.STUDIO_PCM_TRANSPORT;
    for (const transport of ['socket', 'pipe'] as const) {
      if (transport === 'pipe') process.env.STUDIO_PCM_TRANSPORT = 'pipe';
      let inodes: string[] = [];
      let table = '';
      try {
        await readPcmOutputs(toneFile('pcm-socket-tone.mp3', 8), {
          // while ffmpeg runs: the socket inodes of its fds 1 and 3, and the table of Unix sockets
          onSpawn: (pid) => {
            inodes = [1, 3].map((fd) => /socket:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
            table = readFileSync('/proc/net/unix', 'utf8');
          },
          outputs: [{ ...ANALYSIS, onFrames: () => {} }, { ...WAVE, onFrames: () => {} }],
        });
      } finally {
        if (saved === undefined) delete process.env.STUDIO_PCM_TRANSPORT;
        else process.env.STUDIO_PCM_TRANSPORT = saved;
      }
      // /proc/net/unix names an accepted connection by its listener's path; libuv's stdio socket pairs have none
      const named = (inode: string) => table.split('\n').find((l) => l.split(/\s+/)[6] === inode)?.split(/\s+/)[7] ?? null;
      fds[transport === 'socket' ? 0 : 1] = inodes.map(named).join(' ');
    }
    // an abstract name (Linux) is listed with @ for its leading NUL and for the NULs libuv pads sun_path with
    const listed = listening?.replace(/^\0/, '@');
    assert.equal((fds[0] ?? '').replace(/@+(?= |$)/g, ''), `${listed} ${listed}`);
    assert.equal(fds[1], ' ', 'the control: with STUDIO_PCM_TRANSPORT=pipe ffmpeg writes to pipes (socket pairs) of its own');
  });

  it('an onFrames throw kills ffmpeg and rejects with that error', async () => {
    const path = toneFile('pcm-socket-tone.mp3', 8);
    let pid = 0;
    const boom = new Error('analyser failed');
    await assert.rejects(
      readPcmOutputs(path, {
        onSpawn: (p) => (pid = p),
        outputs: [{ ...ANALYSIS, onFrames: () => { throw boom; } }, { ...WAVE, onFrames: () => {} }],
      }),
      (e) => e === boom,
    );
    assert.ok(pid > 0);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the ffmpeg child is gone');
  });

  it("a stranger's connection is closed unread and a decode beside it reads every sample", async () => {
    const path = await pcmSocketPath();
    assert.ok(path);
    const stranger = net.connect({ path });
    const strangerClosed = new Promise<void>((done) => stranger.once('close', () => done()));
    stranger.on('error', () => {});
    stranger.write(Buffer.alloc(16, 7));
    const { r } = await decodeBoth(toneFile('pcm-socket-tone.mp3', 8), 'socket');
    assert.equal(r.exitCode, 0);
    assert.ok(r.outputs[1].frames > 7 * 16_000);
    await strangerClosed;
  });

  it('leaves no socket file behind when its process ends', () => {
    const mine = () => new Set(readdirSync(tmpdir()).filter((f) => /^resonance-pcm-[0-9a-f]+\.sock$/.test(f)));
    const before = mine();
    const script = `const { pcmSocketPath } = await import('./main/engine/media/pcm-socket.ts'); process.stdout.write(String(await pcmSocketPath()));`;
    const made = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.match(made, /resonance-pcm-[0-9a-f]+(\.sock)?$/, 'the child made a listening socket');
    const left = [...mine()].filter((f) => !before.has(f) && made.endsWith(f));
    assert.deepEqual(left, []);
  });

  it('leaves no socket file behind when its process is killed (SIGKILL: no exit handler runs)', { skip: process.platform !== 'linux' && 'abstract socket names are Linux only; elsewhere a killed process leaves its socket file' }, () => {
    const script = `const { pcmSocketPath } = await import('./main/engine/media/pcm-socket.ts'); process.stdout.write(String(await pcmSocketPath())); process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL');
    const name = /resonance-pcm-[0-9a-f]+/.exec(r.stdout)?.[0];
    assert.ok(name, `the child made a listening socket: ${JSON.stringify(r.stdout)}`);
    // other processes may make sockets meanwhile: only the child's own name is looked for, as a file path or beside it
    for (const p of [r.stdout, join(tmpdir(), `${name}.sock`)]) assert.equal(existsSync(p), false, `${p} was left behind`);
  });
});

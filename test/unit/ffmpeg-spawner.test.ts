// ffmpeg started by the spawner process (media/ffmpeg-spawner.ts, ffmpeg-spawner-main.ts), not forked from the engine
// thread (issue 11 throughput). Pinned here: a decode's ffmpeg is the spawner's child; a spawner killed in the middle
// of a decode is restarted and the decode still hands on every sample once, the same as a decode without a spawner
// (STUDIO_FFMPEG_SPAWNER=0, the reference), with the killed run's ffmpeg gone; a stranger's connection to the
// spawner's socket is closed unread; a cancel still kills ffmpeg.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { readPcmOutputs, type PcmOutput } from '../../main/engine/media/pcm';
import { spawnerInfo, spawnerWanted } from '../../main/engine/media/ffmpeg-spawner';
import { toneFile } from '../helpers/media';

const ANALYSIS = { filter: 'aformat=sample_fmts=flt:sample_rates=44100|48000' };
const WAVE = { channels: 1, sampleRate: 16000 };

/** both outputs of one decode, every sample as bits; `onFirst` runs once, at the first frames of output 0 */
async function decode(path: string, spawner: boolean, opts: { onFirst?: () => void; onSpawn?: (pid: number) => void } = {}) {
  const saved = process.env.STUDIO_FFMPEG_SPAWNER;
  if (spawner) delete process.env.STUDIO_FFMPEG_SPAWNER;
  else process.env.STUDIO_FFMPEG_SPAWNER = '0';
  try {
    const got = [[], []] as number[][];
    let first = opts.onFirst;
    const outputs: PcmOutput[] = [ANALYSIS, WAVE].map((o, k) => ({
      ...o,
      onFrames: (x: Float32Array) => {
        for (const b of new Uint32Array(x.buffer, x.byteOffset, x.length)) got[k].push(b);
        if (k === 0 && first) {
          const f = first;
          first = undefined;
          f();
        }
      },
    }));
    const r = await readPcmOutputs(path, { outputs, onSpawn: opts.onSpawn });
    return { r, got };
  } finally {
    if (saved === undefined) delete process.env.STUDIO_FFMPEG_SPAWNER;
    else process.env.STUDIO_FFMPEG_SPAWNER = saved;
  }
}

/** the process has ended: no such pid, or (Linux) a zombie — an orphan that its new parent, init, has not reaped yet */
const ended = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};
const gone = ended;

/** ended() within `ms` (a SIGKILL'd process takes a moment) */
async function endsWithin(pid: number, ms = 5000): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 20))) if (ended(pid)) return true;
  return ended(pid);
}

function sameSamples(a: number[][], b: number[][]): void {
  for (const k of [0, 1]) {
    assert.equal(a[k].length, b[k].length, `output ${k}: sample count`);
    let diff = -1;
    for (let i = 0; i < a[k].length && diff < 0; i++) if (a[k][i] !== b[k][i]) diff = i;
    assert.equal(diff, -1, `output ${k}: sample ${diff} differs`);
  }
}

describe('ffmpeg spawner', { skip: !spawnerWanted() && 'no spawner here (Windows, STUDIO_PCM_TRANSPORT=pipe or STUDIO_FFMPEG_SPAWNER=0)' }, () => {
  it("runs a decode's ffmpeg as its own child, with the same samples as a direct spawn", { skip: process.platform !== 'linux' && '/proc is Linux' }, async () => {
    const path = toneFile('ffmpeg-spawner-tone.mp3', 8);
    const info = await spawnerInfo();
    assert.ok(info);
    let parent = 0;
    const via = await decode(path, true, { onSpawn: (pid) => (parent = Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])) });
    assert.equal(parent, info.pid, "ffmpeg's parent is the spawner");
    const direct = await decode(path, false);
    assert.equal(via.r.exitCode, 0);
    assert.ok(via.r.outputs[0].frames > 7 * 44_100);
    sameSamples(via.got, direct.got);
  });

  it('a spawner killed during a decode is restarted; the decode hands on every sample once and its first ffmpeg is gone', async () => {
    const path = toneFile('ffmpeg-spawner-long.mp3', 30);
    const before = await spawnerInfo();
    assert.ok(before);
    const pids: number[] = [];
    const via = await decode(path, true, {
      onSpawn: (pid) => pids.push(pid),
      // the spawner dies with this decode's ffmpeg running, past its first samples
      onFirst: () => process.kill(before.pid, 'SIGKILL'),
    });
    const direct = await decode(path, false);
    assert.equal(via.r.exitCode, 0);
    assert.equal(via.r.outputs[0].frames, direct.r.outputs[0].frames);
    sameSamples(via.got, direct.got);
    assert.equal(pids.length, 2, `ffmpeg started twice: ${pids}`);
    assert.ok(await endsWithin(pids[0]), 'the killed spawner’s ffmpeg is gone');
    const after = await spawnerInfo();
    assert.ok(after && after.pid !== before.pid, 'a new spawner');
    assert.ok(await endsWithin(before.pid));
    // and it decodes
    const again = await decode(path, true);
    sameSamples(again.got, direct.got);
  });

  it("a stranger's connection to the spawner's socket is closed unread and a decode beside it reads every sample", async () => {
    const info = await spawnerInfo();
    assert.ok(info);
    const stranger = net.connect({ path: info.path });
    const strangerClosed = new Promise<void>((done) => stranger.once('close', () => done()));
    stranger.on('error', () => {});
    stranger.write(Buffer.alloc(16, 7));
    const { r } = await decode(toneFile('ffmpeg-spawner-tone.mp3', 8), true);
    assert.equal(r.exitCode, 0);
    assert.ok(r.outputs[1].frames > 7 * 16_000);
    await strangerClosed;
  });

  it('a cancel kills ffmpeg through the spawner', async () => {
    const path = toneFile('ffmpeg-spawner-long.mp3', 30);
    const ac = new AbortController();
    let pid = 0;
    await assert.rejects(
      readPcmOutputs(path, {
        signal: ac.signal,
        onSpawn: (p) => (pid = p),
        outputs: [{ ...ANALYSIS, onFrames: () => ac.abort() }, { ...WAVE, onFrames: () => {} }],
      }),
      (e: Error & { code?: string }) => e.code === 'CANCELLED',
    );
    assert.ok(pid > 0);
    assert.ok(gone(pid), 'the ffmpeg child is gone');
  });
});

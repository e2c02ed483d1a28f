// The media embedding cache (issue 13, "no repeated work per question"): a second
// question about the same file, region and pack reuses the projected rows — same
// tokens, no decode and no encoder run — and any change of the file, the region or
// the pack misses. Real tiny packs (tools/convert/make_tiny.py) and real media files.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { locateFfmpeg } from '../../main/engine/media/ffmpeg';
import { ask, type AskRequest } from '../../main/engine/model/ask';
import { DISK_CACHE_VERSION, EmbeddingCache, EmbeddingDiskCache, encodeEntry, mediaKey, packIdentity } from '../../main/engine/model/embedding-cache';
import { loadPack } from '../../main/engine/model/pack';
import { ModelRuntime } from '../../main/engine/model/runtime';
import { ensureTinyPacks, ROOT, refsIndex, TINY_DIR } from './helpers';

ensureTinyPacks();
const refs = refsIndex();
const OUT = join(ROOT, 'test', 'output', 'media-cache');

describe('EmbeddingCache', () => {
  const rows = (n: number) => ({ rows: new Float32Array(n), tokens: 1 });

  test('evicts least recently used entries beyond its byte bound', () => {
    const c = new EmbeddingCache(100 * 4);
    c.set('a', rows(40));
    c.set('b', rows(40));
    assert.ok(c.get('a')); // a is now the most recent
    c.set('c', rows(40)); // 480 bytes > 400: b (least recent) goes
    assert.equal(c.get('b'), undefined);
    assert.ok(c.get('a'));
    assert.ok(c.get('c'));
    assert.equal(c.bytes, 320);
    assert.deepEqual([c.hits, c.misses], [3, 1]);
  });

  test('an entry larger than the bound is not kept; replacing a key frees its old bytes', () => {
    const c = new EmbeddingCache(100 * 4);
    c.set('big', rows(101));
    assert.equal(c.size, 0);
    c.set('a', rows(50));
    c.set('a', rows(10));
    assert.equal(c.bytes, 40);
    assert.equal(c.size, 1);
  });

  test('keys differ by pack, kind, soundtrack, region, clips and file identity', () => {
    const base = { clips: 3 } as const;
    const k = mediaKey('p', 'audio', 'f', base);
    for (const other of [
      mediaKey('q', 'audio', 'f', base),
      mediaKey('p', 'video', 'f', base),
      mediaKey('p', 'audio', 'f', { ...base, fromVideo: true }),
      mediaKey('p', 'audio', 'f', { ...base, region: [0, 1] }),
      mediaKey('p', 'audio', 'f', { clips: 2 }),
      mediaKey('p', 'audio', 'g', base),
      mediaKey('p', 'audio', 'f', { ...base, providers: 'cuda+cuda' }),
    ]) assert.notEqual(other, k);
    assert.equal(mediaKey('p', 'audio', 'f', base), k);
  });
});

describe('EmbeddingDiskCache', () => {
  const DIR = join(OUT, 'disk-unit');
  const entry = (tokens: number, hidden: number, seed: number) => ({ rows: Float32Array.from({ length: tokens * hidden }, (_, i) => Math.sin(i + seed)), tokens });
  before(() => rmSync(DIR, { recursive: true, force: true }));

  test('round trip: the same rows, bit for bit, under the same key only', async () => {
    const d = new EmbeddingDiskCache(DIR);
    const e = entry(3, 16, 1);
    await d.set('k1', e);
    const got = await d.get('k1');
    assert.ok(got);
    assert.equal(got.tokens, 3);
    assert.ok(Buffer.from(got.rows.buffer).equals(Buffer.from(e.rows.buffer)));
    assert.equal(await d.get('k2'), undefined);
    assert.deepEqual([d.hits, d.misses, d.dropped], [1, 1, 0]);
    // the folder is versioned; no temporary file is left
    assert.deepEqual(readdirSync(join(DIR, `v${DISK_CACHE_VERSION}`)), [d.fileOf('k1').split('/').pop()]);
  });

  test('a truncated, corrupted or foreign file is a miss and is removed, never trusted', async () => {
    const d = new EmbeddingDiskCache(DIR);
    const e = entry(15, 16, 2);
    const damage: Record<string, (f: string) => void> = {
      'truncated mid-rows': (f) => truncateSync(f, statSync(f).size - 100),
      'truncated to the header': (f) => truncateSync(f, 20),
      'empty': (f) => writeFileSync(f, ''),
      'one bit of the rows flipped': (f) => {
        const b = readFileSync(f);
        b[b.length - 200] ^= 1;
        writeFileSync(f, b);
      },
      'another key hashed into its name': (f) => writeFileSync(f, encodeEntry('another key', e)),
      'fewer rows than its header states, with a valid checksum': (f) => {
        const b = encodeEntry('k', e);
        const body = b.subarray(0, b.length - 32 - 4 * 16); // one row short
        writeFileSync(f, Buffer.concat([body, createHash('sha256').update(body).digest()]));
      },
      'another format version': (f) => {
        const b = readFileSync(f);
        b.writeUInt32LE(DISK_CACHE_VERSION + 1, 8);
        writeFileSync(f, b);
      },
    };
    for (const [name, spoil] of Object.entries(damage)) {
      await d.set('k', e);
      const f = d.fileOf('k');
      spoil(f);
      const dropped = d.dropped;
      assert.equal(await d.get('k'), undefined, name);
      assert.equal(d.dropped, dropped + 1, name);
      assert.equal(existsSync(f), false, `${name}: the file was kept`);
    }
    // and after a good write it is trusted again
    await d.set('k', e);
    assert.ok(await d.get('k'));
  });

  test('bounded by size: least recently used files go first; a hit refreshes; too big is not written', async () => {
    const dir = join(OUT, 'disk-bound');
    rmSync(dir, { recursive: true, force: true });
    const one = encodeEntry('a', entry(4, 64, 0)).length;
    const d = new EmbeddingDiskCache(dir, 3 * one);
    const old = Date.now() / 1000 - 100;
    for (const [i, k] of ['a', 'b', 'c'].entries()) {
      await d.set(k, entry(4, 64, i));
      utimesSync(d.fileOf(k), old + i, old + i); // a, b, c: oldest first
    }
    assert.ok(await d.get('a')); // a is now the most recent
    await d.set('d', entry(4, 64, 3)); // 4 files > 3: b goes
    assert.equal(existsSync(d.fileOf('b')), false);
    for (const k of ['a', 'c', 'd']) assert.ok(existsSync(d.fileOf(k)), k);
    assert.ok((await d.bytes()) <= 3 * one);
    await d.set('huge', entry(64, 64, 0));
    assert.equal(existsSync(d.fileOf('huge')), false);
  });

  test("a crash's leftover temporary file and an older version's folder are cleaned up", async () => {
    const dir = join(OUT, 'disk-clean');
    rmSync(dir, { recursive: true, force: true });
    const d = new EmbeddingDiskCache(dir);
    mkdirSync(join(dir, 'v0'), { recursive: true });
    writeFileSync(join(dir, 'v0', 'x.emb'), 'old');
    mkdirSync(d.root, { recursive: true });
    const tmp = join(d.root, 'y.emb.0123456789ab.tmp');
    writeFileSync(tmp, 'half');
    utimesSync(tmp, Date.now() / 1000 - 3600, Date.now() / 1000 - 3600);
    await d.set('k', entry(1, 8, 0));
    assert.equal(existsSync(join(dir, 'v0')), false);
    assert.equal(existsSync(tmp), false);
  });

  test('EmbeddingCache.lookup: memory first, then disk (kept in memory after), store writes both', async () => {
    const dir = join(OUT, 'disk-levels');
    rmSync(dir, { recursive: true, force: true });
    const a = new EmbeddingCache(undefined, new EmbeddingDiskCache(dir));
    a.store('k', entry(2, 8, 0));
    await a.settled();
    assert.equal((await a.lookup('k'))?.from, 'memory');
    const b = new EmbeddingCache(undefined, new EmbeddingDiskCache(dir)); // a restart
    assert.equal((await b.lookup('k'))?.from, 'disk');
    assert.equal((await b.lookup('k'))?.from, 'memory');
    assert.equal(await b.lookup('nothing'), undefined);
  });
});

describe('ask: a second question about the same track reuses the projected media', () => {
  let rt: ModelRuntime;
  let audio: string;
  let video: string;
  const q = (over: Partial<AskRequest>): AskRequest => ({ instruction: 'Describe the music.', options: { greedy: true, maxNewTokens: 8, seed: 1 }, ...over });

  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    audio = join(OUT, 'track.wav');
    video = join(OUT, 'clip.mp4');
    copyFileSync(join(TINY_DIR, refs.media.audio), audio);
    copyFileSync(join(TINY_DIR, refs.media.video), video);
    rt = await ModelRuntime.open(await loadPack(join(TINY_DIR, refs.packs['beta-fp32'].dir)), 'cpu', { threads: 1 });
  });
  after(async () => rt?.close());

  test('same file and region: byte-identical tokens, no encoder run, no decode', async () => {
    const first = await ask(rt, q({ audio: { path: audio, region: [0, 2] } }));
    assert.equal(first.inputs.media[0].cached, false);
    const runs = { ...rt.encoderRuns };
    assert.equal(runs.audio, 1);
    const second = await ask(rt, q({ audio: { path: audio, region: [0, 2] }, instruction: 'Describe the music.' }));
    assert.deepEqual(rt.encoderRuns, runs, 'the encoders ran again');
    assert.equal(second.inputs.media[0].cached, true);
    assert.equal(second.timings.mediaDecodeMs + second.timings.fbankMs + second.timings.encodersMs, 0);
    assert.deepEqual(second.tokenIds, first.tokenIds);
    assert.equal(second.answer, first.answer);
    // a different question about the same region also skips the encoders
    const other = await ask(rt, q({ audio: { path: audio, region: [0, 2] }, instruction: 'What is the tempo?' }));
    assert.equal(other.inputs.media[0].cached, true);
    assert.deepEqual(rt.encoderRuns, runs);
  });

  test('another region, or the file rewritten, misses', async () => {
    const before = rt.encoderRuns.audio;
    const r1 = await ask(rt, q({ audio: { path: audio, region: [1, 3] } }));
    assert.equal(r1.inputs.media[0].cached, false);
    assert.equal(rt.encoderRuns.audio, before + 1);
    // same bytes written again: a new mtime/ctime is a new file as far as the cache knows
    writeFileSync(audio, readFileSync(audio));
    const r2 = await ask(rt, q({ audio: { path: audio, region: [0, 2] } }));
    assert.equal(r2.inputs.media[0].cached, false);
    assert.equal(rt.encoderRuns.audio, before + 2);
  });

  test("a video and its soundtrack are two entries; both hit on the second ask", async () => {
    const req = q({ video: { path: video }, input: '<Video><Audio>' });
    const first = await ask(rt, req);
    const runs = { ...rt.encoderRuns };
    const second = await ask(rt, req);
    assert.deepEqual(second.inputs.media.map((m) => m.cached), [true, true]);
    assert.deepEqual(rt.encoderRuns, runs);
    assert.deepEqual(second.tokenIds, first.tokenIds);
  });

  test('another pack has another identity (its runtime starts with an empty cache)', async () => {
    const other = await loadPack(join(TINY_DIR, refs.packs['alpha-fp32'].dir));
    assert.notEqual(packIdentity(other), rt.packId);
    assert.equal(packIdentity(rt.pack), rt.packId);
  });
});

describe('ask after an engine restart: the projected media come from the disk cache', () => {
  const CACHE = join(OUT, 'embeddings');
  const PACK = () => join(TINY_DIR, refs.packs['beta-fp32'].dir);
  let video: string;
  let audio: string;
  const q = (over: Partial<AskRequest>): AskRequest => ({ instruction: 'Describe the music.', options: { greedy: true, maxNewTokens: 8, seed: 1 }, ...over });
  const open = async () => ModelRuntime.open(await loadPack(PACK()), 'cpu', { threads: 1, mediaCacheDir: CACHE });

  before(() => {
    rmSync(CACHE, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    video = join(OUT, 'restart-clip.mp4');
    audio = join(OUT, 'restart-track.wav');
    copyFileSync(join(TINY_DIR, refs.media.video), video);
    copyFileSync(join(TINY_DIR, refs.media.audio), audio);
  });

  test('same tokens, no decode and no encoder run in the new runtime; a damaged entry is recomputed and rewritten', async () => {
    const req = q({ video: { path: video }, audio: { path: audio, region: [0, 2] }, input: '<Video> <Audio>' });
    const soundtrack = q({ video: { path: video }, input: '<Audio> <Video>' });
    let rt = await open();
    const first = await ask(rt, req);
    const firstSoundtrack = await ask(rt, soundtrack);
    assert.deepEqual(firstSoundtrack.inputs.media.map((m) => m.cached), [false, true]); // the video's rows were cached by the first question
    await rt.close(); // waits for the disk writes
    const files = readdirSync(join(CACHE, `v${DISK_CACHE_VERSION}`)).filter((f) => f.endsWith('.emb'));
    assert.equal(files.length, 3, 'video, audio region, soundtrack');

    rt = await open();
    try {
      const again = await ask(rt, req);
      const againSoundtrack = await ask(rt, soundtrack);
      assert.deepEqual(rt.encoderRuns, { audio: 0, vision: 0 }, 'an encoder ran after the restart');
      assert.deepEqual([...again.inputs.media, ...againSoundtrack.inputs.media].map((m) => m.cached), [true, true, true, true]);
      assert.equal(again.timings.mediaDecodeMs + again.timings.fbankMs + again.timings.encodersMs + again.timings.projectionMs, 0);
      assert.deepEqual(again.tokenIds, first.tokenIds);
      assert.deepEqual(againSoundtrack.tokenIds, firstSoundtrack.tokenIds);
    } finally {
      await rt.close();
    }

    // truncate every entry (a crash of the disk, a bad copy): nothing is trusted, everything recomputed
    for (const f of files) {
      const p = join(CACHE, `v${DISK_CACHE_VERSION}`, f);
      truncateSync(p, statSync(p).size - 7);
    }
    rt = await open();
    try {
      const redone = await ask(rt, req);
      assert.deepEqual(redone.inputs.media.map((m) => m.cached), [false, false]);
      assert.deepEqual(rt.encoderRuns, { audio: 1, vision: 1 });
      assert.deepEqual(redone.tokenIds, first.tokenIds);
      assert.equal(rt.mediaCache.disk!.dropped, 2);
    } finally {
      await rt.close();
    }
    rt = await open();
    try {
      const fromDisk = await ask(rt, req);
      assert.deepEqual(fromDisk.inputs.media.map((m) => m.cached), [true, true], 'the recomputed rows were written again');
      assert.deepEqual(fromDisk.tokenIds, first.tokenIds);
    } finally {
      await rt.close();
    }
  });

  test('a rewritten file misses on disk too', async () => {
    let rt = await open();
    await ask(rt, q({ audio: { path: audio } }));
    await rt.close();
    writeFileSync(audio, readFileSync(audio)); // new mtime/ctime
    rt = await open();
    try {
      const r = await ask(rt, q({ audio: { path: audio } }));
      assert.equal(r.inputs.media[0].cached, false);
      assert.equal(rt.encoderRuns.audio, 1);
    } finally {
      await rt.close();
    }
  });
});

describe('ask: a question about a video and its soundtrack decodes the file once', () => {
  const LOG = join(OUT, 'ffmpeg-runs.log');
  let rt: ModelRuntime;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    // the real ffmpeg behind a wrapper that logs each run (STUDIO_FFMPEG): runs are counted, nothing is faked
    const wrapper = join(OUT, 'ffmpeg-logging.sh');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${LOG}'\nexec ffmpeg "$@"\n`, { mode: 0o755 });
    process.env.STUDIO_FFMPEG = wrapper;
    locateFfmpeg(process.env, true);
    rt = await ModelRuntime.open(await loadPack(join(TINY_DIR, refs.packs['alpha-fp32'].dir)), 'cpu', { threads: 1 });
  });
  after(async () => {
    delete process.env.STUDIO_FFMPEG;
    locateFfmpeg(process.env, true);
    await rt?.close();
  });

  test('2 ffmpeg runs (the soundtrack with the packet count, then the frames) where there were 4; a repeat runs none', async () => {
    const video = join(OUT, 'runs-clip.mp4');
    copyFileSync(join(TINY_DIR, refs.media.video), video);
    const runs = () => (existsSync(LOG) ? readFileSync(LOG, 'utf8').split('\n').filter((l) => l && !/-version|-layouts/.test(l)) : []);
    rmSync(LOG, { force: true });
    const req: AskRequest = { instruction: 'Describe it.', video: { path: video }, input: '<Video> <Audio>', options: { greedy: true, maxNewTokens: 4, seed: 1 } };
    const first = await ask(rt, req);
    assert.deepEqual(first.inputs.media.map((m) => [m.kind, m.cached]), [['video', false], ['audio', false]]);
    assert.equal(runs().length, 2, runs().join('\n'));
    rmSync(LOG, { force: true });
    await ask(rt, req);
    assert.equal(runs().length, 0);
  });
});

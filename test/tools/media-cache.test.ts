// The media embedding cache (issue 13, "no repeated work per question"): a second
// question about the same file, region and pack reuses the projected rows — same
// tokens, no decode and no encoder run — and any change of the file, the region or
// the pack misses. Real tiny packs (tools/convert/make_tiny.py) and real media files.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ask, type AskRequest } from '../../main/engine/model/ask';
import { EmbeddingCache, mediaKey, packIdentity } from '../../main/engine/model/embedding-cache';
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
    ]) assert.notEqual(other, k);
    assert.equal(mediaKey('p', 'audio', 'f', base), k);
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

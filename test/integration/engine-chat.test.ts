// The model and chat through the real engine process and protocol, on the
// tiny packs made by the toolchain: pack checks, providers, streamed answers
// kept per track, cancellation, the queue, and bad media.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promptCutText } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';
import { media, toneFile, videoFile } from '../helpers/media';
import { ensureTinyPacks, refsIndex, TINY_DIR } from '../tools/helpers';

ensureTinyPacks();
const refs = refsIndex();
const PACK = join(TINY_DIR, 'packs', 'beta-fp32');
const work = mkdtempSync(join(tmpdir(), 'rs-chat-'));

/** A copy of the β pack to break in one way. */
function brokenPack(name: string, breakIt: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(PACK, dir, { recursive: true });
  breakIt(dir);
  return dir;
}

let engine: EngineHost;
let dataDir: string;
before(async () => {
  ({ engine, dataDir } = await startTestEngine({ env: { STUDIO_DISABLE_WEBGPU: '1' } }));
});
after(async () => engine.stop());

const code = (c: string) => (e: { code: string }) => e.code === c;

describe('model packs', () => {
  test('without a pack the status says so plainly', async () => {
    const s = await engine.call('model:status', {});
    assert.equal(s.installed, false);
    assert.match(s.message, /No DeepResonance model pack is installed/);
  });

  test('broken packs are refused with the reason, and never remembered', async () => {
    const cases: Array<[string, (d: string) => void, RegExp]> = [
      ['no-manifest', (d) => rmSync(join(d, 'manifest.json')), /no manifest\.json/],
      ['tampered', (d) => {
        const f = join(d, 'projector.onnx');
        const b = readFileSync(f);
        b[b.length - 5] ^= 0xff;
        writeFileSync(f, b);
      }, /does not match its checksum/],
      ['truncated', (d) => {
        const f = join(d, 'decoder.onnx');
        writeFileSync(f, readFileSync(f).subarray(0, 1000));
      }, /"decoder\.onnx" has 1000 bytes but the manifest says \d+: it is truncated or was replaced\. Get it again \(Models panel → Get, or studio model get (alpha|beta): it rebuilds/],
      ['missing-file', (d) => rmSync(join(d, 'fusion.onnx')), /"fusion\.onnx" is missing/],
      ['escaping', (d) => {
        const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
        m.files['../../outside.bin'] = { bytes: 1, sha256: '0'.repeat(64), role: 'x' };
        writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
      }, /leaves the pack folder/],
      ['dims', (d) => {
        const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
        m.llm.hidden_size += 1;
        writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
      }, /dimensions disagree/],
      ['not-json', (d) => writeFileSync(join(d, 'manifest.json'), '{ nope'), /not valid JSON/],
      // tester18: a newer studio's pack says so and what to do (was: "is not supported (this studio reads version 1)")
      ['newer', (d) => {
        const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
        m.schema_version = 2;
        writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
      }, /schema_version 2: the pack was made by a newer Resonance Studio.*Update the studio.*convert the model again/],
      ['tokenizer-gone', (d) => rmSync(join(d, 'tokenizer.json')), /"tokenizer\.json" is missing\. The pack is incomplete\. Get it again \(Models panel → Get, or studio model get (alpha|beta).*or convert it again\./],
    ];
    for (const [name, breakIt, why] of cases) {
      await assert.rejects(engine.call('model:choose-pack', { path: brokenPack(name, breakIt) }), (e: { code: string; message: string }) => {
        assert.equal(e.code, 'MODEL_MISSING', name);
        assert.match(e.message, why, name);
        return true;
      });
    }
    assert.equal((await engine.call('model:status', {})).packPath, null);
  });

  test('a provider that cannot run here is refused (UNSUPPORTED) and the setting is kept', async () => {
    await engine.call('model:choose-pack', { path: PACK });
    const foreign = process.platform === 'darwin' ? 'dml' : 'coreml';
    await assert.rejects(engine.call('model:set-provider', { provider: foreign }), code('UNSUPPORTED'));
    assert.equal((await engine.call('model:status', {})).provider.requested, 'auto');
  });

  test('a good pack loads on CPU here; the status and diagnostics say what runs it', async () => {
    const s = await engine.call('model:set-provider', { provider: 'cpu' });
    assert.equal(s.installed, true);
    assert.equal(s.provider.active, 'cpu');
    assert.equal(s.pack?.variant, 'beta');
    const d = await engine.call('model:diagnostics', {});
    assert.ok(d.available.some((b) => b.name === 'cpu'));
    assert.equal(d.autoOrder[d.autoOrder.length - 1], 'cpu');
  });

  test('model:memory names the loaded sessions and their weights; model:unload frees them and the pack loads again (issue 12)', async () => {
    type G = { file: string; external_data?: string };
    const man = JSON.parse(readFileSync(join(PACK, 'manifest.json'), 'utf8')) as { graphs: Record<string, G>; files: Record<string, { bytes: number }>; embed_tokens: { file: string } };
    const bytes = (g: G) => man.files[g.file].bytes + (g.external_data ? man.files[g.external_data].bytes : 0);
    const want = Object.fromEntries(['decoder', 'audio_encoder', 'vision_encoder', 'projector', 'fusion'].map((g) => [g, bytes(man.graphs[g])]));
    const m1 = await engine.call('model:memory', {});
    assert.ok(m1.loaded, 'loaded after set-provider');
    assert.deepEqual(Object.fromEntries(m1.loaded.sessions.map((x) => [x.graph, x.weightBytes])), want, 'one session per graph of the β pack, with its file sizes');
    assert.equal(m1.loaded.weightBytes, Object.values(want).reduce((a, b) => a + b, 0));
    assert.equal(m1.loaded.embedTableBytes, man.files[man.embed_tokens.file].bytes);
    assert.equal(m1.loaded.provider, 'cpu');
    assert.equal(m1.loaded.packPath, PACK);
    assert.ok(m1.engine.rssBytes > 0 && m1.loaded.rssBeforeLoadBytes > 0 && m1.loaded.rssAfterLoadBytes > 0 && m1.loaded.loadedAt > 0);
    assert.notEqual(m1.engine.pid, process.pid, 'the engine process’s own figures');
    const s = await engine.call('model:unload', {});
    assert.equal(s.installed, true, 'the pack stays chosen');
    assert.equal(s.provider.active, null);
    assert.equal(s.pack?.variant, 'beta', 'and named');
    assert.match(s.message, /loads with the first question/);
    assert.equal((await engine.call('model:memory', {})).loaded, null);
    // unloading twice is harmless; the next use loads it again
    await engine.call('model:unload', {});
    const again = await engine.call('model:set-provider', { provider: 'cpu' });
    assert.equal(again.provider.active, 'cpu');
    assert.equal((await engine.call('model:memory', {})).loaded?.sessions.length, 5);
  });
});

describe('chat about a track', () => {
  let trackId: string;
  const prompt = refs.packs['beta-fp32'].prompts.find((p: any) => p.id === 'audio_only');
  before(async () => {
    trackId = (await engine.call('media:open', { path: join(TINY_DIR, refs.media.audio) })).id;
  });

  test('an answer streams, matches the reference greedy ids, and is kept in the thread', async () => {
    let streamed = '';
    const r = await engine.call(
      'chat:ask',
      { trackId, instruction: prompt.instruction, attachments: { audio: {}, image: null, video: false }, options: { greedy: true, maxNewTokens: prompt.greedy_ids.length } },
      { onToken: (t) => (streamed += t) },
    );
    assert.equal(r.assistant.status, 'done');
    assert.equal(r.assistant.text, streamed);
    assert.equal(r.assistant.stats?.provider, 'cpu');
    assert.equal(r.assistant.stats?.tokens, prompt.greedy_ids.length);
    assert.equal(r.user.inputs?.input, '<Audio>');
    assert.deepEqual(r.user.inputs?.media.map((m) => m.kind), ['audio']);
    const thread = await engine.call('chat:get-thread', { trackId });
    assert.deepEqual(thread.map((m) => m.role), ['user', 'assistant']);
    // the same greedy answer through `model:ask` gives the reference ids
    const direct = await engine.call('model:ask', {
      packPath: PACK, provider: 'cpu', instruction: prompt.instruction, audio: { path: join(TINY_DIR, refs.media.audio) }, options: { greedy: true, maxNewTokens: prompt.greedy_ids.length },
    });
    assert.deepEqual(direct.tokenIds, prompt.greedy_ids);
  });

  test('Stop cancels at once; the thread keeps what was said; asking again works', async () => {
    const controller = new AbortController();
    const p = engine.call(
      'chat:ask',
      { trackId, instruction: 'Tell me everything.', attachments: { audio: { region: [0.5, 2.5] }, image: null, video: false }, options: { maxNewTokens: 2000, seed: 1 } },
      { signal: controller.signal, onToken: () => controller.abort() },
    );
    await assert.rejects(p, code('CANCELLED'));
    const thread = await engine.call('chat:get-thread', { trackId });
    const last = thread[thread.length - 1];
    assert.equal(last.role, 'assistant');
    assert.equal(last.status, 'stopped');
    const again = await engine.call('chat:ask', { trackId, instruction: 'Again?', attachments: { audio: {}, image: null, video: false }, options: { greedy: true, maxNewTokens: 4 } });
    assert.equal(again.assistant.status, 'done');
  });

  test('two questions at once are queued, never interleaved', async () => {
    const ask = (seed: number) =>
      engine.call('chat:ask', { trackId, instruction: `Question ${seed}`, attachments: { audio: {}, image: null, video: false }, options: { seed, maxNewTokens: 8 } });
    const [a, b] = await Promise.all([ask(1), ask(2)]);
    const solo = await ask(1);
    assert.deepEqual(a.assistant.text, solo.assistant.text);
    assert.equal(b.assistant.status, 'done');
  });

  test('answers are tied to their questions by id: two asked at once stay paired; regenerating the second keeps the answer to the first', async () => {
    const ask = (n: number) =>
      engine.call('chat:ask', { trackId, instruction: `Pair ${n}`, attachments: { audio: {}, image: null, video: false }, options: { seed: n, maxNewTokens: 4 } });
    const [a, b] = await Promise.all([ask(1), ask(2)]);
    assert.equal(a.assistant.replyTo, a.user.id);
    assert.equal(b.assistant.replyTo, b.user.id);
    const next = (thread: { id: string }[], id: string) => thread[thread.findIndex((m) => m.id === id) + 1]?.id;
    let thread = await engine.call('chat:get-thread', { trackId });
    assert.equal(next(thread, a.user.id), a.assistant.id);
    assert.equal(next(thread, b.user.id), b.assistant.id);
    const r = await engine.call('chat:regenerate', { trackId, messageId: b.user.id, options: { greedy: true, maxNewTokens: 3 } });
    thread = await engine.call('chat:get-thread', { trackId });
    assert.ok(thread.some((m) => m.id === a.assistant.id), 'the answer to the first question is kept');
    assert.deepEqual(thread.filter((m) => m.replyTo === b.user.id).map((m) => m.id), [b.assistant.id, r.assistant.id], 'the second question has its earlier answer and the new version, in order');
    assert.equal(next(thread, b.user.id), b.assistant.id);
    assert.equal(next(thread, b.assistant.id), r.assistant.id, 'the versions follow their question');
    // regenerating from the answer's id answers the same question
    const r2 = await engine.call('chat:regenerate', { trackId, messageId: a.assistant.id, options: { greedy: true, maxNewTokens: 3 } });
    assert.equal(r2.user.id, a.user.id);
  });

  test('regenerate adds a version of the answer and keeps the earlier ones (issue 12)', async () => {
    const before = await engine.call('chat:get-thread', { trackId });
    const q = before.filter((m) => m.role === 'user')[0];
    const earlier = before.filter((m) => m.replyTo === q.id).map((m) => m.id);
    const r = await engine.call('chat:regenerate', { trackId, messageId: q.id, options: { greedy: true, maxNewTokens: 3 } });
    const after = await engine.call('chat:get-thread', { trackId });
    assert.equal(after.length, before.length + 1);
    assert.deepEqual(after.filter((m) => m.replyTo === q.id).map((m) => m.id), [...earlier, r.assistant.id]);
  });

  test('a question longer than the model reads is cut as the reference cuts it, and the answer says so (tester18)', async () => {
    // 150 × 10 words: the tiny pack's prompt.max_length is 512 (the reference's); the end, "### Assistant: " included, went silently
    const long = 'Describe the mood of this song in detail please. '.repeat(150).trim();
    const r = await engine.call('chat:ask', { trackId, instruction: long, attachments: { audio: {}, image: null, video: false }, options: { greedy: true, maxNewTokens: 2 } });
    const cut = r.assistant.stats?.promptCut;
    assert.ok(cut, 'the answer records that the prompt was cut');
    assert.equal(cut.maxLength, 512);
    assert.ok(cut.tokens > 1000, `prompt tokens ${cut.tokens}`);
    assert.match(promptCutText(cut), /came to \d+ tokens but DeepResonance reads 512, so the last \d+ were cut/);
    // kept with the thread, and `model:ask` (studio ask) says the same; a question that fits says nothing
    const kept = (await engine.call('chat:get-thread', { trackId })).find((m) => m.id === r.assistant.id);
    assert.deepEqual(kept?.stats?.promptCut, cut);
    const direct = await engine.call('model:ask', { packPath: PACK, provider: 'cpu', instruction: long, audio: { path: join(TINY_DIR, refs.media.audio) }, options: { greedy: true, maxNewTokens: 2 } });
    assert.deepEqual(direct.promptCut, cut);
    const short = await engine.call('model:ask', { packPath: PACK, provider: 'cpu', instruction: 'What is this?', options: { greedy: true, maxNewTokens: 2 } });
    assert.equal(short.promptCut, undefined);
  });

  test('a blank question or one that is not valid Unicode is refused at the channel and leaves the thread as it was (tester18)', async () => {
    // before: '   ' was stored as a question with an error answer under it (two rows); '\ud800 lone' (a client's JSON
    // escape) was answered, and kept in the thread as '\ufffd\ufffd\ufffd lone' — not what was asked
    const before = (await engine.call('chat:get-thread', { trackId })).length;
    const att = { audio: {}, image: null, video: false };
    for (const [instruction, why] of [['   ', /instruction: is empty: ask something/], ['\n\t\ufeff', /is empty/], ['\ud800 lone', /instruction: is not valid Unicode: it holds a lone surrogate/], ['end \udfff', /lone surrogate/]] as const) {
      await assert.rejects(engine.call('chat:ask', { trackId, instruction, attachments: att, options: { greedy: true, maxNewTokens: 2 } }), (e: { code: string; message: string }) => {
        assert.equal(e.code, 'BAD_ARGS', e.message);
        assert.match(e.message, why);
        return true;
      });
    }
    await assert.rejects(engine.call('model:ask', { packPath: PACK, instruction: 'ok', input: 'x\ud83c' }), (e: { code: string; message: string }) => e.code === 'BAD_ARGS' && /input: is not valid Unicode/.test(e.message));
    assert.equal((await engine.call('chat:get-thread', { trackId })).length, before, 'nothing was stored');
    // a pair (an emoji) is fine, and stored as asked
    const ok = await engine.call('chat:ask', { trackId, instruction: 'Which mood? \ud83c\udfb5', attachments: att, options: { greedy: true, maxNewTokens: 2 } });
    assert.equal(ok.user.text, 'Which mood? 🎵');
  });

  test('a question about a file deleted since it was opened is refused and leaves no unanswered question in the thread (tester20)', async () => {
    // before: the question was stored first and the file checked after, so the thread kept a question with no
    // answer and no error under it (asked again: two of them) while the chat pane said only "The answer failed"
    const dir = mkdtempSync(join(tmpdir(), 'rs-chat-gone-'));
    const file = join(dir, 'gone.mp3');
    cpSync(toneFile('chat-gone.mp3', 2), file);
    const id = (await engine.call('media:open', { path: file })).id;
    const att = { audio: {}, image: null, video: false };
    assert.equal((await engine.call('chat:ask', { trackId: id, instruction: 'Before?', attachments: att, options: { greedy: true, maxNewTokens: 2 } })).assistant.status, 'done');
    const before = await engine.call('chat:get-thread', { trackId: id });
    rmSync(dir, { recursive: true, force: true });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(engine.call('chat:ask', { trackId: id, instruction: 'And now?', attachments: att, options: { greedy: true, maxNewTokens: 2 } }), (e: { code: string; message: string }) => {
        assert.equal(e.code, 'FILE_CHANGED', e.message);
        assert.match(e.message, /"gone\.mp3" was deleted or moved since it was opened/);
        return true;
      });
    }
    await assert.rejects(engine.call('chat:regenerate', { trackId: id, messageId: before[0].id, options: { greedy: true, maxNewTokens: 2 } }), code('FILE_CHANGED'));
    assert.deepEqual((await engine.call('chat:get-thread', { trackId: id })).map((m) => m.id), before.map((m) => m.id), 'the thread is as it was');
  });

  test('threads survive an engine crash', async () => {
    const n = (await engine.call('chat:get-thread', { trackId })).length;
    engine.killForTest();
    await new Promise<void>((resolve) => {
      const off = engine.onState((s) => s.state === 'ready' && (off(), resolve()));
    });
    assert.equal((await engine.call('chat:get-thread', { trackId })).length, n);
    assert.equal((await engine.call('model:status', {})).packPath, PACK);
  });
});

describe('bad media for the model', () => {
  const ask = (extra: Record<string, unknown>) =>
    engine.call('model:ask', { packPath: PACK, provider: 'cpu', instruction: 'What is this?', options: { greedy: true, maxNewTokens: 2 }, ...extra } as any);

  test('audio shorter than a clip, and silence, still give an answer', async () => {
    const short = media('short-0.5s.wav', ['-f', 'lavfi', '-i', 'sine=f=440:d=0.5']);
    const silence = media('silence.flac', ['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '3']);
    assert.equal((await ask({ audio: { path: short } })).tokenIds.length, 2);
    assert.equal((await ask({ audio: { path: silence } })).tokenIds.length, 2);
  });

  test('png, jpg, webp and gif covers are read', async () => {
    for (const ext of ['png', 'jpg', 'webp', 'gif']) {
      const img = media(`cover.${ext}`, ['-f', 'lavfi', '-i', 'testsrc=s=320x240:d=1', '-frames:v', '1']);
      assert.equal((await ask({ image: { path: img } })).inputs.media[0].kind, 'image', ext);
    }
  });

  test('a decompression bomb is refused before decoding', async () => {
    const bomb = media('bomb.png', ['-f', 'lavfi', '-i', 'color=c=black:s=9600x9600:d=1', '-frames:v', '1', '-pix_fmt', 'gray']);
    await assert.rejects(ask({ image: { path: bomb } }), (e: { code: string; message: string }) => e.code === 'BAD_ARGS' && /decompression bomb/.test(e.message));
  });

  test('a video without audio cannot give its soundtrack; an audio file is not a video', async () => {
    const silent = media('no-audio.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    await assert.rejects(ask({ video: { path: silent }, input: '<Video><Audio>' }), code('NO_AUDIO'));
    assert.equal((await ask({ video: { path: silent } })).inputs.media[0].tokens, 15);
    await assert.rejects(ask({ video: { path: toneFile('not-a-video.mp3', 2) } }), code('NOT_MEDIA'));
  });

  test('a region past the end of the audio says so (tester20)', async () => {
    // before: DECODE_FAILED '"ph-end.mp3" decoded to no audio in the selected region.' — as if the file were broken
    await assert.rejects(ask({ audio: { path: toneFile('ph-end.mp3', 2), region: [100, 200] } }), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'BAD_ARGS', e.message);
      assert.match(e.message, /"ph-end\.mp3" has no audio in the region 100–200 s: it starts at or after the end of the audio\. Choose a region inside the track/);
      return true;
    });
    assert.equal((await ask({ audio: { path: toneFile('ph-end.mp3', 2), region: [1, 200] } })).tokenIds.length, 2, 'a region that ends past the end is the audio up to its end');
  });

  test('placeholders must match the attached media', async () => {
    await assert.rejects(ask({ input: '<Image>' }), code('BAD_ARGS'));
    await assert.rejects(ask({ audio: { path: toneFile('ph.mp3', 2) }, input: 'no placeholder' }), code('BAD_ARGS'));
    assert.equal((await ask({ video: { path: videoFile('ph.mp4', 3) }, input: '<Video><Audio>' })).inputs.media[1].source, 'ph.mp4 (soundtrack)');
  });
});

// A model pack is untrusted input (issue 15 item 7): every number in its
// manifest is bounded by the schema, it brings no code (no regex is compiled
// from it), embed_tokens.bin must hold exactly its declared shape, and the
// verify cache re-hashes a file whose bytes changed even with its mtime set
// back. Tampered packs are copies of the toolchain's tiny β pack.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LIMITS, loadPack, Manifest } from '../../main/engine/model/pack';
import { ModelRuntime } from '../../main/engine/model/runtime';
import { ensureTinyPacks, refsIndex, TINY_DIR } from './helpers';

ensureTinyPacks();
const refs = refsIndex();
const PACK = join(TINY_DIR, 'packs', 'beta-fp32');
const work = mkdtempSync(join(tmpdir(), 'rs-packbounds-'));
after(() => rmSync(work, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the β pack, changed by `change`. */
function copyPack(change: (dir: string, m: any) => void = () => undefined): string {
  const dir = join(work, `pack-${++copies}`);
  cpSync(PACK, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  change(dir, m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  return dir;
}

/** Rewrite a pack file and update its size and checksum in the manifest, as a careful attacker would. */
function replaceListed(dir: string, m: any, file: string, bytes: Buffer): void {
  writeFileSync(join(dir, file), bytes);
  m.files[file] = { ...m.files[file], bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * `dir` with every file but manifest.json removed: a pack refused from its manifest alone is
 * refused "at once", before any of its files is read or hashed (no clock, which a slow machine fails).
 */
function manifestOnly(dir: string): string {
  for (const f of readdirSync(dir)) if (f !== 'manifest.json') rmSync(join(dir, f), { recursive: true, force: true });
  return dir;
}

async function refused(dir: string, why: RegExp): Promise<void> {
  await assert.rejects(loadPack(dir), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'MODEL_MISSING');
    assert.match(e.message, why);
    return true;
  });
}

describe('pack manifest bounds', () => {
  test('every tiny pack the converter makes is within the bounds and loads', async () => {
    for (const info of Object.values<any>(refs.packs)) await loadPack(join(TINY_DIR, info.dir));
  });

  test("a manifest shaped like the real DeepResonance-β on Vicuna-7B passes the schema", () => {
    const m = JSON.parse(readFileSync(join(PACK, 'manifest.json'), 'utf8'));
    const H = 4096;
    const V = 32006;
    Object.assign(m.llm, { hidden_size: H, num_hidden_layers: 32, num_attention_heads: 32, head_dim: 128, vocab_size: V, base_vocab_size: 32000, max_position_embeddings: 2048 });
    m.imagebind.out_embed_dim = 1024;
    m.embed_tokens.shape = [V, H];
    for (let i = 0; i < 32; i++) {
      for (const kv of ['key', 'value']) m.graphs.decoder.inputs[`past_key_values.${i}.${kv}`] = { dtype: 'float16', shape: ['batch', 32, 'past_sequence', 128] };
    }
    m.files['decoder.onnx.data'] = { bytes: 13_476_839_424, sha256: '0'.repeat(64), role: 'decoder_data' };
    const r = Manifest.safeParse(m);
    assert.ok(r.success, JSON.stringify(!r.success && r.error.issues[0]));
  });

  const absurd: Array<[string, (m: any) => void, RegExp]> = [
    ['media.audio.clips = 1e5', (m) => (m.media.audio.clips = 1e5), /media\.audio\.clips/],
    ['llm.num_hidden_layers = 1e7', (m) => (m.llm.num_hidden_layers = 1e7), /llm\.num_hidden_layers/],
    ['llm.hidden_size = 2^31', (m) => (m.llm.hidden_size = 2 ** 31), /llm\.hidden_size/],
    ['llm.vocab_size = 1e9', (m) => (m.llm.vocab_size = 1e9), /llm\.vocab_size/],
    ['embed_tokens.shape = [1e9, 1e9]', (m) => (m.embed_tokens.shape = [1e9, 1e9]), /embed_tokens\.shape/],
    ['media.video.crops = 1e6', (m) => (m.media.video.crops = 1e6), /media\.video\.crops/],
    ['media.video.frames_per_clip = 1e6', (m) => (m.media.video.frames_per_clip = 1e6), /media\.video\.frames_per_clip/],
    ['prompt.max_length = 1e9', (m) => (m.prompt.max_length = 1e9), /prompt\.max_length/],
    ['generation.max_new_tokens = 1e12', (m) => (m.generation.max_new_tokens = 1e12), /generation\.max_new_tokens/],
    ['tokens.bos_id beyond any vocabulary', (m) => (m.tokens.bos_id = 1e9), /tokens\.bos_id/],
    ['a decoder with 2000 inputs', (m) => {
      for (let i = 0; i < 2000; i++) m.graphs.decoder.inputs[`x${i}`] = { dtype: 'float32', shape: [1] };
    }, /graphs\.decoder\.inputs/],
  ];
  for (const [name, change, why] of absurd) {
    test(`${name} is refused at once, naming the field`, async () => {
      await refused(manifestOnly(copyPack((_, m) => change(m))), why);
    });
  }

  test('numbers that fit the schema but not each other are refused', async () => {
    await refused(copyPack((_, m) => (m.media.audio.clips = 4)), /audio tokens 3 ≠ clips 4/);
    await refused(copyPack((_, m) => (m.prompt.max_length = 4096)), /max_length 4096 > max_position_embeddings 2048/);
    await refused(copyPack((_, m) => (m.tokens.eos_id = m.llm.vocab_size)), /outside the vocabulary/);
    await refused(copyPack((_, m) => (m.embed_tokens.dtype = 'float16')), /embed_tokens dtype float16 ≠ pack dtype fp32/);
    // tester29b: "variant" edited to alpha in a β pack verified and answered — as α, without its fusion layers, while
    // the chat named it DeepResonance-β (the manifest's "model")
    await refused(copyPack((_, m) => (m.variant = 'alpha')), /the manifest says α but it holds the β fusion graph/);
    await refused(copyPack((_, m) => (m.model = 'DeepResonance-α')), /the manifest says β but names the model "DeepResonance-α"/);
  });

  test('a manifest larger than any real one is refused before it is parsed', async () => {
    const dir = copyPack();
    writeFileSync(join(dir, 'manifest.json'), `{"schema_version": 1, "pad": "${'x'.repeat(LIMITS.manifestBytes)}"}`);
    await refused(dir, /manifest\.json has \d+ bytes; a manifest is at most/);
  });
});

describe('a pack brings no code', () => {
  test('a placeholder_regex other than the DeepResonance one is refused', async () => {
    await refused(manifestOnly(copyPack((_, m) => (m.prompt.placeholder_regex = '((a+)+)+$'))), /prompt\.placeholder_regex/);
  });

  test('a pack without placeholder_regex loads (the field is optional)', async () => {
    await loadPack(copyPack((_, m) => delete m.prompt.placeholder_regex));
  });

  test("the runtime splits the input on the fixed placeholders, never on the manifest's pattern", async () => {
    const pack = await loadPack(PACK);
    // As if a pack had got past the schema: its pattern must change nothing.
    pack.manifest.prompt.placeholder_regex = '(Hello)' as any;
    const rt = await ModelRuntime.open(pack, 'cpu', { threads: 1 });
    try {
      const p = await rt.buildPrompt('Hello world', 'Describe it.', []);
      assert.deepEqual(p.segments.filter((s) => s.kind === 'text').map((s) => (s as { text: string }).text), ['Hello world']);
    } finally {
      await rt.close();
    }
  });
});

describe('file sizes against declared shapes', () => {
  test('embed_tokens.bin truncated to 1 KB with its size and checksum updated is refused, naming expected vs actual bytes', async () => {
    const m0 = JSON.parse(readFileSync(join(PACK, 'manifest.json'), 'utf8'));
    const [V, H] = m0.embed_tokens.shape;
    const expected = V * H * 4;
    assert.equal(m0.files['embed_tokens.bin'].bytes, expected, 'the intact pack holds its shape');
    const dir = copyPack((d, m) => replaceListed(d, m, 'embed_tokens.bin', readFileSync(join(d, 'embed_tokens.bin')).subarray(0, 1024)));
    await refused(dir, new RegExp(`"embed_tokens\\.bin" has 1024 bytes but its shape \\[${V}, ${H}\\] of float32 needs ${expected} bytes`));
  });

  test('a shape that claims more rows than the file holds is refused the same way', async () => {
    await refused(copyPack((_, m) => {
      m.embed_tokens.shape[0] += 1;
      m.llm.vocab_size += 1;
      m.llm.base_vocab_size += 1;
      m.graphs.decoder.outputs.logits.shape[2] += 1;
    }), /"embed_tokens\.bin" has \d+ bytes but its shape .* needs \d+ bytes/);
  });
});

describe('the verify cache', () => {
  test('bytes changed with the mtime set back are hashed again and refused; an untouched pack is not re-hashed', async () => {
    const dir = copyPack();
    const cache = join(work, `verify-${copies}.json`);
    const f = join(dir, 'projector.onnx');
    const when = new Date('2024-01-02T03:04:05Z');
    utimesSync(f, when, when);
    await loadPack(dir, { verifyCachePath: cache });
    const written = readFileSync(cache, 'utf8');
    const cacheMtime = statSync(cache).mtimeMs;

    // Loaded again untouched: every file is proven unchanged, the cache is not rewritten.
    await loadPack(dir, { verifyCachePath: cache });
    assert.equal(readFileSync(cache, 'utf8'), written);
    assert.equal(statSync(cache).mtimeMs, cacheMtime);

    // Same size, same mtime, different bytes.
    const b = readFileSync(f);
    b[b.length - 5] ^= 0xff;
    writeFileSync(f, b);
    utimesSync(f, when, when);
    assert.equal(statSync(f).mtimeMs, when.getTime());
    await assert.rejects(loadPack(dir, { verifyCachePath: cache }), /"projector\.onnx" does not match its checksum/);
  });

  test('a cache file of the old format (size + mtime only) or not an object is not trusted', async () => {
    const dir = copyPack();
    const f = join(dir, 'projector.onnx');
    const b = readFileSync(f);
    b[b.length - 5] ^= 0xff;
    writeFileSync(f, b);
    const st = statSync(f);
    const cache = join(work, `old-${copies}.json`);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(cache, JSON.stringify({ [f]: { bytes: st.size, mtimeMs: st.mtimeMs, sha256: m.files['projector.onnx'].sha256 } }));
    await assert.rejects(loadPack(dir, { verifyCachePath: cache }), /"projector\.onnx" does not match its checksum/);
    writeFileSync(cache, 'null');
    await assert.rejects(loadPack(dir, { verifyCachePath: cache }), /does not match its checksum/);
  });
});

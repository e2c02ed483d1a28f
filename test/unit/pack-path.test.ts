// tester15: `studio model verify` (and Choose model pack…) given a file — the pack's manifest.json, one of its
// graphs, or any file — said 'There is no model pack folder at ".../manifest.json"', as if nothing were there.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPack, PackError } from '../../main/engine/model/pack';

test('a file given where a model pack folder is wanted is named as a file, with the folder to give instead', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pack-path-'));
  try {
    const pack = join(dir, 'deepresonance-beta-int4');
    mkdirSync(pack);
    writeFileSync(join(pack, 'manifest.json'), '{}');
    writeFileSync(join(dir, 'song.wav'), 'x');
    await assert.rejects(loadPack(join(pack, 'manifest.json')), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'MODEL_MISSING');
      assert.match(e.message, /is a file/);
      assert.ok(e.message.includes(`"${pack}"`), `names the folder to give instead: ${e.message}`);
      return true;
    });
    await assert.rejects(loadPack(join(dir, 'song.wav')), (e: Error & { code?: string }) => e.code === 'MODEL_MISSING' && /is a file, not a model pack folder/.test(e.message));
    await assert.rejects(loadPack(join(dir, 'nothing')), (e: Error & { code?: string }) => e.code === 'MODEL_MISSING' && /There is no model pack folder at/.test(e.message));
    // tester24: a chosen pack moved away — the chat showed "Failed: There is no model pack folder at …." and nothing else
    await assert.rejects(loadPack(join(dir, 'nothing')), (e: Error) => /\(moved or deleted\?\)\. Choose the pack where it is now, or get one in the Models panel \(or `studio model get beta`\)/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a manifest.json without schema_version (or not an object) says the field is missing and what a pack\'s manifest holds, not "schema_version undefined" (tester16)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pack-noschema-'));
  try {
    for (const [text, what] of [['{"name": "my pack", "graphs": {}}', /has no "schema_version" field/], ['[]', /holds an array/], ['null', /holds null/], ['"x"', /holds a string/]] as const) {
      writeFileSync(join(dir, 'manifest.json'), text);
      await assert.rejects(loadPack(dir), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'MODEL_MISSING');
        assert.match(e.message, what);
        assert.doesNotMatch(e.message, /undefined/);
        assert.match(e.message, /"schema_version": 1/, 'says what a valid manifest holds');
        return true;
      });
    }
    // a later version is a newer studio's pack (tester18: says so and what to do); anything else is not supported
    writeFileSync(join(dir, 'manifest.json'), '{"schema_version": 2}');
    await assert.rejects(loadPack(dir), (e: Error & { code?: string }) => e.code === 'MODEL_MISSING' && /schema_version 2: the pack was made by a newer Resonance Studio/.test(e.message));
    writeFileSync(join(dir, 'manifest.json'), '{"schema_version": "one"}');
    await assert.rejects(loadPack(dir), (e: Error & { code?: string }) => e.code === 'MODEL_MISSING' && /schema_version "one" is not supported/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * tester28: Choose model pack… (or `studio ask --pack`) given the models folder that holds the packs, or a music
 * folder, said "it has no manifest.json. A pack is complete only when the converter finished; convert it again" — as
 * if a conversion had failed there. The folder one or two levels up from a pack names the pack(s) below it; a folder
 * with nothing of a pack says it is not one and how to get one; a folder with a pack's graphs but no manifest is still
 * an unfinished conversion.
 */
test('a folder without manifest.json: the packs below it are named; a folder of other files is "not a model pack"; graphs without a manifest: convert again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pack-nomanifest-'));
  const reject = async (p: string, re: RegExp, not?: RegExp) =>
    assert.rejects(loadPack(p), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'MODEL_MISSING');
      assert.match(e.message, re);
      if (not) assert.doesNotMatch(e.message, not);
      return true;
    });
  try {
    const models = join(dir, 'models');
    const pack = join(models, 'packs', 'deepresonance-beta-int4');
    mkdirSync(pack, { recursive: true });
    writeFileSync(join(pack, 'manifest.json'), '{}');
    // the models folder (two levels up) and its packs folder (one level up) name the pack to choose
    for (const p of [models, join(models, 'packs')]) await reject(p, new RegExp(`not a model pack itself: it holds one in "${pack.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"; choose that folder`), /convert it again/);
    // a music folder
    const music = join(dir, 'Music');
    mkdirSync(music);
    writeFileSync(join(music, 'song.mp3'), 'x');
    await reject(music, /is not a model pack: it has no manifest\.json.*studio model get beta/, /convert it again/);
    // a pack's graphs with no manifest: a conversion that did not finish
    const half = join(dir, 'half');
    mkdirSync(half);
    writeFileSync(join(half, 'decoder.onnx'), 'x');
    await reject(half, /has no manifest\.json\. A pack is complete only when the converter finished; convert it again/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pack that cannot be used carries its reason as a field: the why alone, no full stop, no instruction (session 30: the Get parsed it out of the message)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pack-reason-'));
  try {
    writeFileSync(join(dir, 'manifest.json'), '{"schema_version": 1');
    await assert.rejects(loadPack(dir), (e: Error & { reason?: string }) => {
      assert.ok(e instanceof PackError, `a PackError: ${e.message}`);
      assert.match(e.reason!, /^manifest\.json is not valid JSON \(.+\)$/);
      // the message goes on with what to do (tester40: a manifest cut short said nothing of it); the reason does not
      assert.equal(e.message, `The model pack at "${dir}" cannot be used: ${e.reason}. Get it again (Models panel → Get, or studio model get alpha|beta: it rebuilds a pack that does not verify from the downloads kept), or convert it again.`);
      return true;
    });
    const partial = `${dir}.partial`;
    mkdirSync(partial);
    try {
      await assert.rejects(loadPack(partial), (e: Error & { reason?: string }) => {
        assert.equal(e.reason, 'it is an unfinished conversion (a ".partial" folder)');
        assert.match(e.message, /cannot be used: it is an unfinished conversion \(a "\.partial" folder\)\. Run the conversion again; it starts over and replaces it\.$/);
        return true;
      });
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

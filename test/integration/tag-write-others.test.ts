// "Write tags…" and another tool's BPM/key tags where ours is uncertain (left19b). A DJ's files already carry BPM and
// key tags from other tools (Mixed In Key, rekordbox, Mixxx, a tagger). Where our value is below MIN_CONFIDENCE we
// write nothing (media-truth-kinds16) — and before this fix we also said nothing about the file's own tag, which stayed
// whatever it was: a wrong "128" beside our unsure guess, and the user could not tell. Now the file's own value is
// never removed silently: it is kept and named (`kept`, and in the refusal of a file with nothing sure to write), with
// whether it disagrees with our guess; `clearConflicting` removes the ones that disagree, and only those.
// The files are tagged the way real tools tag them, with Debian's tools, not with the studio's writer:
// id3v2 (ID3v2.3 TBPM "128", TKEY "Am", plus the ID3v1 tag it adds), mid3v2 (mutagen, ID3v2.4 TBPM "128.00", TKEY
// "8A"), mutagen (ID3v2.3 TKEY "A minor"), metaflac (Vorbis BPM / INITIALKEY), AtomicParsley (MP4 tmpo) with
// mutagen's iTunes freeform initialkey, and ffmpeg -metadata (Ogg Vorbis BPM / INITIALKEY).
// Run: node --import tsx --test test/integration/tag-write-others.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MIN_CONFIDENCE, type LibraryTrack } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { parseKey } from '../../main/engine/analysis/keys';
import { readTempoKeyTags } from '../../main/engine/library/analyse';
import { foreignText } from '../../main/engine/library/service';
import { readBpmKey, tagTarget, writeTagsSafely } from '../../main/engine/library/tag-write';
import { writtenText } from '../../main/cli/tags';
import { startTestEngine } from '../helpers/engine';
import { trackArgs } from '../e2e/library-page';
import { ff, media, OUTPUT } from '../helpers/media';
import { renderSong, type SmfNote } from '../helpers/smf';

const DIR = join(OUTPUT, 'tag-write-others');
const LIB = join(DIR, 'Library');
const py = (code: string, ...args: string[]) => execFileSync('/usr/bin/python3', ['-c', code, ...args]);

/** each file: how it was tagged, and the BPM / key strings that tool stored */
const FILES: Array<{ file: string; how: string; bpm: string; key: string; tag: (path: string) => void }> = [
  { file: 'id3v23.mp3', how: 'id3v2 (ID3v2.3)', bpm: '128', key: 'Am', tag: (p) => execFileSync('id3v2', ['--TBPM', '128', '--TKEY', 'Am', p]) },
  { file: 'id3v24.mp3', how: 'mid3v2 (ID3v2.4)', bpm: '128.00', key: '8A', tag: (p) => execFileSync('mid3v2', ['--TBPM', '128.00', '--TKEY', '8A', p]) },
  {
    file: 'id3v23-name.mp3', how: 'mutagen (ID3v2.3)', bpm: '128', key: 'A minor',
    tag: (p) => py('import sys\nfrom mutagen.id3 import ID3, TBPM, TKEY\nt = ID3()\nt.add(TBPM(encoding=1, text="128"))\nt.add(TKEY(encoding=1, text="A minor"))\nt.save(sys.argv[1], v2_version=3)', p),
  },
  { file: 'vorbis.flac', how: 'metaflac', bpm: '128', key: 'F#m', tag: (p) => execFileSync('metaflac', ['--set-tag=BPM=128', '--set-tag=INITIALKEY=F#m', p]) },
  {
    file: 'itunes.m4a', how: 'AtomicParsley + mutagen', bpm: '128', key: 'C',
    tag: (p) => {
      execFileSync('AtomicParsley', [p, '--bpm', '128', '--overWrite']);
      py('import sys\nfrom mutagen.mp4 import MP4, MP4FreeForm\nf = MP4(sys.argv[1])\nf["----:com.apple.iTunes:initialkey"] = [MP4FreeForm(b"C")]\nf.save()', p);
    },
  },
  { file: 'ffmpeg.ogg', how: 'ffmpeg -metadata', bpm: '128', key: 'Dm', tag: () => undefined },
  // the key our analysis guesses for this pad (A major, uncertain): a tag that agrees with it is never removed
  { file: 'agrees.flac', how: 'metaflac', bpm: '128', key: 'A', tag: (p) => execFileSync('metaflac', ['--set-tag=BPM=128', '--set-tag=INITIALKEY=A', p]) },
];

describe('Write tags and another tool\'s BPM/key tags where ours is uncertain (left19b)', { timeout: 600_000 }, () => {
  let engine: EngineHost;
  let rows: LibraryTrack[] = [];
  const row = (file: string) => rows.find((r) => r.fileName === file)!;
  /** whether the file's key tag names another key than our guess (as pitch class and mode) */
  const keyDisagrees = (tag: string, ours: string | null) => {
    const a = parseKey(tag);
    const b = ours === null ? null : parseKey(ours);
    return a !== null && b !== null && (a.tonic !== b.tonic || a.mode !== b.mode);
  };

  before(async () => {
    rmSync(LIB, { recursive: true, force: true });
    mkdirSync(LIB, { recursive: true });
    // a free-time ambient pad (media-truth-kinds16's): no tempo and no key sure enough to write
    let s = 777;
    const rng = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const amb: SmfNote[] = [];
    for (let t = 0; t < 40; t += 1.3 + 3.7 * rng()) amb.push({ beat: t, len: 4 + 6 * rng(), ch: 0, note: 50 + [0, 2, 5, 7, 9, 12, 14][Math.floor(rng() * 7)]!, vel: 60 });
    const wav = renderSong('tag-write-others-ambient.wav', { bpm: 60, notes: amb, programs: { 0: 89 } });
    // untagged encodes (no ID3 tag from ffmpeg: the tools add theirs), then each tool's tags
    for (const f of FILES) {
      const out = join(LIB, f.file);
      if (f.file.endsWith('.mp3')) ff(['-i', wav, '-c:a', 'libmp3lame', '-b:a', '128k', '-write_id3v2', '0', '-write_xing', '1', out]);
      else if (f.file.endsWith('.flac')) ff(['-i', wav, out]);
      else if (f.file.endsWith('.m4a')) ff(['-i', wav, '-c:a', 'aac', '-b:a', '128k', out]);
      else ff(['-i', wav, '-c:a', 'libvorbis', '-q:a', '3', '-metadata', `BPM=${f.bpm}`, '-metadata', `INITIALKEY=${f.key}`, out]);
      f.tag(out);
    }
    // the tags as the tools left them (ID3 versions as their tools write them)
    assert.equal(readFileSync(join(LIB, 'id3v23.mp3'))[3], 3);
    assert.equal(readFileSync(join(LIB, 'id3v24.mp3'))[3], 4);
    assert.equal(readFileSync(join(LIB, 'id3v23-name.mp3'))[3], 3);
    for (const f of FILES) assert.deepEqual(await readBpmKey(join(LIB, f.file)), { bpm: f.bpm, key: f.key }, f.file);
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    await engine.call('library:add-folder', { path: LIB });
    await engine.call('library:idle', {});
    rows = (await engine.call('library:query', { offset: 0, limit: 50 })).rows;
    assert.equal(rows.length, FILES.length, JSON.stringify(rows.map((r) => [r.fileName, r.status])));
    // both cases are here: key tags that disagree with our guess and one that agrees
    const disagree = FILES.filter((f) => keyDisagrees(f.key, row(f.file).key)).map((f) => f.file);
    assert.deepEqual(disagree, FILES.filter((f) => f.file !== 'agrees.flac').map((f) => f.file), JSON.stringify(rows.map((r) => [r.fileName, r.key])));
  });
  after(async () => {
    await engine?.stop();
  });

  test('by default the file is left as it was, and the refusal names the file\'s own tags it kept and whether they disagree with our uncertain guess', async () => {
    for (const f of FILES) {
      const r = row(f.file);
      assert.equal(r.status, 'analysed', f.file);
      assert.ok(r.bpmConfidence! < MIN_CONFIDENCE && r.keyConfidence! < MIN_CONFIDENCE, `${f.file}: ${JSON.stringify(r)}`);
      assert.notEqual(Math.round(r.bpm!), 128, 'our uncertain tempo guess is not the tag\'s');
      const path = join(LIB, f.file);
      const before = readFileSync(path);
      await assert.rejects(engine.call('library:write-tags', { trackId: r.id, keyNotation: 'standard' }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BAD_ARGS');
        assert.match(e.message, /uncertain/);
        // the file's own values, as stored, named; the BPM always disagrees (128 against our guess), the key where it names another key
        assert.ok(e.message.includes(`Kept the file's existing BPM tag "${f.bpm}", which disagrees with our uncertain ${Math.round(r.bpm!)}`), `${f.file} (${f.how}): ${e.message}`);
        // …and where it names our guess, says so (session 32: "8A" kept beside an uncertain A minor said nothing)
        const k = keyDisagrees(f.key, r.key) ? `its key tag "${f.key}", which disagrees with our uncertain ${r.key}` : `its key tag "${f.key}", which agrees with our uncertain ${r.key}`;
        assert.ok(e.message.includes(k), `${f.file}: ${e.message}`);
        return true;
      });
      assert.ok(readFileSync(path).equals(before), `${f.file}: left byte for byte as it was`);
    }
  });

  test('clearConflicting removes the file\'s own tags that disagree with our uncertain guess, and only those; every other tag stays', async () => {
    for (const f of FILES) {
      const r = row(f.file);
      const path = join(LIB, f.file);
      const keyGoes = keyDisagrees(f.key, r.key);
      const res = await engine.call('library:write-tags', { trackId: r.id, keyNotation: 'standard', clearConflicting: true });
      assert.deepEqual([res.bpm, res.key], [null, null], f.file);
      assert.deepEqual(res.cleared, { bpm: f.bpm, key: keyGoes ? f.key : null }, f.file);
      assert.deepEqual(res.kept, { bpm: null, key: keyGoes ? null : f.key, conflicts: { bpm: true, key: keyGoes }, agrees: { bpm: false, key: f.file === 'agrees.flac' } }, f.file);
      assert.deepEqual(res.readBack, { bpm: null, key: keyGoes ? null : f.key }, f.file);
      // as the tools themselves read it
      const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', path], { encoding: 'utf8' })) as {
        format: { tags?: Record<string, string> };
        streams: Array<{ tags?: Record<string, string> }>;
      };
      const tags = Object.fromEntries(Object.entries({ ...probe.format.tags, ...probe.streams[0]?.tags }).map(([k, v]) => [k.toUpperCase(), v]));
      assert.equal(tags.TBPM ?? tags.BPM ?? tags.TMPO, undefined, `${f.file}: no BPM tag left (${JSON.stringify(tags)})`);
      if (f.file.endsWith('.mp3')) {
        const listed = execFileSync('mid3v2', ['-l', path], { encoding: 'utf8' });
        assert.doesNotMatch(listed, /^TBPM=/m, f.file);
        assert.equal(/^TKEY=/m.test(listed), !keyGoes, `${f.file}: ${listed}`);
      } else if (f.file.endsWith('.flac')) {
        const listed = execFileSync('metaflac', ['--export-tags-to=-', path], { encoding: 'utf8' });
        assert.doesNotMatch(listed, /^BPM=/im, f.file);
        assert.equal(/^INITIALKEY=/im.test(listed), !keyGoes, f.file);
      } else if (f.file.endsWith('.m4a')) {
        const listed = execFileSync('AtomicParsley', [path, '-t'], { encoding: 'utf8' });
        assert.doesNotMatch(listed, /tmpo/, `${f.file}: ${listed}`);
      }
      // a second time: nothing left that disagrees — refused as before, the file left as it is
      const now = readFileSync(path);
      await assert.rejects(engine.call('library:write-tags', { trackId: r.id, keyNotation: 'standard', clearConflicting: true }), (e: Error & { code?: string }) => e.code === 'BAD_ARGS' && !/BPM tag/.test(e.message));
      assert.ok(readFileSync(path).equals(now), f.file);
    }
  });
});

// Session 19 review: readBpmKey took the first BPM/key tag in music-metadata's order, the library (tempoKeyTags,
// TAGS_READ 3) the container's own format first. A FLAC with Vorbis BPM=128 and an ID3v2 TBPM=120 prepended by id3v2
// showed 128 in the library, but Write tags judged (kept/cleared) and read back the 120: removing the BPM failed
// INTERNAL "read back as BPM 120 …", and so did writing a sure BPM. Now the write's own tag family is read (Vorbis in a
// FLAC, ID3v2 in an MP3), and the other format's stale tag is named as such, never touched.
describe('Write tags beside a stale tag of another format (ID3 in a FLAC, APEv2 in an MP3)', { timeout: 120_000 }, () => {
  const D = join(DIR, 'foreign');
  const fresh = (name: string, make: (p: string) => void) => {
    const p = join(D, name);
    rmSync(p, { force: true });
    make(p);
    return p;
  };
  /** a FLAC tagged by metaflac (BPM 128, key 8A), then by id3v2 (an ID3v2.3 TBPM 120 prepended) */
  const flac = (name: string) =>
    fresh(name, (p) => {
      ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', p]);
      execFileSync('metaflac', ['--set-tag=BPM=128', '--set-tag=INITIALKEY=8A', p]);
      execFileSync('id3v2', ['--TBPM', '120', p]);
    });
  /** an MP3 tagged by mid3v2 (ID3v2.4 TBPM 128, TKEY 8A) and by mutagen's APEv2 (BPM 120, as foobar2000 writes it) */
  const mp3 = (name: string) =>
    fresh(name, (p) => {
      ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-write_id3v2', '0', p]);
      execFileSync('mid3v2', ['--TBPM', '128', '--TKEY', '8A', p]);
      py('import sys\nfrom mutagen.apev2 import APEv2\nt = APEv2()\nt["BPM"] = "120"\nt.save(sys.argv[1])', p);
    });
  const write = (p: string, container: string, codec: string, bpm: string | null, clear?: { bpm: boolean; key: boolean }) => {
    const st = statSync(p);
    return writeTagsSafely({ path: p, stored: { size: st.size, mtimeMs: st.mtimeMs }, target: tagTarget(container, codec, false)!, bpm, key: null, clear });
  };
  before(() => mkdirSync(D, { recursive: true }));

  test('a FLAC: the Vorbis BPM is read as the library reads it, the ID3 one named as stale; removing and writing the BPM work', async () => {
    const p = flac('id3-in-front.flac');
    assert.equal(readFileSync(p).subarray(0, 3).toString('latin1'), 'ID3', 'id3v2 prepended its tag');
    assert.equal((await readTempoKeyTags(p)).bpm, 128, 'the library shows the Vorbis BPM');
    const own = await readBpmKey(p, 'vorbis');
    assert.deepEqual(own, { bpm: '128', key: '8A', foreign: { bpm: '120', key: null, source: 'ID3v2.3' } });
    assert.deepEqual(await readBpmKey(p), own, 'the family follows the container by default');
    assert.match(foreignText(own.foreign, 'vorbis'), /stale ID3v2\.3 tag with BPM "120".*own Vorbis comment only/);
    // remove the file's BPM (clearConflicting), keep its key
    await write(p, 'flac', 'flac', null, { bpm: true, key: false });
    assert.doesNotMatch(execFileSync('metaflac', ['--export-tags-to=-', p], { encoding: 'utf8' }), /^BPM=/im, 'the Vorbis BPM is gone');
    assert.deepEqual(await readBpmKey(p, 'vorbis'), { bpm: null, key: '8A', foreign: { bpm: '120', key: null, source: 'ID3v2.3' } }, 'the ID3 tag untouched');
    // a sure BPM written into such a file
    const q = flac('id3-in-front-write.flac');
    await write(q, 'flac', 'flac', '126');
    assert.match(execFileSync('metaflac', ['--export-tags-to=-', q], { encoding: 'utf8' }), /^BPM=126$/m);
    assert.equal((await readTempoKeyTags(q)).bpm, 126, 'the library reads the written BPM');
  });

  test('an MP3: the ID3v2 TBPM is read as the library reads it, the APEv2 BPM named as stale; removing and writing the BPM work', async () => {
    const p = mp3('ape.mp3');
    const own = await readBpmKey(p, 'id3v2');
    assert.deepEqual(own, { bpm: '128', key: '8A', foreign: { bpm: '120', key: null, source: 'APEv2' } });
    assert.equal((await readTempoKeyTags(p)).bpm, 128);
    await write(p, 'mp3', 'mp3', null, { bpm: true, key: false });
    assert.doesNotMatch(execFileSync('mid3v2', ['-l', p], { encoding: 'utf8' }), /^TBPM=/m, 'the ID3 TBPM is gone');
    assert.deepEqual(await readBpmKey(p, 'id3v2'), { bpm: null, key: '8A', foreign: { bpm: '120', key: null, source: 'APEv2' } }, 'the APEv2 tag untouched');
    const q = mp3('ape-write.mp3');
    await write(q, 'mp3', 'mp3', '126');
    assert.match(execFileSync('mid3v2', ['-l', q], { encoding: 'utf8' }), /^TBPM=126$/m);
  });
});

// dj36: a DJ's MP3 (encoded by lame, tagged by mid3v2 as Mixed In Key tags it: TBPM "96", TKEY "8A") whose tempo and
// key the studio is sure of (120 BPM, C major): Write tags replaced the other tool's 96 and 8A with 120 and C, and neither
// the write's result, nor `studio tags write`, nor the dialog said a word of it — the DJ's other tool's values were
// clobbered silently. Now the write names each tag of the file's own it replaced with another tempo or key
// (`replaced`), and `studio tags write` prints it; a tag that states the value written ("120.00" for 120, "8B" for C)
// is not "replaced".
describe('Write tags over another tool\'s BPM/key where ours is sure: what it replaced is named (dj36)', { timeout: 300_000 }, () => {
  const D = join(DIR, 'replaced');
  let engine: EngineHost;
  let rows: LibraryTrack[] = [];
  before(async () => {
    rmSync(D, { recursive: true, force: true });
    mkdirSync(D, { recursive: true });
    // 30 s of a click on every beat at 120 BPM over I–IV–V–I in C major (the e2e library's tracks), as a WAV
    const wav = media('tag-write-replaced-click-120-C.wav', trackArgs({ file: 'x.wav', title: 'Replaced', bpm: 120, chord: [48, 52, 55], codec: 'wav' }, 30));
    execFileSync('lame', ['--quiet', '-V2', wav, join(D, 'mik.mp3')]);
    execFileSync('mid3v2', ['--TBPM', '96', '--TKEY', '8A', join(D, 'mik.mp3')]);
    ff(['-i', wav, join(D, 'same.flac')]);
    // the same tempo as ours, another key
    execFileSync('metaflac', ['--set-tag=BPM=120.00', '--set-tag=INITIALKEY=Am', join(D, 'same.flac')]);
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    await engine.call('library:add-folder', { path: D });
    await engine.call('library:idle', {});
    rows = (await engine.call('library:query', { offset: 0, limit: 50 })).rows;
    for (const r of rows) {
      assert.equal(Math.round(r.bpm ?? 0), 120, JSON.stringify(r));
      assert.equal(r.key, 'C major', JSON.stringify(r));
      assert.ok(r.bpmConfidence! >= MIN_CONFIDENCE && r.keyConfidence! >= MIN_CONFIDENCE, JSON.stringify(r));
    }
  });
  after(async () => {
    await engine?.stop();
  });

  test('the tags replaced with another value are named in the result and in `studio tags write`\'s text; a tag stating our value is not', async () => {
    const mp3 = rows.find((r) => r.fileName === 'mik.mp3')!;
    const flac = rows.find((r) => r.fileName === 'same.flac')!;
    // the plan (the dialog's check, `studio tags write --dry-run`) says it before anything is written
    const plan = await engine.call('library:tag-plan', { trackIds: [mp3.id, flac.id] });
    assert.deepEqual(plan.writable, [mp3.id, flac.id]);
    assert.deepEqual(plan.replaces, [{ trackId: mp3.id, fileName: 'mik.mp3', replaced: { bpm: '96', key: '8A' } }, { trackId: flac.id, fileName: 'same.flac', replaced: { bpm: null, key: 'Am' } }]);
    assert.deepEqual((await engine.call('library:tag-plan', { trackIds: [mp3.id], key: false })).replaces, [{ trackId: mp3.id, fileName: 'mik.mp3', replaced: { bpm: '96', key: null } }], 'only what is written');
    const res = await engine.call('library:write-tags', { trackId: mp3.id, keyNotation: 'camelot' });
    assert.deepEqual([res.bpm, res.key], ['120', '8B']);
    assert.match(execFileSync('mid3v2', ['-l', join(D, 'mik.mp3')], { encoding: 'utf8' }), /^TBPM=120$[\s\S]*^TKEY=8B$/m);
    assert.deepEqual(res.replaced, { bpm: '96', key: '8A' });
    const text = writtenText(res);
    assert.match(text, /^ {2}replaced {4}the file's own BPM tag "96" and key tag "8A" \(another program's\), which named another tempo and key$/m, text);
    // written again: the file's tags are ours now, nothing replaced
    const again = await engine.call('library:write-tags', { trackId: mp3.id, keyNotation: 'camelot' });
    assert.deepEqual(again.replaced, { bpm: null, key: null });
    assert.doesNotMatch(writtenText(again), /replaced/);
    assert.deepEqual((await engine.call('library:tag-plan', { trackIds: [mp3.id] })).replaces, [], 'nothing left to replace');
    const f = await engine.call('library:write-tags', { trackId: flac.id, keyNotation: 'standard' });
    assert.deepEqual([f.bpm, f.key], ['120', 'C']);
    assert.deepEqual(f.replaced, { bpm: null, key: 'Am' }, '"120.00" states the BPM written: not replaced');
    assert.match(writtenText(f), /^ {2}replaced {4}the file's own key tag "Am" \(another program's\), which named another key$/m);
  });
});

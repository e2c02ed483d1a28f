// Issue 12 (library gap): BPM and key written back into the file's own tags
// (library:write-tags), per format, through the engine: every other tag, the
// cover and the audio bytes are kept (ffmpeg stream-copy and decode hashes
// before/after), the values read back with ffprobe and music-metadata, the
// library re-reads the tags without analysing again, and the refusals
// (changed since analysis, read-only file or folder, unsupported container).
// Inputs are made by ffmpeg, plus an MP3 whose ID3v2.3 tag is built by hand
// here (frames ffmpeg does not write: POPM, PRIV, COMM) with an ID3v1 tag.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/tag-write.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseFile } from 'music-metadata';
import type { EngineHost } from '../../main/engine-host';
import type { LibraryTrack } from '@contract';
import { OUTPUT } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';

const DIR = join(OUTPUT, 'tag-write-test');
const SRC = join(DIR, 'src');
const LIB = join(DIR, 'Library');

function ff(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 64 << 20 });
}
/** md5 of the audio stream's packets as stored (-c copy) and of the decoded samples */
function audioHashes(p: string): { stored: string; decoded: string } {
  return {
    stored: ff(['-i', p, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-']).toString().trim(),
    decoded: ff(['-i', p, '-map', '0:a', '-f', 'md5', '-']).toString().trim(),
  };
}
const coverHash = (p: string): string => ff(['-i', p, '-map', '0:v', '-c', 'copy', '-f', 'md5', '-']).toString().trim();
/** ffprobe's tags of the file (format and streams), keys lower-cased (Vorbis comment names are case-insensitive) */
function probeTags(p: string): Record<string, string> {
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', p]).toString()) as {
    format?: { tags?: Record<string, string> };
    streams?: { tags?: Record<string, string> }[];
  };
  const out: Record<string, string> = {};
  for (const t of [j.format?.tags ?? {}, ...(j.streams ?? []).map((s) => s.tags ?? {})]) for (const [k, v] of Object.entries(t)) out[k.toLowerCase()] = v;
  return out;
}

/** An ID3v2.3 frame: id, size (plain 32-bit in 2.3), no flags, body. */
function frame(id: string, body: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h.write(id, 0, 'latin1');
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}
const text = (s: string) => Buffer.concat([Buffer.from([0]), Buffer.from(s, 'latin1')]);
/** An ID3v2.3 tag with frames ffmpeg neither reads into its tags nor writes: POPM (rating), PRIV (private data), COMM (with a language) */
function handBuiltId3(): Buffer {
  const frames = Buffer.concat([
    frame('TIT2', text('Hand Built')),
    frame('TPE1', text('Tagger')),
    frame('POPM', Buffer.concat([Buffer.from('dj@example.org\0', 'latin1'), Buffer.from([196, 0, 0, 0, 7])])),
    frame('PRIV', Buffer.concat([Buffer.from('org.example.cue\0', 'latin1'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])])),
    frame('COMM', Buffer.concat([Buffer.from([0]), Buffer.from('eng', 'latin1'), Buffer.from('\0Keep this comment', 'latin1')])),
  ]);
  const size = frames.length + 256; // with padding
  const syncsafe = Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0]), syncsafe, frames, Buffer.alloc(256)]);
}

/** An ID3v1 tag (128 bytes at the end of the file): "TAG", title, artist, album (30 bytes each), year, comment, genre. */
function id3v1(title: string): Buffer {
  const b = Buffer.alloc(128);
  b.write('TAG', 0, 'latin1');
  b.write(title, 3, 30, 'latin1');
  b.write('V1 artist', 33, 30, 'latin1');
  b.write('1999', 93, 4, 'latin1');
  b[127] = 255;
  return b;
}

interface Case {
  file: string;
  /** the tag family written */
  format: 'id3v2' | 'vorbis' | 'mp4';
  cover: boolean;
  /** ffprobe reads the written values back (ffmpeg prefers a WAV's INFO chunk to its id3 chunk; ffmpeg 5 does not export MP4 tmpo) */
  ffprobeBpm: boolean;
  ffprobeKey: boolean;
}

const CASES: Case[] = [
  { file: 'tagged.mp3', format: 'id3v2', cover: true, ffprobeBpm: true, ffprobeKey: true },
  { file: 'hand-built id3.mp3', format: 'id3v2', cover: false, ffprobeBpm: true, ffprobeKey: true },
  { file: 'tagged.flac', format: 'vorbis', cover: true, ffprobeBpm: true, ffprobeKey: true },
  { file: 'tagged.ogg', format: 'vorbis', cover: false, ffprobeBpm: true, ffprobeKey: true },
  { file: 'tagged.opus', format: 'vorbis', cover: false, ffprobeBpm: true, ffprobeKey: true },
  { file: 'tagged.m4a', format: 'mp4', cover: true, ffprobeBpm: false, ffprobeKey: true },
  { file: 'info.wav', format: 'id3v2', cover: false, ffprobeBpm: false, ffprobeKey: false },
  { file: 'plain.wav', format: 'id3v2', cover: false, ffprobeBpm: true, ffprobeKey: true },
  { file: 'tagged.aiff', format: 'id3v2', cover: false, ffprobeBpm: true, ffprobeKey: true },
];

/** 8 s of a 124 BPM click over an A minor triad (so the analysis finds a tempo and a key) */
const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";
const META = ['-metadata', 'title=Tïtle Ünïcode', '-metadata', 'artist=Artist', '-metadata', 'album=Album', '-metadata', 'genre=House', '-metadata', 'date=2020', '-metadata', 'track=3', '-metadata', 'comment=Hello'];

function makeInputs(): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(SRC, { recursive: true });
  mkdirSync(LIB, { recursive: true });
  const cover = join(SRC, 'cover.png');
  ff(['-f', 'lavfi', '-i', 'testsrc=s=96x96:d=1', '-frames:v', '1', cover]);
  const a = ['-f', 'lavfi', '-i', TONE];
  const withCover = ['-i', cover, '-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic'];
  ff([...a, ...withCover, '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3', ...META, '-metadata', 'REPLAYGAIN_TRACK_GAIN=-3.2 dB', join(SRC, 'tagged.mp3')]);
  // the hand-built tag in front of bare MPEG audio, an ID3v1 tag at the end
  ff([...a, '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '0', join(SRC, 'bare.mp3')]);
  writeFileSync(join(SRC, 'hand-built id3.mp3'), Buffer.concat([handBuiltId3(), readFileSync(join(SRC, 'bare.mp3')), id3v1('V1 title')]));
  ff([...a, ...withCover, '-c:a', 'flac', ...META, '-metadata', 'REPLAYGAIN_TRACK_GAIN=-3.2 dB', join(SRC, 'tagged.flac')]);
  ff([...a, '-c:a', 'libvorbis', ...META, join(SRC, 'tagged.ogg')]);
  ff([...a, '-c:a', 'libopus', ...META, join(SRC, 'tagged.opus')]);
  ff([...a, ...withCover, '-c:a', 'aac', '-b:a', '128k', ...META, join(SRC, 'tagged.m4a')]);
  ff([...a, '-c:a', 'pcm_s16le', ...META, join(SRC, 'info.wav')]);
  ff([...a, '-c:a', 'pcm_s16le', '-map_metadata', '-1', '-fflags', '+bitexact', join(SRC, 'plain.wav')]);
  ff([...a, '-c:a', 'pcm_s16be', '-write_id3v2', '1', ...META, join(SRC, 'tagged.aiff')]);
  // not writable here: a video
  ff(['-f', 'lavfi', '-i', 'testsrc=s=64x64:d=8:r=10', ...a, '-map', '0:v', '-map', '1:a', '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest', join(SRC, 'clip.mp4')]);
  for (const c of [...CASES.map((x) => x.file), 'clip.mp4']) copyFileSync(join(SRC, c), join(LIB, c));
}

describe('library:write-tags (BPM and key into the file\'s tags)', { timeout: 240_000 }, () => {
  let engine: EngineHost;
  let rows: LibraryTrack[] = [];
  const row = (file: string) => rows.find((r) => r.fileName === file)!;

  before(async () => {
    makeInputs();
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    await engine.call('library:add-folder', { path: LIB });
    await engine.call('library:idle', {});
    rows = (await engine.call('library:query', { offset: 0, limit: 50 })).rows;
    assert.equal(rows.length, CASES.length + 1);
  });
  after(async () => {
    await engine?.stop();
    // leave the folder deletable
    for (const f of readdirSync(LIB)) chmodSync(join(LIB, f), 0o644);
    chmodSync(LIB, 0o755);
  });

  for (const c of CASES) {
    test(`${c.file}: ${c.format} BPM and key written, the audio bytes, the cover and every other tag kept, read back by ffprobe and music-metadata`, async () => {
      const r = row(c.file);
      assert.equal(r.status, 'analysed', `${c.file}: ${r.error}`);
      assert.ok(r.bpm !== null && r.key !== null, `${c.file} has a tempo and a key (${r.bpm}, ${r.key})`);
      const path = join(LIB, c.file);
      const before = { audio: audioHashes(path), cover: c.cover ? coverHash(path) : null, tags: probeTags(path), mode: statSync(path).mode };
      const mmBefore = await parseFile(path);
      const res = await engine.call('library:write-tags', { trackId: r.id, keyNotation: 'camelot' });
      assert.equal(res.format, c.format);
      assert.equal(res.key, r.camelot);
      assert.equal(res.bpm, String(Math.round(r.bpm!)), 'a whole number in every format');
      assert.deepEqual(res.readBack, { bpm: String(Number(res.bpm)), key: r.camelot });
      // nothing left behind in the folder
      assert.deepEqual(readdirSync(LIB).filter((f) => f.endsWith('.tmp')), []);
      // the audio is bit-exact, the cover too
      assert.deepEqual(audioHashes(path), before.audio, 'audio packets and decoded samples unchanged');
      if (c.cover) assert.equal(coverHash(path), before.cover, 'the cover is kept');
      assert.equal(statSync(path).mode, before.mode, 'the permissions are kept');
      // every tag that was there is still there with its value; the new ones added
      const tags = probeTags(path);
      for (const [k, v] of Object.entries(before.tags)) assert.equal(tags[k], v, `${c.file}: tag ${k} kept`);
      if (c.ffprobeBpm) assert.equal(Number(tags[c.format === 'id3v2' ? 'tbpm' : 'bpm']), Number(res.bpm), 'ffprobe reads the BPM');
      if (c.ffprobeKey) assert.equal(tags[c.format === 'id3v2' ? 'tkey' : 'initialkey'], r.camelot, 'ffprobe reads the key');
      // music-metadata: the same common tags, and the new values in the native frames
      const mm = await parseFile(path);
      for (const k of ['title', 'artist', 'album', 'genre', 'year', 'comment', 'picture'] as const) assert.deepEqual(mm.common[k], mmBefore.common[k], `${c.file}: music-metadata ${k} kept`);
      assert.equal(mm.common.bpm, Number(res.bpm));
      const native = Object.values(mm.native).flat();
      const keyTag = native.find((t) => ['TKEY', 'INITIALKEY', '----:com.apple.iTunes:initialkey'].includes(t.id));
      assert.equal(keyTag?.value, r.camelot);
      for (const t of Object.values(mmBefore.native).flat()) {
        assert.ok(native.some((n) => n.id.toUpperCase() === t.id.toUpperCase() && JSON.stringify(n.value) === JSON.stringify(t.value)), `${c.file}: native ${t.id} kept`);
      }
      if (c.file === 'hand-built id3.mp3') {
        const ids = (mm.native['ID3v2.3'] ?? []).map((t) => t.id);
        for (const id of ['POPM', 'PRIV', 'COMM', 'TIT2', 'TPE1', 'TBPM', 'TKEY']) assert.ok(ids.includes(id), `hand-built ${id} kept (${ids.join(' ')})`);
        assert.equal(readFileSync(path).subarray(-128, -125).toString('latin1'), 'TAG', 'the ID3v1 tag at the end is kept');
        assert.equal(mm.native.ID3v1?.find((t) => t.id === 'title')?.value, 'V1 title');
      }
    });
  }

  test('the library re-reads the tags without analysing again; the key notation and the BPM range decide what is written', async () => {
    const r = row('tagged.flac');
    const analysedAt = (await engine.call('library:query', { offset: 0, limit: 50 })).rows.find((x) => x.id === r.id)!.analysedAt;
    // a scan after the write finds the file unchanged (its new size and mtime were recorded)
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    const now = (await engine.call('library:query', { offset: 0, limit: 50 })).rows.find((x) => x.id === r.id)!;
    assert.equal(now.analysedAt, analysedAt, 'not analysed again');
    assert.equal(now.sizeBytes, statSync(join(LIB, 'tagged.flac')).size);
    assert.equal(now.title, 'Tïtle Ünïcode');
    // standard notation, with a BPM range that moves the tempo an octave
    const range = r.bpm! >= 100 ? { min: 50, max: 100 } : { min: 100, max: 200 };
    await engine.call('library:set-bpm-range', { range });
    const res = await engine.call('library:write-tags', { trackId: r.id, keyNotation: 'standard', bpm: true, key: true });
    const shown = (await engine.call('library:query', { offset: 0, limit: 50 })).rows.find((x) => x.id === r.id)!.bpm!;
    assert.ok(shown >= range.min && shown <= range.max);
    assert.equal(res.bpm, String(Math.round(shown)), 'the BPM as shown (in the range) is written');
    assert.equal(res.key, 'Am');
    assert.equal(probeTags(join(LIB, 'tagged.flac')).initialkey, 'Am');
    await engine.call('library:set-bpm-range', { range: null });
    // key only, in Open Key and as a name
    const mp3 = row('tagged.mp3');
    const k1 = await engine.call('library:write-tags', { trackId: mp3.id, keyNotation: 'openkey', bpm: false });
    assert.deepEqual([k1.bpm, k1.key], [null, '1m']);
    const k2 = await engine.call('library:write-tags', { trackId: mp3.id, keyNotation: 'name', bpm: false });
    assert.equal(probeTags(join(LIB, 'tagged.mp3')).tkey, k2.key);
    assert.equal(k2.key, 'A minor');
  });

  test('refused, with the file untouched: changed since analysis, read-only file, read-only folder, a video', async () => {
    const code = async (trackId: string) =>
      engine.call('library:write-tags', { trackId, keyNotation: 'standard' }).then(
        () => 'written',
        (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
      );
    // changed since analysis (the scan has not seen it yet)
    const ogg = join(LIB, 'tagged.ogg');
    const t = new Date(Date.now() - 60_000);
    utimesSync(ogg, t, t);
    const bytes = readFileSync(ogg);
    assert.match(await code(row('tagged.ogg').id), /^FILE_CHANGED: "tagged\.ogg" changed since it was analysed.*Scan its folder again/);
    assert.ok(readFileSync(ogg).equals(bytes));
    // a read-only file (the user's mark holds even for root)
    const opus = join(LIB, 'tagged.opus');
    chmodSync(opus, 0o444);
    const opusBytes = readFileSync(opus);
    assert.match(await code(row('tagged.opus').id), /^READ_ONLY: "tagged\.opus" is read-only, so its tags were not written/);
    assert.ok(readFileSync(opus).equals(opusBytes));
    chmodSync(opus, 0o644);
    // a read-only folder: the copy cannot be made beside the file
    chmodSync(LIB, 0o555);
    assert.match(await code(row('tagged.aiff').id), /^READ_ONLY: The folder ".*Library" is read-only/);
    chmodSync(LIB, 0o755);
    assert.match(await code(row('clip.mp4').id), /^UNSUPPORTED: "clip\.mp4" is a video/);
    assert.deepEqual(readdirSync(LIB).filter((f) => f.endsWith('.tmp')), []);
  });
});

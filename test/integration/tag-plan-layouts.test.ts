// tags39: the plan of Write tags (library:tag-plan, `studio tags write --dry-run`) listed as "would write" every file
// of a layout the write then refuses at the file (files38: RF64, a WAV whose INFO sub-chunk lacks its pad byte,
// AIFF-C, an M4A with QuickTime metadata keys, a fragmented M4A, a chained Ogg) — the DJ dry-ran, saw 8 of 8, and the
// write refused 7. Now the plan runs the write's own layout checks (tag-write.ts layoutRefusal, headers only) and lists
// them apart: "Will not be written, N (…)", each "will not be written: <the write's reason>", `layout: true` in
// --json; the write counts them apart in its summary. Also: an Ogg cut short said "page header must be at least 27
// bytes" (the tag library's words): now "cut short … damaged"; a file name with a line break was printed raw inside
// the refusal's message, breaking it over two lines: now escaped as the path above it is.
// Files as the world makes them: lame, ffmpeg (-rf64 always, AIFF of pcm_s16le = AIFF-C 'sowt', use_metadata_tags,
// frag_keyframe), oggenc (two files joined, one cut short); the unpadded INFO sub-chunk is laid out byte by byte (a
// writer bug no Debian tool has) around ffmpeg's PCM.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/tag-plan-layouts.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { StudioError } from '@contract';
import { writeTagsSafely } from '../../main/engine/library/tag-write';
import { ff, OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'tag-plan-layouts');
const dataDir = join(DIR, 'data');
const music = join(DIR, 'Music');
const bin = join(ROOT, 'bin', 'studio.js');
/** 8 s of a 124 BPM click over an A minor triad: the analysis is sure of a tempo and a key (cli-tags-write's) */
const TONE = "aevalsrc='if(lt(mod(t,0.483871),0.03),0.7*sin(2*PI*1000*t),0)+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=44100:d=8";

function studio(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, STUDIO_DATA_DIR: dataDir }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** a RIFF chunk (little-endian size), its pad byte written or (a writer's bug) left out */
const chunk = (id: string, body: Buffer, pad = true) => {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, body, pad && body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
};
/** ffmpeg's WAV `src` laid out again with a LIST/INFO after its data whose odd INAM sub-chunk has no pad byte */
function unpaddedInfoWav(src: Buffer): Buffer {
  const at = (id: string) => {
    for (let i = 12; i + 8 <= src.length; ) {
      const n = src.readUInt32LE(i + 4);
      if (src.toString('latin1', i, i + 4) === id) return src.subarray(i + 8, i + 8 + n);
      i += 8 + n + (n & 1);
    }
    throw new Error(`no ${id} chunk`);
  };
  const info = chunk('LIST', Buffer.concat([Buffer.from('INFO'), chunk('INAM', Buffer.from('Odd size\0'), false), chunk('IART', Buffer.from('Someone\0'), false)]), false);
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', at('fmt ')), chunk('data', at('data')), info]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('Write tags: the plan tells the layouts the write refuses, apart, and every refusal reads plainly (tags39)', { timeout: 300_000 } /* a hang guard */, () => {
  const F = {
    mp3: join(music, 'click.mp3'),
    rf64: join(music, 'take\n2.wav'), // a name with a line break, as a script's rename leaves one
    unpadded: join(music, 'list-after-data.wav'),
    aifc: join(music, 'click.aif'),
    keys: join(music, 'New Recording 4.m4a'),
    frag: join(music, 'fragmented.m4a'),
    chained: join(music, 'chained.ogg'),
    cut: join(music, 'cut.ogg'),
  };
  const layouts = [F.rf64, F.unpadded, F.aifc, F.keys, F.frag, F.chained, F.cut];
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(music, { recursive: true });
    mkdirSync(dataDir, { recursive: true });
    const wav = join(DIR, 'click.wav');
    ff(['-f', 'lavfi', '-i', TONE, '-ac', '2',
      ...['-c:a', 'pcm_s16le', wav],
      ...['-c:a', 'pcm_s24le', '-rf64', 'always', F.rf64],
      ...['-c:a', 'pcm_s16le', '-f', 'aiff', F.aifc],
      ...['-c:a', 'aac', '-movflags', '+faststart+use_metadata_tags', '-metadata', 'title=New Recording 4', '-metadata', 'com.apple.quicktime.creationdate=2026-01-02T10:00:00+0100', F.keys],
      ...['-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov', '-frag_duration', '1000000', '-metadata', 'title=Fragments', F.frag]]);
    execFileSync('lame', ['--quiet', '-V', '2', wav, F.mp3]);
    writeFileSync(F.unpadded, unpaddedInfoWav(readFileSync(wav)));
    execFileSync('oggenc', ['-Q', '-t', 'Part one', '-o', join(DIR, 'one.ogg'), wav]);
    execFileSync('oggenc', ['-Q', '-t', 'Part two', '-o', join(DIR, 'two.ogg'), wav]);
    writeFileSync(F.chained, Buffer.concat([readFileSync(join(DIR, 'one.ogg')), readFileSync(join(DIR, 'two.ogg'))]));
    // an Ogg Vorbis file cut short (an interrupted copy): 70 % of its bytes, inside a page
    writeFileSync(F.cut, readFileSync(join(DIR, 'one.ogg')));
    truncateSync(F.cut, Math.floor(statSync(F.cut).size * 0.7));
    assert.equal(readFileSync(F.aifc).toString('latin1', 8, 12), 'AIFC', "ffmpeg's AIFF of pcm_s16le is AIFF-C ('sowt')");
    const run = studio('analyze', music, '--json', '--db', join(dataDir, 'studio.sqlite'));
    assert.equal(run.code, 0, run.err + run.out);
  });

  test('--dry-run: the seven layouts the write refuses listed apart, each "will not be written: <reason>"; only the MP3 would be written (was: 8 of 8)', () => {
    const before = Object.fromEntries(Object.values(F).map((p) => [p, sha(p)]));
    const r = studio('tags', 'write', music, '--dry-run');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Would write BPM and key \(key as standard: Am, F#\) into 1 of 8 files:\n {2}.*click\.mp3\n/, r.out);
    assert.match(r.out, /\nWill not be written, 7 \(the files' layout, which the studio cannot write safely\):\n/, r.out);
    assert.ok(!/Would not write/.test(r.out), `no other refusal:\n${r.out}`);
    const reasons: [string, RegExp][] = [
      [F.rf64, /^"take\\n2\.wav" is an RF64 file /],
      [F.unpadded, /^"list-after-data\.wav" has a chunk of odd size written without the pad byte/],
      [F.aifc, /^"click\.aif" is an AIFF-C file \(plain little-endian PCM, 'sowt'/],
      [F.keys, /^"New Recording 4\.m4a" keeps its tags as QuickTime metadata keys/],
      [F.frag, /^"fragmented\.m4a" is a fragmented MP4/],
      [F.chained, /^"chained\.ogg" is a chained Ogg file \(2 streams/],
      [F.cut, /^"cut\.ogg" is cut short \(the Ogg file ends after .*\): the file is damaged, so its tags were not written/],
    ];
    const lines = r.out.split('\n');
    for (const [p, reason] of reasons) {
      const shown = p.includes('\n') ? JSON.stringify(p) : p;
      const i = lines.indexOf(`  ${shown}`);
      assert.ok(i > 0, `${shown} listed:\n${r.out}`);
      assert.ok(lines[i + 1].startsWith('      will not be written: '), lines[i + 1]);
      assert.match(lines[i + 1].slice('      will not be written: '.length), reason);
    }
    assert.match(r.out, /\nNothing was written \(--dry-run\)\.\n$/);
    const json = studio('tags', 'write', music, '--dry-run', '--json');
    assert.equal(json.code, 0, json.err);
    const plan = JSON.parse(json.out) as { writable: { path: string }[]; refused: { path: string; reason: string; layout?: true }[] };
    assert.deepEqual(plan.writable.map((w) => w.path), [F.mp3]);
    assert.deepEqual(plan.refused.map((x) => x.path).sort(), [...layouts].sort());
    assert.ok(plan.refused.every((x) => x.layout === true), JSON.stringify(plan.refused));
    for (const p of Object.values(F)) assert.equal(sha(p), before[p], `${p} unchanged`);
  });

  test('the write: the MP3 written, the seven counted apart in the summary, untouched, exit 1; a name with a line break escaped inside its message too', () => {
    const before = Object.fromEntries(layouts.map((p) => [p, sha(p)]));
    const r = studio('tags', 'write', music);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /studio: 1 of 1 file written; 7 not written for their files' layout \(above\)\.\n$/, r.err);
    // each record on its own lines: the path (escaped where it holds a control character), then its message on one
    assert.ok(r.out.includes(`${JSON.stringify(F.rf64)}\n  not written "take\\n2.wav" is an RF64 file `), r.out);
    assert.ok(!r.out.includes('take\n2'), 'no raw line break of the name anywhere');
    assert.match(r.out, /cut\.ogg\n {2}not written "cut\.ogg" is cut short .*damaged/);
    assert.ok(!/page header must be at least/.test(r.out), r.out);
    for (const p of layouts) assert.equal(sha(p), before[p], `${p} untouched`);
    const lines = studio('tags', 'write', F.rf64, F.chained, '--json');
    const rows = lines.out.trim().split('\n').map((l) => JSON.parse(l) as { path: string; refused?: string; layout?: true });
    assert.deepEqual(rows.map((x) => [x.path, x.layout]), [[F.chained, true], [F.rf64, true]]);
  });

  test('writeTagsSafely itself on the Ogg cut short: UNREADABLE, "cut short … damaged", not the tag library\'s "page header must be at least 27 bytes"', async () => {
    const s = statSync(F.cut);
    const bytes = readFileSync(F.cut);
    await assert.rejects(writeTagsSafely({ path: F.cut, stored: { size: s.size, mtimeMs: s.mtimeMs }, target: { format: 'vorbis', mime: 'taglib/ogg' }, bpm: '124', key: 'Am' }), (e: unknown) => {
      assert.ok(e instanceof StudioError, String(e));
      assert.equal(e.code, 'UNREADABLE', e.message);
      assert.match(e.message, /^"cut\.ogg" is cut short \(the Ogg file ends after .*\): the file is damaged, so its tags were not written\. Copy it again from its source, then scan its folder again\. Nothing was changed\.$/);
      return true;
    });
    assert.ok(readFileSync(F.cut).equals(bytes));
  });
});

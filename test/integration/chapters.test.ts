// A file's own chapters (session 26; note25 "Matroska chapters not shown"): the probe states them (ProbeResult.chapters)
// as each kind of file carries them, written by the tools that write them in the real world — mkvmerge's simple chapter
// file into an MKA (a DJ mix, a concert rip), mutagen's ID3v2 CHAP/CTOC frames into an MP3 (as podcast tools write
// them), ffmpeg's FFMETADATA into an M4B (an audiobook), Vorbis comments CHAPTERxxx (vorbiscomment) into an Ogg — and
// `studio probe` lists them. A file without chapters has none (no empty list). Every chapter assertion failed on main
// 3581d4e (no `chapters` field). parseFfmpegChapters' corner cases are pinned on ffmpeg's own text.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseFfmpegChapters, probeFile } from '../../main/engine/media/probe';
import { ff, OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'chapters');
const f = (name: string) => join(DIR, name);
const has = (tool: string, arg = '--version') => spawnSync(tool, [arg], { stdio: 'ignore' }).error === undefined;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=8', '-c:a', 'libvorbis', f('tone.ogg')]);
  ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=8', '-c:a', 'libmp3lame', f('podcast.mp3')]);
});
after(() => rmSync(DIR, { recursive: true, force: true }));

describe('chapters as files carry them', () => {
  test('MKA by mkvmerge from a simple chapter file (unicode name)', { skip: has('mkvmerge') ? false : 'mkvtoolnix absent' }, async () => {
    writeFileSync(f('chapters.txt'), 'CHAPTER01=00:00:00.000\nCHAPTER01NAME=Intro\nCHAPTER02=00:00:03.500\nCHAPTER02NAME=Verse — ünï 🎧\n');
    execFileSync('mkvmerge', ['-q', '-o', f('mix.mka'), '--chapters', f('chapters.txt'), f('tone.ogg')]);
    const p = await probeFile(f('mix.mka'));
    // mkvmerge ends the last chapter where the audio ends (the Vorbis stream's 8.002 s)
    assert.equal(p.chapters?.length, 2);
    assert.deepEqual(p.chapters[0], { startSec: 0, endSec: 3.5, title: 'Intro' });
    assert.equal(p.chapters[1].startSec, 3.5);
    assert.equal(p.chapters[1].title, 'Verse — ünï 🎧');
    assert.ok(Math.abs(p.chapters[1].endSec - 8) < 0.01, String(p.chapters[1].endSec));
  });

  test('MP3 with ID3v2 CHAP and CTOC frames by mutagen (a podcast)', { skip: spawnSync('/usr/bin/python3', ['-c', 'import mutagen']).status === 0 ? false : 'python3-mutagen absent' }, async () => {
    const py = [
      'import sys',
      'from mutagen.id3 import ID3, CHAP, CTOC, TIT2, CTOCFlags',
      't = ID3(sys.argv[1])',
      "t.add(CTOC(element_id='toc', flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=['ch0', 'ch1', 'ch2'], sub_frames=[TIT2(text=['Contents'])]))",
      "t.add(CHAP(element_id='ch0', start_time=0, end_time=2500, sub_frames=[TIT2(text=['Cold open'])]))",
      "t.add(CHAP(element_id='ch1', start_time=2500, end_time=6000, sub_frames=[TIT2(text=['Interview — Çağrı'])]))",
      "t.add(CHAP(element_id='ch2', start_time=6000, end_time=8000))",
      't.save()',
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', py, f('podcast.mp3')]);
    const p = await probeFile(f('podcast.mp3'));
    assert.deepEqual(p.chapters, [
      { startSec: 0, endSec: 2.5, title: 'Cold open' },
      { startSec: 2.5, endSec: 6, title: 'Interview — Çağrı' },
      // a CHAP frame without a TIT2 sub-frame: ffmpeg (id3v2.c) titles it with its element ID
      { startSec: 6, endSec: 8, title: 'ch2' },
    ]);
    assert.equal(p.tags.title, undefined, "a chapter's title is not the file's");
  });

  test('M4B by ffmpeg from FFMETADATA (an audiobook), and `studio probe` lists the chapters', async () => {
    writeFileSync(f('meta.txt'), ';FFMETADATA1\ntitle=The Book\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=8000\ntitle=Two: the end\n');
    ff(['-f', 'lavfi', '-i', 'sine=duration=8', '-i', f('meta.txt'), '-map', '0:a', '-map_metadata', '1', '-map_chapters', '1', '-c:a', 'aac', f('book.m4b')]);
    const p = await probeFile(f('book.m4b'));
    assert.deepEqual(p.chapters, [
      { startSec: 0, endSec: 4, title: 'One' },
      { startSec: 4, endSec: 8, title: 'Two: the end' },
    ]);
    assert.equal(p.tags.title, 'The Book');
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'probe', f('book.m4b')], { encoding: 'utf8' });
    assert.match(out, /\n {2}chapter 1 {3}0:00\.00–0:04\.00 {2}One\n {2}chapter 2 {3}0:04\.00–0:08\.00 {2}Two: the end\n/);
  });

  test('Ogg Vorbis with CHAPTERxxx comments by vorbiscomment', { skip: has('vorbiscomment', '-V') ? false : 'vorbis-tools absent' }, async () => {
    execFileSync('cp', [f('tone.ogg'), f('comments.ogg')]);
    execFileSync('vorbiscomment', ['-w', '-t', 'TITLE=Song', '-t', 'CHAPTER001=00:00:00.000', '-t', 'CHAPTER001NAME=A', '-t', 'CHAPTER002=00:00:05.250', '-t', 'CHAPTER002NAME=B', f('comments.ogg')]);
    const p = await probeFile(f('comments.ogg'));
    assert.deepEqual(p.chapters, [
      { startSec: 0, endSec: 5.25, title: 'A' },
      { startSec: 5.25, endSec: 8, title: 'B' },
    ]);
  });

  test('a file without chapters states none', async () => {
    const p = await probeFile(f('tone.ogg'));
    assert.equal(p.chapters, undefined);
  });
});

describe('parseFfmpegChapters on ffmpeg’s text', () => {
  test('a title continued over lines, other metadata, the output listing left out, sorted, bad times dropped', () => {
    const text = [
      "Input #0, matroska,webm, from 'x.mka':",
      '  Duration: 00:00:10.00, start: 0.000000, bitrate: 96 kb/s',
      '  Chapters:',
      '    Chapter #0:1: start 5.000000, end 10.000000',
      '      Metadata:',
      '        language        : eng',
      '        title           : Second',
      '                        : line two',
      '    Chapter #0:0: start 0.000000, end 5.000000',
      '      Metadata:',
      '        title           : First',
      '    Chapter #0:2: start -1.000000, end 2.000000',
      '    Chapter #0:3: start 7.000000, end 6.000000',
      '  Stream #0:0: Audio: flac, 44100 Hz, mono, s16',
      '      Metadata:',
      '        title           : not a chapter',
      "Output #0, null, to 'pipe:':",
      '  Chapters:',
      '    Chapter #0:0: start 0.000000, end 10.000000',
    ].join('\n');
    assert.deepEqual(parseFfmpegChapters(text), [
      { startSec: 0, endSec: 5, title: 'First' },
      { startSec: 5, endSec: 10, title: 'Second\nline two' },
      { startSec: 7, endSec: 7 },
    ]);
    assert.deepEqual(parseFfmpegChapters("Input #0, wav, from 'a.wav':\n  Stream #0:0: Audio: pcm_s16le"), []);
  });
});

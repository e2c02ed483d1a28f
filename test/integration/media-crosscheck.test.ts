// Issue 10, kind 1: "one reader's guess where the decoder knows better".
// `probe`, the library (scan → table row, detail, export) and `studio
// analyze --json` cross-check music-metadata with ffmpeg. Every input is built
// here the way real tools make it (ffmpeg's libmp3lame, its AIFF/AIFF-C
// muxer, its MP4/FLAC/MP3/WAV muxers under the wrong name, a FLAC with a
// 12 MB front cover), and every right value comes from a second tool run at
// test time: ffprobe's tags and container, what ffmpeg decodes, the packet
// sizes ffprobe lists. Needs `npm run build` (the CLI and the engine).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LibraryTrack, ProbeResult } from '@contract';
import { probeFile, parseFfmpegInfo } from '../../main/engine/media/probe';
import { crossCheck, mergeTags } from '../../main/engine/media/tags';
import type { EngineHost } from '../../main/engine-host';
import { ff, OUTPUT, ROOT } from '../helpers/media';
import { buildKind1, decodedTimeSec as decodedSec, ffprobe, kind1Files, packetKbps, probeTags, TITLE } from '../helpers/issue10-inputs';
import { startTestEngine } from '../helpers/engine';

const DIR = join(OUTPUT, 'crosscheck');
const BIN = join(ROOT, 'bin', 'studio.js');
const HAVE_FFPROBE = spawnSync('ffprobe', ['-version']).status === 0;

const { F, LYING } = kind1Files(DIR);
const buildInputs = () => buildKind1(DIR);

describe('kind 1: music-metadata cross-checked with ffmpeg (issue 10)', { skip: HAVE_FFPROBE ? false : 'ffprobe (the reference) is not installed' }, () => {
  const probes = new Map<string, ProbeResult>();
  before(async () => {
    buildInputs();
    for (const p of Object.values(F)) probes.set(p, await probeFile(p));
  });

  test('the inputs are what the issue describes (ffprobe: an estimated duration and 32 kb/s; the UTF-8 NAME chunk; a 12 MB cover)', () => {
    const v = ffprobe(F.vbr);
    const dec = decodedSec(F.vbr);
    assert.ok(Math.abs(dec - 42) < 0.1, `decodes ${dec} s`);
    assert.ok(Number(v.format.duration) > 1.5 * dec, `ffprobe's estimate ${v.format.duration} s`);
    assert.equal(v.streams[0].bit_rate, '32000');
    assert.ok(!readFileSync(F.vbr).includes('Xing') && !readFileSync(F.vbr).includes('Info\0'), 'no Xing/Info header');
    for (const p of [F.aiff, F.aifc]) assert.ok(readFileSync(p).includes(Buffer.from(`NAME\0\0\0\x10${TITLE}`, 'utf8')), p);
    assert.match(readFileSync(F.aifc).subarray(0, 64).toString('latin1'), /AIFC[\s\S]*fl32|AIFC/);
    assert.ok(readFileSync(F.cover).length - readFileSync(F.coverless).length > 12_000_000);
  });

  test('1. VBR MP3 without a Xing header: the duration that decodes and the average bitrate, with a warning (not 32 kb/s and an estimate)', () => {
    const p = probes.get(F.vbr)!;
    const dec = decodedSec(F.vbr);
    assert.ok(Math.abs(p.durationSec - dec) < 0.05, `probe ${p.durationSec} s, decodes ${dec} s`);
    assert.equal(p.durationEstimated, undefined);
    const ref = packetKbps(F.vbr);
    assert.ok(Math.abs(p.bitrateKbps! - ref) < 0.03 * ref, `probe ${p.bitrateKbps} kb/s, packets ${ref.toFixed(1)} kb/s`);
    assert.ok(p.warnings.some((w) => /no exact duration.*estimated 2:\d\d\.\d\d.*0:42\.0\d is what decodes/.test(w)), p.warnings.join('\n'));
    assert.ok(p.warnings.some((w) => /32 kb\/s is the first frames' bitrate/.test(w)), p.warnings.join('\n'));
  });

  test('1b. when nothing better can be measured, the estimate is marked as one', () => {
    const info = parseFfmpegInfo(spawnSync('ffmpeg', ['-hide_banner', '-i', F.vbr], { encoding: 'utf8' }).stderr);
    assert.equal(info.durationEstimated, true);
    const c = crossCheck({ path: F.vbr, sizeBytes: 1, ff: info, mm: null });
    assert.equal(c.durationEstimated, true);
    assert.ok(c.warnings.some((w) => /is an estimate from the first frames' bitrate/.test(w)), c.warnings.join('\n'));
  });

  test('2. AIFF and AIFF-C (fl32) with UTF-8 NAME/AUTH/ANNO: the exact text, as ffprobe reads it', () => {
    for (const path of [F.aiff, F.aifc]) {
      const p = probes.get(path)!;
      const ref = probeTags(path);
      assert.equal(ref.title, TITLE);
      assert.equal(p.tags.title, TITLE);
      assert.equal(p.tags.artist, ref.author);
      assert.equal(p.tags.comment, ref.comment);
      // ordinary UTF-8 text chunks as ffmpeg writes them: music-metadata's misreading is no finding about the file (issue 10 round 5)
      assert.ok(!p.warnings.some((w) => /misread/.test(w)), p.warnings.join('\n'));
    }
    assert.equal(probes.get(F.aifc)!.audio?.codec, 'pcm_f32be');
  });

  test('3. lying extensions (M4A as .mp3, FLAC as .m4a, MP3 as .flac, WAV as .mp3): the tags as ffprobe reads them, the real container named', () => {
    for (const [path, real, label] of LYING) {
      const p = probes.get(path)!;
      const ref = ffprobe(path);
      const t = probeTags(path);
      assert.match(ref.format.format_name, real);
      // one name of ffmpeg's demuxer family: the real one (issue 12 item 14: "m4a", not "mov,mp4,m4a,3gp,3g2,mj2")
      assert.ok(ref.format.format_name.split(',').includes(p.container), `${p.container} in ${ref.format.format_name}`);
      assert.ok(!p.container.includes(','), p.container);
      assert.deepEqual({ title: p.tags.title, artist: p.tags.artist, album: p.tags.album }, { title: t.title, artist: t.artist, album: t.album }, path);
      const w = p.warnings.find((x) => /not [A-Z0-9]+ as its extension says/.test(x));
      assert.ok(w && label.test(w), `${path}: ${p.warnings.join('\n')}`);
      assert.ok(!p.warnings.some((x) => /Atom size|FourCC|Parse error/.test(x)), p.warnings.join('\n'));
    }
  });

  test('4. a 20 s FLAC with a 12 MB front cover: the audio\'s bitrate (as without the cover), not the file\'s', () => {
    const p = probes.get(F.cover)!;
    const audioOnly = Number(ffprobe(F.coverless).format.bit_rate) / 1000;
    const whole = Number(ffprobe(F.cover).format.bit_rate) / 1000;
    assert.ok(whole > 5000, `the file as a whole: ${whole} kb/s`);
    assert.ok(Math.abs(p.bitrateKbps! - audioOnly) < 0.01 * audioOnly, `probe ${p.bitrateKbps} kb/s, the same audio without its cover ${audioOnly} kb/s`);
    assert.ok(p.warnings.some((w) => /as a whole is \d+ kb\/s including 12\.\d MB of embedded cover art/.test(w)), p.warnings.join('\n'));
    assert.equal(probes.get(F.coverless)!.warnings.length, 0);
  });

  test('ordinary tagged files of every common kind: the same tags as ffprobe, no warnings', async () => {
    const meta = ['-metadata', 'title=Plain', '-metadata', 'artist=Ärtist', '-metadata', 'album=Älbum', '-metadata', 'date=2021', '-metadata', 'track=3/9'];
    await Promise.all(
      ['mp3', 'flac', 'ogg', 'm4a', 'wv', 'mka'].map(async (ext) => {
        const path = join(DIR, `plain.${ext}`);
        ff(['-f', 'lavfi', '-i', 'sine=f=440:d=30:beep_factor=4', '-ac', '2', ...meta, path]);
        const p = await probeFile(path);
        assert.deepEqual(p.warnings, [], `${ext}: ${p.warnings.join('\n')}`);
        assert.deepEqual([p.tags.title, p.tags.artist, p.tags.album, p.tags.year, p.tags.trackNo], ['Plain', 'Ärtist', 'Älbum', 2021, 3], ext);
      }),
    );
  });

  test('the same kind in WAV: LIST/INFO text in UTF-8 (as ffmpeg writes it) that music-metadata takes for Latin-1', async () => {
    const path = join(DIR, 'info-utf8.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-metadata', `title=${TITLE}`, '-metadata', 'artist=Ärtist', path]);
    const p = await probeFile(path);
    assert.equal(p.tags.title, probeTags(path).title);
    assert.equal(p.tags.artist, 'Ärtist');
    assert.ok(!p.warnings.some((w) => /misread/.test(w)), p.warnings.join('\n'));
  });

  test('mergeTags: a reading that is only different (not broken) keeps music-metadata\'s value, silently', () => {
    const w: string[] = [];
    assert.deepEqual(mergeTags({ artist: 'A, B' }, { artist: 'A;B', title: 'T' }, w), { artist: 'A, B', title: 'T' });
    assert.deepEqual(w, []);
    // UTF-8 misread by music-metadata (high bit stripped): ffmpeg's reading, silently (an ordinary file, issue 10 round 5)
    assert.deepEqual(mergeTags({ title: 'SE\u0013ur' }, { title: 'Sœur' }, w), { title: 'Sœur' });
    assert.deepEqual(w, []);
    // broken in a way no misreading explains: ffmpeg's reading, with a warning
    assert.deepEqual(mergeTags({ title: 'T\u0001x' }, { title: 'Tox' }, w), { title: 'Tox' });
    assert.equal(w.length, 1);
  });

  describe('the library: scan → table row, detail, export, and `studio analyze --json`', () => {
    let engine: EngineHost;
    let rows: LibraryTrack[];
    const lib = join(DIR, 'library');
    before(async () => {
      mkdirSync(lib, { recursive: true });
      for (const p of [F.vbr, F.aifc, ...LYING.map(([p]) => p), F.cover]) copyFileSync(p, join(lib, p.slice(DIR.length + 1)));
      ({ engine } = await startTestEngine({ env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
      // add-folder starts the scan before it answers; library:idle answers when it has ended (no fixed wait)
      await engine.call('library:add-folder', { path: lib });
      const st = await engine.call('library:idle', {});
      const page = await engine.call('library:query', { offset: 0, limit: 100 });
      assert.equal(st.state, 'finished', JSON.stringify(st));
      assert.equal(page.total, 7);
      assert.deepEqual(page.rows.filter((r) => r.status === 'pending').map((r) => r.fileName), []);
      rows = page.rows;
    });
    after(async () => engine?.stop());
    const row = (name: string) => rows.find((r) => r.fileName === name)!;

    test('table rows: decoded duration, the audio\'s bitrate, the exact tags, and the warnings', () => {
      for (const r of rows) assert.equal(r.status, 'analysed', `${r.fileName}: ${r.error}`);
      const vbr = row('vbr-no-xing.mp3');
      assert.ok(Math.abs(vbr.durationSec! - decodedSec(F.vbr)) < 0.05);
      assert.ok(Math.abs(vbr.bitrateKbps! - packetKbps(F.vbr)) < 0.03 * vbr.bitrateKbps!, `${vbr.bitrateKbps}`);
      assert.ok(vbr.warnings.some((w) => /is what decodes/.test(w)));
      assert.equal(row('unicode-float.aifc').title, TITLE);
      const cover = row('big-cover.flac');
      const audioOnly = Number(ffprobe(F.coverless).format.bit_rate) / 1000;
      assert.ok(Math.abs(cover.bitrateKbps! - audioOnly) < 0.01 * audioOnly, `library bitrate column ${cover.bitrateKbps}, audio ${audioOnly}`);
      for (const [p] of LYING) {
        const r = row(p.slice(DIR.length + 1));
        assert.equal(r.title, probeTags(p).title);
        assert.ok(r.warnings.some((w) => /as its extension says/.test(w)), r.fileName);
      }
    });

    test('track detail and export carry the warnings', async () => {
      const d = await engine.call('library:track-detail', { trackId: row('really-m4a.mp3').id });
      assert.ok(d.warnings.some((w) => /MPEG-4.*not MP3/.test(w)), d.warnings.join('\n'));
      const csv = await engine.call('library:export', { format: 'csv' });
      assert.match(csv.content, /,warnings,analysedBpm,taggedBpm,taggedKey,analysedKey,folder\r\n/);
      assert.match(csv.content, /really-flac\.m4a.*is in fact FLAC, not M4A/);
    });

    test('`studio analyze --json` prints the same duration, bitrate, tags and warnings', () => {
      const r = spawnSync(process.execPath, [BIN, 'analyze', F.vbr, F.aiff, F.m4aAsMp3, F.cover, '--json'], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).map((o) => [o.path as string, o]));
      assert.ok(Math.abs((out.get(F.vbr)!.durationSec as number) - 42.03) < 0.05);
      assert.ok((out.get(F.vbr)!.warnings as string[]).some((w) => /is what decodes/.test(w)));
      assert.equal(out.get(F.aiff)!.title, TITLE);
      assert.equal(out.get(F.m4aAsMp3)!.title, 'M4A title');
      const audioOnly = Number(ffprobe(F.coverless).format.bit_rate) / 1000;
      assert.ok(Math.abs((out.get(F.cover)!.bitrateKbps as number) - audioOnly) < 0.01 * audioOnly);
    });
  });
});

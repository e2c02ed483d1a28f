// ReplayGain another program wrote into a file (Tags.replayGain; contract replay-gain.ts): read from files tagged by
// the tools people use — mp3gain (APEv2 by default, ID3v2 with -s i), vorbisgain, metaflac --add-replay-gain
// (ReplayGain 1, 89 dB), loudgain (ReplayGain 2.0 to −18 LUFS: ID3v2.3 TXXX, Vorbis comments, MP4 freeform atoms,
// Opus R128_TRACK_GAIN) — each value checked against what mutagen (an independent reader) finds in the same file; shown
// by `studio probe`; and set beside the studio's own loudness in the library detail, where loudgain's libebur128
// measurement and ours (both ITU-R BS.1770) must agree. Needs `npm run build`.
// Run: node tools/run-tests.mjs test/integration/replaygain-lyrics-tags.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { currentLyricLine, enCount, gainText, lyricsSummary, lyricsVersionLabel, lyricsVersions, replayGainAgreement, replayGainText } from '@contract';
import { LYRICS_MAX_OTHERS, sidecarLrcNames } from '../../main/engine/media/lyrics';
import { probeFile } from '../../main/engine/media/probe';
import { ff, OUTPUT, ROOT, setOpusHeaderGain } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';
import { REAL_PYTHON } from '../helpers/python';

const DIR = join(OUTPUT, 'replaygain-tags');
const music = join(DIR, 'Music');
const dbPath = join(DIR, 'db', 'lib.sqlite');
const bin = join(ROOT, 'bin', 'studio.js');
const has = (tool: string) => spawnSync(tool, ['-h'], { stdio: 'ignore' }).error === undefined;
const TOOLS = ['mp3gain', 'vorbisgain', 'loudgain', 'metaflac', 'lame', 'flac', 'oggenc', 'opusenc', 'opusinfo'];
const missing = TOOLS.filter((t) => !has(t));

/** what mutagen reads as the file's ReplayGain (an independent reader: ID3 TXXX, APEv2, Vorbis comments, MP4 freeform) */
function mutagenReplayGain(path: string): Record<string, string> {
  const py = `
import sys, json, mutagen
from mutagen.apev2 import APEv2, APENoHeaderError
p = sys.argv[1]; out = {}
def put(k, v):
    k = k.upper().split(':')[-1]
    if k.startswith('REPLAYGAIN_') or k.startswith('R128_'): out.setdefault(k, v)
f = mutagen.File(p)
if f is not None and f.tags is not None:
    for k, v in f.tags.items():
        if k.startswith('TXXX:'): put(k[5:], str(v.text[0]))
        elif isinstance(v, list) and v and isinstance(v[0], bytes): put(k, v[0].decode())
        elif isinstance(v, list) and v: put(k, str(v[0]))
        elif hasattr(v, 'text'): put(k, str(v.text[0]))
        else: put(k, str(v))
if p.endswith('.mp3'):
    try:
        for k, v in APEv2(p).items(): put(k, str(v))
    except APENoHeaderError: pass
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(REAL_PYTHON, ['-c', py, path], { encoding: 'utf8' })) as Record<string, string>;
}
const dB = (s: string | undefined) => (s === undefined ? undefined : Number(s.replace(/dB|LUFS|LU/g, '').trim()));

describe('ReplayGain tags written by real tools', { timeout: 300_000, skip: missing.length ? `not installed: ${missing.join(', ')}` : false }, () => {
  const ids: Record<string, string> = {};
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(music, { recursive: true });
    // 20 s of a chord over pink noise with a tremolo, stereo 44.1 kHz: loudness like music's, not a test tone's
    const wav = join(DIR, 'src.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=220:d=20', '-f', 'lavfi', '-i', 'sine=f=277:d=20', '-f', 'lavfi', '-i', 'anoisesrc=d=20:c=pink:a=0.2',
      '-filter_complex', '[0][1][2]amix=inputs=3,volume=3,tremolo=f=2:d=0.5,aformat=channel_layouts=stereo', '-ar', '44100', wav]);
    const enc = (name: string) => {
      const p = join(music, name);
      if (name.endsWith('.mp3')) execFileSync('lame', ['--quiet', '-V', '2', wav, p]);
      else if (name.endsWith('.flac')) execFileSync('flac', ['--silent', '-f', '-o', p, wav]);
      else if (name.endsWith('.ogg')) execFileSync('oggenc', ['--quiet', '-o', p, wav]);
      else if (name.endsWith('.opus')) execFileSync('opusenc', ['--quiet', wav, p]);
      else ff(['-i', wav, '-c:a', 'aac', '-b:a', '192k', p]);
      return p;
    };
    execFileSync('mp3gain', ['-q', enc('mp3gain-ape.mp3')], { stdio: 'ignore' }); // tags only (APEv2), the audio untouched
    execFileSync('mp3gain', ['-q', '-s', 'i', enc('mp3gain-id3.mp3')], { stdio: 'ignore' });
    execFileSync('vorbisgain', ['-q', enc('vorbisgain.ogg')], { stdio: 'ignore' });
    execFileSync('metaflac', ['--add-replay-gain', enc('metaflac.flac')]);
    execFileSync('loudgain', ['-q', '-s', 'e', enc('loudgain.flac')], { stdio: 'ignore' });
    execFileSync('loudgain', ['-q', '-I3', '-S', '-s', 'e', enc('loudgain.mp3')], { stdio: 'ignore' });
    execFileSync('loudgain', ['-q', '-s', 'e', enc('loudgain.opus')], { stdio: 'ignore' });
    execFileSync('loudgain', ['-q', '-s', 'e', enc('loudgain.m4a')], { stdio: 'ignore' });
    // loudgain -s l: the gains in LU, not dB ("16.76 LU"; 1 LU = 1 dB) — album mode (-a) over a FLAC and an MP3
    execFileSync('loudgain', ['-q', '-a', '-s', 'l', enc('loudgain-lu.flac'), enc('loudgain-lu.ogg')], { stdio: 'ignore' });
    execFileSync('loudgain', ['-q', '-I3', '-S', '-s', 'l', enc('loudgain-lu.mp3')], { stdio: 'ignore' });
    // Opus header output gain (RFC 7845 §5.1) ≠ 0, as opusgain-style tools set it: opusenc's file with its OpusHead
    // gain set to +6 dB (the first page's packet edited, its CRC computed again), then tagged by loudgain — which
    // measures what decoders play (the header gain applied), so its R128 gain is on top of the header's (§5.2.1)
    setOpusHeaderGain(enc('header-gain.opus'), 6);
    execFileSync('loudgain', ['-q', '-s', 'e', join(music, 'header-gain.opus')], { stdio: 'ignore' });
    // the header gain set after tagging: the R128 gain is 6 dB stale
    copyFileSync(join(music, 'loudgain.opus'), join(music, 'header-after-tagging.opus'));
    setOpusHeaderGain(join(music, 'header-after-tagging.opus'), 6);
    // re-encoded after tagging, 8 dB quieter, by ffmpeg (which keeps the tags: R128_TRACK_GAIN stale)
    ff(['-i', join(music, 'loudgain.opus'), '-af', 'volume=-8dB', '-c:a', 'libopus', '-b:a', '96k', join(music, 're-encoded.opus')]);
    // a tag no tagger would write: kept out, not read as 0 dB
    copyFileSync(join(music, 'metaflac.flac'), join(music, 'mistyped.flac'));
    execFileSync('metaflac', ['--remove-tag=REPLAYGAIN_TRACK_GAIN', '--set-tag=REPLAYGAIN_TRACK_GAIN=loud', join(music, 'mistyped.flac')]);
    const run = spawnSync(process.execPath, [bin, 'analyze', music, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const db = new Database(dbPath, { readonly: true });
    for (const r of db.prepare('SELECT id, file_name FROM tracks').all() as { id: string; file_name: string }[]) ids[r.file_name] = r.id;
    db.close();
  });

  const FILES = ['mp3gain-ape.mp3', 'mp3gain-id3.mp3', 'vorbisgain.ogg', 'metaflac.flac', 'loudgain.flac', 'loudgain.mp3', 'loudgain.opus', 'loudgain.m4a', 'loudgain-lu.flac', 'loudgain-lu.ogg', 'loudgain-lu.mp3'];
  for (const name of FILES) {
    test(`${name}: the probe's ReplayGain is what the tool wrote (mutagen reads the same)`, async () => {
      const truth = mutagenReplayGain(join(music, name));
      const rg = (await probeFile(join(music, name))).tags.replayGain;
      assert.ok(rg, `no ReplayGain read; mutagen: ${JSON.stringify(truth)}`);
      if (name.endsWith('.opus')) {
        // RFC 7845 §5.2.1: Q7.8 fixed point
        assert.equal(rg.r128TrackGainDb, Number(truth.R128_TRACK_GAIN) / 256, JSON.stringify(truth));
        return;
      }
      assert.equal(rg.trackGainDb, dB(truth.REPLAYGAIN_TRACK_GAIN), JSON.stringify(truth));
      assert.equal(rg.trackPeak, Number(truth.REPLAYGAIN_TRACK_PEAK));
      assert.equal(rg.albumGainDb, dB(truth.REPLAYGAIN_ALBUM_GAIN));
      assert.equal(rg.albumPeak, truth.REPLAYGAIN_ALBUM_PEAK === undefined ? undefined : Number(truth.REPLAYGAIN_ALBUM_PEAK));
      assert.equal(rg.reference, truth.REPLAYGAIN_REFERENCE_LOUDNESS);
    });
  }

  test('a gain that is no number is left out; the peaks beside it are kept', async () => {
    const rg = (await probeFile(join(music, 'mistyped.flac'))).tags.replayGain;
    assert.equal(rg?.trackGainDb, undefined);
    assert.equal(typeof rg?.trackPeak, 'number');
    assert.equal(typeof rg?.albumGainDb, 'number');
  });

  test('studio probe prints it on one line', () => {
    const out = execFileSync(process.execPath, [bin, 'probe', join(music, 'loudgain.flac')], { encoding: 'utf8' });
    assert.match(out, /\n {2}replaygain {2}track [+−]\d+\.\d\d dB \(peak \d\.\d{3}\) · reference −18\.00 LUFS\n/);
    assert.match(execFileSync(process.execPath, [bin, 'probe', join(music, 'loudgain.opus')], { encoding: 'utf8' }), /\n {2}replaygain {2}R128 track [+−]\d+\.\d\d dB \(to −23 LUFS\)\n/);
    assert.doesNotMatch(out, /\[object Object\]/);
  });

  test('the library detail sets it beside the studio\'s loudness: loudgain\'s BS.1770 (libebur128) and ours agree', async () => {
    const { engine } = await startTestEngine({ env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      for (const name of ['loudgain.flac', 'loudgain.mp3', 'loudgain.m4a', 'loudgain.opus', 'loudgain-lu.flac', 'loudgain-lu.mp3']) {
        const d = await engine.call('library:track-detail', { trackId: ids[name] });
        assert.ok(d.taggedReplayGain, name);
        const a = replayGainAgreement(d.taggedReplayGain, d.track.lufs);
        assert.ok(a, name);
        // the same standard measured by two programs: within 0.2 dB (ours against libebur128's)
        assert.ok(Math.abs(a.taggedDb - a.measuredDb) < 0.2, `${name}: tagged ${a.taggedDb} dB, ours ${a.measuredDb.toFixed(2)} dB (${d.track.lufs} LUFS)`);
        assert.equal(a.note, null);
        process.stdout.write(`# ${name}: tagged ${a.taggedDb} dB, ours ${a.measuredDb.toFixed(3)} dB\n`);
      }
      // a file the tags say nothing of
      const none = await engine.call('library:track-detail', { trackId: ids['mistyped.flac'] });
      assert.equal(replayGainAgreement(none.taggedReplayGain, none.track.lufs), null, 'no track gain: nothing to compare');
    } finally {
      await engine.stop();
    }
  });

  test('Opus header output gain +6 dB under loudgain\'s R128 tag: both stated, with the sum a player applies; agrees with ours', async () => {
    // before: "R128 track −11.38 dB (to −23 LUFS)" alone — the +6 dB every player applies first was not said
    const path = join(music, 'header-gain.opus');
    const opusinfo = execFileSync('opusinfo', [path], { encoding: 'utf8' });
    assert.match(opusinfo, /Playback gain: 6 dB/);
    const truth = mutagenReplayGain(path);
    const rg = (await probeFile(path)).tags.replayGain;
    assert.equal(rg?.opusOutputGainDb, 6);
    assert.equal(rg?.r128TrackGainDb, Number(truth.R128_TRACK_GAIN) / 256);
    const r128 = rg!.r128TrackGainDb!;
    assert.equal(replayGainText(rg), `header gain +6.00 dB (every player applies it) · R128 track ${gainText(r128)} (to −23 LUFS; ${gainText(r128 + 6)} with the header's)`);
    assert.match(execFileSync(process.execPath, [bin, 'probe', path], { encoding: 'utf8' }), /\n {2}replaygain {2}header gain \+6\.00 dB \(every player applies it\) · R128 track −\d+\.\d\d dB \(to −23 LUFS; −\d\.\d\d dB with the header's\)\n/);
    // a file without a header gain states none
    assert.equal((await probeFile(join(music, 'loudgain.opus'))).tags.replayGain?.opusOutputGainDb, undefined);
    const { engine } = await startTestEngine({ env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const detail = async (name: string) => {
        const d = await engine.call('library:track-detail', { trackId: ids[name] });
        const a = replayGainAgreement(d.taggedReplayGain, d.track.lufs);
        assert.ok(a, name);
        process.stdout.write(`# ${name}: tagged ${a.taggedDb.toFixed(2)} dB, ours ${a.measuredDb.toFixed(2)} dB; ${a.note}\n`);
        return a;
      };
      // the studio decodes with the header gain applied (ffmpeg, as every player): loudgain's R128 gain agrees
      assert.equal((await detail('header-gain.opus')).note, null);
      // the header gain set after tagging: 6 dB off, and the note says that the header gain is why
      const late = await detail('header-after-tagging.opus');
      assert.ok(late.apart !== null && Math.abs(late.apart - 6) < 0.3, String(late.apart));
      assert.match(late.note ?? '', /^6\.0 dB apart, about the header's output gain \(\+6\.00 dB\): the R128 gain was measured without it — the header gain was set after the file was tagged, or the tagger left it out$/);
      // re-encoded 8 dB quieter after tagging (ffmpeg kept the tag): the file changed
      const re = await detail('re-encoded.opus');
      assert.ok(re.apart !== null && Math.abs(re.apart - 8) < 0.3, String(re.apart));
      assert.match(re.note ?? '', /^8\.0 dB apart: the file changed since it was tagged, or its tagger measured otherwise$/);
    } finally {
      await engine.stop();
    }
  });

  test('the words: signs, peaks, the reference, R128, and a gain far from the measured one', () => {
    assert.equal(gainText(-0.615), '−0.62 dB');
    assert.equal(gainText(14.2), '+14.20 dB');
    assert.equal(replayGainText({ trackGainDb: -7.2, trackPeak: 0.98765, albumGainDb: -6.9, albumPeak: 1.052, reference: '-18.00 LUFS' }), 'track −7.20 dB (peak 0.988) · album −6.90 dB (peak 1.052) · reference −18.00 LUFS');
    assert.equal(replayGainText({ trackPeak: 0.5 }), 'track peak 0.500');
    assert.equal(replayGainText({ r128TrackGainDb: 2359 / 256 }), 'R128 track +9.21 dB (to −23 LUFS)');
    assert.equal(replayGainText({}), null);
    const far = replayGainAgreement({ trackGainDb: -4 }, -10.5);
    assert.deepEqual(far, { measuredDb: -7.5, taggedDb: -4, text: "the studio's loudness (−10.5 LUFS) gives −7.50 dB", apart: 3.5, note: '3.5 dB apart: the file changed since it was tagged, or its tagger measured otherwise' });
    assert.equal(replayGainAgreement({ r128TrackGainDb: 1 }, -24)?.note, null, 'R128: to −23 LUFS');
    assert.equal(replayGainText({ opusOutputGainDb: -3.5 }), 'header gain −3.50 dB (every player applies it)');
    assert.equal(replayGainText({ r128TrackGainDb: -2, r128AlbumGainDb: -1, opusOutputGainDb: 1 }), 'header gain +1.00 dB (every player applies it) · R128 track −2.00 dB (to −23 LUFS; −1.00 dB with the header\'s) · R128 album −1.00 dB (to −23 LUFS; +0.00 dB with the header\'s)');
    // a ReplayGain (not R128) track gain is not compared with an Opus header gain
    assert.match(replayGainAgreement({ trackGainDb: -4, opusOutputGainDb: 3.5 }, -10.5)?.note ?? '', /the file changed since it was tagged/);
  });
});

// Lyrics (Tags.lyrics; main/engine/media/lyrics.ts): written by eyeD3 and kid3-cli (ID3v2 USLT), metaflac (a Vorbis
// LYRICS comment holding LRC, as foobar2000's lyric plugins save them), AtomicParsley (MP4 ©lyr), mutagen (ID3v2 SYLT,
// as Picard's and beets' lyrics plugins write synchronised lyrics); an LRC file beside the track.
describe('lyrics written by real taggers, and an LRC file beside the track', { timeout: 120_000, skip: ['eyeD3', 'kid3-cli', 'mid3v2', 'metaflac', 'AtomicParsley'].some((t) => !has(t)) ? 'a tagger is not installed' : false }, () => {
  const LY = join(OUTPUT, 'lyrics-tags');
  const file = (name: string) => join(LY, name);
  before(() => {
    rmSync(LY, { recursive: true, force: true });
    mkdirSync(LY, { recursive: true });
    for (const ext of ['mp3', 'flac', 'm4a']) ff(['-f', 'lavfi', '-i', 'sine=f=440:d=3', file(`src.${ext}`)]);
    const copy = (ext: string, name: string) => (copyFileSync(file(`src.${ext}`), file(name)), file(name));
    writeFileSync(file('words.txt'), 'First line of the song\nSecond line here\n');
    execFileSync('eyeD3', ['-Q', '--add-lyrics', `${file('words.txt')}:Verse:deu`, copy('mp3', 'eyed3.mp3')], { stdio: 'ignore' });
    execFileSync('kid3-cli', ['-c', 'set lyrics "Kid line one\nKid line two"', copy('mp3', 'kid3.mp3')]);
    // several USLT frames, as a file gathers them from several taggers: plain English first, then LRC (MusicBee and
    // some lyrics plugins keep synchronised lyrics as LRC text in a USLT frame of their own), then plain German
    writeFileSync(file('plain.txt'), 'Plain one\nPlain two\n');
    writeFileSync(file('timed.txt'), '[00:01.00]Timed one\n[00:02.00]Timed two\n');
    writeFileSync(file('deu.txt'), 'Deutsch eins\n');
    execFileSync('eyeD3', ['-Q', '--add-lyrics', `${file('plain.txt')}::eng`, '--add-lyrics', `${file('timed.txt')}:synced:eng`, '--add-lyrics', `${file('deu.txt')}::deu`, copy('mp3', 'several.mp3')], { stdio: 'ignore' });
    execFileSync('metaflac', ['--set-tag=LYRICS=[00:01.00]Flac one\n[00:02.50][00:04.00]Flac two', copy('flac', 'lrc-in-tag.flac')]);
    execFileSync('AtomicParsley', [copy('m4a', 'ap.m4a'), '--lyrics', 'AP line one\nAP line two', '--overWrite'], { stdio: 'ignore' });
    // a video with lyrics: an MP4 tagged by AtomicParsley, remuxed to Matroska by ffmpeg (its lyrics become the
    // Matroska tag LYRICS, which music-metadata names "track:LYRICS"), the audio-only one too (MKA)
    ff(['-f', 'lavfi', '-i', 'testsrc=d=2:s=160x120:r=10', '-f', 'lavfi', '-i', 'sine=d=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file('video.mp4')]);
    execFileSync('AtomicParsley', [file('video.mp4'), '--lyrics', 'Video line one\nVideo line two', '--overWrite'], { stdio: 'ignore' });
    ff(['-i', file('video.mp4'), '-c', 'copy', file('video.mkv')]);
    ff(['-i', file('ap.m4a'), '-c', 'copy', '-metadata', 'LYRICS=[00:00.50]Matroska timed', file('timed.mka')]);
    execFileSync(REAL_PYTHON, ['-c', `
from mutagen.id3 import ID3, SYLT, Encoding
t = ID3(); t.add(SYLT(encoding=Encoding.UTF8, lang='eng', format=2, type=1, text=[('Sync two', 2500), ('Sync one', 1000)])); t.save(${JSON.stringify(copy('mp3', 'sylt.mp3'))})
`]);
    // an LRC file beside an untagged MP3, saved by an old Windows editor in its code page (Windows-1252), [mm:ss:xx]
    copy('mp3', 'sidecar.mp3');
    writeFileSync(file('sidecar.lrc'), Buffer.from('[la:fra]\r\n[00:01:50]\xc7a commence\r\n[00:03]Fin\r\n', 'latin1'));
    // LRC files saved as UTF-16 (Windows Notepad's "Unicode", some Windows LRC editors): by iconv, with its byte-order
    // mark (UTF-16: glibc writes BOM + little-endian), and big-endian (UTF-16BE with a BOM put first)
    copy('mp3', 'utf16le.mp3');
    copy('mp3', 'utf16be.mp3');
    const lrc16 = '[ar:Ärtist]\r\n[00:01.00]Grüße ♪\r\n[00:02.00]二行目\r\n';
    writeFileSync(file('utf16le.lrc'), execFileSync('iconv', ['-f', 'UTF-8', '-t', 'UTF-16'], { input: lrc16 }));
    writeFileSync(file('utf16be.lrc'), execFileSync('iconv', ['-f', 'UTF-8', '-t', 'UTF-16BE'], { input: `\ufeff${lrc16}` }));
    // the LRC beside a file whose tags hold plain lyrics: the timed LRC is shown
    copy('mp3', 'both.mp3');
    execFileSync('kid3-cli', ['-c', 'set lyrics "Plain words"', file('both.mp3')]);
    writeFileSync(file('both.lrc'), '[00:00.50]Timed words\n');
    // one USLT frame per language, as Mp3tag, kid3 and foobar2000 keep them: by kid3-cli (frames addressed by index,
    // each with its language field) and by mid3v2 (python3-mutagen's tool; it keeps the frames as it orders them)
    execFileSync('kid3-cli', ['-c', 'set lyrics "English one\nEnglish two"', '-c', 'set lyrics.language eng', '-c', 'set lyrics[1] "Deutsch eins"', '-c', 'set lyrics[1].language deu', '-c', 'set lyrics[2] "日本語の歌詞"', '-c', 'set lyrics[2].language jpn', copy('mp3', 'kid3-three.mp3')]);
    copy('mp3', 'mid3v2-three.mp3');
    for (const v of ['Verse:English words:eng', ':Deutsche Worte:deu', ':日本語:jpn']) execFileSync('mid3v2', ['--USLT', v, file('mid3v2-three.mp3')]);
    copy('mp3', 'forty.mp3');
    execFileSync(REAL_PYTHON, ['-c', `
from mutagen.id3 import ID3, USLT, Encoding
t = ID3()
for i in range(40): t.add(USLT(encoding=Encoding.UTF8, lang='l%02d' % i, desc='', text='Words %d' % i))
t.save(${JSON.stringify(file('forty.mp3'))})
`]);
    // LRC files named as other players save them: the whole name with .lrc after it (foobar2000's ESLyric, MusicBee),
    // another case (from Windows or macOS, which do not tell them apart); and both beside one track: Song.lrc first
    copy('mp3', 'whole.mp3');
    writeFileSync(file('whole.mp3.lrc'), '[00:01.00]Whole name\n');
    copy('mp3', 'Cased.mp3');
    writeFileSync(file('CASED.LRC'), '[00:01.00]Other case\n');
    copy('mp3', 'pair.mp3');
    writeFileSync(file('pair.mp3.lrc'), '[00:01.00]Second choice\n');
    writeFileSync(file('Pair.lrc'), '[00:01.00]First choice\n');
    // a named pipe where the LRC would be: never opened (reading it would wait for ever)
    copy('mp3', 'fifo.mp3');
    execFileSync('mkfifo', [file('fifo.lrc')]);
  });

  const lyricsOf = async (name: string) => (await probeFile(file(name))).tags.lyrics;

  test('ID3v2 USLT by eyeD3 and kid3-cli: plain text with its language', async () => {
    assert.deepEqual(await lyricsOf('eyed3.mp3'), { text: 'First line of the song\nSecond line here', source: 'tags', language: 'deu', description: 'Verse' });
    assert.deepEqual(await lyricsOf('kid3.mp3'), { text: 'Kid line one\nKid line two', source: 'tags', language: 'eng' });
  });
  test('several USLT frames: the timed one (LRC text) is shown, not the plain one before it; the others are named', async () => {
    assert.deepEqual(await lyricsOf('several.mp3'), {
      text: 'Timed one\nTimed two', lines: [{ startSec: 1, text: 'Timed one' }, { startSec: 2, text: 'Timed two' }], source: 'tags', language: 'eng', description: 'synced',
      others: [{ text: 'Plain one\nPlain two', source: 'tags', language: 'eng' }, { text: 'Deutsch eins', source: 'tags', language: 'deu' }],
    });
  });
  test('a USLT frame per language (kid3-cli, mid3v2): the first shown, every other one kept, named by language', async () => {
    // before: the first alone; nothing said that the German and Japanese ones were there
    const k = await lyricsOf('kid3-three.mp3');
    assert.deepEqual(k, { text: 'English one\nEnglish two', source: 'tags', language: 'eng', others: [{ text: 'Deutsch eins', source: 'tags', language: 'deu' }, { text: '日本語の歌詞', source: 'tags', language: 'jpn' }] });
    assert.equal(lyricsSummary(k, enCount), '2 lines, from the tags (eng); also deu · jpn');
    const m = await lyricsOf('mid3v2-three.mp3');
    assert.deepEqual(lyricsVersions(m).map((v) => [v.language, v.text, v.description]).sort(), [['deu', 'Deutsche Worte', undefined], ['eng', 'English words', 'Verse'], ['jpn', '日本語', undefined]]);
    assert.deepEqual(lyricsVersions(m).map(lyricsVersionLabel).sort(), ['deu', 'eng “Verse”', 'jpn']);
    // a file holding a frame for each of 40 "languages" (no tagger writes so many): 1 shown, LYRICS_MAX_OTHERS more kept
    const many = await lyricsOf('forty.mp3');
    assert.equal(many?.others?.length, LYRICS_MAX_OTHERS);
  });
  test('an LRC file named Song.mp3.lrc or in another case is found; Song.lrc is preferred to Song.mp3.lrc', async () => {
    // before: only Song.lrc and Song.LRC were looked for
    assert.deepEqual(await lyricsOf('whole.mp3'), { text: 'Whole name', lines: [{ startSec: 1, text: 'Whole name' }], source: 'lrc', lrcFile: 'whole.mp3.lrc' });
    assert.equal((await lyricsOf('Cased.mp3'))?.lrcFile, 'CASED.LRC');
    const pair = await lyricsOf('pair.mp3');
    assert.equal(pair?.lrcFile, 'Pair.lrc');
    assert.equal(pair?.text, 'First choice');
    assert.deepEqual(sidecarLrcNames('Song.mp3', ['Song.mp3.lrc', 'song.lrc', 'Song.lrc', 'SONG.LRC', 'Song.flac.lrc', 'Song.MP3.LRC', 'Song.txt']), ['Song.lrc', 'SONG.LRC', 'song.lrc', 'Song.mp3.lrc', 'Song.MP3.LRC']);
  });
  test('a video with lyrics: MP4 ©lyr, and the same remuxed to Matroska (tag LYRICS); LRC in a Matroska tag', async () => {
    assert.deepEqual(await lyricsOf('video.mp4'), { text: 'Video line one\nVideo line two', source: 'tags' });
    assert.deepEqual(await lyricsOf('video.mkv'), { text: 'Video line one\nVideo line two', source: 'tags' });
    assert.deepEqual((await lyricsOf('timed.mka'))?.lines, [{ startSec: 0.5, text: 'Matroska timed' }]);
  });
  test('LRC in a Vorbis LYRICS comment: timed, a line with two times at each', async () => {
    const l = await lyricsOf('lrc-in-tag.flac');
    assert.deepEqual(l?.lines, [{ startSec: 1, text: 'Flac one' }, { startSec: 2.5, text: 'Flac two' }, { startSec: 4, text: 'Flac two' }]);
  });
  test('MP4 ©lyr by AtomicParsley; ID3v2 SYLT by mutagen (in time order)', async () => {
    assert.deepEqual(await lyricsOf('ap.m4a'), { text: 'AP line one\nAP line two', source: 'tags' });
    const s = await lyricsOf('sylt.mp3');
    assert.deepEqual(s?.lines, [{ startSec: 1, text: 'Sync one' }, { startSec: 2.5, text: 'Sync two' }]);
    assert.equal(s?.language, 'eng');
  });
  test('an LRC file beside the track: Windows-1252, [mm:ss:xx] and [mm:ss] read; preferred to plain lyrics in the tags', async () => {
    assert.deepEqual(await lyricsOf('sidecar.mp3'), { text: 'Ça commence\nFin', lines: [{ startSec: 1.5, text: 'Ça commence' }, { startSec: 3, text: 'Fin' }], source: 'lrc', language: 'fra', lrcFile: 'sidecar.lrc' });
    const both = await lyricsOf('both.mp3');
    assert.equal(both?.source, 'lrc');
    assert.equal(both?.text, 'Timed words');
    assert.equal(await lyricsOf('src.mp3'), undefined, 'an untagged file with no LRC beside it has none');
  });
  test('an LRC file saved as UTF-16 (either byte order, with its byte-order mark) is read', async () => {
    for (const name of ['utf16le', 'utf16be']) {
      const l = await lyricsOf(`${name}.mp3`);
      assert.deepEqual(l?.lines, [{ startSec: 1, text: 'Grüße ♪' }, { startSec: 2, text: '二行目' }], name);
      assert.equal(l?.lrcFile, `${name}.lrc`);
    }
  });
  test('a named pipe where the LRC would be is not opened', async () => {
    const t0 = Date.now();
    assert.equal(await lyricsOf('fifo.mp3'), undefined);
    assert.ok(Date.now() - t0 < 20_000);
  });
  test('studio probe names them on one line', () => {
    const out = execFileSync(process.execPath, [bin, 'probe', file('sidecar.mp3')], { encoding: 'utf8' });
    assert.match(out, /\n {2}lyrics {6}2 lines, timed, from sidecar\.lrc \(fra\) \(the text: --json\)\n/);
    const json = JSON.parse(execFileSync(process.execPath, [bin, 'probe', file('kid3.mp3'), '--json'], { encoding: 'utf8' })) as { tags: { lyrics?: { text: string } } };
    assert.equal(json.tags.lyrics?.text, 'Kid line one\nKid line two');
    // several languages: all named, on the line and in --json
    assert.match(execFileSync(process.execPath, [bin, 'probe', file('kid3-three.mp3')], { encoding: 'utf8' }), /\n {2}lyrics {6}2 lines, from the tags \(eng\); also deu · jpn \(the text: --json\)\n/);
    const three = JSON.parse(execFileSync(process.execPath, [bin, 'probe', file('kid3-three.mp3'), '--json'], { encoding: 'utf8' })) as { tags: { lyrics?: { language?: string; others?: Array<{ language?: string; text: string }> } } };
    assert.deepEqual([three.tags.lyrics?.language, ...(three.tags.lyrics?.others ?? []).map((o) => o.language)], ['eng', 'deu', 'jpn']);
  });
  test('currentLyricLine: the line sung at a time', () => {
    const lines = [{ startSec: 1 }, { startSec: 2.5 }, { startSec: 2.5 }, { startSec: 4 }];
    assert.deepEqual([0, 1, 2.4, 2.5, 3.9, 4, 99].map((t) => currentLyricLine(lines, t)), [-1, 0, 0, 2, 2, 3, 3]);
    assert.equal(currentLyricLine([], 3), -1);
  });
});

// Write tags checks the copy's audio against the file's before the copy replaces it (tagguard38). files38 found three
// layouts where node-taglib-sharp damaged the AUDIO while the BPM and key read back (a fragmented M4A decoded as
// nothing, a QuickTime-keys M4A ffmpeg no longer opened, an unpadded WAV INFO garbled) and refused them by name; a
// layout nobody has named would still have been replaced silently. Now every write compares the audio packets
// (ffmpeg framemd5 of every audio stream, demuxed, not decoded: media/ffmpeg.ts audioPackets) of the file and of the
// copy, and refuses with AUDIO_CHANGED, the file untouched, on any difference.
// Before the guard, "a copy whose audio the writer garbled" and "a copy the writer cut short" below resolved (written,
// the user's file replaced by the damaged copy): assert.rejects failed with "Missing expected rejection".
// The damage is injected only here: node-taglib-sharp's real write, then bytes of the copy overwritten or cut (as the
// library did to the fragmented M4A), by wrapping File.createFromPath for one write.
// Run: node tools/run-tests.mjs test/integration/tag-write-audio-guard.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { File as TagFile } from 'node-taglib-sharp';
import { StudioError } from '@contract';
import { readBpmKey, writeTagsSafely } from '../../main/engine/library/tag-write';
import { audioPackets } from '../../main/engine/media/ffmpeg';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'tag-write-audio-guard');
const ff = (a: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...a]);
const stored = (p: string) => {
  const s = statSync(p);
  return { size: s.size, mtimeMs: s.mtimeMs };
};
/** what a user's own check would say: the audio packets' MD5 (no decode) and the decoded audio's MD5, by ffmpeg itself */
const md5s = (p: string) => [['-c', 'copy'], []].map((c) => ff(['-i', p, '-map', '0:a', ...c, '-f', 'md5', '-']).toString().trim());
const MP3 = { format: 'id3v2', mime: 'taglib/mp3' } as const;
const FLAC = { format: 'vorbis', mime: 'taglib/flac' } as const;
const OGG = { format: 'vorbis', mime: 'taglib/ogg' } as const;
const M4A = { format: 'mp4', mime: 'taglib/m4a' } as const;
const WAV = { format: 'id3v2', mime: 'taglib/wav' } as const;

/** run `body` with node-taglib-sharp's save followed by `damage(copyPath)` on every file it opens (this test only) */
async function withDamagingWriter<T>(damage: (copy: string) => void, body: () => Promise<T>): Promise<T> {
  const real = TagFile.createFromPath;
  TagFile.createFromPath = ((path: string, mime?: string, style?: number) => {
    const f = real.call(TagFile, path, mime, style);
    const save = f.save.bind(f);
    f.save = () => {
      save();
      damage(path);
    };
    return f;
  }) as typeof TagFile.createFromPath;
  try {
    return await body();
  } finally {
    TagFile.createFromPath = real;
  }
}
const leftovers = () => readdirSync(DIR).filter((n) => n.includes('.studio-tags-'));

describe('Write tags refuses a copy whose audio is not the file\'s (tagguard38)', { timeout: 120_000 } /* a hang guard */, () => {
  const F = { mp3: join(DIR, 'lame.mp3'), flac: join(DIR, 'flac.flac'), m4a: join(DIR, 'aac.m4a'), ogg: join(DIR, 'oggenc.ogg'), wav: join(DIR, 'pcm.wav'), bad: join(DIR, 'bad.mp3'), cut: join(DIR, 'cut.flac') };
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const src = join(DIR, 'src.wav');
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=8,aeval=val(0)*0.8|val(0)*0.6:c=stereo', '-c:a', 'pcm_s16le', src,
      '-c:a', 'aac', '-b:a', '128k', '-metadata', 'title=AAC', F.m4a, '-c:a', 'pcm_s16le', F.wav]);
    // the encoders users' files come from: LAME (with its Xing/LAME header, ID3v2 by mid3v2), reference FLAC, oggenc
    execFileSync('lame', ['--quiet', '-V2', src, F.mp3]);
    execFileSync('mid3v2', ['-t', 'LAME take', '-a', 'Someone', F.mp3]);
    execFileSync('lame', ['--quiet', '-b', '192', src, F.bad]);
    execFileSync('flac', ['--silent', '-f', '-T', 'TITLE=Reference', '-o', F.flac, src]);
    execFileSync('flac', ['--silent', '-f', '-o', F.cut, src]);
    execFileSync('oggenc', ['-Q', '-t', 'Vorbis', '-o', F.ogg, src]);
  });

  test('audioPackets: the same for a file another tagger retagged, not for its audio cut or changed', async () => {
    const copy = join(DIR, 'retag.mp3');
    execFileSync('cp', [F.mp3, copy]);
    const a = await audioPackets(copy);
    assert.equal(a.streams, 1);
    assert.ok(Math.abs(a.durationS - 8) < 0.1, `${a.durationS} s`);
    execFileSync('eyeD3', ['-Q', '--to-v2.4', '--bpm', '99', '--artist', 'Someone else with a longer name', copy], { stdio: 'ignore' });
    assert.ok(!readFileSync(copy).equals(readFileSync(F.mp3)), 'eyeD3 rewrote the tag');
    assert.equal((await audioPackets(copy)).digest, a.digest, 'tags only: the same audio');
    truncateSync(copy, statSync(copy).size - 20_000);
    const cut = await audioPackets(copy);
    assert.notEqual(cut.digest, a.digest);
    assert.ok(cut.durationS < a.durationS - 0.5, `${cut.durationS} s`);
  });

  test('a normal write of LAME MP3, FLAC, AAC M4A, Ogg Vorbis and WAV succeeds, the audio packets and decoded audio unchanged', async () => {
    for (const [p, target] of [[F.mp3, MP3], [F.flac, FLAC], [F.m4a, M4A], [F.ogg, OGG], [F.wav, WAV]] as const) {
      const was = md5s(p);
      const w = await writeTagsSafely({ path: p, stored: stored(p), target, bpm: '128', key: '8A' });
      assert.equal(w.bpm, '128', p);
      assert.deepEqual(await readBpmKey(p, target.format), { bpm: '128', key: '8A' }, p);
      assert.deepEqual(md5s(p), was, `${p}: audio unchanged`);
    }
    assert.deepEqual(leftovers(), []);
  });

  test('a copy whose audio the writer garbled is refused as AUDIO_CHANGED (was: written), the MP3 untouched, no copy left', async () => {
    const bytes = readFileSync(F.bad);
    const garble = (copy: string) => {
      const fd = openSync(copy, 'r+');
      writeSync(fd, Buffer.alloc(3000, 0x55), 0, 3000, Math.floor(statSync(copy).size * 0.6));
      closeSync(fd);
    };
    await withDamagingWriter(garble, () =>
      assert.rejects(writeTagsSafely({ path: F.bad, stored: stored(F.bad), target: MP3, bpm: '124', key: 'Am' }), (e: unknown) => {
        assert.ok(e instanceof StudioError, String(e));
        assert.equal(e.code, 'AUDIO_CHANGED', e.message);
        assert.match(e.message, /^The tags of "bad\.mp3" were not written: the tag library's copy of the file held .*, so it would have damaged the audio\. Nothing was changed\. The studio will not write/);
        return true;
      }),
    );
    assert.ok(readFileSync(F.bad).equals(bytes), 'the file is as it was');
    assert.deepEqual(leftovers(), []);
  });

  test('a copy the writer cut short is refused as AUDIO_CHANGED, saying how long its audio was (was: written), the FLAC untouched', async () => {
    const bytes = readFileSync(F.cut);
    await withDamagingWriter((copy) => truncateSync(copy, Math.floor(statSync(copy).size / 2)), () =>
      assert.rejects(writeTagsSafely({ path: F.cut, stored: stored(F.cut), target: FLAC, bpm: '124', key: null }), (e: unknown) => {
        assert.ok(e instanceof StudioError, String(e));
        assert.equal(e.code, 'AUDIO_CHANGED', e.message);
        assert.match(e.message, /held audio lasting [0-9.]+ s instead of 8\.0\d\d s/);
        return true;
      }),
    );
    assert.ok(readFileSync(F.cut).equals(bytes), 'the file is as it was');
    assert.deepEqual(leftovers(), []);
  });

  test('a copy ffmpeg can no longer open is refused as AUDIO_CHANGED, the M4A untouched', async () => {
    const m4a = join(DIR, 'broken.m4a');
    execFileSync('cp', [F.m4a, m4a]);
    const bytes = readFileSync(m4a);
    // its sample size table renamed: ffmpeg reads no audio ("stream 0, missing mandatory atoms, broken header"), while
    // the tags still read back (as the QuickTime-keys write left it: "The 'keys' atom with the invalid key count")
    const unopenable = (copy: string) => {
      const b = readFileSync(copy);
      b.write('xxxx', b.indexOf('stsz', 0, 'latin1'), 'latin1');
      const fd = openSync(copy, 'r+');
      writeSync(fd, b, 0, b.length, 0);
      closeSync(fd);
    };
    await withDamagingWriter(unopenable, () =>
      assert.rejects(writeTagsSafely({ path: m4a, stored: stored(m4a), target: M4A, bpm: '124', key: 'Am' }), (e: unknown) => {
        assert.ok(e instanceof StudioError, String(e));
        assert.equal(e.code, 'AUDIO_CHANGED', e.message);
        assert.match(e.message, /ffmpeg could no longer open the file \(.*broken header\)\. Nothing was changed\./);
        return true;
      }),
    );
    assert.ok(readFileSync(m4a).equals(bytes));
    assert.deepEqual(leftovers(), []);
  });
});

// Write tags' fast audio check (media/structure.ts sameAudioBytes, the lead, session 38): an MP3 or FLAC whose audio
// bytes outside its tags are identical to the original's is vouched for without two ffmpeg runs (tagguard38 measured
// those at ~0.8 CPU s a 10 MB MP3: a 50-file write 3 s → 48 s). Tags written by the real taggers must not count as
// audio; any byte of audio changed, or a cut, must.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { audioByteRanges, sameAudioBytes } from '../../main/engine/media/structure';

const OUT = 'test/output/media-audio-bytes';
const has = (t: string) => spawnSync('which', [t]).status === 0;
const tools = ['ffmpeg', 'lame', 'flac', 'metaflac', 'mid3v2', 'eyeD3'].every(has);

describe('sameAudioBytes: MP3 and FLAC audio compared outside their tags', { skip: !tools && 'ffmpeg, lame, flac, metaflac, mid3v2 (python3-mutagen) and eyeD3 are needed' }, () => {
  mkdirSync(OUT, { recursive: true });
  const wav = join(OUT, 'tone.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-ac', '2', wav]);

  it('MP3: ID3v2 (mid3v2) and ID3v1 (eyeD3) written on a copy leave the audio the same; a changed byte or a cut does not', () => {
    const a = join(OUT, 'a.mp3');
    execFileSync('lame', ['--quiet', '-b', '192', wav, a]);
    const b = join(OUT, 'b.mp3');
    copyFileSync(a, b);
    execFileSync('mid3v2', ['-a', 'Someone', '-t', 'A title', '--TBPM', '128', b]);
    execFileSync('eyeD3', ['--quiet', '--to-v1.1', b], { stdio: 'ignore' });
    assert.notDeepEqual(readFileSync(a), readFileSync(b), 'the taggers changed the file');
    assert.equal(readFileSync(b).toString('latin1', readFileSync(b).length - 128, readFileSync(b).length - 125), 'TAG', 'an ID3v1 tag at the end');
    assert.ok(readFileSync(b).toString('latin1', 0, 3) === 'ID3', 'an ID3v2 tag at the start');
    return (async () => {
      assert.equal(await sameAudioBytes(a, b, 'mp3'), true);
      const [[s, e]] = (await audioByteRanges(b, 'mp3'))!;
      const c = join(OUT, 'c.mp3');
      const bytes = readFileSync(b);
      bytes[(s + e) >> 1] ^= 0x01;
      writeFileSync(c, bytes);
      assert.equal(await sameAudioBytes(a, c, 'mp3'), false, 'one audio bit flipped');
      const d = join(OUT, 'd.mp3');
      copyFileSync(a, d);
      truncateSync(d, readFileSync(a).length - 417);
      assert.equal(await sameAudioBytes(a, d, 'mp3'), false, 'cut short');
    })();
  });

  it('FLAC: Vorbis comments and a picture (metaflac) leave the audio the same; STREAMINFO or a frame changed, or a cut, does not', async () => {
    const a = join(OUT, 'a.flac');
    execFileSync('flac', ['--silent', '-f', '-o', a, wav]);
    const b = join(OUT, 'b.flac');
    copyFileSync(a, b);
    const png = join(OUT, 'cover.png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=red:size=64x64', '-frames:v', '1', png]);
    execFileSync('metaflac', ['--set-tag=BPM=128', '--set-tag=INITIALKEY=Am', `--import-picture-from=${png}`, b]);
    assert.notDeepEqual(readFileSync(a), readFileSync(b));
    assert.equal(await sameAudioBytes(a, b, 'flac'), true);
    const ranges = (await audioByteRanges(b, 'flac'))!;
    assert.equal(ranges.length, 2, 'STREAMINFO and the frames');
    for (const [which, [s, e]] of ranges.entries()) {
      const c = join(OUT, `c${which}.flac`);
      const bytes = readFileSync(b);
      bytes[s + ((e - s) >> 1)] ^= 0x01;
      writeFileSync(c, bytes);
      assert.equal(await sameAudioBytes(a, c, 'flac'), false, which ? 'a frame byte changed' : 'STREAMINFO changed');
    }
    const d = join(OUT, 'd.flac');
    copyFileSync(b, d);
    truncateSync(d, readFileSync(b).length - 100);
    assert.equal(await sameAudioBytes(a, d, 'flac'), false, 'cut short');
    assert.equal(await sameAudioBytes(join(OUT, 'a.mp3'), join(OUT, 'a.mp3'), 'flac'), false, 'not a FLAC: not vouched for');
  });
});

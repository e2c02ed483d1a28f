// Issue 10, kinds 1–3: the leftovers of session 10's brief for helper files13. Each test failed on the code before it
// (main at 7bc9461), with the value named:
// - Kind 3: Vorbis inside video, the soundtrack the model hears (`studio ask --video` with <Audio>: videoAndSoundtrack)
//   and `--audio` on the same file (decodeAudio). The reference's torchaudio 0.13.1 (sox_io) reads a file with libsox
//   first and with ffmpeg (float) where libsox refuses it; libsox opens an Ogg file as Vorbis (libvorbisfile ov_read,
//   16-bit) when its magic matches ("OggS" at 0 and "vorbis" at 29: the first page is a Vorbis id header) or, failing
//   that, when the extension is .ogg / .vorbis and libvorbisfile finds a Vorbis stream among the BOS pages. Measured
//   here (torchaudio.load, libsox-fmt-base installed as .ci/run does): a Theora-first .ogv → float; a Vorbis-first
//   .ogv → 16-bit; a Theora-first file named .ogg → 16-bit; .webm / .mkv → float. Before: the video path always read
//   float (Vorbis-first .ogv and Theora-first .ogg: max |Δ| ≈ 0.005 in the model's fbank units at 11.025 kHz), and
//   `--audio` quantised every Ogg file with a Vorbis stream in its first 282 bytes (the Theora-first .ogv: ≈ 0.005).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { PROCESSORS, processVideoWithSoundtrack } from '../../main/engine/model/processors';
import { ff, OUTPUT } from '../helpers/media';
import { maxDiff, preprocessOracle } from '../helpers/preprocess-ref';

const DIR = join(OUTPUT, 'media-truth-kinds25');

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
});

/** The local torchaudio's libsox reads Ogg Vorbis (as the reference's pip wheel, which links libvorbis, does): Debian's libsox3 needs libsox-fmt-base for it. */
function assertSoxReadsVorbis(): void {
  const probe = join(DIR, 'sox-probe.ogg');
  ff(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'libvorbis', probe]);
  const py = `import torch, torchaudio\nprint(torch.ops.torchaudio.sox_io_load_audio_file(${JSON.stringify(probe)}, None, None, True, True, None) is not None)`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  assert.equal(r.stdout.trim(), 'True', `the local torchaudio's libsox reads no Ogg Vorbis (install libsox-fmt-base, as .ci/run does): ${r.stderr}`);
}

describe('kind 3: Vorbis inside video, read as the reference reads it', () => {
  test('11.025 kHz Vorbis tone + noise in .ogv (Theora first / Vorbis first), .ogg (Theora first), .webm (VP8, VP9) and .mkv (H.264): the video\'s soundtrack and --audio are within 0.001 of torchaudio.load\'s (16-bit where libsox reads it, float where ffmpeg does)', async () => {
    assertSoxReadsVorbis();
    const v = ['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=10:d=6'];
    const a = ['-f', 'lavfi', '-i', 'sine=f=440:d=6,volume=0.5', '-f', 'lavfi', '-i', 'anoisesrc=d=6:a=0.1:seed=7'];
    const mix = ['-filter_complex', '[1][2]amix=inputs=2,aresample=11025[a]', '-ac', '1', '-ar', '11025', '-c:a', 'libvorbis', '-q:a', '4'];
    const make = (name: string, video: string[], audioFirst = false) => {
      const path = join(DIR, name);
      ff([...v, ...a, ...mix, ...(audioFirst ? ['-map', '[a]', '-map', '0:v'] : ['-map', '0:v', '-map', '[a]']), ...video, path]);
      return path;
    };
    const theora = ['-c:v', 'libtheora', '-q:v', '5'];
    const files = [
      make('theora-first.ogv', theora),
      make('vorbis-first.ogv', theora, true),
      make('vp8.webm', ['-c:v', 'libvpx', '-b:v', '200k']),
      make('vp9.webm', ['-c:v', 'libvpx-vp9', '-b:v', '200k', '-deadline', 'realtime', '-cpu-used', '8']),
      make('h264.mkv', ['-c:v', 'libx264', '-preset', 'ultrafast']),
    ];
    const named = join(DIR, 'theora-first.ogg');
    copyFileSync(files[0]!, named);
    files.push(named);
    const refs = preprocessOracle('audiofile', files);
    const bad: string[] = [];
    for (const path of files) {
      const ref = refs.get(path)!;
      assert.ok(typeof ref !== 'string', `${path}: ${ref}`);
      const both = await processVideoWithSoundtrack(path, { clips: 3 });
      const alone = await PROCESSORS.audio(path, { clips: 3 });
      const name = path.slice(DIR.length + 1);
      for (const [where, got] of [['soundtrack', both.audio.data], ['--audio', alone.data]] as const) {
        const d = maxDiff(got, ref);
        if (!(d < 0.001)) bad.push(`${name} ${where}: max |Δ| ${d.toFixed(4)}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

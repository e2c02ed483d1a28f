// A video whose audio ends before its picture (session 19, helper left19a): 10 s of video muxed with 6 s of audio
// without -shortest, as a phone clip or an export with a shorter soundtrack is. Before, the probe — the track view's
// header, `studio probe` — stated the container's 10 s (the longest stream's) and said nothing, while the analysis
// decoded 6 s and warned: two lengths for one track. Now the probe counts the audio's packets too: the track's length
// is the audio's (what is analysed, drawn and given to the chat), `videoDurationSec` states the picture's 10 s, a
// warning says both, and the filmstrip still spans the whole picture (it used the track's length).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { makeFilmstrip } from '../../main/engine/media/filmstrip';
import { probeFile } from '../../main/engine/media/probe';
import { decodeAudio } from '../../main/engine/model/media-input';
import { ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'video-short-audio');
const near = (got: number | null | undefined, want: number, tol: number, what: string) => assert.ok(got != null && Math.abs(got - want) <= tol, `${what}: ${got}, want ${want} ±${tol}`);

describe('10 s of video with 6 s of audio (no -shortest)', () => {
  const files: Record<string, string> = {};
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    for (const [name, codec] of [['clip.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac']], ['clip.mov', ['-c:v', 'mpeg4', '-c:a', 'pcm_s16le']]] as const) {
      files[name] = join(DIR, name);
      ff(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=f=440:d=6:sample_rate=48000', '-map', '0:v', '-map', '1:a', ...codec, files[name]]);
    }
  });

  for (const name of ['clip.mp4', 'clip.mov']) {
    test(`${name}: the probe states the audio's 6 s as the track's length, the picture's 10 s beside it, and says so`, async () => {
      const p = await probeFile(files[name]);
      const w = JSON.stringify({ durationSec: p.durationSec, videoDurationSec: p.videoDurationSec, warnings: p.warnings });
      near(p.durationSec, 6, 0.05, w);
      near(p.videoDurationSec, 10, 0.05, w);
      assert.ok(p.warnings.some((x) => /^The audio lasts 0:06\.0\d; the file runs to 0:10\.00, the length of its video .*shown: the audio's\. The picture plays on to 0:10\.00 in silence \(the player and the filmstrip show it all\); the analysis, the waveform and the chat's audio are of the audio's 0:06\.0\d\.$/.test(x)), w);
    });

    test(`${name}: the analysis and the chat's audio are the same 6 s`, async () => {
      const a = await analyzeTrack(files[name]);
      near(a.durationSec, 6, 0.05, 'analysis');
      const d = await decodeAudio(files[name]);
      try {
        near(d.source.length / d.sampleRate, 6, 0.05, 'model audio');
      } finally {
        d.close();
      }
    });

    test(`${name}: the filmstrip spans the whole picture, past the audio's end`, async () => {
      const p = await probeFile(files[name]);
      const cache = join(DIR, `cache-${name}`);
      const f = await makeFilmstrip(files[name], p, cache, `fp-${name}`, 10, new AbortController().signal, () => undefined);
      assert.equal(f.frames.length, 10);
      near(f.frames.at(-1)!.timeSec, 9.5, 0.01, 'last thumbnail');
    });
  }
});

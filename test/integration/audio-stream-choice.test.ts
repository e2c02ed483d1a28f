// Several audio streams (session 19, helper left19a): which one the studio reads, stated in the track's info, and the
// same one everywhere. Files made by mkvmerge (Debian's mkvtoolnix) as a film's soundtrack is: a stereo commentary
// first and a 5.1 mix second, (a) neither flagged default (`--default-track-flag 0:0 --default-track-flag 1:0`) and
// (b) the 5.1 one flagged default. The studio reads the stream av_find_best_stream picks (best-stream.ts bestStream:
// the first, unless a later one is flagged default — what the model's reference loader reads): (a) the stereo one,
// (b) the 5.1 one. The ffmpeg command line without -map picks by channel count: the 5.1 one in both. Before, (a) was
// read from stream 0 with nothing in the track's info saying which of the two streams was read, or that
// `ffmpeg -i f out.wav` would give the other; now the probe (and the library, which stores it) says both.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { analyseFile } from '../../main/engine/media/analysis';
import { probeFile } from '../../main/engine/media/probe';
import { decodeAudio } from '../../main/engine/model/media-input';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'audio-stream-choice');
const HAVE_MKVMERGE = spawnSync('mkvmerge', ['--version']).status === 0;

/** the stream `ffmpeg -i path` maps without -map ("Stream mapping: Stream #0:N -> #0:0") */
function ffmpegCliChoice(path: string): string {
  const log = spawnSync('ffmpeg', ['-hide_banner', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  return /Stream mapping:\s*\n\s*Stream (#0:\d+) ->/.exec(log)![1];
}

/** integrated loudness of one stream as ffmpeg's ebur128 measures it */
function lufsOf(path: string, map: string): number {
  const e = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-map', map, '-af', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(e.slice(e.lastIndexOf('Summary:')))![1]);
}

describe('a stereo commentary and a 5.1 mix: the stream read, said in the track info and read everywhere', { skip: HAVE_MKVMERGE ? false : 'mkvmerge (mkvtoolnix) absent' }, () => {
  const files: Record<'none' | 'second', string> = { none: '', second: '' };
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    // stream 0: stereo commentary, quiet 300 Hz (about -31 LUFS); stream 1: 5.1 mix, 1 kHz on every channel but the LFE, louder
    const src = join(DIR, 'src.mka');
    execFileSync('ffmpeg', ['-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'sine=f=300:d=5:sample_rate=48000,volume=0.3',
      '-f', 'lavfi', '-i', 'sine=f=1000:d=5:sample_rate=48000',
      '-filter_complex', '[0]pan=stereo|c0=c0|c1=c0[a];[1]pan=5.1|c0=c0|c1=c0|c2=c0|c4=c0|c5=c0[b]',
      '-map', '[a]', '-map', '[b]', '-c:a', 'flac', src]);
    files.none = join(DIR, 'commentary-first-no-default.mka');
    files.second = join(DIR, 'commentary-first-mix-default.mka');
    execFileSync('mkvmerge', ['-q', '-o', files.none, '--default-track-flag', '0:0', '--default-track-flag', '1:0', src]);
    execFileSync('mkvmerge', ['-q', '-o', files.second, '--default-track-flag', '0:0', '--default-track-flag', '1:1', src]);
  });

  test('the references: ffmpeg\'s command line takes the 5.1 mix (#0:1) of both files; the streams\' loudness differs by > 5 LU', () => {
    assert.equal(ffmpegCliChoice(files.none), '#0:1');
    assert.equal(ffmpegCliChoice(files.second), '#0:1');
    assert.ok(lufsOf(files.none, '0:1') - lufsOf(files.none, '0:0') > 5);
  });

  const cases = [
    { kind: 'none' as const, index: 0, channels: 2, said: /holds 2 audio streams; the one read — analysed, drawn, played and heard by the model — is #0:0, flac, 48000 Hz, stereo, the first \(none is flagged default\), as libavformat's av_find_best_stream and the model's reference loader pick it: the other is #0:1, flac, 48000 Hz, 5\.1.*The ffmpeg command line without -map .* decodes #0:1, flac, 48000 Hz, 5\.1 instead: it takes the stream with the most channels; `-map 0:0` gives the one the studio reads\./ },
    { kind: 'second' as const, index: 1, channels: 6, said: /holds 2 audio streams; the one read — analysed, drawn, played and heard by the model — is #0:1, flac, 48000 Hz, 5\.1, flagged default, as ffmpeg and the model's reference loader pick it, not the first: the other is #0:0, flac, 48000 Hz, stereo\.$/ },
  ];
  for (const c of cases) {
    test(`${c.kind === 'none' ? 'no stream flagged default' : 'the 5.1 mix flagged default'}: the probe says stream #0:${c.index} is read${c.kind === 'none' ? ', and that ffmpeg\'s command line takes #0:1' : ''}`, async () => {
      const p = await probeFile(files[c.kind]);
      const w = JSON.stringify({ audio: p.audio, warnings: p.warnings });
      assert.deepEqual([p.audio?.index, p.audio?.channels], [c.index, c.channels], w);
      assert.equal(p.warnings.filter((x) => c.said.test(x)).length, 1, w);
    });

    test(`${c.kind}: the analysis, the waveform and the model's audio read that same stream #0:${c.index}`, async () => {
      const p = await probeFile(files[c.kind]);
      const lufs = lufsOf(files[c.kind], `0:${c.index}`);
      const a = await analyzeTrack(files[c.kind]);
      assert.ok(a.loudness.integratedLufs !== null && Math.abs(a.loudness.integratedLufs - lufs) < 0.5, `analysis ${a.loudness.integratedLufs}, stream #0:${c.index} ${lufs}`);
      const wave = await analyseFile(files[c.kind], p, new AbortController().signal, () => undefined);
      const mm = new Float32Array(Buffer.from(wave.peaks.minMax, 'base64').buffer.slice(0));
      const top = mm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      // the waveform is a mono mix: the 0.3-scaled commentary peaks near 0.3/8, the mix near 1/8 (lavfi's sine) and more
      assert.ok(c.index === 0 ? top < 0.06 : top > 0.08, `waveform peak ${top}`);
      const d = await decodeAudio(files[c.kind]);
      try {
        assert.equal(d.channels, c.channels, 'the model\'s audio input');
      } finally {
        d.close();
      }
    });
  }
});

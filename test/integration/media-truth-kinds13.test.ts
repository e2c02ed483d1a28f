// Issue 10, round 13 (helper files8): Matroska audio that is not Opus. ffmpeg's Duration for Matroska is Info's
// Duration printed to 10 ms — no exact count — yet the library kept it wherever the decode ran past it by < 0.05 s
// (AAC in Matroska: 20.02 stated, 20.032 decodes; MP3: 20.02 stated, 20.023 decodes). Now the library states what
// decodes for Matroska/WebM, live-recorded WebM (clusters of unknown size, `-live 1`) included.
// Inputs are built here with ffmpeg.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '@contract';
import { libraryProber } from '../helpers/library-probe';
import { decodedSec, ff, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'media-truth-kinds13');
const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=20:sample_rate=48000'];
const F = {
  aac: join(DIR, 'aac.mka'),
  mp3: join(DIR, 'mp3.mka'),
  vorbis: join(DIR, 'vorbis.mka'),
  ac3: join(DIR, 'ac3.mka'),
  opusLive: join(DIR, 'opus-live.webm'),
  vorbisLive: join(DIR, 'vorbis-live.webm'),
};

const ms = (x: number) => Math.round(x * 1000) / 1000;

let prober: ReturnType<typeof libraryProber>;
/** the probe the library stores for `path` (what the track detail, the table and the export show) and its table row's duration */
const library = (path: string): Promise<{ probe: ProbeResult; rowSec: number }> => prober.stored(path);

describe('media truth, kinds round 13: Matroska audio — the library states what decodes, not ffmpeg\'s 10-ms Duration', () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    ff([...tone, '-c:a', 'aac', F.aac]);
    ff([...tone, '-c:a', 'libmp3lame', F.mp3]);
    ff([...tone, '-c:a', 'libvorbis', F.vorbis]);
    ff([...tone, '-c:a', 'ac3', F.ac3]);
    ff([...tone, '-c:a', 'libopus', '-live', '1', F.opusLive]);
    ff([...tone, '-c:a', 'libvorbis', '-live', '1', F.vorbisLive]);
    prober = libraryProber(DIR);
  });
  after(() => prober?.close());

  test('AAC, MP3, Vorbis, AC-3 in Matroska and live WebM: the library (detail and table row) states what decodes', async () => {
    for (const path of Object.values(F)) {
      const decoded = decodedSec(path);
      const lib = await library(path);
      assert.equal(lib.probe.durationSec, ms(decoded), `${path}: library ${lib.probe.durationSec}, decodes ${decoded}`);
      assert.equal(lib.rowSec, lib.probe.durationSec, path);
    }
  });
});

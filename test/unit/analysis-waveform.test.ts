// The track view and a library scan draw the same waveform and spectrogram (issue 12 defect 6:
// 0–8 kHz before a scan, ~0–22 kHz after): one pair of analysers on one stream, ffmpeg's 16 kHz
// mono output — the track view's decode makes only that output, a scan's makes it next to the
// 44.1/48 kHz one.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseForLibrary } from '../../main/engine/library/analyse';
import { analyseFile, readCachedAnalysis } from '../../main/engine/media/analysis';
import { fingerprint } from '../../main/engine/media/cache';
import { probeFile } from '../../main/engine/media/probe';
import { toneFile } from '../helpers/media';

for (const [name, extra] of [
  ['wave-44k.flac', ['-ar', '44100']],
  ['wave-48k.mp3', ['-ar', '48000']],
  ['wave-22k.wav', ['-ar', '22050']],
] as const) {
  test(`${name}: the track view's peaks and spectrogram equal a library scan's`, async () => {
    const path = toneFile(name, 5, [...extra]);
    const probe = await probeFile(path);
    const view = await analyseFile(path, probe, new AbortController().signal, () => undefined);
    const cacheDir = mkdtempSync(join(tmpdir(), 'rs-wave-'));
    const lib = await analyseForLibrary({ path, cacheDir });
    assert.deepEqual(lib.results.peaks, { cache: await fingerprint(path) });
    const scanned = await readCachedAnalysis(cacheDir, await fingerprint(path));
    assert.ok(scanned, 'the scan wrote the track view cache');
    assert.deepEqual(scanned.spectrogram, view.spectrogram);
    assert.deepEqual(scanned.peaks, view.peaks);
    // the one definition: ffmpeg's 16 kHz mono mix (WAVE_OUTPUT), mel up to 8 kHz, whatever the source rate
    assert.equal(view.spectrogram.sampleRate, 16000);
    assert.equal(view.spectrogram.maxFreqHz, 8000);
    assert.equal(view.peaks.sampleRate, 16000);
    assert.ok(Math.abs(view.peaks.durationSec - 5) < 0.01, `duration ${view.peaks.durationSec}`);
  });
}

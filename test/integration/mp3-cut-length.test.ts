// fix31 (item 2): MP3s cut short as downloads and copies cut them, made by lame: a 128 kb/s file cut mid-frame
// (`head -c 20011`) and a VBR file (lame -V2, its Xing header stating 20 s) cut to half. probe, `studio analyze` and
// the waveform show the length that decodes (ffmpeg's decode, counted here), no crash, and the header's length in a
// truncation warning. Seen before: the VBR half said "duration 0:09.98 (9.980 s)" and, in the same output, "its
// audio ends at 0:09.97" — the warning cut the raw 9.9798 s, the duration line the one rounding (durationShown, ms)
// first; both now read 0:09.98.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { clockTime } from '@contract';
import { analyseFile } from '../../main/engine/media/analysis';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'mp3-cut-length');
const F = { cut: join(DIR, 'cbr-cut-midframe.mp3'), half: join(DIR, 'vbr-xing-half.mp3') };

/** seconds ffmpeg decodes of `p` (44.1 kHz mono s16 samples counted) */
const decodedSec = (p: string): number => execFileSync('ffmpeg', ['-v', 'quiet', '-i', p, '-f', 's16le', '-ac', '1', '-ar', '44100', '-'], { maxBuffer: 1 << 26 }).length / 2 / 44100;

describe('MP3s cut short: the length that decodes, everywhere', () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const wav = join(DIR, 'src.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=20', '-ac', '2', '-ar', '44100', wav]);
    const cbr = join(DIR, 'cbr.mp3');
    const vbr = join(DIR, 'vbr.mp3');
    execFileSync('lame', ['--quiet', '-b', '128', wav, cbr]);
    execFileSync('lame', ['--quiet', '-V2', wav, vbr]);
    assert.ok(readFileSync(vbr).subarray(0, 2000).includes('Xing'), 'lame -V2 writes a Xing header');
    writeFileSync(F.cut, readFileSync(cbr).subarray(0, 20011)); // mid-frame: 20011 is no frame boundary of 417/418-byte frames
    writeFileSync(F.half, readFileSync(vbr).subarray(0, Math.floor(statSync(vbr).size / 2)));
  });

  for (const key of ['cut', 'half'] as const) {
    test(`${key}: probe's duration is what decodes; its truncation warning states the header's 0:20.00 and the same figure as the duration`, async () => {
      const real = decodedSec(F[key]);
      const p = await probeFile(F[key]);
      assert.ok(Math.abs(p.durationSec - real) < 0.03, `probe ${p.durationSec} s, decodes ${real} s`);
      const shown = clockTime(p.durationSec, 2);
      const w = p.warnings.find((x) => /appears truncated/.test(x));
      assert.ok(w, p.warnings.join('\n'));
      assert.match(w, new RegExp(`its header states 0:20\\.0\\d, but its audio ends at ${shown.replace('.', '\\.')} `), `${w} — duration shown ${shown}`);
      // the waveform: what decodes, the probe's warning (one wording), no crash
      const wave = await analyseFile(F[key], p, new AbortController().signal, () => {});
      assert.ok(Math.abs(wave.peaks.durationSec - real) < 0.05, `waveform ${wave.peaks.durationSec} s, decodes ${real} s`);
      assert.equal(wave.peaks.warning, `${w} The waveform shows what could be decoded.`);
    });
  }

  test('studio analyze: the duration line and the warning read the same length', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', F.cut, F.half], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, STUDIO_DATA_DIR: join(DIR, 'data') } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const block of r.stdout.split(/\n(?=\/)/)) {
      const d = /^ {2}duration {4}(\S+)/m.exec(block)?.[1];
      assert.ok(d, block);
      assert.match(block, new RegExp(`but its audio ends at ${d.replace('.', '\\.')} `), block);
    }
  });
});

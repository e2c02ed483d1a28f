// A file of two audio streams whose SECOND is flagged default (a main mix after a commentary, as
// `-map 0:a -map 1:a -disposition:a:0 0 -disposition:a:1 default` writes it), in MKA and M4A. ffmpeg itself decodes the
// default one (`ffmpeg -i f` without -map: "Stream #0:1 -> #0:0"), and so did the model's input (av_find_best_stream,
// model/media-input.ts); but the analysis, the waveform and the probe read the FIRST (`-map 0:a:0`): loudness of the
// quiet 7 s mono commentary, the probe's 7 s / 22050 Hz / mono, while the model heard the loud 4 s stereo mix at 48 kHz.
// Now every surface reads the stream ffmpeg picks (pcm.ts readPcmOutputs, probe.ts), and the probe names the other.
// The references are ffmpeg's own, without -map. Needs `npm run build` (bin/studio.js) and the tiny model packs.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbeResult } from '@contract';
import { analyseFile } from '../../main/engine/media/analysis';
import { probeFile } from '../../main/engine/media/probe';
import { libraryProber } from '../helpers/library-probe';
import { ff, OUTPUT, ROOT } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

const DIR = join(OUTPUT, 'default-audio-stream');
const BIN = join(ROOT, 'bin', 'studio.js');
const PACK = join(TINY_DIR, 'packs', 'beta-fp32');

/** stream 0: 7 s of a quiet 220 Hz tone (about -56 LUFS), mono, 22050 Hz; stream 1 (flagged default): 4 s of a louder 660 Hz tone (about -23.5), stereo, 48 kHz */
function twoStreams(name: string, codec: string[]): string {
  const out = join(DIR, name);
  ff([
    '-f', 'lavfi', '-i', 'sine=f=220:d=7:sample_rate=22050,volume=0.02',
    '-f', 'lavfi', '-i', 'sine=f=660:d=4:sample_rate=48000,volume=0.8,aformat=channel_layouts=stereo',
    '-map', '0:a', '-map', '1:a', ...codec, '-disposition:a:0', '0', '-disposition:a:1', 'default', out,
  ]);
  return out;
}

/** what ffmpeg decodes by default (no -map): the stream it maps, its seconds (samples over its rate), its loudness */
function ffmpegChoice(path: string): { stream: string; sec: number; lufs: number } {
  const map = spawnSync('ffmpeg', ['-hide_banner', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  const stream = /Stream mapping:\s*\n\s*Stream (#0:\d+) ->/.exec(map)![1];
  const pcm = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-ac', '1', '-f', 'f32le', '-'], { maxBuffer: 1 << 28 }).stdout;
  const rate = Number(/Stream #0:\d+[^\n]*: Audio: [^\n]*?(\d+) Hz[^\n]*\(default\)/.exec(map)![1]);
  const e = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  const lufs = Number(/I:\s+(-?[\d.]+) LUFS/.exec(e.slice(e.lastIndexOf('Summary:')))![1]);
  return { stream, sec: pcm.length / 4 / rate, lufs };
}

const near = (got: number | null | undefined, want: number, tol: number, what: string) => assert.ok(got != null && Math.abs(got - want) <= tol, `${what}: ${got}, want ${want} ±${tol}`);

describe('two audio streams, the second flagged default: one stream read everywhere', () => {
  const files: Record<string, string> = {};
  let prober: ReturnType<typeof libraryProber>;
  const analyzed = new Map<string, Record<string, unknown>>();

  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    files.mka = twoStreams('two-default-second.mka', ['-c:a', 'flac']);
    files.m4a = twoStreams('two-default-second.m4a', ['-c:a', 'aac', '-b:a', '128k']);
    prober = libraryProber(DIR);
    const r = spawnSync(process.execPath, [BIN, 'analyze', files.mka, files.m4a, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const o = JSON.parse(line) as Record<string, unknown>;
      analyzed.set(o.path as string, o);
    }
  });
  after(() => prober?.close());

  for (const kind of ['mka', 'm4a']) {
    test(`${kind}: ffmpeg's own choice is the second stream (the references below)`, () => {
      const c = ffmpegChoice(files[kind]);
      assert.equal(c.stream, '#0:1');
      near(c.sec, 4, 0.05, 'seconds');
      assert.ok(c.lufs > -30, `the loud one (the first is about -56 LUFS): ${c.lufs}`);
    });

    test(`${kind}: probe and the library's stored probe state the second stream (rate, channels, length) and name the first`, async () => {
      const c = ffmpegChoice(files[kind]);
      const stored = await prober.stored(files[kind]);
      for (const [where, p] of [['probe', await probeFile(files[kind])], ['library', stored.probe]] as Array<[string, ProbeResult]>) {
        const w = `${where}: ${JSON.stringify({ audio: p.audio, durationSec: p.durationSec, warnings: p.warnings })}`;
        assert.deepEqual([p.audio?.index, p.audio?.sampleRate, p.audio?.channels], [1, 48000, 2], w);
        near(p.durationSec, c.sec, 0.03, w);
        assert.ok(p.warnings.some((x) => /holds 2 audio streams; the one read .* is #0:1, .*48000 Hz, stereo, flagged default.*the other is #0:0, .*22050 Hz, mono/.test(x)), w);
        assert.ok(!p.warnings.some((x) => /header is wrong|first audio stream/.test(x)), w);
      }
      near(stored.rowSec, c.sec, 0.03, 'library row');
    });

    test(`${kind}: studio analyze --json analyses the second stream (loudness, length, rate, channels)`, () => {
      const c = ffmpegChoice(files[kind]);
      const a = analyzed.get(files[kind])!;
      assert.ok(a, [...analyzed.keys()].join(', '));
      assert.equal(a.error, null, String(a.error));
      near(a.lufs as number, c.lufs, 0.5, 'LUFS');
      near(a.durationSec as number, c.sec, 0.03, 'durationSec');
      assert.deepEqual([a.sampleRate, a.channels], [48000, 2]);
    });

    test(`${kind}: the waveform is the second stream's (its length, its level)`, async () => {
      const c = ffmpegChoice(files[kind]);
      const p = await probeFile(files[kind]);
      const w = await analyseFile(files[kind], p, new AbortController().signal, () => undefined);
      near(w.peaks.durationSec, c.sec, 0.05, 'waveform seconds');
      const mm = new Float32Array(Buffer.from(w.peaks.minMax, 'base64').buffer.slice(0));
      const top = mm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(top > 0.05, `the loud stream drawn (lavfi's sine is 1/8 full scale: about 0.1 here, the first stream 0.0025): peak ${top}`);
    });
  }

  test('studio ask --json: the model hears the same stream, and its --features are that stream\'s analysis', { timeout: 600_000 }, () => {
    ensureTinyPacks();
    for (const kind of ['mka', 'm4a']) {
      const c = ffmpegChoice(files[kind]);
      const out = execFileSync(process.execPath, [BIN, 'ask', '--pack', PACK, '--json', '--max-new-tokens', '1', '--greedy', '--provider', 'cpu', '--data-dir', join(DIR, 'ask-data'), '--audio', files[kind], '--features', 'What is this?'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const a = JSON.parse(out) as { inputs: { input: string; media: Array<{ seconds?: number; sampleRate?: number; channels?: number }> } };
      const m = a.inputs.media[0];
      near(m.seconds, c.sec, 0.03, `${kind} model seconds`);
      assert.deepEqual([m.sampleRate, m.channels], [48000, 2], kind);
      assert.equal(a.inputs.input, `${analyzed.get(files[kind])!.features} <Audio>`, kind);
      near(Number(/Loudness: (-?[\d.]+) LUFS\./.exec(a.inputs.input)?.[1]), c.lufs, 0.5, `${kind} features loudness`);
    }
  });
});

// Issue 10, "Done when": each numbered input gives the right value in `probe`, `analyze --json`, the
// library (scan + table + detail + export) and `studio ask`, as a test. Every input is built here at
// test time as the issue describes it (test/helpers/issue10-inputs.ts, shared with the suites that
// test one surface each), and every right value comes from a second tool run here: ffprobe, a full
// ffmpeg decode, ffmpeg's ebur128, Pillow (the reference's image loader).
//
// One scan: `studio analyze FOLDER --json --db DB` — the engine's library scan (library:scan) of one
// folder holding every audio input, written into a library database as the app writes it — whose
// --json lines are the `analyze` surface; one engine (startTestEngine) on that database then gives
// the library's table (library:query), detail (library:track-detail) and export (JSON and CSV). The
// same engine answers media:probe and model:ask for every input: `studio probe --json` and `studio
// ask --json` print exactly those results (main/cli/studio.ts); the CLI itself is run for items 1, 3,
// 5, 7, 8 (probe) and 1, 3, 5, 7–12 (ask) and compared with them. `studio ask` uses the tiny test pack (tools/convert/make_tiny.py),
// --max-new-tokens 1 --greedy: the answer is noise, `inputs` (what the model was given) is the point.
//
// Matrix: input × surface → test (prefix of its name), or n/a and why.
// | input                        | probe --json        | analyze --json     | library table/detail/export     | studio ask --json                 |
// |------------------------------|---------------------|--------------------|---------------------------------|-----------------------------------|
// | 1 VBR MP3, no Xing, 42 s     | 1 probe             | 1 analyze          | 1 library                       | 1+7+8 ask (CLI): seconds ≈ 42.0   |
// | 2 AIFF / AIFF-C UTF-8 tags   | 2 probe             | 2 analyze          | 2 library                       | 2 ask (engine): container, no err |
// | 3 lying extensions (×4)      | 3 probe             | 3 analyze          | 3 library                       | 3 ask (CLI for M4A-as-.mp3)       |
// | 4 FLAC + 12 MB cover         | 4 probe             | 4 analyze          | 4 library                       | 4 ask (engine): 20 s of audio     |
// | 5 4.1 / 7.0 / octagonal WAV  | 5 probe             | 5 analyze          | 5 library                       | 5 ask (CLI for octagonal): chans  |
// | 6 .wv .m4b .aifc .mka .w64   | 6 probe             | 6 analyze          | 6 library                       | 6 ask (engine): each decodes      |
// |   .mp2 in a folder           |                     |                    |                                 |                                   |
// | 7 rotated phone clip (90°)   | 7 probe             | n/a: a silent clip — the item is about frames, analyze is audio (the filmstrip: media-rotation.test) | same n/a | 1+7+8 ask (CLI): stored 320×180 |
// | 8 animated WebP cover        | 8 probe (size and frames) | n/a: an image, no audio to analyse | n/a: the library lists audio/video | 1+7+8 ask (CLI): first frame size as Pillow |
// | 9 5.1 and 5.0 renders        | 9 probe             | 9 analyze          | 9 library                       | 9 ask --features (CLI): Loudness  |
// | 10 220 Hz line-up tone       | n/a: probe states no tempo/key | 10–12 analyze | 10–12 library              | 10–12 ask --features (CLI)        |
// | 11 pad drone                 | n/a (as 10)         | 10–12 analyze      | 10–12 library                   | 10–12 ask --features (CLI)        |
// | 12 drum groove / twelve-tone | n/a (as 10)         | 10–12 analyze      | 10–12 library                   | 10–12 ask --features (CLI)        |
// Needs `npm run build` (bin/studio.js, out/engine), ffmpeg/ffprobe, fluidsynth (items 12) and /usr/bin/python3 with Pillow (item 8).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MIN_CONFIDENCE, type LibraryTrack, type ProbeResult, type TrackDetail } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';
import { mapLimited } from '../../main/engine/fs/list-dir';
import { parseCsv } from '../helpers/csv';
import * as ref from '../helpers/issue10-inputs';
import {
  animatedWebp, buildKind1, drumGroove, item6Files, ITEM5_LAYOUTS, layoutWav, lineupTone, padDrone,
  probeTags, rotatedClip, surround50, surround51, TITLE, twelveTone,
} from '../helpers/issue10-inputs';
import { decodedFrames, OUTPUT, ROOT } from '../helpers/media';

/** each reference reading once per file (several tests compare with the same decode) */
function once<T>(f: (p: string) => T): (p: string) => T {
  const seen = new Map<string, T>();
  return (p) => (seen.has(p) ? seen.get(p)! : (seen.set(p, f(p)), seen.get(p)!));
}
const ffprobe = once(ref.ffprobe);
const decodedTimeSec = once(ref.decodedTimeSec);
const packetKbps = once(ref.packetKbps);
const ffmpegEbur128 = once(ref.ffmpegEbur128);
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

const DIR = join(OUTPUT, 'issue10-done');
const LIB = join(DIR, 'library');
const BIN = join(ROOT, 'bin', 'studio.js');
const PACK = join(TINY_DIR, 'packs', 'beta-fp32');
const ASK_DATA = join(DIR, 'ask-data');
const DATA = join(DIR, 'data');
const DB = join(DATA, 'library.sqlite');
const HAVE_TOOLS = spawnSync('ffprobe', ['-version']).status === 0 && spawnSync('fluidsynth', ['--version']).status === 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
interface AskMedia { kind: string; path: string; container?: string; seconds?: number; sampleRate?: number; channels?: number; clips?: number; width?: number; height?: number; frames?: number; videoFrames?: number; cached: boolean; tokens: number }
interface AskOut { answer: string; inputs: { input: string; inputText: string; media: AskMedia[] }; error?: { code: string; message: string } }

/** Run bin/studio.js (async: several at once); stdout, stderr, exit status. */
function cli(args: string[], timeoutMs = 240_000, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}
/** `studio ask --json` with the tiny pack, one token, greedy, on the CPU */
async function askCli(args: string[]): Promise<AskOut> {
  const r = await cli(['ask', '--pack', PACK, '--json', '--max-new-tokens', '1', '--greedy', '--provider', 'cpu', '--data-dir', ASK_DATA, ...args, 'What is this?']);
  assert.equal(r.code, 0, `studio ask ${args.join(' ')}: ${r.out}\n${r.err}`);
  return JSON.parse(r.out) as AskOut;
}
const near = (a: number | null | undefined, b: number, tol: number, what: string) => assert.ok(a != null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (±${tol})`);
/** seconds a full decode at the file's own rate gives (its samples over ffprobe's sample rate) */
const decodedAtRate = once((p: string) => decodedFrames(p) / Number((ffprobe(p).streams.find((s) => s.codec_type === 'audio') as Json).sample_rate));

describe('issue 10 done: every numbered input on every surface', { skip: HAVE_TOOLS ? false : 'ffprobe and fluidsynth are needed' }, () => {
  let engine: EngineHost;
  // the library's files (every audio input, copied into one folder)
  const L: Record<string, string> = {};
  let k1: ReturnType<typeof buildKind1>;
  let coverless = '';
  const rows = new Map<string, LibraryTrack>();
  const details = new Map<string, TrackDetail>();
  const exportJson = new Map<string, Json>();
  const exportCsv = new Map<string, Record<string, string>>();
  const analyzed = new Map<string, Json>();
  let analyzeErr = '';
  const probes = new Map<string, ProbeResult>();
  const probeCli = new Map<string, Json>();
  const asked = new Map<string, AskOut>();
  const askedCli = new Map<string, AskOut>();
  let rotated = '';
  let webp = '';

  before(async () => {
    const t0 = Date.now();
    ensureTinyPacks();
    rmSync(DIR, { recursive: true, force: true });
    k1 = buildKind1(join(DIR, 'k1'));
    coverless = k1.F.coverless;
    mkdirSync(LIB, { recursive: true });
    mkdirSync(DATA, { recursive: true });
    const put = (key: string, src: string, name = basename(src)) => {
      L[key] = join(LIB, name);
      copyFileSync(src, L[key]);
    };
    const { F } = k1;
    for (const [k, p] of Object.entries(F)) if (k !== 'coverless') put(k, p);
    for (const [layout, ch] of ITEM5_LAYOUTS) put(`layout-${layout}`, layoutWav(layout, ch, 3));
    item6Files(LIB, 'item6-').forEach((p) => (L[basename(p).slice('item6-'.length)] = p));
    put('5.1', surround51());
    put('5.0', surround50());
    put('tone', lineupTone());
    put('pad', padDrone());
    put('drums', drumGroove());
    put('twelve', twelveTone());
    rotated = rotatedClip();
    webp = animatedWebp();
    const built = Date.now();

    // the one scan: `studio analyze --json --db`, the engine's library scan into a library database as the app
    // writes it (no waveform: nothing here draws it); the CLI's other runs at the same time
    const cliRuns: (() => Promise<void>)[] = [
      async () => {
        const r = await cli(['analyze', LIB, '--json', '--db', DB], 400_000, { STUDIO_LIBRARY_WAVEFORM: '0' });
        analyzeErr = r.err;
        assert.equal(r.code, 0, r.err);
        for (const l of r.out.trim().split('\n')) {
          const o = JSON.parse(l) as Json;
          analyzed.set(o.path as string, o);
        }
      },
      // one CLI probe per item (the engine's media:probe gives the rest; the two are compared)
      ...[L.vbr, L.m4aAsMp3, L['layout-octagonal'], rotated, webp].map((p) => async () => {
        const r = await cli(['probe', p, '--json']);
        assert.equal(r.code, 0, `${p}: ${r.out}${r.err}`);
        probeCli.set(p, JSON.parse(r.out) as Json);
      }),
      async () => void askedCli.set('1+7+8', await askCli(['--audio', L.vbr, '--image', webp, '--video', rotated])),
      async () => void askedCli.set('m4aAsMp3', await askCli(['--audio', L.m4aAsMp3])),
      async () => void askedCli.set('layout-octagonal', await askCli(['--audio', L['layout-octagonal']])),
      ...['5.1', '5.0', 'tone', 'pad', 'drums', 'twelve'].map((k) => async () => void askedCli.set(k, await askCli(['--audio', L[k], '--features']))),
    ];
    await mapLimited(cliRuns, 3, (run) => run()); // at most 3 at once (the machine is shared)
    const scanned = Date.now();
    // the library of that scan: table, detail, export (the same engine answers probe and ask below)
    ({ engine } = await startTestEngine({ dataDir: DATA, env: { STUDIO_DB_FILE: DB, STUDIO_LIBRARY_BACKGROUND: '0' } }));

    const page = await engine.call('library:query', { offset: 0, limit: 200 });
    for (const r of page.rows) rows.set(r.path, r);
    for (const r of page.rows) if (r.status === 'analysed') details.set(r.path, await engine.call('library:track-detail', { trackId: r.id }));
    for (const r of JSON.parse((await engine.call('library:export', { format: 'json' })).content) as Json[]) exportJson.set(r.path as string, r);
    const [head, ...recs] = parseCsv((await engine.call('library:export', { format: 'csv' })).content.replace(/^\ufeff/, ''));
    for (const rec of recs) exportCsv.set(rec[head.indexOf('path')], Object.fromEntries(head.map((h, i) => [h, rec[i]])));
    for (const p of [...Object.values(L), rotated, webp]) probes.set(p, await engine.call('media:probe', { path: p }));
    // model:ask in the engine for the inputs whose CLI run is not needed (studio ask --json prints this result's inputs)
    for (const k of ['aiff', 'aifc', 'm4aAsMp3', 'flacAsM4a', 'mp3AsFlac', 'wavAsMp3', 'cover', 'layout-4.1', 'layout-7.0', 'layout-octagonal', 'k.wv', 'k.m4b', 'k.aifc', 'k.mka', 'k.w64', 'k.mp2']) {
      const r = await engine.call('model:ask', { packPath: PACK, provider: 'cpu', instruction: 'What is this?', audio: { path: L[k] }, options: { greedy: true, maxNewTokens: 1 } });
      asked.set(k, JSON.parse(JSON.stringify(r)) as AskOut);
    }
    writeFileSync(join(DIR, 'timings.txt'), `build ${built - t0} ms, scan+CLI ${scanned - built} ms, engine calls ${Date.now() - scanned} ms\n`);
  });
  after(async () => engine?.stop());

  /** every library surface's row of `p`: the table row, the detail's track, the JSON export's, the CSV export's (text) */
  const lib = (p: string) => {
    const row = rows.get(p);
    assert.ok(row, `${basename(p)} is in the table: ${[...rows.keys()].map((k) => basename(k)).join(', ')}`);
    assert.equal(row.status, 'analysed', `${basename(p)}: ${row.error}`);
    const d = details.get(p)!;
    const j = exportJson.get(p)!;
    const c = exportCsv.get(p)!;
    assert.ok(d && j && c, `${basename(p)}: detail ${!!d}, export JSON ${!!j}, CSV ${!!c}`);
    return { row, d, j, c };
  };
  /** a number on every library surface (table, detail, JSON export, CSV export) within `tol` of `ref` */
  const libNumber = (p: string, field: keyof LibraryTrack, ref: number, tol: number) => {
    const { row, d, j, c } = lib(p);
    for (const [where, v] of [['table', row[field]], ['detail', d.track[field]], ['export JSON', j[field]], ['export CSV', Number(c[field])]] as const) near(v as number, ref, tol, `${basename(p)} ${field} in the ${where}`);
  };
  const probeSame = (p: string) => {
    // `studio probe --json` prints media:probe's result (the CLI's own run: the same values)
    const c = probeCli.get(p);
    if (c) assert.deepEqual(c, JSON.parse(JSON.stringify(probes.get(p))), `${basename(p)}: studio probe --json = media:probe`);
    return probes.get(p)!;
  };

  test('1 probe: the VBR MP3 without a Xing header is 42.0 s (what decodes) at its average bitrate, with the warning', () => {
    const p = probeSame(L.vbr);
    const dec = decodedTimeSec(L.vbr);
    near(dec, 42.03, 0.1, 'the input decodes');
    near(p.durationSec, dec, 0.05, 'probe duration');
    near(p.bitrateKbps, packetKbps(L.vbr), 0.03 * packetKbps(L.vbr), 'probe bitrate');
    assert.ok(p.warnings.some((w) => /is what decodes/.test(w)), p.warnings.join('\n'));
  });
  test('1 analyze, 1 library: the decoded duration and the average bitrate on every surface', () => {
    const dec = decodedTimeSec(L.vbr);
    const kbps = packetKbps(L.vbr);
    near(analyzed.get(L.vbr)!.durationSec, dec, 0.05, 'analyze durationSec');
    near(analyzed.get(L.vbr)!.bitrateKbps, kbps, 0.03 * kbps, 'analyze bitrateKbps');
    libNumber(L.vbr, 'durationSec', dec, 0.05);
    libNumber(L.vbr, 'bitrateKbps', kbps, 0.03 * kbps);
    const { d, j, c } = lib(L.vbr);
    for (const w of [d.warnings.join('\n'), (j.warnings as string[]).join('\n'), c.warnings]) assert.match(w, /is what decodes/);
  });
  test('1+7+8 ask (CLI): 42.0 s of the VBR MP3; the rotated clip as stored (decord); the animated WebP\'s first frame as Pillow sizes it', () => {
    const a = askedCli.get('1+7+8')!;
    assert.deepEqual(a.inputs.media.map((m) => m.kind), ['audio', 'image', 'video']);
    const [au, im, vi] = a.inputs.media;
    assert.equal(au.path, L.vbr);
    near(au.seconds, decodedAtRate(L.vbr), 0.005, 'ask seconds = a full decode at the file\'s rate');
    near(au.seconds, 42.0, 0.1, 'ask seconds');
    assert.equal(au.sampleRate, 44100);
    assert.equal(au.channels, 2);
    assert.equal(au.clips, 3);
    assert.equal(au.container, probes.get(L.vbr)!.container);
    // 7: the stored size, as ffprobe lists the stream (decord ignores the display matrix), not the upright 180×320
    const st = ffprobe(rotated).streams.find((s) => s.codec_type === 'video')!;
    assert.deepEqual([vi.width, vi.height], [st.width, st.height]);
    assert.deepEqual([vi.width, vi.height], [320, 180]);
    assert.equal(vi.frames, 10);
    const counted = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'json', rotated], { encoding: 'utf8' })) as { streams: { nb_read_frames: string }[] };
    assert.equal(vi.videoFrames, Number(counted.streams[0].nb_read_frames));
    assert.equal(vi.container, probes.get(rotated)!.container);
    // 8: Pillow's size of the animated WebP (its canvas), no NOT_MEDIA
    const pil = execFileSync('/usr/bin/python3', ['-c', 'import sys; from PIL import Image; im = Image.open(sys.argv[1]); print(im.size[0], im.size[1], getattr(im, "n_frames", 1))', webp], { encoding: 'utf8' }).trim().split(' ').map(Number);
    assert.ok(pil[2] > 1, 'the WebP is animated');
    assert.deepEqual([im.width, im.height], pil.slice(0, 2));
    assert.equal(im.container, probes.get(webp)!.container);
    assert.match(a.inputs.inputText, /^<Audio: vbr-no-xing\.mp3><Image: anim\.webp><Video: rot-90\.mp4>$/);
  });

  test('2 probe, analyze, library: the exact UTF-8 title of the AIFF and the AIFF-C', () => {
    for (const p of [L.aiff, L.aifc]) {
      assert.equal(probeTags(p).title, TITLE);
      assert.equal(probeSame(p).tags.title, TITLE, basename(p));
      assert.equal(analyzed.get(p)!.title, TITLE, basename(p));
      const { row, d, j, c } = lib(p);
      assert.deepEqual([row.title, d.track.title, j.title, c.title], [TITLE, TITLE, TITLE, TITLE], basename(p));
    }
  });
  test('2 ask (engine): both given to the model, all their channels, the container named as probe names it', () => {
    for (const k of ['aiff', 'aifc']) {
      const m = asked.get(k)!.inputs.media[0];
      assert.equal(m.container, probes.get(L[k])!.container, k);
      assert.equal(m.channels, ffprobe(L[k]).streams[0].channels, k);
      near(m.seconds, decodedAtRate(L[k]), 0.005, `${k} seconds`);
    }
  });

  test('3 probe, analyze, library: the tags as ffprobe reads them, the real container named', () => {
    for (const [src, real] of k1.LYING) {
      const p = join(LIB, basename(src));
      const t = probeTags(p);
      const pr = probeSame(p);
      assert.match(ffprobe(p).format.format_name, real);
      assert.ok(ffprobe(p).format.format_name.split(',').includes(pr.container), `${pr.container}`);
      assert.deepEqual([pr.tags.title, pr.tags.artist, pr.tags.album], [t.title, t.artist, t.album], basename(p));
      assert.deepEqual([analyzed.get(p)!.title, analyzed.get(p)!.artist], [t.title, t.artist], basename(p));
      const { row, d, j, c } = lib(p);
      assert.deepEqual([row.title, d.track.title, j.title, c.title], [t.title, t.title, t.title, t.title], basename(p));
      assert.ok(d.warnings.some((w) => /as its extension says/.test(w)), d.warnings.join('\n'));
    }
  });
  test('3 ask: each decoded by what it is (not its extension), the container as probe names it; the CLI for the M4A named .mp3', () => {
    const cliM4a = askedCli.get('m4aAsMp3')!.inputs.media[0];
    assert.equal(cliM4a.container, 'm4a');
    for (const [src] of k1.LYING) {
      const p = join(LIB, basename(src));
      const k = Object.keys(L).find((x) => L[x] === p)!;
      const m = asked.get(k)!.inputs.media[0];
      assert.equal(m.container, probes.get(p)!.container, basename(p));
      assert.ok(!m.container!.includes(','), m.container);
      near(m.seconds, decodedAtRate(p), 0.005, `${basename(p)} seconds`);
    }
    assert.deepEqual({ ...asked.get('m4aAsMp3')!.inputs.media[0], cached: cliM4a.cached }, { ...cliM4a, source: basename(L.m4aAsMp3) });
  });

  test('4 probe, analyze, library: the audio\'s bitrate (as without the cover), not the file\'s', () => {
    const audioOnly = Number(ffprobe(coverless).format.bit_rate) / 1000;
    assert.ok(Number(ffprobe(L.cover).format.bit_rate) / 1000 > 5000);
    near(probeSame(L.cover).bitrateKbps, audioOnly, 0.01 * audioOnly, 'probe');
    near(analyzed.get(L.cover)!.bitrateKbps, audioOnly, 0.01 * audioOnly, 'analyze');
    libNumber(L.cover, 'bitrateKbps', audioOnly, 0.01 * audioOnly);
  });
  test('4 ask (engine): the 20 s of audio, not the cover', () => {
    const m = asked.get('cover')!.inputs.media[0];
    assert.equal(m.kind, 'audio');
    near(m.seconds, decodedAtRate(L.cover), 0.005, 'seconds');
    near(m.seconds, 20, 0.01, 'seconds');
    assert.equal(m.container, 'flac');
  });

  test('5 probe, analyze, library: the channel count of 4.1, 7.0 and octagonal (asked of ffmpeg)', () => {
    for (const [layout, ch] of ITEM5_LAYOUTS) {
      const p = L[`layout-${layout}`];
      assert.equal(ffprobe(p).streams[0].channels, ch);
      assert.equal(probeSame(p).audio?.channels, ch, layout);
      assert.equal(analyzed.get(p)!.channels, ch, layout);
      assert.equal(analyzed.get(p)!.error, null, layout);
      libNumber(p, 'channels', ch, 0);
    }
  });
  test('5 ask: every channel given to the model, no DECODE_FAILED (the CLI for octagonal)', () => {
    assert.equal(askedCli.get('layout-octagonal')!.inputs.media[0].channels, 8);
    for (const [layout, ch] of ITEM5_LAYOUTS) {
      const m = asked.get(`layout-${layout}`)!.inputs.media[0];
      assert.equal(m.channels, ch, layout);
      near(m.seconds, 3, 0.001, `${layout} seconds`);
    }
  });

  test('6 probe, analyze, library: every one of .wv .m4b .aifc .mka .w64 .mp2 in the folder is analysed, none skipped', () => {
    assert.doesNotMatch(analyzeErr, /skipped/);
    for (const name of ['k.wv', 'k.m4b', 'k.aifc', 'k.mka', 'k.w64', 'k.mp2']) {
      const p = L[name];
      const pr = probeSame(p);
      assert.ok(ffprobe(p).format.format_name.split(',').includes(pr.container), `${name}: ${pr.container}`);
      near(pr.durationSec, decodedTimeSec(p), 0.05, `${name} probe`);
      assert.equal(analyzed.get(p)?.error, null, name);
      near(analyzed.get(p)!.durationSec, decodedTimeSec(p), 0.05, `${name} analyze`);
      libNumber(p, 'durationSec', decodedTimeSec(p), 0.05);
    }
  });
  test('6 ask (engine): each format decodes for the model, container as probe names it', () => {
    for (const name of ['k.wv', 'k.m4b', 'k.aifc', 'k.mka', 'k.w64', 'k.mp2']) {
      const m = asked.get(name)!.inputs.media[0];
      assert.equal(m.container, probes.get(L[name])!.container, name);
      near(m.seconds, decodedAtRate(L[name]), 0.005, `${name} seconds`);
    }
  });

  test('7 probe: the display-matrix rotation and the stored size', () => {
    const p = probeSame(rotated);
    assert.equal(Math.abs(p.video!.rotation!), 90);
    assert.deepEqual([p.video!.width, p.video!.height], [320, 180]);
  });

  test('8 probe: an animated WebP is read (no error), named as ask names it', () => {
    const p = probeSame(webp);
    assert.equal(p.container, 'webp_pipe');
  });
  // ffmpeg's WebP decoder reads no animation and states no size: the probe reads the canvas and frames from the chunks
  test('8 probe: the animated WebP\'s size, as Pillow reads it, and its frames named in a warning', () => {
    const p = probeSame(webp);
    assert.deepEqual([p.video?.width, p.video?.height], [96, 64]);
    assert.ok(p.warnings.some((w) => /animated WebP \(5 frames on a 96×64 canvas\).*first frame/.test(w)), p.warnings.join('\n'));
  });

  test('9 probe, analyze, library: BS.1770 over the original channels, within 0.1 LU of ffmpeg\'s ebur128 (and the true peak)', () => {
    for (const [k, ch] of [['5.1', 6], ['5.0', 5]] as const) {
      const p = L[k];
      const ref = ffmpegEbur128(p);
      assert.equal(probeSame(p).audio?.channels, ch);
      // ffmpeg prints one decimal: its rounding (0.05) on top of the 0.1 LU
      near(analyzed.get(p)!.lufs, ref.I, 0.15, `${k} analyze lufs`);
      near(analyzed.get(p)!.truePeak, ref.TP, 0.25, `${k} analyze truePeak`);
      libNumber(p, 'lufs', ref.I, 0.15);
      libNumber(p, 'truePeak', ref.TP, 0.25);
    }
  });
  test('9 ask --features (CLI): the Loudness the model reads is ebur128\'s; every channel given', () => {
    for (const [k, ch] of [['5.1', 6], ['5.0', 5]] as const) {
      const a = askedCli.get(k)!;
      const lufs = Number(/Loudness: (-?[\d.]+) LUFS\./.exec(a.inputs.input)?.[1]);
      near(lufs, ffmpegEbur128(L[k]).I, 0.15, `${k} features Loudness`);
      assert.equal(a.inputs.input, `${analyzed.get(L[k])!.features} <Audio>`);
      assert.equal(a.inputs.media[0].channels, ch);
    }
  });

  test('10–12 analyze, library: no tempo for the tone and the drone; no key or chords for the drums and the twelve-tone piece', () => {
    const unsure = (v: number | null | undefined, conf: number | null | undefined) => v == null || (conf ?? 0) < MIN_CONFIDENCE;
    for (const k of ['tone', 'pad', 'drums', 'twelve']) {
      const p = L[k];
      const a = analyzed.get(p)!;
      const { row, d, j, c } = lib(p);
      const tempo = k === 'tone' || k === 'pad';
      for (const [where, t] of [['analyze', a], ['table', row], ['detail', d.track], ['export JSON', j]] as const) {
        const tt = t as Json;
        if (tempo) assert.ok(unsure(tt.bpm, tt.bpmConfidence), `${k} ${where}: ${tt.bpm} BPM at ${tt.bpmConfidence}`);
        else assert.ok(unsure(tt.key as never, tt.keyConfidence), `${k} ${where}: ${tt.key} at ${tt.keyConfidence}`);
        assert.doesNotMatch(tt.features ?? '', tempo ? /Tempo/ : /Key|Chords/, `${k} ${where}`);
      }
      if (k === 'tone') assert.equal(row.bpm, null, 'the steady tone has no tempo at all');
      assert.equal(c.features, row.features ?? '');
      // the drum groove keeps its tempo (the features line is not just empty)
      if (k === 'drums') assert.match(row.features ?? '', /^Tempo: (99|100|101) BPM\./);
    }
  });
  test('10–12 ask --features (CLI): the features line analyze prints is the model\'s input text, without the uncertain parts', () => {
    for (const k of ['tone', 'pad', 'drums', 'twelve']) {
      const a = askedCli.get(k)!;
      const features = analyzed.get(L[k])!.features as string;
      assert.ok(features.length > 0, `${k}: a features line (at least the loudness)`);
      assert.equal(a.inputs.input, `${features} <Audio>`, k);
      assert.equal(a.inputs.inputText, `${features} <Audio: ${basename(L[k])}>`, k);
      assert.doesNotMatch(a.inputs.input, k === 'tone' || k === 'pad' ? /Tempo:/ : /Key:|Chords:/, k);
      assert.match(a.inputs.input, /Loudness: -?[\d.]+ LUFS\./, k);
    }
  });

  test('ask --features with --input is a wrong command line; a file that cannot be analysed is a clear error', async () => {
    const both = await cli(['ask', '--pack', PACK, '--audio', L.tone, '--features', '--input', 'x <Audio>', '--json', 'q']);
    assert.equal(both.code, 2);
    assert.equal((JSON.parse(both.out) as Json).error.code, 'BAD_ARGS');
    const junk = join(DIR, 'not-audio.mp3');
    writeFileSync(junk, 'this is not audio at all\n'.repeat(50));
    const r = await cli(['ask', '--pack', PACK, '--audio', junk, '--features', '--json', '--data-dir', ASK_DATA, 'q']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match((JSON.parse(r.out) as Json).error.message, /--features: "not-audio\.mp3" could not be analysed for its features line \(.+\)/);
    assert.ok(readFileSync(junk).length > 0);
  });
});

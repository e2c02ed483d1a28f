// The library engine through the real engine process: scan (good and bad
// files, odd paths), one decode per file (counted through an ffmpeg wrapper),
// incremental rescan that only stats, SIGKILL mid-scan and resume, watching,
// queries, track detail, export, and `studio analyze`. Needs `npm run build`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { MIN_CONFIDENCE, type LibraryTrack, type ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { OUTPUT, ROOT, media, toneFile } from '../helpers/media';
import { startTestEngine, until } from '../helpers/engine';
import { item6Files, ITEM6_KINDS } from '../helpers/issue10-inputs';

const LIB = join(OUTPUT, 'library-test');
const FF_LOG = join(LIB, 'ffmpeg.log');
const WRAPPER = join(LIB, 'ffmpeg-counting.sh');
const IS_ROOT = process.getuid?.() === 0;

/** decodes so far (ffmpeg runs other than the `-version` / `-layouts` queries), per input path */
function decodes(): string[] {
  return existsSync(FF_LOG) ? readFileSync(FF_LOG, 'utf8').split('\n').filter(Boolean) : [];
}

function setupWrapper(): void {
  mkdirSync(LIB, { recursive: true });
  // a log left by an earlier run in the same test/output would count its decodes as this run's
  rmSync(FF_LOG, { force: true });
  writeFileSync(WRAPPER, `#!/bin/sh\ncase "$*" in *-version*|*-layouts*) ;; *) echo "$*" >> '${FF_LOG}';; esac\nexec ffmpeg "$@"\n`);
  chmodSync(WRAPPER, 0o755);
}

function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Start a scan and wait until the library is at rest (the scan and any watcher job it caused ended): the engine's library:idle. */
async function scanToEnd(engine: EngineHost, args: { folderId?: string } = {}): Promise<ScanState> {
  await engine.call('library:scan', args);
  return engine.call('library:idle', {});
}

async function allRows(engine: EngineHost): Promise<LibraryTrack[]> {
  return (await engine.call('library:query', { offset: 0, limit: 2000 })).rows;
}

const tone = (name: string, sec: number, f: number) =>
  media(name, ['-f', 'lavfi', '-i', `sine=f=${f}:d=${sec}:beep_factor=4`, '-metadata', `title=T${f}`, '-metadata', 'artist=Library Tests']);

describe('library: scan, rescan, bad input, query, export', () => {
  const tree = join(LIB, 'tree');
  let engine: EngineHost;
  let dataDir: string;
  let folderId: string;
  const events: { name: string; payload: unknown }[] = [];
  const longName = 'ü'.repeat(60) + 'x'.repeat(120) + '.flac'; // 240 + 5 bytes
  const deep = join(tree, ...Array.from({ length: 20 }, (_, i) => `level-${i}-ümlaut`));

  before(async () => {
    setupWrapper();
    rmSync(tree, { recursive: true, force: true });
    mkdirSync(join(tree, 'sub'), { recursive: true });
    mkdirSync(deep, { recursive: true });
    mkdirSync(join(tree, 'locked'), { recursive: true });
    copyFileSync(tone('lib-a.mp3', 3, 440), join(tree, 'a.mp3'));
    copyFileSync(tone('lib-b.flac', 3, 330), join(tree, 'sub', 'b.flac'));
    copyFileSync(toneFile('lib-c.wav', 3), join(tree, 'sub', 'Été — 夜.wav'));
    copyFileSync(tone('lib-d.ogg', 3, 550), join(tree, 'd.ogg'));
    copyFileSync(tone('lib-b.flac', 3, 330), join(deep, longName));
    copyFileSync(tone('lib-a.mp3', 3, 440), join(tree, 'locked', 'hidden.mp3'));
    // bad files
    writeFileSync(join(tree, 'text.mp3'), 'this is not audio\n'.repeat(100));
    writeFileSync(join(tree, 'empty.wav'), '');
    const wav = readFileSync(toneFile('lib-c.wav', 3));
    void wav;
    const flac = readFileSync(tone('lib-b.flac', 3, 330));
    writeFileSync(join(tree, 'truncated.flac'), flac.subarray(0, Math.floor(flac.length / 4)));
    const corrupt = Buffer.from(readFileSync(tone('lib-b.flac', 3, 330)));
    for (let i = 200; i < corrupt.length; i++) corrupt[i] = (i * 7919) & 255;
    writeFileSync(join(tree, 'corrupt.flac'), corrupt);
    copyFileSync(tone('lib-d.ogg', 3, 550), join(tree, 'unreadable.ogg'));
    writeFileSync(join(tree, 'notes.txt'), 'not media'); // not a media extension: ignored
    symlinkSync('..', join(tree, 'sub', 'loop')); // symlink loop
    const env: Record<string, string> = { STUDIO_FFMPEG: WRAPPER, STUDIO_ANALYSIS_WORKERS: '2' };
    if (IS_ROOT) env.STUDIO_TEST_DENY = `${join(tree, 'locked')}:${join(tree, 'unreadable.ogg')}`;
    else {
      chmodSync(join(tree, 'locked'), 0);
      chmodSync(join(tree, 'unreadable.ogg'), 0);
    }
    ({ engine, dataDir } = await startTestEngine({ env }));
    engine.onEvent((name, payload) => void events.push({ name, payload }));
  });
  after(async () => {
    await engine?.stop();
    if (!IS_ROOT) {
      chmodSync(join(tree, 'locked'), 0o755);
      chmodSync(join(tree, 'unreadable.ogg'), 0o644);
    }
  });

  test('a folder scan analyses every media file once, lists failures with reasons, reports loops and unreadable folders', async () => {
    if (IS_ROOT) console.log('# running as root: chmod 000 does not stop root, so unreadable file/folder are simulated with STUDIO_TEST_DENY');
    const before = decodes().length;
    const folder = await engine.call('library:add-folder', { path: tree });
    folderId = folder.id;
    const end = await until('first scan end', async () => {
      const st = await engine.call('library:scan-state', {});
      return st.state === 'finished' ? st : undefined;
    });
    const rows = await allRows(engine);
    const by = (n: string) => rows.find((r) => r.fileName === n)!;
    const good = ['a.mp3', 'b.flac', 'Été — 夜.wav', 'd.ogg', longName];
    for (const n of good) {
      assert.equal(by(n)?.status, 'analysed', `${n}: ${by(n)?.error}`);
      assert.ok(by(n).durationSec! > 2.5 && by(n).lufs !== null && by(n).features, n);
    }
    assert.equal(by('a.mp3').title, 'T440');
    assert.equal(by('a.mp3').artist, 'Library Tests');
    assert.ok(by(longName).path.startsWith(deep));
    // a file cut short keeps what decodes, with a warning (one rule with the probe and the track view, issue 10 round 5)
    assert.equal(by('truncated.flac')?.status, 'analysed', by('truncated.flac')?.error ?? '');
    assert.ok(by('truncated.flac').warnings.some((w) => /truncated/.test(w)), by('truncated.flac').warnings.join('\n'));
    for (const n of ['text.mp3', 'empty.wav', 'corrupt.flac', 'unreadable.ogg']) {
      assert.equal(by(n)?.status, 'failed', n);
      assert.ok(by(n).error && by(n).error!.length > 10, `${n} has a reason`);
    }
    assert.match(by('empty.wav').error!, /empty/);
    assert.match(by('unreadable.ogg').error!, /permission denied/);
    assert.equal(rows.length, 10, 'hidden.mp3 in the unreadable folder is not listed, notes.txt ignored');
    assert.equal(end.total, 10);
    assert.equal(end.done, 6);
    assert.equal(end.failed, 4);
    assert.ok(end.problems.some((p) => /loop/i.test(p.message)), JSON.stringify(end.problems));
    assert.ok(end.problems.some((p) => p.path === join(tree, 'locked') && /permission denied/.test(p.message)));
    // one decode per file that reached ffmpeg (the empty and the denied file fail before it)
    const spawned = decodes().slice(before);
    assert.equal(spawned.length, 8, spawned.join('\n'));
    assert.ok(events.some((e) => e.name === 'library:scan-state'));
    // each state stamped in the order the engine made it, through the engine's process boundary (ScanState.seq)
    const states = events.filter((e) => e.name === 'library:scan-state').map((e) => e.payload as ScanState);
    assert.ok(states.every((s) => s.engineRun === end.engineRun && s.engineRun.length > 0), 'one engineRun');
    assert.ok(states.every((s, i) => i === 0 || s.seq > states[i - 1].seq), states.map((s) => s.seq).join(' '));
    assert.ok(events.some((e) => e.name === 'library:changed'));
    const [f] = await engine.call('library:list-folders', {});
    assert.equal(f.trackCount, 10);
    assert.equal(f.watching, true);
  });

  test('a scanned track opens with its waveform from the scan (no second decode)', async () => {
    const before = decodes().length;
    const t = await engine.call('media:open', { path: join(tree, 'a.mp3') });
    const row = (await allRows(engine)).find((r) => r.fileName === 'a.mp3')!;
    assert.equal(t.id, row.id, 'the library row and the opened track share the id');
    const peaks = await engine.call('media:peaks', { trackId: t.id });
    const spec = await engine.call('media:spectrogram', { trackId: t.id });
    assert.ok(Math.abs(peaks.durationSec - 3) < 0.1 && spec.columns > 10);
    assert.deepEqual(decodes().slice(before).filter((l) => l.includes('f32le')), [], 'no decode on open');
  });

  test('re-scan of the unchanged library only stats: no ffmpeg, analysedAt unchanged', async () => {
    const rowsBefore = await allRows(engine);
    const n = decodes().length;
    const end = await scanToEnd(engine);
    assert.equal(end.state, 'finished');
    assert.equal(end.total, 10);
    // the failed rows that remain are counted as failed, not as done ("10 / 10 · 4 failed")
    assert.equal(end.failed, 4);
    assert.equal(end.done + end.failed, end.total);
    assert.equal(decodes().length, n, 'no ffmpeg run');
    const rowsAfter = await allRows(engine);
    // (a file that failed as unreadable is tried again — permissions change without touching mtime — but it is not decoded)
    for (const r of rowsBefore.filter((x) => !/permission denied/.test(x.error ?? ''))) assert.equal(rowsAfter.find((x) => x.id === r.id)?.analysedAt, r.analysedAt, r.fileName);
  });

  test('a changed file is analysed again, a deleted one removed', async () => {
    const n = decodes().length;
    copyFileSync(tone('lib-d2.ogg', 4, 660), join(tree, 'd.ogg'));
    unlinkSync(join(tree, 'sub', 'b.flac'));
    await scanToEnd(engine);
    const rows = await allRows(engine);
    assert.equal(rows.length, 9);
    assert.equal(rows.find((r) => r.fileName === 'b.flac'), undefined);
    assert.ok(Math.abs(rows.find((r) => r.fileName === 'd.ogg')!.durationSec! - 4) < 0.1);
    assert.equal(decodes().length - n, 1);
  });

  test('query: sort, filter (text, BPM, LUFS, key in every notation), paging; detail; export CSV/JSON', async () => {
    const all = await engine.call('library:query', { offset: 0, limit: 100, sort: { column: 'lufs', dir: 'asc' } });
    assert.equal(all.total, 9);
    const lufs = all.rows.map((r) => r.lufs).filter((x) => x !== null) as number[];
    assert.deepEqual(lufs, [...lufs].sort((a, b) => a - b));
    assert.equal(all.rows[all.rows.length - 1].lufs, null, 'NULLs last');
    const page = await engine.call('library:query', { offset: 2, limit: 3, sort: { column: 'fileName', dir: 'desc' } });
    assert.equal(page.rows.length, 3);
    assert.equal(page.total, 9);
    const names = (await engine.call('library:query', { offset: 0, limit: 100, sort: { column: 'fileName', dir: 'desc' } })).rows.map((r) => r.fileName);
    assert.deepEqual(page.rows.map((r) => r.fileName), names.slice(2, 5));
    assert.equal((await engine.call('library:query', { offset: 0, limit: 100, filter: { text: 't440 library' } })).total, 1);
    assert.equal((await engine.call('library:query', { offset: 0, limit: 100, filter: { text: '夜' } })).total, 1);
    assert.equal((await engine.call('library:query', { offset: 0, limit: 100, filter: { text: '100%_' } })).total, 0);
    assert.equal((await engine.call('library:query', { offset: 0, limit: 100, filter: { status: 'failed' } })).total, 4); // truncated.flac is analysed (what decodes)
    const analysed = all.rows.filter((r) => r.status === 'analysed');
    const withKey = analysed.find((r) => r.key)!;
    // an uncertain key (under MIN_CONFIDENCE: these tones' keys are) matches no key filter (library-uncertain-sort);
    // the row is then made sure in the database, for the filter in every notation
    if ((withKey.keyConfidence ?? 0) < MIN_CONFIDENCE) {
      assert.ok(!(await engine.call('library:query', { offset: 0, limit: 100, filter: { key: withKey.key! } })).rows.some((r) => r.id === withKey.id), 'an uncertain key is not matched');
      const w = new Database(join(dataDir, 'studio.sqlite'));
      w.prepare('UPDATE tracks SET key_confidence = 0.9 WHERE id = ?').run(withKey.id);
      w.close();
    }
    for (const k of [withKey.key!, withKey.camelot!, withKey.openKey!, withKey.key!.replace(' minor', 'm').replace(' major', '')]) {
      const q = await engine.call('library:query', { offset: 0, limit: 100, filter: { key: k } });
      assert.ok(q.total >= 1 && q.rows.every((r) => r.key === withKey.key), `key filter ${k}`);
    }
    // the LUFS filter compares the loudness as the table shows it (to 0.1 LU): a range at the shown value finds the row
    const l = Number(withKey.lufs!.toFixed(1));
    assert.ok((await engine.call('library:query', { offset: 0, limit: 100, filter: { lufs: [l, l] } })).rows.some((r) => r.id === withKey.id));
    const withBpm = analysed.find((r) => r.bpm !== null && (r.bpmConfidence ?? 0) >= MIN_CONFIDENCE);
    if (withBpm) assert.ok((await engine.call('library:query', { offset: 0, limit: 100, filter: { bpm: [withBpm.bpm! - 1, withBpm.bpm! + 1] } })).rows.some((r) => r.id === withBpm.id));
    await assert.rejects(engine.call('library:query', { offset: 0, limit: 10, filter: { key: 'H# dorian' } }), (e: { code: string }) => e.code === 'BAD_ARGS');

    const d = await engine.call('library:track-detail', { trackId: withKey.id });
    assert.equal(d.keyStrengths.length, 24);
    assert.ok(d.loudnessCurve.values.length >= 1);
    assert.ok(Array.isArray(d.beats) && Array.isArray(d.chords.segments));

    const csv = await engine.call('library:export', { format: 'csv' });
    assert.equal(csv.count, 9);
    const lines = csv.content.split('\r\n');
    assert.match(lines[0], /^\ufeffpath,fileName,status,error,/, 'a UTF-8 BOM (Excel), then the header');
    const analysedLine = lines.find((l) => l.includes(withKey.id))!;
    assert.match(analysedLine, /,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/, 'analysedAt in ISO 8601');
    assert.equal(lines.length, 11);
    assert.ok(csv.content.includes('"""c.mp3""') || csv.content.includes('""text.mp3"" is not'), 'quotes doubled inside quoted fields');
    const json = await engine.call('library:export', { format: 'json', filter: { status: 'failed' } });
    const parsed = JSON.parse(json.content) as LibraryTrack[];
    assert.equal(parsed.length, 4);
    assert.ok(parsed.every((r) => r.status === 'failed' && r.error));
    const sel = await engine.call('library:export', { format: 'json', trackIds: [withKey.id] });
    assert.equal(sel.count, 1);
  });

  test('watching: added, changed, moved and deleted files are picked up without a scan', async () => {
    const changedBefore = events.filter((e) => e.name === 'library:changed').length;
    const rowsOf = () => allRows(engine);
    copyFileSync(tone('lib-e.mp3', 3, 770), join(tree, 'new.mp3'));
    await until('added', async () => (await rowsOf()).find((r) => r.fileName === 'new.mp3' && r.status === 'analysed'));
    const a = (await rowsOf()).find((r) => r.fileName === 'a.mp3')!;
    renameSync(join(tree, 'a.mp3'), join(tree, 'sub', 'a-moved.mp3'));
    const moved = await until('moved', async () => (await rowsOf()).find((r) => r.fileName === 'a-moved.mp3'));
    assert.equal(moved.id, a.id, 'a moved file keeps its row');
    assert.equal(moved.analysedAt, a.analysedAt, 'and is not analysed again');
    unlinkSync(join(tree, 'new.mp3'));
    await until('deleted', async () => !(await rowsOf()).some((r) => r.fileName === 'new.mp3'));
    const d = (await rowsOf()).find((r) => r.fileName === 'd.ogg')!;
    copyFileSync(tone('lib-d3.ogg', 5, 600), join(tree, 'd.ogg'));
    await until('changed', async () => {
      const r = (await rowsOf()).find((x) => x.fileName === 'd.ogg');
      return r && r.status === 'analysed' && r.analysedAt !== d.analysedAt && Math.abs(r.durationSec! - 5) < 0.1;
    });
    assert.ok(events.filter((e) => e.name === 'library:changed').length > changedBefore);
  });

  test('a file replaced while it is analysed is analysed again (its new version), never half of each', async () => {
    const path = join(tree, 'replaced.flac');
    const long = media('lib-long.flac', ['-f', 'lavfi', '-i', 'anoisesrc=d=240:r=44100:a=0.3']);
    copyFileSync(long, path);
    // wait until the watcher's job decodes it, then replace it under the decoder
    await until('decode started', () => decodes().some((l) => l.includes('replaced.flac')));
    copyFileSync(tone('lib-b.flac', 3, 330), path + '.tmp');
    renameSync(path + '.tmp', path);
    const r = await until('re-analysed', async () => (await allRows(engine)).find((x) => x.fileName === 'replaced.flac' && x.status !== 'pending'));
    assert.equal(r.status, 'analysed', r.error ?? '');
    assert.ok(Math.abs(r.durationSec! - 3) < 0.1, `duration ${r.durationSec}`);
  });

  test('a file deleted while it is analysed is listed with the reason (FILE_CHANGED) and leaves the library', async () => {
    const path = join(tree, 'deleted.flac');
    copyFileSync(media('lib-long.flac', ['-f', 'lavfi', '-i', 'anoisesrc=d=240:r=44100:a=0.3']), path);
    await until('decode started', () => decodes().some((l) => l.includes('deleted.flac')));
    unlinkSync(path);
    const listed = () =>
      events.some((e) => e.name === 'library:scan-state' && (e.payload as ScanState).problems.some((p) => p.path === path && p.code === 'FILE_CHANGED' && /deleted/i.test(p.message)));
    await until('listed', () => listed() || undefined);
    await until('gone from the library', async () => !(await allRows(engine)).some((r) => r.path === path) || undefined);
  });

  test('integrity_check is ok and remove-folder leaves files alone', async () => {
    await engine.call('library:remove-folder', { folderId });
    assert.equal((await engine.call('library:query', { offset: 0, limit: 10 })).total, 0);
    assert.ok(existsSync(join(tree, 'd.ogg')));
    const db = new Database(join(dataDir, 'studio.sqlite'), { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  });
});

describe('library: SIGKILL mid-scan, then scan again', () => {
  test('loses no finished result, repeats no finished work, integrity_check ok', async () => {
    setupWrapper();
    const dir = join(LIB, 'kill');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const N = 14;
    for (let i = 0; i < N; i++) copyFileSync(tone(`lib-k${i % 4}.flac`, 8, 300 + 50 * (i % 4)), join(dir, `k${String(i).padStart(2, '0')}.flac`));
    const { engine, dataDir } = await startTestEngine({ env: { STUDIO_FFMPEG: WRAPPER, STUDIO_ANALYSIS_WORKERS: '1' } });
    try {
      const log0 = decodes().length;
      await engine.call('library:add-folder', { path: dir });
      const db = () => new Database(join(dataDir, 'studio.sqlite'), { readonly: true });
      // kill once some files are finished (committed)
      await until('some finished', () => {
        const d = db();
        const n = (d.prepare(`SELECT count(*) AS n FROM tracks WHERE lib_status = 'analysed'`).get() as { n: number }).n;
        d.close();
        return n >= 4 ? true : undefined;
      });
      engine.killForTest();
      await until('engine down', () => (engine.state.state !== 'ready' ? true : undefined));
      const d1 = db();
      assert.equal(d1.pragma('integrity_check', { simple: true }), 'ok');
      const finished = d1.prepare(`SELECT path, analysed_at FROM tracks WHERE lib_status = 'analysed'`).all() as { path: string; analysed_at: number }[];
      d1.close();
      assert.ok(finished.length >= 4 && finished.length < N, `finished before the kill: ${finished.length}`);
      const decodedBefore = new Set(decodes().slice(log0).map((l) => /-i (\S+)/.exec(l)?.[1]));
      const logAtKill = decodes().length;
      await engine.whenReady();
      // the restarted engine resumes the job by itself; asking to scan joins it
      const end = await scanToEnd(engine);
      assert.equal(end.state, 'finished');
      assert.equal(end.total, N);
      assert.equal(end.done, N);
      const rows = await allRows(engine);
      assert.equal(rows.length, N);
      assert.ok(rows.every((r) => r.status === 'analysed'));
      for (const f of finished) assert.equal(rows.find((r) => r.path === f.path)?.analysedAt, f.analysed_at, `finished row kept: ${f.path}`);
      const after = decodes().slice(logAtKill).map((l) => /-i (\S+)/.exec(l)?.[1]);
      for (const f of finished) assert.ok(!after.includes(f.path), `not decoded again: ${f.path}`);
      assert.equal(after.length, N - finished.length, 'each unfinished file decoded once after the restart');
      assert.ok(decodedBefore.size >= finished.length);
      const d2 = db();
      assert.equal(d2.pragma('integrity_check', { simple: true }), 'ok');
      d2.close();
    } finally {
      await engine.stop();
    }
  });
});

describe('studio analyze', () => {
  test('--json prints one object per track and exits 1 when a file failed; --db writes a library database', () => {
    const dir = join(LIB, 'cli');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(tone('lib-a.mp3', 3, 440), join(dir, 'one.mp3'));
    copyFileSync(tone('lib-b.flac', 3, 330), join(dir, 'two.flac'));
    const bin = join(ROOT, 'bin', 'studio.js');
    const ok = spawnSync(process.execPath, [bin, 'analyze', join(dir, 'one.mp3'), join(dir, 'two.flac'), '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, `${ok.stderr}\n${ok.stdout}`);
    const lines = ok.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    for (const l of lines) {
      for (const k of ['path', 'durationSec', 'bpm', 'bpmConfidence', 'key', 'keyConfidence', 'camelot', 'lufs', 'loudnessRange', 'truePeak', 'features', 'error']) assert.ok(k in l, k);
      assert.equal(l.error, null);
      assert.ok(!('code' in l), 'an analysed line has no code');
      assert.ok(typeof l.lufs === 'number' && typeof l.features === 'string');
    }
    writeFileSync(join(dir, 'bad.mp3'), 'nope');
    const dbPath = join(dir, 'db', 'lib.sqlite');
    const bad = spawnSync(process.execPath, [bin, 'analyze', dir, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    const out = bad.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error: string | null; code?: string });
    assert.equal(out.length, 3);
    assert.match(out.find((o) => o.path.endsWith('bad.mp3'))!.error!, /not an audio/);
    // a failed file's line carries the contract's error code (left14); the analysed lines stay without one
    assert.equal(out.find((o) => o.path.endsWith('bad.mp3'))!.code, 'NOT_MEDIA');
    assert.deepEqual(out.filter((o) => 'code' in o).map((o) => o.path.slice(dir.length + 1)), ['bad.mp3']);
    const db = new Database(dbPath, { readonly: true });
    assert.equal((db.prepare(`SELECT count(*) AS n FROM tracks WHERE lib_status IS NOT NULL`).get() as { n: number }).n, 3);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    const usage = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.match(usage.stdout, /studio analyze <files or folders…> \[--json\] \[--data-dir DIR \| --db PATH\]/);
    assert.match(usage.stdout, /Exit code 1 if any file failed/);
  });

  test('the largest files are analysed first, so a scan does not end on one long track analysed alone', () => {
    setupWrapper();
    const dir = join(LIB, 'cli-order');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // by name a < b < c; by size c (2 s) < a (8 s) < b (16 s)
    copyFileSync(tone('lib-order-8.flac', 8, 300), join(dir, 'a.flac'));
    copyFileSync(tone('lib-order-16.flac', 16, 350), join(dir, 'b.flac'));
    copyFileSync(tone('lib-order-2.flac', 2, 400), join(dir, 'c.flac'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'analyze', dir, '--json'], { encoding: 'utf8', env: { ...process.env, STUDIO_FFMPEG: WRAPPER, STUDIO_ANALYSIS_WORKERS: '1' } });
    assert.equal(r.status, 0, r.stderr);
    const order = decodes().map((l) => /cli-order\/(\w)\.flac/.exec(l)?.[1]).filter(Boolean);
    assert.deepEqual(order, ['b', 'a', 'c']);
    // the output stays in path order
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path.slice(-6)), ['a.flac', 'b.flac', 'c.flac']);
  });
});

describe('library: files of every kind, pipes, odd names, killed and read-only runs (issues 10, 15)', () => {
  const bin = join(ROOT, 'bin', 'studio.js');

  test('every file ffmpeg decodes as audio is analysed (.wv .m4b .aifc .mka .w64 .mp2, and a WavPack named .dat); the rest is counted and listed as skipped', () => {
    const dir = join(LIB, 'kinds');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const kinds = ITEM6_KINDS;
    item6Files(dir);
    copyFileSync(media('lib-kind-k.wv', []), join(dir, 'wavpack-without-its-name.dat'));
    writeFileSync(join(dir, 'notes.txt'), 'liner notes\n');
    execFileSync('mkfifo', [join(dir, 'pipe.flac')]);
    const r = spawnSync(process.execPath, [bin, 'analyze', dir, '--json'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error: string | null; durationSec: number });
    assert.deepEqual(out.map((o) => o.path.slice(dir.length + 1)).sort(), [...kinds.map(([n]) => n), 'wavpack-without-its-name.dat'].sort());
    for (const o of out) {
      assert.equal(o.error, null, o.path);
      assert.ok(Math.abs(o.durationSec - 2) < 0.1, `${o.path}: ${o.durationSec}`);
    }
    assert.match(r.stderr, /studio: 2 files skipped: 1 not a regular file \(named pipe\) · 1 not audio \(\.txt file\)\n/);
    assert.match(r.stderr, /notes\.txt: not audio \(\.txt file\)/);
    assert.match(r.stderr, /pipe\.flac: not a regular file \(named pipe\)/);
  });

  test('a named pipe given by name is refused at once with the reason (exit 1), never opened', () => {
    const dir = join(LIB, 'fifo');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [join(dir, 'pipe.mp3')]);
    // a pipe opened would block until the hang guard kills the run (status null, not 1): "at once" needs no clock
    const r = spawnSync(process.execPath, [bin, 'analyze', join(dir, 'pipe.mp3')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /pipe\.mp3: Not a regular file \(named pipe\)/);
  });

  test('a database that cannot be written: a clear error with what to do, exit 1, no SqliteError stack', () => {
    const dbPath = IS_ROOT ? '/sys/resonance-studio-test/lib.sqlite' : join(LIB, 'ro', 'lib.sqlite');
    if (!IS_ROOT) {
      rmSync(join(LIB, 'ro'), { recursive: true, force: true });
      mkdirSync(join(LIB, 'ro'), { recursive: true });
      chmodSync(join(LIB, 'ro'), 0o555);
    }
    try {
      const r = spawnSync(process.execPath, [bin, 'analyze', tone('lib-a.mp3', 3, 440), '--db', dbPath], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /cannot be opened for writing: .*(read-only|writable)/);
      assert.match(r.stderr, /--data-dir|STUDIO_DATA_DIR|writable/);
      assert.doesNotMatch(r.stderr, /SqliteError|Unexpected error|    at /);
    } finally {
      if (!IS_ROOT) chmodSync(join(LIB, 'ro'), 0o755);
    }
  });

  test('a database on a read-only disk: the message says so, names the folder and what to do (cli36)', { skip: spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']).status !== 0 && 'unshare --user --mount is not allowed here' }, () => {
    // said "the file cannot be created or opened (check that its folder exists and is writable)" of a folder that
    // exists and whose permissions are fine: the disk is read-only (a tmpfs remounted ro in a mount namespace)
    const mnt = join(LIB, 'ro-disk');
    mkdirSync(mnt, { recursive: true });
    const script = 'mount -t tmpfs -o size=256k tmpfs "$1" && mkdir "$1/data" && mount -o remount,ro "$1" && shift && exec "$@"';
    const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', mnt, process.execPath, bin, 'analyze', tone('lib-a.mp3', 3, 440), '--db', join(mnt, 'data', 'lib.sqlite')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim(), `studio: The studio database "${join(mnt, 'data', 'lib.sqlite')}" cannot be opened for writing: its folder "${join(mnt, 'data')}" is on a read-only disk. Pass a file on a disk you can write with --db PATH (or remount that disk writable) and start again.`);
    // its folder not made yet (EROFS from the mkdir): was "it is read-only (check the permissions of the data folder …)"
    const fresh = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', mnt, process.execPath, bin, 'analyze', tone('lib-a.mp3', 3, 440), '--db', join(mnt, 'new', 'lib.sqlite')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(fresh.status, 1, fresh.stderr);
    assert.match(fresh.stderr, /its folder ".*\/ro-disk\/new" is on a read-only disk\. Pass a file on a disk you can write with --db PATH/, fresh.stderr);
  });

  test('studio analyze survives its engine being killed (-9): it resumes, finishes, and analyses nothing twice', async () => {
    setupWrapper();
    const dir = join(LIB, 'cli-kill');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 8; i++) copyFileSync(tone(`lib-k${i % 4}.flac`, 8, 300 + 50 * (i % 4)), join(dir, `c${i}.flac`));
    const log0 = decodes().length;
    const { spawn } = await import('node:child_process');
    const cli = spawn(process.execPath, [bin, 'analyze', dir, '--json'], { env: { ...process.env, STUDIO_FFMPEG: WRAPPER, STUDIO_ANALYSIS_WORKERS: '1' } });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (b) => (stdout += b));
    cli.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise<number | null>((r) => cli.on('close', (c) => r(c)));
    // the engine is the CLI's child; kill it once two files were decoded
    await until('two decodes', () => decodes().slice(log0).filter((l) => l.includes('cli-kill')).length >= 2);
    const child = execFileSync('pgrep', ['-P', String(cli.pid)], { encoding: 'utf8' }).trim().split('\n')[0];
    process.kill(Number(child), 'SIGKILL');
    const timer = setTimeout(() => cli.kill('SIGKILL'), 120_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /engine stopped .*resuming/);
    const out = stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; error: string | null });
    assert.equal(out.length, 8);
    assert.ok(out.every((o) => o.error === null));
    const perFile = new Map<string, number>();
    for (const l of decodes().slice(log0)) for (let i = 0; i < 8; i++) if (l.includes(`c${i}.flac`)) perFile.set(`c${i}`, (perFile.get(`c${i}`) ?? 0) + 1);
    // at most the file being decoded when the engine died is decoded twice
    assert.ok([...perFile.values()].filter((n) => n > 1).length <= 1, JSON.stringify([...perFile]));
  });

  test('a killed `studio analyze --db` leaves no job that a later engine adopts: it is closed, visibly', async () => {
    const dir = join(LIB, 'cli-adopt');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 6; i++) copyFileSync(tone(`lib-k${i % 4}.flac`, 8, 300 + 50 * (i % 4)), join(dir, `a${i}.flac`));
    const data = join(dir, 'data');
    const dbPath = join(data, 'studio.sqlite');
    const { spawn } = await import('node:child_process');
    const cli = spawn(process.execPath, [bin, 'analyze', dir, '--db', dbPath], { env: { ...process.env, STUDIO_ANALYSIS_WORKERS: '1' }, stdio: 'ignore' });
    const exited = new Promise<void>((r) => cli.on('close', () => r()));
    await until('job in the database', () => {
      if (!existsSync(dbPath)) return undefined;
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare(`SELECT count(*) AS n FROM scan_files`).get() as { n: number }).n > 0 || undefined;
      } catch {
        return undefined;
      } finally {
        db.close();
      }
    });
    cli.kill('SIGKILL');
    await exited;
    // a later app engine on the same database (background: watching, resuming)
    const { engine } = await startTestEngine({ dataDir: data });
    try {
      const st = await engine.call('library:scan-state', {});
      assert.equal(st.state, 'cancelled', JSON.stringify(st));
      assert.ok(st.problems.some((p) => p.code === 'CANCELLED' && /interrupted/.test(p.message)));
      const rest = await engine.call('library:idle', {});
      assert.deepEqual([rest.jobId, rest.state], [st.jobId, 'cancelled'], 'nothing adopted: no job ran after the closed one');
    } finally {
      await engine.stop();
    }
    const db = new Database(dbPath, { readonly: true });
    assert.equal((db.prepare(`SELECT count(*) AS n FROM scan_jobs WHERE state IN ('walking','running','paused')`).get() as { n: number }).n, 0);
    db.close();
  });

  test('library:scan refuses relative paths; a pipe among the paths ends the job at once; Cancel ends a job; the engine honours SIGTERM', async () => {
    const dir = join(LIB, 'engine-fifo');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [join(dir, 'pipe.wav')]);
    for (let i = 0; i < 4; i++) copyFileSync(tone(`lib-k${i}.flac`, 8, 300 + 50 * i), join(dir, `e${i}.flac`));
    const { engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } });
    try {
      await assert.rejects(engine.call('library:scan', { paths: ['../../etc/passwd'] }), (e: { code: string }) => e.code === 'BAD_ARGS');
      const first = await engine.call('library:scan', { paths: [join(dir, 'pipe.wav')] });
      const end = await until('pipe job end', async () => {
        const st = await engine.call('library:scan-state', {});
        return st.jobId === first.jobId && st.state === 'finished' ? st : undefined;
      });
      assert.ok(end.problems.some((p) => p.path === join(dir, 'pipe.wav') && p.code === 'BAD_ARGS' && /named pipe/.test(p.message)));
      const job = await engine.call('library:scan', { paths: [dir] });
      await until('running', async () => ((await engine.call('library:scan-state', {})).currentFile ? true : undefined));
      await engine.call('library:scan-control', { action: 'cancel' });
      const cancelled = await until('cancelled job ends', async () => {
        const st = await engine.call('library:scan-state', {});
        return st.jobId === job.jobId && st.state === 'cancelled' && st.currentFile === null ? st : undefined;
      });
      assert.ok(cancelled.skipped!.files.some((f) => f.path === join(dir, 'pipe.wav')));
      // a later scan does not queue behind it
      const again = await engine.call('library:scan', { paths: [join(dir, 'e0.flac')] });
      await until('later scan ends', async () => {
        const st = await engine.call('library:scan-state', {});
        return st.jobId === again.jobId && st.state === 'finished' ? st : undefined;
      });
    } finally {
      // stop() sends SIGTERM only and resolves on the exit: an engine that ignored it would hang here
      await engine.stop();
    }
  });
});

void truncateSync;
void utimesSync;
void appendFileSync;

// Session 17 tester: a track analysed before the library read the tempo and key a file's tags state (Tags.bpm, key,
// keyText: 9a6de8b) showed no "Tagged:" line until its file changed — its stored probe predates those fields. The scan
// now re-reads such an unchanged row's tags (a re-probe of the tags alone: no decode, no analysis) once: the row's
// lib_versions lacks the tag reading's version (TAGS_READ), and once re-read it has it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { libraryVersions, readTempoKeyTags, scanKey, versionsKey, type LibraryAnalysis } from '../../main/engine/library/analyse';
import { classify } from '../../main/engine/library/classify';
import type { EngineContext } from '../../main/engine/context';
import { LibraryScanner } from '../../main/engine/library/job';
import type { Analyse } from '../../main/engine/library/pool';
import { copyFileSync } from 'node:fs';
import { LibraryStore } from '../../main/engine/library/store';
import { oldFormatRow } from '../helpers/library-rows';
import { media } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-tags-reprobe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an unchanged row stored before the tagged tempo/key were read is re-probed (its tags only), once; a current row is not', async () => {
  // an MP3 whose ID3v2 tag states TBPM 128 and TKEY 8A
  const file = media('reprobe-tbpm-128-8a.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-metadata', 'TBPM=128', '-metadata', 'TKEY=8A']);
  const st = await stat(file);
  const db = openDb(join(dir, 'data'));
  const store = new LibraryStore(db);
  const versions = libraryVersions();
  const oldKey = versionsKey(versions); // what a scan before the tag reading's version wrote
  const key = scanKey(versions);
  assert.notEqual(key, oldKey);
  const ids: Record<string, string> = {};
  for (const [name, path, k] of [['old', file, oldKey], ['fresh', join(dir, 'fresh.mp3'), key]] as const) {
    const id = store.write(() => store.markPending(path, null, st.size, st.mtimeMs)).id;
    const a = {
      path, file: { size: st.size, mtimeMs: st.mtimeMs }, durationSec: 1, container: 'mp3',
      source: { container: 'mp3', durationSec: 1, durationEstimated: false, bitrateKbps: 64, streams: [{ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 1 }], metadata: {} },
      bitrateKbps: 64, warnings: [], tags: { title: 'T' }, hasCoverArt: false, results: {}, versions,
    } as unknown as LibraryAnalysis;
    store.recordResult(id, a, k); // the old row: a probe whose tags hold no bpm/key (as stored before 9a6de8b)
    // every analyser's result at its current version (no tempo, no key found): nothing to analyse again
    store.write(() => store.analyses.upsert(id, Object.fromEntries(Object.keys(versions).map((n) => [n, null])), versions, 0));
    ids[name] = id;
  }
  assert.equal(store.detail(ids.old).tagged, null, 'the old-format row shows no tagged tempo/key');
  store.jobs.upsert('job1', null, 'library', 'running', Date.now());
  const rows = store.rowsByPath();
  const found = [{ path: file, folderId: null, size: st.size, mtimeMs: st.mtimeMs }, { path: join(dir, 'fresh.mp3'), folderId: null, size: st.size, mtimeMs: st.mtimeMs }];
  const out = classify(store, 'job1', found, rows, versions, key);
  assert.deepEqual(out.queue, [], 'nothing is analysed again');
  assert.deepEqual(out.retag.map((r) => r.trackId), [ids.old], 'only the old-format row is re-probed');
  assert.equal(out.done, 1, 'the fresh row is done; the old one counts done when its tags are re-read (the scan\'s progress)');
  // the re-probe: the tags alone, written into the stored probe with the current key
  assert.deepEqual(await readTempoKeyTags(file), { bpm: 128, key: 'A minor', keyText: '8A' });
  store.setTempoKeyTags(ids.old, await readTempoKeyTags(file), key);
  assert.deepEqual(store.detail(ids.old).tagged, { bpm: 128, key: 'A minor', keyText: '8A' });
  assert.equal(store.detail(ids.old).track.title, 'T', 'the rest of the probe and row kept');
  const again = classify(store, 'job1', found, store.rowsByPath(), versions, key);
  assert.deepEqual([again.queue, again.retag], [[], []], 'once re-probed, never again');
  // a tag write whose read-back failed (LibraryService.writeTags): the row marked, its tags re-read by the next scan, its
  // analysis kept; a row not analysed is left alone
  store.retagNextScan(ids.fresh);
  store.retagNextScan('no-such-row');
  const marked = classify(store, 'job1', found, store.rowsByPath(), versions, key);
  assert.deepEqual([marked.queue, marked.retag.map((r) => r.trackId)], [[], [ids.fresh]]);
  db.close();
});


test('the scan itself: an old-format row shows its tagged tempo and key after a rescan of the unchanged file, nothing analysed', async () => {
  const path = join(dir, 'scan', 'tagged.mp3');
  rmSync(join(dir, 'scan'), { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'scan'), { recursive: true });
  copyFileSync(media('reprobe-tbpm-128-8a.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-metadata', 'TBPM=128', '-metadata', 'TKEY=8A']), path);
  const st = await stat(path);
  const db = openDb(join(dir, 'scan', 'data'));
  const store = new LibraryStore(db);
  const versions = libraryVersions();
  const folder = store.addFolder(join(dir, 'scan'), []);
  const id = oldFormatRow(store, path, folder.id, st, versions);
  const analysed: string[] = [];
  const pool = (): Analyse => ({ size: 1, run: async (req) => (analysed.push(req.path), Promise.reject(new Error('no analysis expected'))), close: async () => undefined });
  const ctx = { db, dataDir: join(dir, 'scan', 'data'), cacheDir: join(dir, 'scan', 'data'), emit: () => undefined } as unknown as EngineContext;
  const scanner = new LibraryScanner(ctx, store, pool, true);
  assert.equal(store.detail(id).tagged, null);
  scanner.enqueuePaths([path]);
  await scanner.whenIdle();
  assert.deepEqual(analysed, [], 'nothing analysed again');
  assert.deepEqual(store.detail(id).tagged, { bpm: 128, key: 'A minor', keyText: '8A' });
  db.close();
});

// Session 18 review: the re-probe ran BEFORE any new file was analysed (after an upgrade: the whole library's tags
// read first, with no progress and deaf to Pause), and wrote over a row a write-tags had changed since classify.
test('the re-probe runs after the new files are analysed, names its file as current, and skips a row changed since classify', async () => {
  const root = join(dir, 'order');
  rmSync(root, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(root, { recursive: true });
  const src = media('reprobe-tbpm-128-8a.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-metadata', 'TBPM=128', '-metadata', 'TKEY=8A']);
  const path = join(root, 'old.mp3');
  const fresh = join(root, 'new.mp3');
  copyFileSync(src, path);
  copyFileSync(src, fresh);
  const st = await stat(path);
  const db = openDb(join(root, 'data'));
  const store = new LibraryStore(db);
  const versions = libraryVersions();
  const folder = store.addFolder(root, []);
  const id = oldFormatRow(store, path, folder.id, st, versions);
  // a stale re-probe (the row's size changed since classify) writes nothing
  assert.equal(store.setTempoKeyTags(id, { bpm: 99 }, scanKey(versions), { size: st.size + 1, mtimeMs: st.mtimeMs }), false);
  assert.equal(store.detail(id).tagged, null, 'a row changed since classify is not overwritten');
  const taggedWhenAnalysing: unknown[] = [];
  const pool = (): Analyse => ({ size: 1, run: async () => (taggedWhenAnalysing.push(store.detail(id).tagged), Promise.reject(new Error('boom'))), close: async () => undefined });
  const ctx = { db, dataDir: join(root, 'data'), cacheDir: join(root, 'data'), emit: () => undefined } as unknown as EngineContext;
  const scanner = new LibraryScanner(ctx, store, pool, true);
  const currents: (string | null)[] = [];
  const write = store.setTempoKeyTags.bind(store);
  store.setTempoKeyTags = (...args) => (currents.push(scanner.state().currentFile), write(...args));
  scanner.enqueuePaths([path, fresh]);
  await scanner.whenIdle();
  assert.deepEqual(taggedWhenAnalysing, [null], 'the new file was analysed before the old row was re-probed');
  assert.deepEqual(store.detail(id).tagged, { bpm: 128, key: 'A minor', keyText: '8A' }, 'then re-probed');
  assert.ok(currents.includes(path), `the re-probed file is named as current (progress): ${JSON.stringify(currents)}`);
  db.close();
});

// Session 19 review: the re-read rows count in `total` and only count `done` as they are re-read, while the ETA took
// (total − done − failed) × (time per analysis) — each ms-cheap re-read priced as a full analysis: 5,000 old rows beside
// 3 new files said "about 3–7 h left". Now the ETA is the analyses left at their measured time, plus the re-reads left
// at theirs.
test('the scan ETA prices the old rows\' tag re-reads apart from the analyses: etaSec ≈ analyses left × time per analysis', async () => {
  const root = join(dir, 'eta');
  rmSync(root, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(root, { recursive: true });
  const src = media('reprobe-tbpm-128-8a.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k', '-metadata', 'TBPM=128', '-metadata', 'TKEY=8A']);
  const db = openDb(join(root, 'data'));
  const store = new LibraryStore(db);
  const versions = libraryVersions();
  const folder = store.addFolder(root, []);
  const old: string[] = [];
  for (let i = 0; i < 40; i++) {
    const p = join(root, `old-${i}.mp3`);
    copyFileSync(src, p);
    oldFormatRow(store, p, folder.id, await stat(p), versions);
    old.push(p);
  }
  const fresh = [0, 1, 2].map((i) => join(root, `new-${i}.mp3`));
  for (const p of fresh) copyFileSync(src, p);
  const ANALYSIS_MS = 150;
  let scanner: LibraryScanner;
  /** at the start of each analysis after the first: the state, the analyses not yet finished, and the time per analysis so far */
  const seen: Array<{ etaSec: number | null; left: number; perSec: number }> = [];
  let started = 0;
  let t0 = 0;
  const pool = (): Analyse => ({
    size: 1,
    run: async () => {
      if (started === 0) t0 = Date.now();
      else seen.push({ etaSec: scanner.state().etaSec, left: fresh.length - started, perSec: (Date.now() - t0) / 1000 / started });
      started++;
      await new Promise((r) => setTimeout(r, ANALYSIS_MS));
      throw new Error('no result needed');
    },
    close: async () => undefined,
  });
  const ctx = { db, dataDir: join(root, 'data'), cacheDir: join(root, 'data'), emit: () => undefined } as unknown as EngineContext;
  scanner = new LibraryScanner(ctx, store, pool, true);
  scanner.enqueuePaths([...old, ...fresh]);
  await scanner.whenIdle();
  assert.equal(seen.length, fresh.length - 1, JSON.stringify(seen));
  for (const s of seen) {
    // the analyses left (this one included) at the time per analysis; the 40 re-reads add milliseconds, not 40 analyses
    const want = s.left * s.perSec;
    assert.ok(s.etaSec !== null && Math.abs(s.etaSec - want) <= 0.5 * want + 0.2, `etaSec ${s.etaSec} vs ≈${want.toFixed(2)} (${JSON.stringify(seen)})`);
  }
  db.close();
});

// A library row analysed before the app read the audio stream ffmpeg picks (a later stream flagged default: commit
// 5812d6a) holds the analysis, waveform and probe of the FIRST audio stream. The scan must analyse such an unchanged
// row again, in full — and only such rows: one stream, or a probe that already states the picked stream, stays done.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { libraryVersions, versionsKey, type LibraryAnalysis } from '../../main/engine/library/analyse';
import { classify, readsOtherStream } from '../../main/engine/library/classify';
import { LibraryStore } from '../../main/engine/library/store';

const dir = mkdtempSync(join(tmpdir(), 'rs-stream-rule-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const two = [
  { index: 0, type: 'audio', codec: 'aac', sampleRate: 22050, channels: 1 },
  { index: 1, type: 'audio', codec: 'aac', sampleRate: 48000, channels: 2, isDefault: true },
];
const one = [{ index: 0, type: 'audio', codec: 'mp3', sampleRate: 44100, channels: 2 }];

test('readsOtherStream: a probe of the first stream where ffmpeg picks a later default one', () => {
  assert.equal(readsOtherStream(JSON.stringify({ streams: two, audio: two[0] })), true);
  assert.equal(readsOtherStream(JSON.stringify({ streams: two, audio: two[1] })), false);
  assert.equal(readsOtherStream(JSON.stringify({ streams: one, audio: one[0] })), false);
  assert.equal(readsOtherStream('{'), false);
});

test('the scan re-analyses (in full) only the unchanged rows whose stored probe states the first of streams where ffmpeg picks another', () => {
  const db = openDb(join(dir, 'data'));
  const store = new LibraryStore(db);
  const versions = libraryVersions();
  const key = versionsKey(versions);
  const rows: Record<string, { id: string; streams: typeof two; audio: (typeof two)[number] }> = {};
  const files = { old: { streams: two, audio: two[0] }, fresh: { streams: two, audio: two[1] }, single: { streams: one, audio: one[0] } };
  for (const [name, p] of Object.entries(files)) {
    const path = join(dir, `${name}.m4a`);
    const id = store.write(() => store.markPending(path, null, 1000, 5)).id;
    const a = {
      path, file: { size: 1000, mtimeMs: 5 }, durationSec: 3, container: 'm4a',
      source: { container: 'm4a', durationSec: 3, durationEstimated: false, bitrateKbps: 128, streams: p.streams, metadata: {} },
      bitrateKbps: 128, warnings: [], tags: { title: 'T' }, hasCoverArt: false, results: {}, versions,
    } as unknown as LibraryAnalysis;
    store.recordResult(id, a, key);
    // the probe as an earlier version stored it (or as this one does)
    const probe = JSON.parse((db.prepare('SELECT probe_json FROM tracks WHERE id = ?').get(id) as { probe_json: string }).probe_json);
    db.prepare('UPDATE tracks SET probe_json = ? WHERE id = ?').run(JSON.stringify({ ...probe, streams: p.streams, audio: p.audio }), id);
    rows[name] = { id, ...p };
  }
  const all = store.rowsByPath();
  assert.deepEqual([...all.values()].map((r) => r.lib_status), ['analysed', 'analysed', 'analysed']);
  // only a probe with two audio streams in `streams` is read and parsed again by the scan (ProbeResult.audio is itself
  // a stream with type audio: a one-stream probe states "type":"audio" twice, and a LIKE on that matched every row)
  assert.deepEqual(Object.keys(files).map((name) => [name, Boolean(all.get(join(dir, `${name}.m4a`))?.multi_audio)]), [['old', true], ['fresh', true], ['single', false]]);
  store.jobs.upsert('job1', null, 'library', 'running', Date.now());
  const found = Object.keys(files).map((name) => ({ path: join(dir, `${name}.m4a`), folderId: null, size: 1000, mtimeMs: 5 }));
  const out = classify(store, 'job1', found, all, versions, key);
  assert.deepEqual(out.queue.map((q) => [q.trackId, q.only]), [[rows.old.id, undefined]], JSON.stringify(out.queue));
  assert.equal(out.done, 2);
  db.close();
});

test('multi_audio: an unreadable or missing probe is not flagged (and does not fail the query)', () => {
  const db = openDb(join(dir, 'data-bad'));
  const store = new LibraryStore(db);
  const a = store.write(() => store.markPending(join(dir, 'bad.m4a'), null, 1000, 5)).id;
  db.prepare('UPDATE tracks SET probe_json = ? WHERE id = ?').run('{not json', a);
  store.write(() => store.markPending(join(dir, 'none.m4a'), null, 1000, 5));
  assert.deepEqual([...store.rowsByPath().values()].map((r) => Boolean(r.multi_audio)), [false, false]);
  db.close();
});

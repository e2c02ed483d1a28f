// Session 17 tester: a tempo or key the analysis is not sure of (calibrated confidence under MIN_CONFIDENCE) reads
// "uncertain" in the library table — its best guess only in the tooltip — yet the BPM/key sort placed it by that hidden
// guess among the sure values, and the BPM and key filters matched on it. Now the sort puts uncertain values after the
// sure ones (then the empty ones), and the filters match sure values only. Among themselves the uncertain ones sort by
// their best guess (sort38, below; session 18 had them in path order).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MIN_CONFIDENCE } from '@contract';
import { openDb } from '../../main/engine/db';
import { migrations } from '../../main/engine/db/migrations';
import { openDbAtSchema } from '../helpers/library-rows';
import { LibraryStore } from '../../main/engine/library/store';

test('uncertain tempos and keys sort after the sure ones and match no BPM or key filter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-uncertain-'));
  const db = openDb(dir);
  try {
    const store = new LibraryStore(db);
    const low = MIN_CONFIDENCE - 0.01;
    // name: bpm, its confidence, key, its confidence
    const rows: [string, number | null, number | null, string | null, string | null, number | null][] = [
      ['a', 120, 0.9, 'A minor', '8A', 0.9],
      ['b', 90, low, 'C major', '8B', low], // uncertain: the guess (90, C major) would sort first
      ['c', 100, 0.8, 'C major', '8B', 0.8],
      ['d', 140, low, 'A minor', '8A', 0.2],
      ['e', null, null, null, null, null],
    ];
    for (const [name, bpm, bc, key, cam, kc] of rows) {
      const { id } = store.write(() => store.markPending(`/m/${name}.mp3`, null, 1, 1));
      db.prepare("UPDATE tracks SET bpm = ?, bpm_confidence = ?, key_name = ?, camelot = ?, key_confidence = ?, lib_status = 'analysed', file_name = ? WHERE id = ?").run(bpm, bc, key, cam, kc, `${name}.mp3`, id);
    }
    const names = (r: { fileName: string }[]) => r.map((x) => x.fileName[0]).join('');
    const q = (filter: Parameters<LibraryStore['query']>[0], column?: string, dir: 'asc' | 'desc' = 'asc') =>
      names(store.query(filter, column ? { column: column as 'bpm', dir } : undefined, 0, 10).rows);
    assert.equal(q(undefined, 'bpm'), 'cabde', 'sure ascending, then uncertain (by their guess), then none');
    assert.equal(q(undefined, 'bpm', 'desc'), 'acdbe', 'descending: uncertain d (140) before uncertain b (90)');
    assert.equal(q(undefined, 'key'), 'acdbe', 'uncertain d (A minor) before uncertain b (C major), as the sure a and c');
    assert.equal(q(undefined, 'camelot', 'desc'), 'cabde');
    assert.equal(names(store.query(undefined, { column: 'bpm', dir: 'asc' }, 0, 10, undefined, { min: 70, max: 140 }).rows), 'cabde', 'with a BPM range too');
    assert.equal(q({ bpm: [80, 150] }, 'bpm'), 'ca', 'the filter matches the sure tempos only');
    assert.equal(q({ key: '8B' }), 'c');
    assert.equal(q({ key: 'A minor' }), 'a');
    assert.deepEqual(store.ids({ bpm: [80, 150] }, { column: 'bpm', dir: 'asc' }), store.query({ bpm: [80, 150] }, { column: 'bpm', dir: 'asc' }, 0, 10).rows.map((r) => r.id), 'select-all agrees');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// sort38: a DJ scanning the BPM sort for "anything near 128" found the uncertain tempos after the sure ones in path
// order, the uncertain 126 anywhere among them. They stay after every sure value (a sure 128 before an uncertain 126,
// ascending), and among themselves sort by their best guess as the table would show it: the tempo folded into the BPM
// range, the key by name, the Camelot code on the wheel. Before: the uncertain rows came in path order (w, x, y, z).
test('uncertain tempos and keys sort among themselves by their best guess, still after every sure one (sort38)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-uncertain-guess-'));
  const db = openDb(dir);
  try {
    const store = new LibraryStore(db);
    const low = MIN_CONFIDENCE - 0.01;
    // name (its path /m/NAME.mp3: the path order is the name order): bpm, its confidence, key, Camelot, its confidence
    const rows: [string, number | null, number | null, string | null, string | null, number | null][] = [
      ['a', 128, 0.9, 'G major', '9B', 0.9],
      ['b', 124, MIN_CONFIDENCE, 'A minor', '8A', MIN_CONFIDENCE], // at the threshold: sure
      ['w', 131, low, 'F minor', '4A', low],
      ['x', 63, 0.1, 'D major', '10B', 0.3], // 63: shown 126 in the range 70–140
      ['y', 126.4, 0.45, 'E minor', '9A', 0], // confidence 0: uncertain, not empty
      ['z', 90, null, 'B major', '1B', null], // no confidence stated: uncertain
      ['n', null, null, null, null, null],
    ];
    for (const [name, bpm, bc, key, cam, kc] of rows) {
      const { id } = store.write(() => store.markPending(`/m/${name}.mp3`, null, 1, 1));
      db.prepare("UPDATE tracks SET bpm = ?, bpm_confidence = ?, key_name = ?, camelot = ?, key_confidence = ?, lib_status = 'analysed', file_name = ? WHERE id = ?").run(bpm, bc, key, cam, kc, `${name}.mp3`, id);
    }
    const names = (r: { fileName: string }[]) => r.map((x) => x.fileName[0]).join('');
    const range = { min: 70, max: 140 };
    const q = (column: string, dir: 'asc' | 'desc', bpmRange?: { min: number; max: number }) => {
      const page = names(store.query(undefined, { column: column as 'bpm', dir }, 0, 10, undefined, bpmRange).rows);
      // select-all (library:ids) and every page agree with the first page
      const ids = store.ids(undefined, { column: column as 'bpm', dir }, undefined, bpmRange);
      assert.deepEqual(ids, store.query(undefined, { column: column as 'bpm', dir }, 0, 10, undefined, bpmRange).rows.map((r) => r.id), `${column} ${dir}: ids in the page's order`);
      const paged = Array.from({ length: 7 }, (_, i) => names(store.query(undefined, { column: column as 'bpm', dir }, i, 1, undefined, bpmRange).rows)).join('');
      assert.equal(paged, page, `${column} ${dir}: one row a page, the same order`);
      return page;
    };
    // stored tempos: sure 124, 128; uncertain 63, 90, 126.4, 131; none
    assert.equal(q('bpm', 'asc'), 'baxzywn', 'a sure 128 before an uncertain 126.4; the uncertain ones by their guess');
    assert.equal(q('bpm', 'desc'), 'abwyzxn', 'descending: sure, then uncertain by guess, the empty one still last');
    // in the range 70–140 the table shows x's 63 as 126: it sorts there (126 < 126.4)
    assert.equal(q('bpm', 'asc', range), 'bazxywn');
    assert.equal(q('bpm', 'desc', range), 'abwyxzn');
    // keys by name (the Key sort), Camelot codes on the wheel (the Key column's sort): 1B, 4A, 9A, 10B — not as text
    assert.equal(q('key', 'asc'), 'bazxywn', 'uncertain B major, D major, E minor, F minor');
    assert.equal(q('camelot', 'asc'), 'bazwyxn', 'uncertain 1B, 4A, 9A, 10B on the wheel ("10B" is not before "1B")');
    assert.equal(q('camelot', 'desc'), 'abxywzn');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// sort38: a library of an earlier build (schema 16, migration 13's BPM/key indexes) opened by this one: migration 18
// makes the indexes again, and the rows already stored sort by their best guess with no scan
test('a schema-16 library sorts its uncertain tempos by best guess once migration 18 has run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-uncertain-m17-'));
  try {
    const old = openDbAtSchema(dir, 16);
    const ins = old.prepare("INSERT INTO tracks (id, path, real_path, size, mtime_ms, kind, probe_json, opened_at, last_opened_at, in_recent, lib_status, file_name, path_sort, bpm, bpm_confidence) VALUES (?, ?, ?, 1, 1, 'audio', '{}', 0, 0, 0, 'analysed', ?, natural_path_key(?), ?, ?)");
    for (const [name, bpm, conf] of [['p', 140, 0.2], ['q', 128, 0.9], ['r', 100, 0.3]] as const) ins.run(name, `/m/${name}.mp3`, `/m/${name}.mp3`, `${name}.mp3`, `/m/${name}.mp3`, bpm, conf);
    old.close();
    const db = openDb(dir);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
      const store = new LibraryStore(db);
      assert.deepEqual(store.ids(undefined, { column: 'bpm', dir: 'asc' }), ['q', 'r', 'p']);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

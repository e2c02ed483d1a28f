// The BPM range (issue 11/12) in the library's SQL: with a range set, the BPM
// filter and the BPM sort read the tempo as shown (the stored tempo doubled
// or halved into the range, the contract's foldBpm as the SQL function
// fold_bpm), so what is filtered and sorted agrees with the column; without
// a range they read the stored tempo. The stored values never change.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { foldBpm } from '@contract';
import { openDb } from '../../main/engine/db';
import { LibraryStore } from '../../main/engine/library/store';

test('filter and sort use the folded tempo when a BPM range is set, the stored one otherwise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-bpmsql-'));
  const db = openDb(dir);
  try {
    const store = new LibraryStore(db);
    const stored: Record<string, number | null> = { a: 172, b: 87, c: 128, d: 64, e: null };
    for (const [name, bpm] of Object.entries(stored)) {
      const { id } = store.write(() => store.markPending(`/m/${name}.mp3`, null, 1, 1));
      // sure tempos (an uncertain one sorts after them and matches no filter: library-uncertain-sort)
      db.prepare("UPDATE tracks SET bpm = ?, bpm_confidence = ?, lib_status = 'analysed', file_name = ? WHERE id = ?").run(bpm, bpm === null ? null : 0.9, `${name}.mp3`, id);
    }
    const names = (rows: { fileName: string }[]) => rows.map((r) => r.fileName[0]).join('');
    const range = { min: 70, max: 140 };
    // folded: a 86, b 87, c 128, d 128 (64 doubled), e none (last)
    const asc = store.query(undefined, { column: 'bpm', dir: 'asc' }, 0, 10, undefined, range).rows;
    const shown = asc.map((r) => foldBpm(r.bpm, range));
    assert.deepEqual(shown, [86, 87, 128, 128, null], 'ascending by the shown tempo, empty last');
    assert.deepEqual(asc.map((r) => r.bpm), [172, 87, 128, 64, null], 'the rows keep the stored tempo (the service folds them)');
    assert.equal(names(store.query(undefined, { column: 'bpm', dir: 'desc' }, 0, 10, undefined, range).rows), 'cdbae', 'descending, ties by path, empty last');
    // without a range: the stored tempo
    assert.equal(names(store.query(undefined, { column: 'bpm', dir: 'asc' }, 0, 10).rows), 'dbcae');
    // the filter 80–90 finds 172 (shown 86) and 87 with the range, only 87 without
    assert.equal(names(store.query({ bpm: [80, 90] }, { column: 'bpm', dir: 'asc' }, 0, 10, undefined, range).rows), 'ab');
    assert.equal(names(store.query({ bpm: [80, 90] }, undefined, 0, 10).rows), 'b');
    // 120–130: 128 and 64 (shown 128) with the range
    assert.equal(names(store.tracksFor({ bpm: [120, 130] }, undefined, undefined, range)), 'cd');
    assert.equal(names(store.tracksFor({ bpm: [120, 130] }, undefined)), 'c');
    // another octave: 140–280 shows 172, 174, 256, 256
    assert.equal(names(store.query({ bpm: [170, 180] }, undefined, 0, 10, undefined, { min: 140, max: 280 }).rows), 'ab');
    assert.deepEqual(Object.values(stored), (db.prepare('SELECT bpm FROM tracks ORDER BY path').all() as { bpm: number | null }[]).map((r) => r.bpm), 'stored tempos unchanged');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

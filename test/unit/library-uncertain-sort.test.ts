// Session 17 tester: a tempo or key the analysis is not sure of (calibrated confidence under MIN_CONFIDENCE) reads
// "uncertain" in the library table — its best guess only in the tooltip — yet the BPM/key sort placed it by that hidden
// guess among the sure values, and the BPM and key filters matched on it. Now the sort puts uncertain values after the
// sure ones (then the empty ones), in path order, and the filters match sure values only.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MIN_CONFIDENCE } from '@contract';
import { openDb } from '../../main/engine/db';
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
    assert.equal(q(undefined, 'bpm'), 'cabde', 'sure ascending, then uncertain (by path), then none');
    assert.equal(q(undefined, 'bpm', 'desc'), 'acbde');
    assert.equal(q(undefined, 'key'), 'acbde');
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

// cliui37: Export ▾ → CSV or JSON of a 30,000-row library was made in one synchronous piece (1.8 s on the shared box) with
// no "n of m tracks" and no Cancel, where the rekordbox XML export had both. Every format now goes through the one loop
// (service.ts exportEach): progress after the first row and Cancel between rows, the file's bytes as before.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CallContext } from '@contract';
import { openDb, type Db } from '../../main/engine/db';
import type { EngineContext } from '../../main/engine/context';
import { InlineAnalyse } from '../../main/engine/library/pool';
import { LibraryService, exportRows, toCsv, type ExportRow } from '../../main/engine/library/service';
import { bulkCopies, oldFormatLibrary } from '../helpers/library-rows';

const dir = mkdtempSync(join(tmpdir(), 'rs-export-progress-'));
const data = join(dir, 'data');
const BULK = 30_000;
let db: Db;
let library: LibraryService;
after(() => {
  library?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

before(async () => {
  // three analysed rows as the scan stores them, then 30,000 more copied in SQL under new ids and paths (a scan of as
  // many files would take minutes), as the e2e crates suite's export case makes them
  await oldFormatLibrary(join(dir, 'lib'), data, 3);
  db = openDb(data);
  bulkCopies(db, join(dir, 'lib', 'bulk', 'bulk-'), BULK);
  const ctx = { db, dataDir: data, cacheDir: join(data, 'cache'), mode: 'desktop', version: 'test', startedAt: Date.now(), restarts: 0, emit: () => undefined } as unknown as EngineContext;
  library = new LibraryService(ctx, { makePool: () => new InlineAnalyse(), background: false });
});

type Progress = Parameters<CallContext['progress']>[0];
const TOTAL = (BULK + 3).toLocaleString('en');

for (const format of ['csv', 'json', 'rekordbox'] as const) {
  test(`a ${format} export of ${TOTAL} rows says "n of m tracks" and stops at Cancel (CANCELLED, nothing returned)`, async () => {
    // Cancel pressed as the first progress arrives: before, CSV and JSON sent none and returned every row
    const controller = new AbortController();
    const seen: Progress[] = [];
    const call = { signal: controller.signal, progress: (p: Progress) => (seen.push(p), controller.abort()) };
    await assert.rejects(library.export(format, undefined, undefined, undefined, undefined, call), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'CANCELLED');
      // the count where the engine's loop ended: the row done before the Cancel (the rekordbox export's 4 in hand at
      // once: the three others end theirs), no row started after it
      assert.equal(e.message, `Stopped after ${format === 'rekordbox' ? 4 : 1} of ${TOTAL} tracks: nothing was written.`);
      return true;
    });
    assert.equal(seen.length, 1, JSON.stringify(seen));
    assert.equal(seen[0].stage, 'export');
    assert.match(seen[0].message ?? '', new RegExp(`^[\\d,]+ of ${TOTAL} tracks$`));
    assert.ok((seen[0].fraction ?? 1) < 1, JSON.stringify(seen[0]));
  });
}

test('uncancelled, the CSV and JSON hold every row, byte for byte as made in one piece before; their progress only grows', async () => {
  const rows: ExportRow[] = exportRows(library.query({ offset: 0, limit: BULK + 3, sort: { column: 'path', dir: 'asc' } }).rows, null);
  assert.equal(rows.length, BULK + 3);
  for (const format of ['csv', 'json'] as const) {
    const seen: Progress[] = [];
    const res = await library.export(format, undefined, undefined, undefined, undefined, { signal: new AbortController().signal, progress: (p) => void seen.push(p) });
    assert.equal(res.count, BULK + 3);
    assert.ok(seen.length >= 1 && seen.every((p, i) => i === 0 || (p.fraction ?? 0) >= (seen[i - 1].fraction ?? 0)), `${format}: ${JSON.stringify(seen.slice(0, 5))}`);
    if (format === 'json') {
      const parsed = JSON.parse(res.content) as ExportRow[];
      assert.equal(res.content, JSON.stringify(parsed, null, 1), 'the layout of JSON.stringify(rows, null, 1)');
      assert.deepEqual(parsed.map((r) => r.path), rows.map((r) => r.path));
    } else {
      assert.equal(res.content, toCsv(JSON.parse((await library.export('json')).content) as ExportRow[]));
      assert.equal(res.content.split('\r\n').length, BULK + 3 + 2, 'header, rows, and the last line end');
    }
  }
  // no rows: the empty array and the header alone, as before
  const none = await library.export('json', [], undefined, undefined, undefined, { signal: new AbortController().signal, progress: () => assert.fail('no rows, no progress') });
  assert.equal(none.content, '[]');
  assert.equal((await library.export('csv', [])).content.split('\r\n').length, 2);
});

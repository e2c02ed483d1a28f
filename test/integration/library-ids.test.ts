// library:ids (select-all, tester17's 15.6 s Ctrl+A on 10,049 rows): every id of
// the rows library:query pages through, in the same filter and order, without the
// rows. Checked against library:query's pages through the real engine on 2,500
// synthetic rows, for several sorts, a combined filter and a BPM range (the BPM
// filter and sort read the folded tempo). Needs `npm run build`.
// Run: node tools/run-tests.mjs test/integration/library-ids.test.ts
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LibraryFilter, MethodArgs } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { seed } from '../bench/seed-library';
import { startTestEngine } from '../helpers/engine';

type Sort = NonNullable<MethodArgs<'library:query'>['sort']>;

describe('library:ids', { timeout: 120_000 }, () => {
  const N = 2500;
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-lib-ids-'));
  let engine: EngineHost;

  before(async () => {
    seed(dataDir, N);
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_LIBRARY_BACKGROUND: '0' } }));
  });
  after(async () => {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** the ids of library:query's pages (what select-all collected before), and its total */
  async function queried(filter: LibraryFilter | undefined, sort: Sort | undefined): Promise<{ total: number; ids: string[] }> {
    const ids: string[] = [];
    let total = 0;
    for (let offset = 0; offset === 0 || offset < total; offset += 2000) {
      const page = await engine.call('library:query', { filter, sort, offset, limit: 2000 });
      total = page.total;
      ids.push(...page.rows.map((r) => r.id));
    }
    return { total, ids };
  }

  const sorts: Array<Sort | undefined> = [
    undefined,
    { column: 'path', dir: 'desc' },
    { column: 'bpm', dir: 'desc' },
    { column: 'camelot', dir: 'asc' },
    { column: 'title', dir: 'asc' },
    { column: 'lufs', dir: 'desc' },
  ];

  test('no filter: all rows, in library:query order for each sort', async () => {
    for (const sort of sorts) {
      const res = await engine.call('library:ids', { sort });
      assert.equal(res.total, N);
      assert.deepEqual(res, await queried(undefined, sort), `sort ${JSON.stringify(sort)}`);
    }
  });

  test('a filter (words, BPM, key, status): the same rows in the same order as library:query', async () => {
    const filter: LibraryFilter = { text: 'Night', bpm: [90, 140], key: '8A 9B', status: 'analysed' };
    for (const sort of sorts) {
      const res = await engine.call('library:ids', { filter, sort });
      assert.ok(res.total > 10 && res.total < N / 4, `the filter keeps some rows: ${res.total}`);
      assert.deepEqual(res, await queried(filter, sort), `sort ${JSON.stringify(sort)}`);
    }
    assert.deepEqual(await engine.call('library:ids', { filter: { text: 'no such word anywhere' } }), { total: 0, ids: [] });
  });

  test('with a BPM range set, the BPM filter and sort read the folded tempo, as library:query does', async () => {
    await engine.call('library:set-bpm-range', { range: { min: 100, max: 200 } });
    try {
      const filter: LibraryFilter = { bpm: [150, 200] };
      const sort: Sort = { column: 'bpm', dir: 'asc' };
      const res = await engine.call('library:ids', { filter, sort });
      const q = await queried(filter, sort);
      assert.deepEqual(res, q);
      // folded rows (stored below 100 BPM, shown doubled) are in it
      const page = await engine.call('library:query', { filter, sort, offset: 0, limit: 2000 });
      assert.ok(page.rows.length > 0 && page.rows.every((r) => r.bpm! >= 150 && r.bpm! <= 200));
    } finally {
      await engine.call('library:set-bpm-range', { range: null });
    }
  });
});

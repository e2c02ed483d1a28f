// Where rows dragged within a crate's view land (renderer lib/crate-drop.ts), over a table that holds only some pages:
// note21's leftover — a drop whose next rows were on a page not loaded moved the rows to the crate's end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crateDropBefore } from '../../renderer/src/lib/crate-drop';

/** a crate of `n` rows "t0"…, pages of `size` rows, `loaded` the pages held; fetch loads a page unless `failing` */
function pagedTable(n: number, size: number, loaded: number[], failing = false) {
  const pages = new Set(loaded);
  const fetched: number[] = [];
  return {
    fetched,
    row: (k: number) => (k < n && pages.has(Math.floor(k / size)) ? { id: `t${k}` } : undefined),
    fetch: async (k: number) => {
      fetched.push(k);
      if (!failing) pages.add(Math.floor(k / size));
    },
  };
}

test('a drop in front of a loaded row that is not dragged: in front of it, nothing read', async () => {
  const t = pagedTable(10, 5, [0, 1]);
  assert.equal(await crateDropBefore(3, 10, new Set(['t0']), t.row, t.fetch), 't3');
  assert.deepEqual(t.fetched, []);
});

test('the rows after the drop point on a page not loaded are read: the dragged rows land in front of the first one not dragged (was: the crate\'s end)', async () => {
  // page 0 (t0-t4) loaded, page 1 not: a drop on t4's lower half (at 5) with t4 itself dragged
  const t = pagedTable(10, 5, [0]);
  assert.equal(await crateDropBefore(5, 10, new Set(['t4']), t.row, t.fetch), 't5');
  assert.deepEqual(t.fetched, [5]);
  // the dragged rows run past the page's end: read on until a row not dragged
  const u = pagedTable(12, 4, [0]);
  assert.equal(await crateDropBefore(2, 12, new Set(['t2', 't3', 't4', 't5']), u.row, u.fetch), 't6');
  assert.deepEqual(u.fetched, [4]);
});

test('every row from the drop point on dragged: the end (null); a row that cannot be read: undefined (nothing moves)', async () => {
  const t = pagedTable(6, 3, [0, 1]);
  assert.equal(await crateDropBefore(4, 6, new Set(['t4', 't5']), t.row, t.fetch), null);
  assert.equal(await crateDropBefore(6, 6, new Set(['t0']), t.row, t.fetch), null);
  const off = pagedTable(6, 3, [0], true);
  assert.equal(await crateDropBefore(2, 6, new Set(['t2']), off.row, off.fetch), undefined);
  assert.deepEqual(off.fetched, [3]);
});

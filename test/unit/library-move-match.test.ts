// The watcher's move detection (library/job.ts moveMatch): a new path takes the row of a vanished one with its size
// and mtime; among several, the one whose path ends the same (a folder moved whole keeps its files' relative paths).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moveMatch } from '../../main/engine/library/job';

const row = (path: string, size = 10, mtime_ms = 5.5) => ({ path, size, mtime_ms });

test('size and mtime must both match; none → -1', () => {
  const rows = [row('/a/x.mp3', 10, 5.5), row('/a/y.mp3', 11, 5.5)];
  assert.equal(moveMatch(rows, { path: '/b/x.mp3', size: 10, mtimeMs: 5.5 }), 0);
  assert.equal(moveMatch(rows, { path: '/b/x.mp3', size: 10, mtimeMs: 5.6 }), -1);
  assert.equal(moveMatch(rows, { path: '/b/z.mp3', size: 12, mtimeMs: 5.5 }), -1);
});

test('equal size and mtime (copies made together): the row whose path ends the same wins, else the first', () => {
  const rows = [row('/a/one/take.mp3'), row('/a/two/take.mp3'), row('/a/two/other.mp3')];
  assert.equal(moveMatch(rows, { path: '/b/a/two/take.mp3', size: 10, mtimeMs: 5.5 }), 1);
  assert.equal(moveMatch(rows, { path: '/b/a/two/other.mp3', size: 10, mtimeMs: 5.5 }), 2);
  assert.equal(moveMatch(rows, { path: '/c/renamed.mp3', size: 10, mtimeMs: 5.5 }), 0);
});

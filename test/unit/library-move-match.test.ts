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

test('a row whose recorded file identity is the file\'s wins over the path rule; an identity of another size or mtime does not (rescan39)', () => {
  // two `cp -p` copies swapped in name: the path rule alone gives each the other's row
  const rows = [{ ...row('/a/dupA.mp3'), lib_file_id: '2049:11' }, { ...row('/a/dupB.mp3'), lib_file_id: '2049:12' }];
  assert.equal(moveMatch(rows, { path: '/a/sub/dupB.mp3', size: 10, mtimeMs: 5.5 }), 1, 'no identity: the path rule');
  assert.equal(moveMatch(rows, { path: '/a/sub/dupB.mp3', size: 10, mtimeMs: 5.5, fileId: '2049:11' }), 0, 'its own inode');
  assert.equal(moveMatch(rows, { path: '/a/sub/dupB.mp3', size: 10, mtimeMs: 5.5, fileId: '2049:99' }), 1, 'an inode no row has: the path rule');
  assert.equal(moveMatch([{ ...row('/a/x.mp3', 10, 5.5), lib_file_id: '2049:11' }], { path: '/b/x.mp3', size: 10, mtimeMs: 7, fileId: '2049:11' }), -1, 'the same inode, rewritten: not a move');
});

// One library row per file (issue 12): the found paths that resolve (realpath) to one file are one
// row, kept by a fixed preference; the rest are its aliases. Real symlinks, resolved by withRealPaths.
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { oneRowPerFile, withRealPaths } from '../../main/engine/library/aliases';
import type { Found } from '../../main/engine/library/walk';

const f = (path: string, realPath = path): Found => ({ path, folderId: 'F', size: 1, mtimeMs: 1, realPath });
const none = () => undefined;

test('a file and links to it: the file itself is kept, the links are its aliases (sorted)', () => {
  const r = oneRowPerFile([f('/m/z-link.mp3', '/m/a.mp3'), f('/m/a.mp3'), f('/m/b-link.mp3', '/m/a.mp3'), f('/m/c.mp3')], () => false, none);
  assert.deepEqual(r.keep.map((k) => [k.path, k.aliases]), [['/m/a.mp3', ['/m/b-link.mp3', '/m/z-link.mp3']], ['/m/c.mp3', []]]);
  assert.deepEqual([...r.aliasOf], [['/m/b-link.mp3', '/m/a.mp3'], ['/m/z-link.mp3', '/m/a.mp3']]);
});

test('only links to a file outside the library: the first path in code-point order; a row the library has wins', () => {
  const links = [f('/m/y.mp3', '/elsewhere/x.mp3'), f('/m/b.mp3', '/elsewhere/x.mp3')];
  assert.deepEqual(oneRowPerFile(links, () => false, none).keep.map((k) => [k.path, k.aliases]), [['/m/b.mp3', ['/m/y.mp3']]]);
  assert.deepEqual(oneRowPerFile(links, (p) => p === '/m/y.mp3', none).keep.map((k) => [k.path, k.aliases]), [['/m/y.mp3', ['/m/b.mp3']]]);
  // two rows from before this rule (the file and a link): the file itself stays
  const both = [f('/m/a-link.mp3', '/m/z.mp3'), f('/m/z.mp3')];
  assert.deepEqual(oneRowPerFile(both, () => true, none).keep.map((k) => k.path), ['/m/z.mp3']);
});

test('a row elsewhere in the library for the same file (another folder): every found path is its alias, nothing is kept', () => {
  const r = oneRowPerFile([f('/b/link.mp3', '/a/song.mp3'), f('/b/other.mp3')], () => false, (real) => (real === '/a/song.mp3' ? '/a/song.mp3' : undefined));
  assert.deepEqual(r.keep.map((k) => k.path), ['/b/other.mp3']);
  assert.deepEqual([...r.aliasOf], [['/b/link.mp3', '/a/song.mp3']]);
});

test('withRealPaths resolves symlinks (a link to a link, a linked folder); a hard link is its own path; a broken path keeps itself', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-alias-'));
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'a.mp3'), 'x');
  symlinkSync(join(dir, 'real', 'a.mp3'), join(dir, 'l1.mp3'));
  symlinkSync('l1.mp3', join(dir, 'l2.mp3'));
  symlinkSync('real', join(dir, 'linked-folder'));
  linkSync(join(dir, 'real', 'a.mp3'), join(dir, 'hard.mp3'));
  const paths = ['l1.mp3', 'l2.mp3', 'linked-folder/a.mp3', 'hard.mp3', 'missing.mp3'].map((p) => join(dir, p));
  const out = await withRealPaths(paths.map((p) => ({ path: p, folderId: null, size: 1, mtimeMs: 1 })));
  assert.deepEqual(out.map((o) => o.realPath), [join(dir, 'real', 'a.mp3'), join(dir, 'real', 'a.mp3'), join(dir, 'real', 'a.mp3'), join(dir, 'hard.mp3'), join(dir, 'missing.mp3')]);
  const r = oneRowPerFile([...out, f(join(dir, 'real', 'a.mp3'))], () => false, none);
  assert.deepEqual(r.keep.map((k) => k.path).sort(), [join(dir, 'hard.mp3'), join(dir, 'missing.mp3'), join(dir, 'real', 'a.mp3')].sort());
});

test('one path found twice (the watcher hands on a new folder and each file in it) is one path, never its own alias (left16)', () => {
  const r = oneRowPerFile([f('/b/a/two.mp3'), f('/b/a/one.mp3'), f('/b/a/two.mp3'), f('/b/a/two.mp3')], () => true, none);
  assert.deepEqual(r.keep.map((k) => [k.path, k.aliases]), [['/b/a/two.mp3', []], ['/b/a/one.mp3', []]]);
  assert.deepEqual([...r.aliasOf], [], 'before: /b/a/two.mp3 was its own alias, so the scan removed its row as a duplicate');
});

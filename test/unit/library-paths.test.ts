// One folder-containment rule for the library, the scanner, the watcher and
// the CLI: by path components with the platform's rules — checked with both
// POSIX and Windows paths (node:path.win32), whatever this machine is.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { folderPrefix, innermost, isInside } from '../../main/engine/fs/paths';

test('POSIX: inside by components, never by string prefix', () => {
  const p = path.posix;
  assert.equal(isInside('/music/a.mp3', '/music', p), true);
  assert.equal(isInside('/music/sub/deep/a.mp3', '/music/', p), true);
  assert.equal(isInside('/music', '/music', p), true);
  assert.equal(isInside('/music2/a.mp3', '/music', p), false);
  assert.equal(isInside('/mus', '/music', p), false);
  assert.equal(isInside('/', '/music', p), false);
  assert.equal(isInside('/music/../etc/passwd', '/music', p), false);
  assert.equal(isInside('/music/..foo/a.mp3', '/music', p), true, 'a name starting with two dots is a name');
  assert.equal(isInside('/Music/a.mp3', '/music', p), false, 'POSIX paths are case-sensitive');
  assert.equal(folderPrefix('/music', p), '/music/');
  assert.equal(folderPrefix('/music/', p), '/music/');
});

test('Windows: backslashes, drive letters and case as Windows has them', () => {
  const w = path.win32;
  assert.equal(isInside('C:\\Music\\a.mp3', 'C:\\Music', w), true);
  assert.equal(isInside('C:\\Music\\Sub\\a.flac', 'C:\\Music\\', w), true);
  assert.equal(isInside('c:\\music\\a.mp3', 'C:\\Music', w), true, 'drive letters and names are case-insensitive');
  assert.equal(isInside('C:/Music/a.mp3', 'C:\\Music', w), true, 'forward slashes are separators too');
  assert.equal(isInside('C:\\Music2\\a.mp3', 'C:\\Music', w), false);
  assert.equal(isInside('D:\\Music\\a.mp3', 'C:\\Music', w), false, 'another drive');
  assert.equal(isInside('\\\\nas\\share\\Music\\a.mp3', '\\\\nas\\share\\Music', w), true, 'UNC paths');
  assert.equal(isInside('C:\\Music\\..\\Windows\\win.ini', 'C:\\Music', w), false);
  assert.equal(folderPrefix('C:\\Music', w), 'C:\\Music\\');
  // what the '/'-prefix comparison got wrong: nothing was ever inside a Windows folder
  assert.equal('C:\\Music\\a.mp3'.startsWith('C:\\Music' + '/'), false);
});

test('the innermost library folder holding a path', () => {
  const w = path.win32;
  const folders = [{ path: 'C:\\Music' }, { path: 'C:\\Music\\Live' }, { path: 'D:\\Other' }];
  assert.equal(innermost('C:\\Music\\Live\\x.flac', folders, w)?.path, 'C:\\Music\\Live');
  assert.equal(innermost('C:\\Music\\x.flac', folders, w)?.path, 'C:\\Music');
  assert.equal(innermost('E:\\x.flac', folders, w), undefined);
});

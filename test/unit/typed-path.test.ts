// What a person pastes into the file browser's path box (renderer/src/lib/typed-path.ts): quoted paths, file:// URIs,
// trailing white space (tester25: each was refused as "must be an absolute path … resolve them against your own
// working folder"). Run: node --import tsx --test test/unit/typed-path.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitPath, TypedPathError, typedPath } from '../../renderer/src/lib/typed-path';

test('typedPath: quotes, file:// URIs (POSIX, Windows drive, UNC, localhost) and white space give the path; anything else as typed', () => {
  const cases: Array<[string, string]> = [
    ['/music/a b.flac', '/music/a b.flac'],
    ['  /music/a b.flac \n', '/music/a b.flac'],
    ['"/music/a b.flac"', '/music/a b.flac'],
    ["'/music/a b.flac'", '/music/a b.flac'],
    ['"C:\\Music\\a b.flac"', 'C:\\Music\\a b.flac'], // Windows' "Copy as path"
    ['file:///tmp/t25%20%E2%99%AB%20dir/%C3%BCn%C3%AF%20c%C3%B6d%C3%A9%20%20song.wav', '/tmp/t25 ♫ dir/ünï cödé  song.wav'],
    ['file://localhost/music/a%20b.flac', '/music/a b.flac'],
    ['file:///C:/Music/a%20b.flac', 'C:\\Music\\a b.flac'],
    ['file://server/share/a%20b.flac', '\\\\server\\share\\a b.flac'],
    ['FILE:///music/x.mp3', '/music/x.mp3'],
    ['file:///bad%zz', 'file:///bad%zz'], // not a valid escape: left for the engine to refuse
    ['"/unbalanced', '"/unbalanced'],
    ['music/a.flac', 'music/a.flac'],
    ['', ''],
  ];
  for (const [typed, want] of cases) assert.equal(typedPath(typed), want, JSON.stringify(typed));
});

// session 18 review: new URL() cut the path at an unencoded '#' or '?', and a non-UTF-8 escape gave back the raw URI
test('typedPath: an unencoded # or ? in a file:// URI is part of the name; non-UTF-8 escapes say so', () => {
  assert.equal(typedPath('file:///tmp/a#b.mp3'), '/tmp/a#b.mp3');
  assert.equal(typedPath('file:///tmp/what?.mp3'), '/tmp/what?.mp3');
  assert.equal(typedPath('file:///tmp/a%23b%3F.mp3'), '/tmp/a#b?.mp3', 'encoded ones too');
  assert.equal(typedPath('file:///C:/M/a#1.flac'), 'C:\\M\\a#1.flac');
  assert.throws(() => typedPath('file:///tmp/%E9t%E9.mp3'), (e: unknown) => e instanceof TypedPathError && /not UTF-8/.test(e.message));
});

test('splitPath: the folder and the name, POSIX and Windows; null for a root or a bare name', () => {
  assert.deepEqual(splitPath('/music/a b.flac'), { dir: '/music', name: 'a b.flac' });
  assert.deepEqual(splitPath('/a.flac'), { dir: '/', name: 'a.flac' });
  assert.deepEqual(splitPath('C:\\Music\\a.flac'), { dir: 'C:\\Music', name: 'a.flac' });
  assert.deepEqual(splitPath('C:\\a.flac'), { dir: 'C:\\', name: 'a.flac' });
  assert.deepEqual(splitPath('/music/album/'), { dir: '/music', name: 'album' });
  assert.equal(splitPath('/'), null);
  assert.equal(splitPath('a.flac'), null);
});

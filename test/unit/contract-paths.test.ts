// Issue 15: the contract itself refuses relative paths (before, the schema let
// `../../etc/passwd` through and only the engine refused it later).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidArguments, methods } from '@contract';

test('every path argument of the contract refuses a relative path with a message that says what to send', () => {
  const cases: Array<[keyof typeof methods, (p: string) => unknown]> = [
    ['media:probe', (path) => ({ path })],
    ['media:open', (path) => ({ path })],
    ['media:set-cover', (imagePath) => ({ trackId: 'abcdefgh1234', imagePath })],
    ['fs:list-dir', (path) => ({ path })],
    ['library:add-folder', (path) => ({ path })],
    ['library:scan', (p) => ({ paths: [p] })],
    ['model:choose-pack', (path) => ({ path })],
    ['model:ask', (p) => ({ packPath: p, instruction: 'x' })],
    ['chat:ask', (path) => ({ trackId: 'abcdefgh1234', instruction: 'x', attachments: { audio: null, image: { path }, video: false } })],
  ];
  for (const [method, args] of cases) {
    for (const rel of ['song.flac', '../../etc/passwd', './x', 'C:relative', '~/Music']) {
      const r = methods[method].input.safeParse(args(rel));
      assert.equal(r.success, false, `${method} accepted ${rel}`);
      assert.match(r.success ? '' : invalidArguments(method, r.error).message, /must be an absolute path .* relative paths are refused/, method);
    }
    for (const abs of ['/home/me/Music/song.flac', 'C:\\Music\\song.flac', 'D:/x/y.wav', '\\\\server\\share\\a.mp3']) {
      const r = methods[method].input.safeParse(args(abs));
      assert.equal(r.success, true, `${method} refused ${abs}: ${r.success ? '' : r.error.message}`);
    }
  }
});

test('every path argument of the contract refuses a NUL byte with a message that says so (tester14: media:open answered with Node\'s raw ERR_INVALID_ARG_VALUE text)', () => {
  const cases: Array<[keyof typeof methods, (p: string) => unknown]> = [
    ['media:probe', (path) => ({ path })],
    ['media:open', (path) => ({ path })],
    ['media:set-cover', (imagePath) => ({ trackId: 'abcdefgh1234', imagePath })],
    ['fs:list-dir', (path) => ({ path })],
    ['library:add-folder', (path) => ({ path })],
    ['library:scan', (p) => ({ paths: [p] })],
    ['model:choose-pack', (path) => ({ path })],
    ['model:ask', (p) => ({ packPath: p, instruction: 'x' })],
    ['chat:ask', (path) => ({ trackId: 'abcdefgh1234', instruction: 'x', attachments: { audio: null, image: { path }, video: false } })],
  ];
  for (const [method, args] of cases) {
    for (const bad of ['/home/me/a\0.flac', '/home/me/Music\0/../../etc/passwd', 'C:\\Music\\\0x.wav', '/\0']) {
      const r = methods[method].input.safeParse(args(bad));
      assert.equal(r.success, false, `${method} accepted ${JSON.stringify(bad)}`);
      const message = r.success ? '' : invalidArguments(method, r.error).message;
      assert.match(message, /contains a NUL byte/, method);
      assert.doesNotMatch(message, /ERR_INVALID_ARG|Received/, method);
    }
  }
});

// tags39: test/bench/tag-write-guard.ts compares Write tags with and without its audio check by importing a variant of
// tag-write.ts; it wrote that variant as a dotfile into main/engine/library for its run (where a build, a type check or
// another checkout's tests meet it). relocatedSource makes the variant importable from a temporary folder instead.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { StudioError } from '@contract';
import { relocatedSource } from '../helpers/relocated-source';

const lib = resolve(import.meta.dirname, '../../main/engine/library');

test('relocatedSource: relative and @contract imports made absolute, package names kept', () => {
  const src = `import { a } from '../media/x';\nimport b from "./y";\nimport { StudioError } from '@contract';\nimport { parseFile } from 'music-metadata';\nconst c = await import('../z');`;
  assert.equal(
    relocatedSource(src, '/r/main/engine/library', '/r/main/contract/index.ts'),
    `import { a } from '/r/main/engine/media/x';\nimport b from "/r/main/engine/library/y";\nimport { StudioError } from '/r/main/contract/index.ts';\nimport { parseFile } from 'music-metadata';\nconst c = await import('/r/main/engine/z');`,
  );
});

test('tag-write.ts written into a temporary folder imports and shares the contract\'s StudioError; nothing is written into main/', async () => {
  const before = readdirSync(lib).sort();
  const dir = mkdtempSync(join(tmpdir(), 'studio-test-relocated-'));
  try {
    const variant = join(dir, 'tag-write-variant.ts');
    writeFileSync(variant, relocatedSource(readFileSync(join(lib, 'tag-write.ts'), 'utf8'), lib, resolve(lib, '../../contract/index.ts')));
    symlinkSync(resolve(lib, '../../../node_modules'), join(dir, 'node_modules'), 'dir');
    // an ES module, as the repository's (package.json "type": "module"): loaded as CommonJS it got a second contract
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const { writeTagsSafely } = (await import(variant)) as typeof import('../../main/engine/library/tag-write');
    await assert.rejects(writeTagsSafely({ path: join(dir, 'gone.mp3'), stored: { size: 1, mtimeMs: 1 }, target: { format: 'id3v2', mime: 'taglib/mp3' }, bpm: '120', key: null }), (e: unknown) => {
      assert.ok(e instanceof StudioError, 'the same StudioError class as the code it is compared against');
      assert.equal(e.code, 'NOT_FOUND');
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(readdirSync(lib).sort(), before);
});

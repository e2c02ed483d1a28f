import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DirListing } from '@contract';
import { listDir } from '../../main/engine/fs/list-dir';

/**
 * The in-app file browser's listing says which entries it leaves out and why
 * (tester14): it said only "2 entries could not be read." for a file whose
 * name is not UTF-8 (Latin-1 from an old archive: it must be renamed) and a
 * broken link, and left a named pipe out without a word — a person looking
 * for "Café.mp3" could not tell it was there, nor what to do.
 */
test('listDir names each entry it leaves out with the reason: a name that is not UTF-8 (rename), a broken link, a named pipe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'list-dir-'));
  try {
    writeFileSync(join(dir, 'ok.mp3'), 'x');
    mkdirSync(join(dir, 'sub'));
    // "Caf\xe9.mp3": Latin-1, not UTF-8 (a Buffer path writes the bytes as they are)
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/Caf`), Buffer.from([0xe9]), Buffer.from('.mp3')]), 'x');
    symlinkSync(join(dir, 'gone.mp3'), join(dir, 'dangling.mp3'));
    execFileSync('mkfifo', [join(dir, 'pipe.mp3')]);
    const l = await listDir(dir);
    {
      assert.ok(DirListing.safeParse(l).success, 'the listing keeps to the contract');
      assert.deepEqual(l.entries.map((e) => e.name), ['sub', 'ok.mp3']);
      assert.equal(l.skipped, 3);
      const why = Object.fromEntries((l.skippedEntries ?? []).map((s) => [s.name, s.reason]));
      assert.deepEqual(Object.keys(why).sort(), ['Caf\ufffd.mp3', 'dangling.mp3', 'pipe.mp3']);
      assert.match(why['Caf\ufffd.mp3'], /not valid UTF-8.*[Rr]ename/);
      assert.match(why['dangling.mp3'], /broken link/);
      assert.match(why['pipe.mp3'], /named pipe/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

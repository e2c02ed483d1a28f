// A found file's identity for the move match (library/walk.ts fileIdentity, rescan39): "DEV:INO" on a file system that
// keeps inode numbers (the ext4 or tmpfs this runs on), the same after `mv`, another for a `cp -p` copy; none on one
// that does not (procfs here, as FAT, exFAT or a network share would be), and none off Linux.
// Run: node tools/run-tests.mjs test/unit/library-file-identity.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileIdentity } from '../../main/engine/library/walk';

const dir = mkdtempSync(join(tmpdir(), 'rs-file-identity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const linux = process.platform === 'linux';
/** ext2/3/4, tmpfs, Btrfs, XFS, ZFS: what a temporary folder is on a Linux CI runner or desktop */
const knownTmp = linux && [0xef53, 0x01021994, 0x9123683e, 0x58465342, 0x2fc12fc1].includes(Number(statfsSync(dir).type) >>> 0);

test('a file keeps its identity through mv; a cp -p copy has its own', { skip: !knownTmp && `the temporary folder's file system (${linux ? statfsSync(dir).type : process.platform}) is not one this test knows` }, async () => {
  const a = join(dir, 'a.mp3');
  writeFileSync(a, 'x'.repeat(100));
  const stable = new Map<number, Promise<boolean>>();
  const before = await fileIdentity(a, statSync(a), stable);
  assert.equal(before, `${statSync(a).dev}:${statSync(a).ino}`);
  execFileSync('cp', ['-p', a, join(dir, 'copy.mp3')]);
  execFileSync('mv', [a, join(dir, 'renamed.mp3')]);
  assert.equal(await fileIdentity(join(dir, 'renamed.mp3'), statSync(join(dir, 'renamed.mp3')), stable), before);
  const copy = await fileIdentity(join(dir, 'copy.mp3'), statSync(join(dir, 'copy.mp3')), stable);
  assert.ok(copy && copy !== before, copy);
  assert.equal(stable.size, 1, 'statfs asked once for the device');
});

test('none on a file system that does not keep inode numbers (procfs)', { skip: !linux && 'Linux only' }, async () => {
  assert.equal(await fileIdentity('/proc/self/status', statSync('/proc/self/status'), new Map()), undefined);
});

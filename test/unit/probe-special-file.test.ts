// A named pipe (or socket, device) given to `studio probe`, the track view or `studio ask` (tester29a): the message
// said only '"pipe.mp3" is not a regular file.', where the scan, `studio analyze` and the file browser name what it is
// ("not a regular file (named pipe)"). statMediaFile and openMediaFile now say it the same way; never opened
// blocking (openMediaFile opens non-blocking).
// Run: node tools/run-tests.mjs test/unit/probe-special-file.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StudioError } from '@contract';
import { openMediaFile, statMediaFile } from '../../main/engine/media/probe';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'probe-special-file');

test('a named pipe is "not a regular file (named pipe)", in the words of the scan', { skip: process.platform === 'win32' }, async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const pipe = join(DIR, 'pipe.mp3');
  execFileSync('mkfifo', [pipe]);
  const said = (e: unknown) => {
    assert.ok(e instanceof StudioError);
    assert.equal(e.code, 'NOT_MEDIA');
    assert.equal(e.message, '"pipe.mp3" is not a regular file (named pipe), so it is not read.');
    return true;
  };
  await assert.rejects(statMediaFile(pipe), said);
  await assert.rejects(openMediaFile(pipe), said);
});

// The open track's waveform when its file goes between the service's check and the decode's open (ci16: e2e
// file-gone-issue12 "deleted while its waveform is computed" read 'does not exist (…). It may have been moved or
// deleted.' — a raw ENOENT of the fingerprint or the decoder's NOT_FOUND — where the banner says "was deleted or moved
// since it was opened"). MediaService re-checks the track after any such failure and throws the track's own words.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StudioError } from '@contract';
import type { EngineContext } from '../../main/engine/context';
import { MediaService } from '../../main/engine/media/service';
import type { Tracks } from '../../main/engine/media/tracks';

const dir = mkdtempSync(join(tmpdir(), 'studio-gone-race-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file gone after the check: the waveform fails with the open track\'s words, not "does not exist"', async () => {
  const path = join(dir, 'gone.mp3'); // never written: gone by the time the fingerprint opens it
  let checks = 0;
  const tracks = {
    async checkedPath() {
      checks++;
      if (checks === 1) return { row: { id: 't1', path }, path };
      throw new StudioError('FILE_CHANGED', '"gone.mp3" was deleted or moved since it was opened.');
    },
  } as unknown as Tracks;
  const media = new MediaService({ cacheDir: dir } as unknown as EngineContext, tracks);
  const call = { signal: new AbortController().signal, progress: () => undefined };
  await assert.rejects(media.peaks('t1', call as never), (err: unknown) => {
    assert.ok(err instanceof StudioError, String(err));
    assert.equal(err.code, 'FILE_CHANGED');
    assert.match(err.message, /since it was opened/);
    return true;
  });
  assert.equal(checks, 2, 'checked again after the failure');
});

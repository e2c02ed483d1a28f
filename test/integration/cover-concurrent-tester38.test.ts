// A video's cover asked for twice at once — the page shows the cover while the chat's first question sends it to the
// model (Cover chip on by default), as when a question is asked right after opening the file (tester38). Each call
// extracted the picture and renamed its own copy over the cache file, so the copy the first call had pinned (inode,
// mtime) was replaced under it and the page's request got 403 "This file changed since it was opened; open it again."
// — the track showed "Cover could not be loaded". Real files: a Matroska with its cover as an attachment and an MP4 with
// an attached picture, both written by ffmpeg.
// Run: node --import tsx --test test/integration/cover-concurrent-tester38.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fingerprint } from '../../main/engine/media/cache';
import { embeddedCover, pinFile } from '../../main/engine/media/cover';
import { serveMedia } from '../../main/media-server/serve-file';

const dir = mkdtempSync(join(tmpdir(), 'rs-cover-concurrent-'));
const media = join(dir, 'media');
before(() => {
  mkdirSync(media);
  const ff = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  ff('-f', 'lavfi', '-i', 'color=c=red:size=300x300:d=1', '-frames:v', '1', join(media, 'cover.jpg'));
  ff('-f', 'lavfi', '-i', 'sine=f=440:d=4', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:d=4', '-map', '1:v', '-map', '0:a',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', join(media, 'clip.mp4'));
  ff('-i', join(media, 'clip.mp4'), '-attach', join(media, 'cover.jpg'), '-metadata:s:t', 'mimetype=image/jpeg', '-map', '0', '-c', 'copy', join(media, 'clip.mkv'));
  ff('-i', join(media, 'clip.mp4'), '-i', join(media, 'cover.jpg'), '-map', '0', '-map', '1', '-c', 'copy', '-disposition:v:1', 'attached_pic', join(media, 'cover.mp4'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const name of ['clip.mkv', 'cover.mp4']) {
  test(`${name}: four requests for its cover at once each get a file that is served (200), the same one`, async () => {
    const path = join(media, name);
    const cache = mkdtempSync(join(dir, 'cache-'));
    const fp = await fingerprint(path);
    // as MediaService.resolve('cover') does it: extract (or find) the cover, then pin it
    const pinned = await Promise.all(Array.from({ length: 4 }, async () => {
      const emb = await embeddedCover(path, cache, fp);
      assert.ok(emb, 'the cover is found');
      return pinFile(emb.path, emb.mime);
    }));
    for (const p of pinned) {
      const r = await serveMedia('cover', p);
      r.body?.destroy();
      assert.equal(r.status, 200, `${r.text ?? ''} (ino ${p.ino}, mtime ${p.mtimeMs})`);
    }
    assert.equal(new Set(pinned.map((p) => p.ino)).size, 1, 'one file, written once');
  });
}

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MEDIA_SCHEME, StudioError } from '@contract';
import { handleMediaRequest, MEDIA_SCHEME_PRIVILEGES, parseMediaUrl, registerMediaProtocol, statusForError } from '../../main/electron/media-protocol';
import { desktopMediaUrl } from '../../preload/bridge';
import { imageFile, media, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'electron-media-protocol');
const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

/**
 * The engine's media:resolve, faked: known ids map to files, pinned as the real
 * one pins them (real path, size, mtime, inode) when the fake is made; like the
 * real one it refuses the rest.
 */
function fakeEngine(files: Record<string, { path: string; realPath?: string; mime?: string }>) {
  const pins = Object.fromEntries(
    Object.entries(files).map(([k, f]) => {
      const real = f.realPath ?? realpathSync(f.path);
      const st = existsSync(real) ? statSync(real) : null;
      return [k, { path: f.path, mime: f.mime ?? 'audio/flac', realPath: real, size: st?.size ?? 0, mtimeMs: st?.mtimeMs ?? 0, ino: st?.ino }];
    }),
  );
  const calls: unknown[] = [];
  return {
    calls,
    callRaw: async (method: string, args: unknown) => {
      calls.push(args);
      assert.equal(method, 'media:resolve');
      const { kind, id } = args as { kind: string; id: string };
      if (id === 'forbiddenid') throw new StudioError('FORBIDDEN', 'That file was not opened.').toData();
      if (id === 'crashingid') throw { code: 'ENGINE_CRASHED', message: 'engine died' };
      const f = pins[`${kind}/${id}`];
      if (!f) throw { code: 'NOT_FOUND', message: `No ${kind} with id ${id}.` };
      return f;
    },
  };
}

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') => new Request(url, { method, headers });

describe('studio-media:// protocol', () => {
  let track: string;
  let cover: string;
  let engine: ReturnType<typeof fakeEngine>;
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    track = join(DIR, 'a track ç.flac');
    writeFileSync(track, BYTES);
    writeFileSync(join(DIR, 'secret.txt'), 'secret');
    writeFileSync(join(DIR, 'other.flac'), 'other');
    symlinkSync(join(DIR, 'secret.txt'), join(DIR, 'swapped.flac'));
    mkdirSync(join(DIR, 'real-cache'));
    copyFileSync(media('frame-64.jpg', ['-f', 'lavfi', '-i', 'testsrc=s=64x64:d=1', '-frames:v', '1']), join(DIR, 'real-cache', 'f.jpg'));
    symlinkSync(join(DIR, 'real-cache'), join(DIR, 'cache'));
    cover = join(DIR, 'cover.png');
    copyFileSync(imageFile(), cover);
    copyFileSync(imageFile(), join(DIR, 'cover-later-swapped.png'));
    writeFileSync(join(DIR, 'text named.png'), 'just some text, not an image');
    writeFileSync(join(DIR, 'rewritten.flac'), BYTES);
    engine = fakeEngine({
      'track/abcdefgh01': { path: track },
      'cover/abcdefgh01': { path: cover, mime: 'image/png' },
      'cover/swappedcov1': { path: join(DIR, 'cover-later-swapped.png'), mime: 'image/png' },
      'cover/textcover01': { path: join(DIR, 'text named.png'), mime: 'image/png' },
      'track/rewritten01': { path: join(DIR, 'rewritten.flac') },
      // recorded when opened as other.flac; now a symlink to something else
      'track/swappedid01': { path: join(DIR, 'swapped.flac'), realPath: join(realpathSync(DIR), 'other.flac') },
      // the engine's own cache files are pinned by their real path, even under a symlinked data dir
      'frame/0f3a9c.12.3': { path: join(DIR, 'cache', 'f.jpg'), mime: 'image/jpeg' },
      'track/deletedid01': { path: join(DIR, 'deleted.flac'), realPath: join(realpathSync(DIR), 'deleted.flac') },
    });
  });
  after(() => rmSync(DIR, { recursive: true, force: true }));

  it('is registered as a privileged standard, secure, streaming, fetchable scheme', () => {
    assert.deepEqual(MEDIA_SCHEME_PRIVILEGES, { scheme: 'studio-media', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } });
    const handled: string[] = [];
    registerMediaProtocol({ protocol: { handle: (scheme) => void handled.push(scheme) }, engine });
    assert.deepEqual(handled, [MEDIA_SCHEME]);
  });

  it('parses the URL that preload builds', () => {
    for (const kind of ['track', 'playable', 'cover', 'frame'] as const) {
      assert.deepEqual(parseMediaUrl(desktopMediaUrl(kind, 'abc_DEF-123.x')), { kind, id: 'abc_DEF-123.x' });
    }
    assert.equal(desktopMediaUrl('track', 'abcdefgh01'), 'studio-media://track/abcdefgh01');
    // the renderer adds a cache-buster to cover URLs
    assert.deepEqual(parseMediaUrl(`${desktopMediaUrl('cover', 'abcdefgh01')}?v=3`), { kind: 'cover', id: 'abcdefgh01' });
    assert.deepEqual(parseMediaUrl('studio-media://frame/0f3a9c.12.3'), { kind: 'frame', id: '0f3a9c.12.3' });
  });

  it('serves a whole file with 200', async () => {
    const res = await handleMediaRequest(get(desktopMediaUrl('track', 'abcdefgh01')), engine);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/flac');
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('content-length'), '1000');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), BYTES);
    assert.deepEqual(engine.calls.at(-1), { kind: 'track', id: 'abcdefgh01' });
  });

  it('answers a Range request with 206 and exactly those bytes', async () => {
    const res = await handleMediaRequest(get('studio-media://track/abcdefgh01', { Range: 'bytes=100-199' }), engine);
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), 'bytes 100-199/1000');
    assert.equal(res.headers.get('content-length'), '100');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), BYTES.subarray(100, 200));

    const tail = await handleMediaRequest(get('studio-media://track/abcdefgh01', { Range: 'bytes=-10' }), engine);
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), BYTES.subarray(990));

    const open = await handleMediaRequest(get('studio-media://track/abcdefgh01', { Range: 'bytes=990-' }), engine);
    assert.equal(open.headers.get('content-range'), 'bytes 990-999/1000');
    await open.arrayBuffer();

    const bad = await handleMediaRequest(get('studio-media://track/abcdefgh01', { Range: 'bytes=5000-6000' }), engine);
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), 'bytes */1000');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handleMediaRequest(get('studio-media://cover/abcdefgh01', {}, 'HEAD'), engine);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'image/png');
    assert.equal(head.body, null);
    const post = await handleMediaRequest(new Request('studio-media://track/abcdefgh01', { method: 'POST', body: 'x' }), engine);
    assert.equal(post.status, 405);
  });

  it('404s an id the engine does not know, 403s one it refuses', async () => {
    const unknown = await handleMediaRequest(get('studio-media://track/neveropened'), engine);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /No track with id neveropened/);
    assert.equal((await handleMediaRequest(get('studio-media://track/forbiddenid'), engine)).status, 403);
    assert.equal((await handleMediaRequest(get('studio-media://track/crashingid'), engine)).status, 503);
  });

  it('refuses traversal and malformed addresses without asking the engine', async () => {
    const before = engine.calls.length;
    const urls = [
      'studio-media://track/..%2F..%2Fetc%2Fpasswd',
      'studio-media://track/%2e%2e/%2e%2e/etc/passwd',
      'studio-media://track/../../etc/passwd',
      'studio-media://track/a/b',
      'studio-media://track/..',
      'studio-media://track/abc..def',
      'studio-media://track/',
      'studio-media://secret/abcdefgh01',
      'studio-media://track:8080/abcdefgh01',
      'file:///etc/passwd',
      'https://track/abcdefgh01',
    ];
    for (const url of urls) {
      const res = await handleMediaRequest(get(url), engine);
      assert.equal(res.status, 404, url);
    }
    assert.equal(engine.calls.length, before);
    // (a Request cannot even carry credentials; the parser refuses them anyway)
    assert.equal(parseMediaUrl('studio-media://user:pw@track/abcdefgh01'), null);
  });

  it('refuses a file whose path now leads somewhere else (symlink swapped after opening)', async () => {
    const res = await handleMediaRequest(get('studio-media://track/swappedid01'), engine);
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /secret/);
  });

  it("serves the engine's cache files by the path it gives", async () => {
    const res = await handleMediaRequest(get('studio-media://frame/0f3a9c.12.3'), engine);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), readFileSync(join(DIR, 'real-cache', 'f.jpg')));
  });

  it('refuses a cover replaced by a symlink to a text file after it was attached (issue 15 item 3)', async () => {
    const p = join(DIR, 'cover-later-swapped.png');
    unlinkSync(p);
    symlinkSync(join(DIR, 'secret.txt'), p);
    for (const method of ['GET', 'HEAD']) {
      const res = await handleMediaRequest(get('studio-media://cover/swappedcov1', {}, method), engine);
      assert.equal(res.status, 403, method);
      assert.doesNotMatch(await res.text(), /secret/);
      assert.doesNotMatch(res.headers.get('content-type') ?? '', /image/);
    }
  });

  it('takes the content type from the content: a text file named .png is not served as an image', async () => {
    const res = await handleMediaRequest(get('studio-media://cover/textcover01'), engine);
    assert.equal(res.status, 415);
    assert.doesNotMatch(await res.text(), /just some text/);
  });

  it('refuses a file rewritten in place since it was pinned (size/mtime)', async () => {
    writeFileSync(join(DIR, 'rewritten.flac'), Buffer.concat([BYTES, BYTES]));
    const res = await handleMediaRequest(get('studio-media://track/rewritten01'), engine);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /changed since it was opened/);
  });

  it('404s a file deleted after it was opened', async () => {
    const res = await handleMediaRequest(get('studio-media://track/deletedid01'), engine);
    assert.equal(res.status, 404);
  });

  it('maps engine error codes to statuses', () => {
    assert.equal(statusForError('NOT_FOUND'), 404);
    assert.equal(statusForError('FORBIDDEN'), 403);
    assert.equal(statusForError('FILE_CHANGED'), 403);
    assert.equal(statusForError('ENGINE_UNAVAILABLE'), 503);
    assert.equal(statusForError('INTERNAL'), 500);
  });
});

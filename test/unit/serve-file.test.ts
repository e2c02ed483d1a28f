import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileResponse, parseMediaPath, parseRange } from '../../main/media-server/serve-file';

test('parseRange: single ranges, suffixes, open ends, invalid ones', () => {
  assert.equal(parseRange(undefined, 100), null);
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=95-200', 100), { start: 95, end: 99 });
  assert.equal(parseRange('bytes=100-', 100), 'invalid');
  assert.equal(parseRange('bytes=5-2', 100), 'invalid');
  assert.equal(parseRange('bytes=-', 100), 'invalid');
  assert.equal(parseRange('bytes=0-1,5-6', 100), 'invalid');
  assert.equal(parseRange('items=0-1', 100), null);
});

test('parseMediaPath accepts only <kind>/<id> and refuses traversal', () => {
  assert.deepEqual(parseMediaPath('/track/abcDEF123_-'), { kind: 'track', id: 'abcDEF123_-' });
  assert.deepEqual(parseMediaPath('frame/abc.3'), { kind: 'frame', id: 'abc.3' });
  assert.equal(parseMediaPath('/track/../../etc/passwd'), null);
  assert.equal(parseMediaPath('/track/..'), null);
  assert.equal(parseMediaPath('/track/a/b'), null);
  assert.equal(parseMediaPath('/file/abc'), null);
  assert.equal(parseMediaPath('/track/%2e%2e'), null);
});

test('fileResponse answers 200, 206 with Content-Range, and 416', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-serve-'));
  const f = join(dir, 'x.bin');
  writeFileSync(f, Buffer.from('0123456789'));
  const read = async (r: Awaited<ReturnType<typeof fileResponse>>) => {
    const chunks: Buffer[] = [];
    for await (const c of r.body!) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString();
  };
  const full = await fileResponse(f, 'audio/mpeg');
  assert.equal(full.status, 200);
  assert.equal(full.headers['Content-Length'], '10');
  assert.equal(await read(full), '0123456789');
  const part = await fileResponse(f, 'audio/mpeg', 'bytes=2-5');
  assert.equal(part.status, 206);
  assert.equal(part.headers['Content-Range'], 'bytes 2-5/10');
  assert.equal(await read(part), '2345');
  const bad = await fileResponse(f, 'audio/mpeg', 'bytes=20-');
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['Content-Range'], 'bytes */10');
  const head = await fileResponse(f, 'audio/mpeg', null, 'HEAD');
  assert.equal(head.body, null);
});

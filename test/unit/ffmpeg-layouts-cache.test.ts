// `ffmpeg -layouts` (the located ffmpeg's version and channel-layout table, identifyFfmpeg) is asked once per ffmpeg
// binary, not once per process: every engine, CLI and test process started by asking it, ~0.1–0.3 s of CPU each
// (session 24, suite time). The answer is kept in the user's cache folder ($XDG_CACHE_HOME/resonance-studio here),
// keyed by the binary's path, size, mtime and inode; a changed binary is asked again, a damaged cache file is ignored,
// and a script (a wrapper, as tests use to count ffmpeg's runs) is never cached.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { channelCountOf, locateFfmpeg } from '../../main/engine/media/ffmpeg';

const linux = process.platform === 'linux';

describe('ffmpeg -layouts asked once per binary (the user cache)', { skip: linux ? false : 'the cache folder is $XDG_CACHE_HOME on Linux only' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-ffmpeg-cache-'));
  const cache = join(dir, 'cache');
  const saved = { xdg: process.env.XDG_CACHE_HOME, ff: process.env.STUDIO_FFMPEG };
  // a copy of the system's ffmpeg binary: its own path, size, mtime and inode
  const bin = join(dir, 'bin', 'ffmpeg');
  mkdirSync(join(dir, 'bin'));
  copyFileSync(execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim(), bin);
  chmodSync(bin, 0o755);
  process.env.XDG_CACHE_HOME = cache;
  process.env.STUDIO_FFMPEG = bin;
  const files = () => { try { return readdirSync(join(cache, 'resonance-studio')); } catch { return []; } };
  after(() => {
    for (const [k, v] of [['XDG_CACHE_HOME', saved.xdg], ['STUDIO_FFMPEG', saved.ff]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    locateFfmpeg(process.env, true);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the first process asks ffmpeg and keeps its answer; the next one reads it and runs nothing', () => {
    const first = locateFfmpeg(process.env, true);
    assert.equal(first.source, 'env');
    assert.match(first.version ?? '', /\d/);
    const [file, ...more] = files();
    assert.ok(file, 'a cache file was written');
    assert.deepEqual(more, []);
    const kept = JSON.parse(readFileSync(join(cache, 'resonance-studio', file), 'utf8')) as { version: string; layouts: Array<[string, number]> };
    assert.equal(kept.version, first.version);
    assert.deepEqual(new Map(kept.layouts).get('7.0'), 7);
    // a doctored answer in the cache file: what the next locate reports is the cache's, so ffmpeg was not run
    writeFileSync(join(cache, 'resonance-studio', file), JSON.stringify({ version: 'from-the-cache', layouts: [['7.0', 7], ['oddity', 3]] }));
    const next = locateFfmpeg(process.env, true);
    assert.equal(next.version, 'from-the-cache');
    assert.equal(channelCountOf('oddity'), 3, 'the layout table is the cached one');
  });

  test('a changed binary (new mtime) is asked again; a damaged cache file is ignored and written again', () => {
    const t = new Date(Date.now() + 60_000);
    utimesSync(bin, t, t);
    const asked = locateFfmpeg(process.env, true);
    assert.notEqual(asked.version, 'from-the-cache');
    assert.match(asked.version ?? '', /\d/);
    assert.equal(channelCountOf('oddity'), undefined);
    assert.equal(files().filter((f) => f.endsWith('.json')).length, 2, 'a second binary, a second file');
    const newest = files().find((f) => JSON.parse(readFileSync(join(cache, 'resonance-studio', f), 'utf8')).version === asked.version)!;
    for (const damage of ['{"version": "x", "layouts": []', JSON.stringify({ version: 'x', layouts: [['7.0', 'seven']] }), '']) {
      writeFileSync(join(cache, 'resonance-studio', newest), damage);
      assert.equal(locateFfmpeg(process.env, true).version, asked.version, `ignored: ${damage}`);
      assert.equal(JSON.parse(readFileSync(join(cache, 'resonance-studio', newest), 'utf8')).version, asked.version, 'written again');
    }
  });

  test('a script in front of ffmpeg is asked every time (never cached); no cache folder means no cache, no error', () => {
    const before = files().length;
    const wrapper = join(dir, 'bin', 'ffmpeg-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${join(dir, 'calls.log')}'\nexec ffmpeg "$@"\n`);
    chmodSync(wrapper, 0o755);
    process.env.STUDIO_FFMPEG = wrapper;
    locateFfmpeg(process.env, true);
    locateFfmpeg(process.env, true);
    assert.equal(readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter((l) => l.includes('-layouts')).length, 2);
    assert.equal(files().length, before);
    // a cache folder that cannot be made (a file in the way): ffmpeg is asked, nothing is thrown
    process.env.STUDIO_FFMPEG = bin;
    writeFileSync(join(dir, 'not-a-folder'), '');
    process.env.XDG_CACHE_HOME = join(dir, 'not-a-folder');
    const loc = locateFfmpeg(process.env, true);
    assert.equal(loc.source, 'env');
    assert.match(loc.version ?? '', /\d/);
  });
});

// Issue 11 (throughput): `studio analyze` without --db computes no waveform (peaks + spectrogram): its data folder and
// the waveform cache in it are thrown away at the end, so nothing would draw them. With --db (a library the app opens)
// the waveform is still made and cached, and a library engine (the app's) makes it by default. What --json prints is
// the same either way. Seen from outside: the ffmpeg runs (a logging wrapper as STUDIO_FFMPEG; the waveform is the
// decode's second, 16 kHz mono output), the cache folder, the stored analysers. Needs `npm run build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { OUTPUT, ROOT, toneFile } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';

const DIR = join(OUTPUT, 'analyze-waveform-test');
const LOG = join(DIR, 'ffmpeg.log');
const WRAPPER = join(DIR, 'ffmpeg-logging.sh');
const bin = join(ROOT, 'bin', 'studio.js');

/** the decodes the wrapper saw since the last call (queries like -version / -layouts left out) */
function decodes(): string[] {
  const lines = existsSync(LOG) ? readFileSync(LOG, 'utf8').split('\n').filter((l) => l && !/-version|-layouts/.test(l)) : [];
  rmSync(LOG, { force: true });
  return lines;
}

/** the analysis files in a cache folder */
const cached = (cacheDir: string) => (existsSync(join(cacheDir, 'analysis')) ? readdirSync(join(cacheDir, 'analysis')) : []);

describe('studio analyze: the waveform only where it is kept', () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(WRAPPER, `#!/bin/sh\necho "$*" >> '${LOG}'\nexec ffmpeg "$@"\n`);
  chmodSync(WRAPPER, 0o755);
  const env = { ...process.env, STUDIO_FFMPEG: WRAPPER };

  test('without --db: one output per decode (no 16 kHz waveform stream); with --db: the waveform is decoded and cached; --json the same', () => {
    const file = toneFile('waveform-tone.wav', 6);
    rmSync(LOG, { force: true });
    const plain = spawnSync(process.execPath, [bin, 'analyze', file, '--json'], { encoding: 'utf8', env });
    assert.equal(plain.status, 0, plain.stderr);
    const [d1, ...more1] = decodes();
    assert.equal(more1.length, 0, 'one decode');
    assert.ok(d1.includes(file), d1);
    assert.ok(!/-ar 16000/.test(d1), `no waveform output without --db: ${d1}`);

    const dbPath = join(DIR, 'db', 'lib.sqlite');
    const kept = spawnSync(process.execPath, [bin, 'analyze', file, '--json', '--db', dbPath], { encoding: 'utf8', env });
    assert.equal(kept.status, 0, kept.stderr);
    const [d2, ...more2] = decodes();
    assert.equal(more2.length, 0, 'one decode');
    assert.match(d2, /-ar 16000/, 'the waveform output with --db');
    assert.equal(cached(join(DIR, 'db', 'cache')).length, 1, 'the waveform is in the --db library\'s cache');
    const db = new Database(dbPath, { readonly: true });
    const names = (db.prepare('SELECT analyser FROM library_analyses').all() as { analyser: string }[]).map((r) => r.analyser);
    db.close();
    assert.ok(names.includes('peaks') && names.includes('spectrogram'), names.join(','));

    // what a user reads is the same with or without the waveform
    assert.equal(plain.stdout, kept.stdout);
  });

  test('an engine with STUDIO_LIBRARY_WAVEFORM=0 stores every analyser but peaks and spectrogram, and caches nothing; by default it caches the waveform', async () => {
    const file = toneFile('waveform-tone.wav', 6);
    for (const waveform of [false, true]) {
      const { engine, dataDir } = await startTestEngine({ env: { STUDIO_LIBRARY_BACKGROUND: '0', STUDIO_FFMPEG: WRAPPER, ...(waveform ? {} : { STUDIO_LIBRARY_WAVEFORM: '0' }) } });
      try {
        rmSync(LOG, { force: true });
        await engine.call('library:scan', { paths: [file] });
        await engine.call('library:idle', {});
        const [row] = (await engine.call('library:query', { offset: 0, limit: 10 })).rows;
        assert.equal(row.status, 'analysed', JSON.stringify(row));
        assert.ok(row.lufs !== null && row.durationSec === 6, JSON.stringify(row));
        assert.equal(cached(join(dataDir, 'cache')).length, waveform ? 1 : 0);
        const [d] = decodes();
        assert.equal(/-ar 16000/.test(d), waveform, d);
      } finally {
        await engine.stop();
      }
      const db = new Database(join(dataDir, 'studio.sqlite'), { readonly: true });
      const names = (db.prepare('SELECT analyser FROM library_analyses').all() as { analyser: string }[]).map((r) => r.analyser).sort();
      db.close();
      assert.ok(names.includes('loudness') && names.includes('tempo'), names.join(','));
      assert.equal(names.includes('peaks') && names.includes('spectrogram'), waveform, names.join(','));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

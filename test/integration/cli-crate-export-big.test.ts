// crate38: `studio crate export NAME OUT.xml` of a big crate (10,000 library rows) through the built CLI and a real
// engine process — killed with SIGKILL while it writes its copy, the copy it leaves is removed by the next export into
// that folder (a user's file named alike is not); on a terminal (script(1) gives it one) it shows "n of m tracks", and
// Ctrl+C stops it between tracks with nothing written (exit 130).
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/cli-crate-export-big.test.ts
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { CrateService } from '../../main/engine/library/crates';
import { bulkCopies, oldFormatLibrary } from '../helpers/library-rows';
import { ROOT } from '../helpers/media';

const ROWS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'rs-cli-crate-big-'));
const dataDir = join(dir, 'data');
const sets = join(dir, 'sets');
const bin = join(ROOT, 'bin', 'studio.js');
const env = { ...process.env, STUDIO_DATA_DIR: dataDir };
after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  // one analysed track as the scan stores it, then ROWS copies of its row in SQL (bulkCopies), all in the crate "Big"
  await oldFormatLibrary(join(dir, 'lib'), dataDir, 1);
  const db = openDb(dataDir);
  try {
    bulkCopies(db, join(dir, 'lib', 'bulk', 'bulk-'), ROWS);
    const crates = new CrateService(db);
    const ids = db.prepare("SELECT id FROM tracks WHERE id LIKE 'bulk%' ORDER BY id").pluck().all() as string[];
    crates.add(crates.create('Big').id, ids);
  } finally {
    db.close();
  }
  mkdirSync(sets, { recursive: true });
});

const copies = () => readdirSync(sets).filter((f) => f.endsWith('.tmp')).sort();

test('a rekordbox XML export killed (SIGKILL) while it writes its copy leaves the playlist there as it was; the next export into the folder removes that copy, not a user\'s file named alike (crate38)', async () => {
  const out = join(sets, 'big.xml');
  const earlier = '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0"><!-- last week\'s --></DJ_PLAYLISTS>\n';
  writeFileSync(out, earlier);
  // SIGKILL as soon as bytes land in the hidden copy (inotify's IN_MODIFY): between that write and the rename over
  // big.xml the export flushes ~6 MB to disk. A kill that comes after the rename (the export won the race) leaves no
  // copy: then again, at most 5 times
  let left: string[] = [];
  for (let round = 0; round < 5 && !left.length; round++) {
    const child = spawn(process.execPath, [bin, 'crate', 'export', 'Big', out], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watcher = watch(sets, (event, name) => {
      if (event === 'change' && name && /^\.big\.xml\.studio-[0-9a-f]{8}\.tmp$/.test(name)) child.kill('SIGKILL');
    });
    const end = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
    watcher.close();
    if (end.signal === 'SIGKILL') left = copies();
    else assert.equal(end.code, 0, `the export ran to its end before the kill: ${stderr}`);
    if (!left.length) writeFileSync(out, earlier);
  }
  assert.equal(left.length, 1, `the killed export's copy: ${left}`);
  const copy = readFileSync(join(sets, left[0]));
  assert.ok(copy.length > 0 && copy.subarray(0, 38).toString() === '<?xml version="1.0" encoding="UTF-8"?>', `its copy holds the export's first bytes: ${copy.length} bytes`);
  assert.equal(readFileSync(out, 'utf8'), earlier, 'the playlist that was there is whole');
  // a minute later (aged as a minute does), another export into the folder; a user's file named as a copy stays
  const mine = join(sets, '.notes.xml.studio-0badc0de.tmp');
  writeFileSync(mine, '<?xml version="1.0" encoding="UTF-8"?>\n<notes>my own, named as a copy</notes>\n');
  const old = new Date(Date.now() - 10 * 60_000);
  for (const t of copies()) utimesSync(join(sets, t), old, old);
  // before: the rekordbox copy stayed — only a copy beginning "#EXTM3U" (or empty) was known as an export's
  const next = spawnSync(process.execPath, [bin, 'crate', 'export', 'Big', join(sets, 'big.m3u8')], { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(next.status, 0, next.stderr);
  assert.deepEqual(copies(), ['.notes.xml.studio-0badc0de.tmp'], 'the killed export\'s copy is gone, the user\'s file stays');
});

test('on a terminal the export says "n of m tracks" as it goes; Ctrl+C stops it between tracks: exit 130, the engine\'s count, nothing written (crate38)', async () => {
  // before: no progress at all for the 10,000 rows (the wait for "Exporting:" below ran into the hang guard), and Ctrl+C
  // killed the CLI with the engine's work in flight
  const out = join(sets, 'cancelled.xml');
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} crate export Big ${JSON.stringify(out)}`;
  // script(1) runs it on a pseudo-terminal; a ^C typed there is the terminal's SIGINT to every process of the group
  const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  let typed = false;
  child.stdout.on('data', (d: Buffer) => {
    text += d.toString();
    if (!typed && /Exporting: [\d,]+ of 10,000 tracks/.test(text)) {
      typed = true;
      child.stdin.write('\x03');
    }
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const lines = text.replace(/\r\x1b\[K/g, '\n').replace(/\r/g, '');
  assert.ok(typed, `progress shown: ${JSON.stringify(text.slice(0, 300))}`);
  assert.equal(code, 130, lines);
  // the engine's own count where its loop stopped; or, where every row was read before the ^C reached it, said so
  const said = /studio: (Stopped after ([\d,]+) of 10,000 tracks: nothing was written\.|Cancelled once every track \(10,000\) was read, before the file was written: nothing was written\.)\n/.exec(lines);
  assert.ok(said, lines);
  if (said[2]) assert.ok(Number(said[2].replace(/,/g, '')) < ROWS, said[0]);
  assert.equal(existsSync(out), false, 'nothing written');
  assert.deepEqual(copies().filter((t) => t.includes('cancelled')), [], 'and no copy');
});

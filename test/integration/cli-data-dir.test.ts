// cliui37: `studio analyze` named its library only by the database file (--db PATH) and refused --data-dir as an unknown
// option (exit 2), while serve, ask, crate, tags and model take the data folder as --data-dir DIR — and the crate and
// tags messages told users to run `studio analyze FOLDER --db DIR/studio.sqlite`. analyze now takes --data-dir DIR too
// (that folder's own library, DIR/studio.sqlite, the one `studio crate`/`studio tags write --data-dir DIR` read), and
// every command's usage that uses a data folder lists the option.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { ROOT, toneFile } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-cli-data-dir-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function studio(...args: string[]) {
  // STUDIO_DATA_DIR names another folder: what analyze writes is where --data-dir says, and only there
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, STUDIO_DATA_DIR: join(dir, 'env-data') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('studio analyze FILE --data-dir DIR keeps the analysis in DIR/studio.sqlite, which studio tags write --data-dir DIR then reads', () => {
  const tone = toneFile('cli-data-dir-3s.wav', 3);
  const data = join(dir, 'data');
  const r = studio('analyze', tone, '--json', '--data-dir', data);
  assert.equal(r.code, 0, `exit ${r.code}: ${r.out}${r.err}`);
  assert.equal((JSON.parse(r.out.trim()) as { path: string }).path, tone);
  assert.ok(existsSync(join(data, 'studio.sqlite')), readdirSync(dir).join(', '));
  const db = openDb(data);
  try {
    assert.deepEqual(db.prepare('SELECT path, lib_status FROM tracks').all(), [{ path: tone, lib_status: 'analysed' }]);
  } finally {
    db.close();
  }
  assert.equal(existsSync(join(dir, 'env-data')), false, 'STUDIO_DATA_DIR is not written');
  // the library the other commands' --data-dir names: the track is found there (a 3 s tone: no tempo or key to write)
  const plan = studio('tags', 'write', tone, '--dry-run', '--json', '--data-dir', data);
  assert.ok(plan.code === 0 || plan.code === 1, `exit ${plan.code}: ${plan.out}${plan.err}`);
  assert.doesNotMatch(plan.out + plan.err, /there is no library|not in the library/, plan.out + plan.err);
  assert.match(plan.out, new RegExp(JSON.stringify(tone).slice(1, -1).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), plan.out);
});

test('studio analyze with both --data-dir and --db is a wrong command line (exit 2) saying they name the same thing', () => {
  const r = studio('analyze', toneFile('cli-data-dir-3s.wav', 3), '--data-dir', join(dir, 'a'), '--db', join(dir, 'b', 'lib.sqlite'));
  assert.equal(r.code, 2, `exit ${r.code}: ${r.out}${r.err}`);
  assert.match(r.err, /--data-dir DIR is the library database DIR\/studio\.sqlite, as --db PATH names one: give one of them/);
  assert.equal(existsSync(join(dir, 'a')) || existsSync(join(dir, 'b')), false, 'nothing made');
});

test('every command that uses a data folder lists --data-dir DIR in its usage (studio CMD --help, studio --help)', () => {
  const all = studio('--help');
  assert.equal(all.code, 0, all.err);
  for (const cmd of ['serve', 'ask', 'analyze', 'crate', 'tags', 'model']) {
    const h = studio(cmd, '--help');
    assert.equal(h.code, 0, `${cmd}: ${h.err}`);
    assert.match(h.out, /--data-dir DIR/, `studio ${cmd} --help:\n${h.out}`);
    // the command's own paragraph of `studio --help` names it too
    const para = all.out.split(/\n(?= {2}studio )/).filter((p) => p.startsWith(`  studio ${cmd} `)).join('\n');
    assert.match(para, /--data-dir DIR/, `studio --help, ${cmd}:\n${para}`);
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDb } from '../../main/engine/db';
import { setSetting } from '../../main/engine/db/settings';
import { ff, ROOT } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

/**
 * tester28: `studio analyze FOLDER` on a folder with no audio in it — a mistyped folder, an empty card, a folder of
 * playlists — printed nothing at all and exited 0: silence, as if it had worked. It now says on stderr that it found
 * nothing to analyse there (stdout stays empty: one record per track, --json or not; nothing failed, so exit 0).
 * Run: npm run build && node --import tsx --test test/integration/cli-tester28.test.ts
 */
const dir = mkdtempSync(join(tmpdir(), 'rs-cli-tester28-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function studio(...args: string[]) {
  return studioIn(join(dir, 'data'), ...args);
}
function studioIn(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, STUDIO_DATA_DIR: dataDir };
  delete env.STUDIO_MODELS_DIR;
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), ...args], {
    cwd: dir, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], env,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('analyze on a folder with no audio says so on stderr (plain and --json), stdout empty, exit 0', () => {
  const empty = join(dir, 'Empty Card');
  const lists = join(dir, 'playlists');
  mkdirSync(empty);
  mkdirSync(lists);
  writeFileSync(join(lists, 'set.m3u8'), '#EXTM3U\n');
  for (const json of [false, true]) {
    const r = studio('analyze', ...(json ? ['--json'] : []), empty, lists);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.out}${r.err}`);
    assert.equal(r.out, '', 'no record: no track');
    assert.match(r.err, /studio: no audio or video files found in .*Empty Card.*playlists.*: nothing analysed/, r.err);
    assert.match(r.err, /set\.m3u8: playlist \(not a track: Import playlist… in the Library, or studio crate import PLAYLIST, makes it a crate\)/, 'the skipped file is still named, as a playlist (ui40)');
  }
});

/**
 * tester28: `studio ask "…"` without --pack said "ask needs --pack DIR" with a pack installed and chosen in the app.
 * It now answers with the pack the app uses (the data folder's chosen pack: model.packPath, as ModelService reads it;
 * else the one pack in its models folder), and with none installed says how to get one.
 */
test('ask without --pack: none installed says how to get one; the one installed, or the one chosen in the app, answers', () => {
  const tone = join(dir, 'tone.wav');
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=2', tone]);
  const q = ['ask', '--json', '--max-new-tokens', '1', '--greedy', '--provider', 'cpu', '--audio', tone, 'What is this?'];
  // none: MODEL_MISSING, naming how to get one
  const none = studioIn(join(dir, 'no-packs'), ...q);
  assert.equal(none.code, 1, `${none.out}${none.err}`);
  const e = (JSON.parse(none.out.trim()) as { error: { code: string; message: string } }).error;
  assert.equal(e.code, 'MODEL_MISSING', e.message);
  assert.match(e.message, /No DeepResonance model pack is installed.*studio model get beta/, e.message);
  ensureTinyPacks();
  const pack = join(TINY_DIR, 'packs', 'beta-fp32');
  // one installed in <data>/models/packs: used
  const installed = join(dir, 'installed');
  mkdirSync(join(installed, 'models', 'packs'), { recursive: true });
  symlinkSync(pack, join(installed, 'models', 'packs', 'deepresonance-beta-fp32'));
  const a = studioIn(installed, ...q);
  assert.equal(a.code, 0, `${a.out}${a.err}`);
  assert.equal(typeof (JSON.parse(a.out.trim()) as { answer: unknown }).answer, 'string');
  // chosen in the app (settings of the data folder), none installed: used, and said on stderr without --json
  const chosen = join(dir, 'chosen');
  const db = openDb(chosen);
  setSetting(db, 'model.packPath', pack);
  db.close();
  const c = studioIn(chosen, ...q.filter((x) => x !== '--json'));
  assert.equal(c.code, 0, `${c.out}${c.err}`);
  assert.ok(c.err.includes(`note: model pack chosen in the app: ${pack}`), c.err);
  // cliui37: --json carries the notes the plain output prints (`notes`, their words); before it had no field for them
  // and said nothing of the pack that answered. The installed one's likewise; an error's JSON keeps those said before it
  const cj = studioIn(chosen, ...q);
  assert.equal(cj.code, 0, `${cj.out}${cj.err}`);
  assert.deepEqual((JSON.parse(cj.out.trim()) as { notes: unknown }).notes, [`model pack chosen in the app: ${pack}`]);
  assert.match(((JSON.parse(a.out.trim()) as { notes: string[] }).notes ?? []).join('\n'), /^model pack installed: .*deepresonance-beta-fp32$/);
  const missing = studioIn(chosen, ...q.map((x) => (x === tone ? join(dir, 'no-such.wav') : x)));
  assert.equal(missing.code, 1, `${missing.out}${missing.err}`);
  assert.deepEqual(Object.keys(JSON.parse(missing.out.trim()) as object), ['error', 'notes']);
  assert.deepEqual((JSON.parse(missing.out.trim()) as { notes: unknown }).notes, [`model pack chosen in the app: ${pack}`]);
});

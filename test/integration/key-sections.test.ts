// Issue 10 kind 4, a key that changes through the library, and tag write-back of a tempo or key
// that changes: a modulation (numpy chords, 32 s C major then 32 s G major, with a noise hi-hat at 120 BPM, test/helpers/key-render.ts),
// a tempo that changes twice (numpy drums 90/130/90 BPM, test/helpers/tempo-render.ts) and a steady
// groove (120 BPM), scanned by `studio analyze --db`. Checked: keySections in `analyze --json` and
// in words, library:track-detail, the library:query rows (what the table marks: tempoSections and
// keySections, the key and BPM columns' sort and filter still by the whole-track estimate), the
// JSON and CSV export; library:write-tags writes the modulation's steady BPM but not one key, and
// says why (notWritten.key), and refuses one BPM for the tempo that changes, naming the change.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/key-sections.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { OUTPUT, ROOT } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';
import { cadence, keyProgression } from '../helpers/key-render';
import { tempoRender } from '../helpers/tempo-render';

const DIR = join(OUTPUT, 'key-sections-test');
const bin = join(ROOT, 'bin', 'studio.js');
type KeySection = { start: number; end: number; key: string };

describe('key sections in the library, analyze, the export and tag write-back (issue 10 kind 4)', { timeout: 240_000 }, () => {
  const music = join(DIR, 'Music');
  const dbPath = join(DIR, 'db', 'lib.sqlite');

  test('studio analyze: keySections in --json and in words, none for one key; the stored key is the whole-track estimate', () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(music, { recursive: true });
    copyFileSync(keyProgression('key-change-c-g-hat.wav', [[cadence(0), 32], [cadence(7), 32]], 120), join(music, 'modulation.wav'));
    copyFileSync(tempoRender('ts-90-130-90.wav', [[90, 90, 30], [130, 130, 30], [90, 90, 30]]), join(music, 'changes.wav'));
    copyFileSync(tempoRender('tempo-steady-60s-120.wav', [[120, 120, 60]]), join(music, 'steady.wav'));
    const run = spawnSync(process.execPath, [bin, 'analyze', music, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; key: string | null; keySections: KeySection[] | null; features: string });
    const mod = lines.find((l) => l.path.endsWith('modulation.wav'))!;
    const v = mod.keySections;
    assert.ok(v && v.length === 2, JSON.stringify(mod));
    assert.deepEqual(v.map((s) => s.key), ['C major', 'G major']);
    assert.ok(Math.abs(v[0].end - 32) <= 6 && v[0].end === v[1].start, JSON.stringify(v));
    assert.doesNotMatch(mod.features, /Key|Chords/, mod.features);
    for (const name of ['changes.wav', 'steady.wav']) assert.equal(lines.find((l) => l.path.endsWith(name))!.keySections, null, name);
    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare(`SELECT key_name FROM tracks WHERE file_name = 'modulation.wav'`).get() as { key_name: string };
    db.close();
    assert.equal(stored.key_name, mod.key, 'the key column keeps the whole-track estimate');
    const text = spawnSync(process.execPath, [bin, 'analyze', join(music, 'modulation.wav'), '--db', dbPath], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`key +changes: 0:00–0:[23]\\d C major, 0:[23]\\d–1:0\\d G major \\(whole-track estimate ${mod.key}, confidence \\d+%; left out of the features\\)`), text.stdout);
  });

  test('library:query rows (the table) and track-detail carry the sections; sort and filter keep the whole-track estimate; the export has them', async () => {
    const { engine } = await startTestEngine({ env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const rows = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'fileName', dir: 'asc' } })).rows;
      const [changes, mod, steady] = rows;
      assert.deepEqual(rows.map((r) => r.fileName), ['changes.wav', 'modulation.wav', 'steady.wav']);
      assert.ok(changes.tempoSections?.length === 3 && changes.keySections === null, JSON.stringify(changes));
      assert.ok(mod.keySections?.length === 2 && mod.tempoSections === null, JSON.stringify(mod));
      assert.equal(steady.tempoSections, null);
      assert.equal(steady.keySections, null);
      const d = await engine.call('library:track-detail', { trackId: mod.id });
      assert.deepEqual(d.keySections, mod.keySections);
      assert.equal((await engine.call('library:track-detail', { trackId: steady.id })).keySections, null);
      // the BPM filter and the key filter read the stored whole-track estimates, not the sections
      const byKey = (await engine.call('library:query', { offset: 0, limit: 10, filter: { key: mod.key! } })).rows.map((r) => r.fileName);
      assert.ok(byKey.includes('modulation.wav'), byKey.join());
      const other = mod.key === 'G major' ? 'C major' : 'G major';
      assert.ok(!(await engine.call('library:query', { offset: 0, limit: 10, filter: { key: other } })).rows.some((r) => r.fileName === 'modulation.wav'));
      const b = changes.bpm!;
      const byBpm = (await engine.call('library:query', { offset: 0, limit: 10, filter: { bpm: [b - 0.5, b + 0.5] } })).rows;
      assert.ok(byBpm.some((r) => r.id === changes.id && r.tempoSections?.length === 3), JSON.stringify(byBpm.map((r) => r.fileName)));
      const sorted = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'bpm', dir: 'asc' } })).rows.map((r) => r.bpm ?? Infinity);
      assert.deepEqual(sorted, [...sorted].sort((x, y) => x - y));
      const json = JSON.parse((await engine.call('library:export', { format: 'json' })).content) as { fileName: string; keySections: KeySection[] | null }[];
      assert.deepEqual(json.find((r) => r.fileName === 'modulation.wav')!.keySections, d.keySections);
      assert.equal(json.find((r) => r.fileName === 'steady.wav')!.keySections, null);
      const csv = (await engine.call('library:export', { format: 'csv' })).content.replace(/^\ufeff/, '').split('\r\n');
      const head = csv[0].split(',');
      const cell = (name: string) => csv.find((l) => l.includes(name))!.split(',')[head.indexOf('keySections')];
      assert.match(cell('modulation.wav'), /^0:00–0:[23]\d C major \| 0:[23]\d–1:0\d G major$/);
      assert.equal(cell('steady.wav'), '');
      // rekordbox XML: no one key (Tonality) for the modulation — wrong for half of it, as Write tags refuses it
      // (dj36: it exported the whole-track estimate); the steady track's key is there
      const xml = (await engine.call('library:export', { format: 'rekordbox' })).content;
      const tonality = (f: string) => new RegExp(`<TRACK [^>]*Tonality="([^"]*)"[^>]*Location="[^"]*${f}"`).exec(xml)?.[1] ?? null;
      assert.equal(tonality('modulation.wav'), null, xml);
      assert.ok(steady.key === null || tonality('steady.wav') !== null, xml);
    } finally {
      await engine.stop();
    }
  });

  test('library:write-tags: no one key for the modulation (its steady BPM is written, the reason named); no one BPM for the tempo that changes', async () => {
    const { engine } = await startTestEngine({ env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const rows = (await engine.call('library:query', { offset: 0, limit: 10, sort: { column: 'fileName', dir: 'asc' } })).rows;
      const [changes, mod, steady] = rows;
      assert.ok(mod.bpmConfidence! >= 0.5, `the modulation's tempo is sure (${mod.bpm} at ${mod.bpmConfidence}): the BPM is written`);
      const w = await engine.call('library:write-tags', { trackId: mod.id, keyNotation: 'standard' });
      assert.equal(w.bpm, String(Math.round(mod.bpm!)));
      assert.equal(w.key, null);
      assert.equal(w.readBack.key, null, 'no key tag in the file');
      assert.equal(w.readBack.bpm, w.bpm);
      assert.equal(w.notWritten?.bpm, null);
      assert.match(w.notWritten?.key ?? '', /^the key changes \(0:00–0:[23]\d C major, 0:[23]\d–1:0\d G major\), and one key tag would be wrong for part of the track$/);
      // the key alone: refused, the change named
      await assert.rejects(engine.call('library:write-tags', { trackId: mod.id, keyNotation: 'camelot', bpm: false }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BAD_ARGS');
        assert.match(e.message, /"modulation\.wav" has no one key to write into its tags: the key changes \(0:00–0:[23]\d C major, /);
        return true;
      });
      // the tempo that changes: one BPM refused, the span and sections named
      await assert.rejects(engine.call('library:write-tags', { trackId: changes.id, keyNotation: 'standard', key: false }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BAD_ARGS');
        assert.match(e.message, /"changes\.wav" has no one tempo to write into its tags: the tempo changes \(variable \d+–\d+ BPM: 0:00–0:[23]\d \d+ BPM, .*\), and one BPM tag would be wrong for part of the track/);
        return true;
      });
      // a steady track's BPM is still written, with nothing left out for a change
      const s = await engine.call('library:write-tags', { trackId: steady.id, keyNotation: 'standard', key: false });
      assert.equal(s.bpm, '120');
      assert.deepEqual(s.notWritten, { bpm: null, key: null });
    } finally {
      await engine.stop();
    }
  });
});

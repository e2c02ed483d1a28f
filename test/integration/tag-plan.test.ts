// tagplan33: library:tag-plan, what a Write tags… over a selection would write, decided by the code library:write-tags
// decides with. Tester32 selected 12 tracks; the dialog offered "Write 10 files" and 3 of them (Low.ogg, Noise.flac,
// Sine440.mp3: tempo and key uncertain or none found) were then refused one by one. Real files, made the way the world
// makes them: lame, flac, oggenc, ffmpeg (Matroska), id3v2 (another tool's key tag); scanned by `studio analyze --db`.
// Checked: each kind of refusal (uncertain key only, a tempo that changes, none found, a container whose tags are not
// written, analysis failed, not analysed yet, an unknown id) and the one writable file; the options (key only,
// clearConflicting); that every track's plan is what library:write-tags then does; and a 1,000-track plan's time.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/integration/tag-plan.test.ts
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ff, OUTPUT, ROOT } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';
import { tempoRender } from '../helpers/tempo-render';

const DIR = join(OUTPUT, 'tag-plan-test');
const music = join(DIR, 'Music');
const dbPath = join(DIR, 'db', 'lib.sqlite');
const bin = join(ROOT, 'bin', 'studio.js');
const env = { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' };

/** a WAV of an ffmpeg lavfi source, for the encoders' input */
function lavfi(name: string, src: string): string {
  const p = join(DIR, name);
  ff(['-f', 'lavfi', '-i', src, '-ac', '2', '-ar', '44100', '-fflags', '+bitexact', p]);
  return p;
}

describe('library:tag-plan: the files Write tags… would write, and why each other one would be refused (tagplan33)', { timeout: 300_000 }, () => {
  const ids: Record<string, string> = {};

  test('setup: eight files by lame, flac, oggenc and ffmpeg, scanned; one left not analysed yet', () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(music, { recursive: true });
    const steady = tempoRender('tempo-steady-60s-120.wav', [[120, 120, 60]]);
    execFileSync('lame', ['--quiet', '-V', '2', steady, join(music, 'steady.mp3')]);
    execFileSync('flac', ['--silent', '-f', '-o', join(music, 'changes.flac'), tempoRender('ts-90-130-90.wav', [[90, 90, 30], [130, 130, 30], [90, 90, 30]])]);
    execFileSync('lame', ['--quiet', '-V', '2', lavfi('sine.wav', 'sine=f=440:d=12'), join(music, 'Sine440.mp3')]);
    // another tool's key tag, which disagrees with whatever uncertain key we guess for a 440 Hz sine (A)
    execFileSync('id3v2', ['--TKEY', 'Ebm', join(music, 'Sine440.mp3')]);
    execFileSync('flac', ['--silent', '-f', '-o', join(music, 'Noise.flac'), lavfi('noise.wav', 'anoisesrc=d=12:c=pink:a=0.3')]);
    execFileSync('oggenc', ['--quiet', '-o', join(music, 'Low.ogg'), lavfi('low.wav', 'sine=f=55:d=12')]);
    ff(['-i', steady, '-c:a', 'flac', join(music, 'groove.mka')]);
    writeFileSync(join(music, 'fake.mp3'), 'This is a text file pretending to be an MP3.\n'.repeat(50));
    copyFileSync(join(music, 'steady.mp3'), join(music, 'later.mp3'));
    const run = spawnSync(process.execPath, [bin, 'analyze', music, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    const db = new Database(dbPath);
    for (const r of db.prepare('SELECT id, file_name FROM tracks WHERE lib_status IS NOT NULL').all() as { id: string; file_name: string }[]) ids[r.file_name] = r.id;
    // a track the scan has not reached yet (the studio's pending rows: queued, or a scan paused before them)
    db.prepare(`UPDATE tracks SET lib_status = 'pending' WHERE id = ?`).run(ids['later.mp3']);
    db.close();
    assert.deepEqual(Object.keys(ids).sort(), ['Low.ogg', 'Noise.flac', 'Sine440.mp3', 'changes.flac', 'fake.mp3', 'groove.mka', 'later.mp3', 'steady.mp3']);
  });

  test('one writable (steady.mp3); every other refused with the reason library:write-tags gives, and nothing written', async () => {
    const { engine } = await startTestEngine({ env });
    try {
      const rows = (await engine.call('library:query', { offset: 0, limit: 20 })).rows;
      const row = (name: string) => rows.find((r) => r.fileName === name)!;
      const sine = row('Sine440.mp3');
      assert.equal(sine.bpm, null, `the sine has no tempo: ${JSON.stringify(sine)}`);
      assert.ok(sine.key !== null && (sine.keyConfidence ?? 0) < 0.5, `the sine's key is an uncertain guess: ${JSON.stringify(sine)}`);
      const all = [...Object.values(ids), 'unknownTrack0001'];
      const plan = await engine.call('library:tag-plan', { trackIds: all });
      const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id;
      assert.deepEqual(plan.writable.map(name), ['steady.mp3']);
      const why = Object.fromEntries(plan.refused.map((r) => [name(r.trackId), r]));
      assert.deepEqual(Object.keys(why).sort(), ['Low.ogg', 'Noise.flac', 'Sine440.mp3', 'changes.flac', 'fake.mp3', 'groove.mka', 'later.mp3', 'unknownTrack0001']);
      assert.match(why['Sine440.mp3'].reason, /^"Sine440\.mp3" has no tempo or key sure enough to write into its tags: the best guesses \(key \w+ (major|minor) at \d+% confidence\) are uncertain \(below 50%\)/);
      // its own (another tool's) key tag is read for the refusal, and named, as the write names it
      assert.match(why['Sine440.mp3'].reason, /Kept the file's existing key tag "Ebm", which disagrees with our uncertain/);
      assert.match(why['changes.flac'].reason, /^"changes\.flac" has no one tempo or key to write into its tags: the tempo changes \(variable \d+–\d+ BPM/);
      assert.match(why['Noise.flac'].reason, /^"Noise\.flac" has (nothing to write: the analysis found no tempo or key|no tempo or key sure enough)/);
      assert.match(why['Low.ogg'].reason, /^"Low\.ogg" has (nothing to write|no tempo or key sure enough)/);
      assert.match(why['groove.mka'].reason, /^"groove\.mka" is in a container \(matroska.*\) whose tags the studio does not write/);
      assert.match(why['fake.mp3'].reason, /^"fake\.mp3" is not analysed \(its analysis failed\)/);
      assert.match(why['later.mp3'].reason, /^"later\.mp3" is not analysed yet/);
      assert.deepEqual(why.unknownTrack0001, { trackId: 'unknownTrack0001', fileName: '', reason: 'That track is not in the library (unknown id).' });
      assert.equal(why['Sine440.mp3'].fileName, 'Sine440.mp3');
      // the plan wrote nothing: the file's key tag is still the other tool's, and the row says the file is unchanged
      assert.match(execFileSync('id3v2', ['-l', join(music, 'Sine440.mp3')], { encoding: 'utf8' }), /TKEY.*: Ebm/);

      // the options: the key only (steady.mp3 has no key: refused too); clearConflicting (the sine's
      // disagreeing key tag would be removed: writable)
      const keyOnly = await engine.call('library:tag-plan', { trackIds: all, bpm: false });
      assert.equal(row('steady.mp3').key, null, 'the drum groove has no key');
      assert.deepEqual(keyOnly.writable, [], JSON.stringify(keyOnly));
      assert.equal(keyOnly.refused.find((r) => r.trackId === ids['steady.mp3'])?.reason, '"steady.mp3" has nothing to write: the analysis found no key.');
      const clearing = await engine.call('library:tag-plan', { trackIds: all, clearConflicting: true });
      assert.deepEqual(clearing.writable.map(name).sort(), ['Sine440.mp3', 'steady.mp3']);
      // a repeated id counts once; the order is the selection's
      const twice = await engine.call('library:tag-plan', { trackIds: [ids['steady.mp3'], ids['fake.mp3'], ids['steady.mp3']] });
      assert.deepEqual(twice.writable, [ids['steady.mp3']]);
      assert.equal(twice.refused.length, 1);

      // what library:write-tags then does, track by track, is what the plan said (same options)
      for (const [opts, p] of [[{ bpm: false }, keyOnly], [{}, plan]] as const) {
        for (const id of all) {
          const res = await engine.call('library:write-tags', { trackId: id, keyNotation: 'standard', ...opts }).then(
            () => null,
            (e: Error) => e.message,
          );
          const said = p.refused.find((r) => r.trackId === id);
          assert.equal(res, said ? said.reason : null, `${name(id)} ${JSON.stringify(opts)}`);
        }
      }
      const cleared = await engine.call('library:write-tags', { trackId: ids['Sine440.mp3'], keyNotation: 'standard', clearConflicting: true });
      assert.equal(cleared.cleared?.key, 'Ebm');
    } finally {
      await engine.stop();
    }
  });

  test('a 1,000-track selection is one call (0.09–0.24 s measured; the 500 with nothing of ours to write have their own tags read only where the scan found some)', async () => {
    // 1,000 library rows: the eight tracks' rows and stored analyses copied, each copy's file a hard link to its original
    mkdirSync(join(DIR, 'copies'), { recursive: true });
    const db = new Database(dbPath);
    const rows = db.prepare('SELECT * FROM tracks WHERE lib_status IS NOT NULL').all() as Record<string, unknown>[];
    const analyses = db.prepare('SELECT * FROM library_analyses').all() as Record<string, unknown>[];
    const insert = (table: string, r: Record<string, unknown>) =>
      db.prepare(`INSERT INTO ${table} (${Object.keys(r).join(', ')}) VALUES (${Object.keys(r).map(() => '?').join(', ')})`).run(...Object.values(r));
    const copies: string[] = [];
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) {
        const r = rows[i % rows.length];
        const id = `copy${String(i).padStart(6, '0')}`;
        copies.push(id);
        const path = join(DIR, 'copies', `${i}-${r.file_name as string}`);
        linkSync(r.path as string, path);
        insert('tracks', { ...r, id, path, real_path: path });
        for (const a of analyses.filter((x) => x.track_id === r.id)) insert('library_analyses', { ...a, track_id: id });
      }
    })();
    db.close();
    const { engine } = await startTestEngine({ env });
    try {
      await engine.call('library:tag-plan', { trackIds: copies.slice(0, 8) });
      const t0 = performance.now();
      const plan = await engine.call('library:tag-plan', { trackIds: copies });
      const ms = performance.now() - t0;
      assert.equal(plan.writable.length + plan.refused.length, 1000);
      // steady.mp3 (written above) and Sine440.mp3 (its disagreeing tag removed, so now refused) copies
      assert.equal(plan.writable.length, Math.ceil(1000 / 8), JSON.stringify(plan.refused.slice(0, 8)));
      // the rows alone (no file read: writable, not analysed, a container not written)
      const noRead = copies.filter((id) => !plan.refused.some((r) => r.trackId === id && / has n/.test(r.reason)));
      const t1 = performance.now();
      const rowsOnly = await engine.call('library:tag-plan', { trackIds: noRead });
      const ms1 = performance.now() - t1;
      console.log(`# tag-plan of 1,000 tracks: ${ms.toFixed(0)} ms (${plan.refused.length} refused, ${1000 - noRead.length} with nothing of ours to write, their own tags read where the scan found some); of the ${noRead.length} needing no read: ${ms1.toFixed(0)} ms`);
      assert.ok(ms < 5000, `${ms} ms`);
      assert.equal(rowsOnly.writable.length, plan.writable.length);
    } finally {
      await engine.stop();
    }
  });

  test('a file the scan found no BPM/key tag in is not read again while unchanged (size and mtime); once changed it is (tags34)', async () => {
    // metaflac writes a BPM tag into Noise.flac's padding (the file keeps its size), and its mtime is put back to the
    // nanosecond: unchanged by the library's own test (a rescan would not read it either), so the plan answers from the
    // scan's reading; before tags34 every such file was read (10,000: 6.7 s, BENCHMARKS.md "Write tags… plan")
    const noise = join(music, 'Noise.flac');
    const before = statSync(noise, { bigint: true });
    execFileSync('metaflac', ['--set-tag=BPM=128', noise]);
    assert.equal(statSync(noise).size, Number(before.size), 'metaflac wrote into the padding');
    const ns = before.mtimeNs;
    execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, noise]);
    assert.equal(statSync(noise, { bigint: true }).mtimeNs, ns);
    const { engine } = await startTestEngine({ env });
    try {
      const reason = async () => (await engine.call('library:tag-plan', { trackIds: [ids['Noise.flac']] })).refused[0]?.reason ?? '';
      assert.doesNotMatch(await reason(), /Kept/, 'not read: the scan found no BPM or key tag in the unchanged file');
      // the file changed (its mtime): read, and its tag named as the write would name it
      execFileSync('touch', ['-m', noise]);
      assert.match(await reason(), /Kept the file's existing BPM tag "128"/);
    } finally {
      await engine.stop();
    }
  });
});

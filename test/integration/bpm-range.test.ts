// Issue 11: the BPM range reaches the user — `studio analyze --bpm-range`, and the
// engine's library:set-bpm-range applied to library:query and library:export — while
// the database keeps the tempo as analysed. Needs `npm run build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { foldBpm } from '@contract';
import { OUTPUT, ROOT, media } from '../helpers/media';
import { startTestEngine } from '../helpers/engine';

const DIR = join(OUTPUT, 'bpm-range-test');
const bin = join(ROOT, 'bin', 'studio.js');

/** 12 s of a 172 BPM click (20 ms 1 kHz blips) over a quiet pad, as MP3. */
function fastClick(): string {
  const p = (60 / 172).toFixed(6);
  return media('click-172.mp3', ['-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,${p}),0.02),0.8*sin(2*PI*1000*t)*(1-mod(t,${p})/0.02),0)+0.01*sin(2*PI*220*t)':s=44100:d=12`, '-c:a', 'libmp3lame', '-b:a', '192k']);
}

describe('BPM range setting', () => {
  test('studio analyze --bpm-range folds what it prints, keeps the database as analysed, and refuses a bad range', () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const file = fastClick();
    const dbPath = join(DIR, 'db', 'lib.sqlite');
    const plain = spawnSync(process.execPath, [bin, 'analyze', file, '--json', '--db', dbPath], { encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    const stored = (JSON.parse(plain.stdout.trim()) as { bpm: number }).bpm;
    // an even click has no metrical cue: either octave level is a right reading
    assert.ok(Math.abs(stored - 172) < 2 || Math.abs(stored - 86) < 1, `analysed as ${stored}`);
    const ranged = spawnSync(process.execPath, [bin, 'analyze', file, '--json', '--db', dbPath, '--bpm-range', '70-140'], { encoding: 'utf8' });
    assert.equal(ranged.status, 0, ranged.stderr);
    assert.equal((JSON.parse(ranged.stdout.trim()) as { bpm: number }).bpm, foldBpm(stored, { min: 70, max: 140 }));
    // the tempo as analysed beside it, last (session 17 tester: nothing said the tempo was folded)
    assert.equal((JSON.parse(ranged.stdout.trim()) as { analysedBpm: number }).analysedBpm, stored);
    assert.ok(Math.abs(foldBpm(stored, { min: 70, max: 140 })! - 86) < 1);
    const high = spawnSync(process.execPath, [bin, 'analyze', file, '--json', '--bpm-range', '140-280'], { encoding: 'utf8' });
    assert.ok(Math.abs((JSON.parse(high.stdout.trim()) as { bpm: number }).bpm - 172) < 2);
    assert.doesNotMatch(ranged.stderr + high.stderr, /narrower than an octave/, 'an octave-wide range holds every tempo');
    // session 14: a range narrower than an octave says once, on stderr, that some tempos cannot be brought into it
    // (stdout stays one JSON line per file)
    const narrow = spawnSync(process.execPath, [bin, 'analyze', file, '--json', '--db', dbPath, '--bpm-range', '120-130'], { encoding: 'utf8' });
    assert.equal(narrow.status, 0, narrow.stderr);
    assert.equal(narrow.stderr.match(/note: The BPM range 120–130 is narrower than an octave \(130 < 2 × 120\): some tempos cannot be doubled or halved into it/g)?.length, 1, narrow.stderr);
    assert.equal((JSON.parse(narrow.stdout.trim()) as { bpm: number }).bpm, foldBpm(stored, { min: 120, max: 130 }));
    // session 20: 86 and 172 both miss 120–130 — the text's ↕ mark, and the JSON's bpmOutsideRange (null without a range)
    assert.equal((JSON.parse(narrow.stdout.trim()) as { bpmOutsideRange: boolean | null }).bpmOutsideRange, true);
    assert.equal((JSON.parse(ranged.stdout.trim()) as { bpmOutsideRange: boolean | null }).bpmOutsideRange, false);
    assert.equal((JSON.parse(plain.stdout.trim()) as { bpmOutsideRange: boolean | null }).bpmOutsideRange, null);
    assert.match(spawnSync(process.execPath, [bin, 'analyze', file, '--db', dbPath, '--bpm-range', '120-130'], { encoding: 'utf8' }).stdout, /↕ outside 120–130/);
    const text = spawnSync(process.execPath, [bin, 'analyze', file, '--db', dbPath, '--bpm-range', '85-170'], { encoding: 'utf8' });
    assert.match(text.stdout, new RegExp(`tempo +${foldBpm(stored, { min: 85, max: 170 })} BPM`));
    const db = new Database(dbPath, { readonly: true });
    assert.equal((db.prepare('SELECT bpm FROM tracks').get() as { bpm: number }).bpm, stored, 'the stored tempo is the analysed one');
    db.close();
    // a range typed high to low is the same range (fix30a); equal bounds are no range
    const bad = spawnSync(process.execPath, [bin, 'analyze', file, '--bpm-range', '70-70'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"70-70" is not a BPM range: expected MIN-MAX/);
    const usage = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.match(usage.stdout, /--bpm-range MIN-MAX/);
  });

  test('library:set-bpm-range: query and export show the folded tempo, null restores the analysed tempo', async () => {
    const dbPath = join(DIR, 'db', 'lib.sqlite');
    const { engine } = await startTestEngine({ env: { STUDIO_DB_FILE: dbPath, STUDIO_LIBRARY_BACKGROUND: '0' } });
    try {
      const rows = async () => (await engine.call('library:query', { offset: 0, limit: 10 })).rows;
      const stored = (await rows())[0].bpm!;
      assert.equal(await engine.call('library:get-bpm-range', {}), null);
      // the one of these two ranges that moves the stored tempo (86 or 172) to the other level
      const range = stored > 140 ? { min: 70, max: 140 } : { min: 140, max: 280 };
      assert.deepEqual(await engine.call('library:set-bpm-range', { range }), range);
      assert.deepEqual(await engine.call('library:get-bpm-range', {}), range);
      const folded = foldBpm(stored, range);
      assert.notEqual(folded, stored);
      assert.equal((await rows())[0].bpm, folded);
      // the row names the analysed tempo where it is folded (the table's tooltip: dj33), as the export does
      assert.equal((await rows())[0].analysedBpm, stored);
      const csv = await engine.call('library:export', { format: 'csv' });
      const [head, line] = csv.content.split('\r\n');
      assert.equal(line.split(',')[head.split(',').indexOf('bpm')], String(folded));
      // the tempo as analysed beside it (session 17 tester: nothing said the tempo was folded), after the columns that
      // were there before it (lib20's taggedBpm / taggedKey, fix29's analysedKey / folder follow it)
      assert.deepEqual(head.split(',').slice(-6), ['warnings', 'analysedBpm', 'taggedBpm', 'taggedKey', 'analysedKey', 'folder']);
      assert.equal(line.split(',').at(-5), String(stored));
      const json = JSON.parse((await engine.call('library:export', { format: 'json' })).content) as { bpm: number; analysedBpm: number }[];
      assert.equal(json[0].bpm, folded);
      assert.equal(json[0].analysedBpm, stored);
      const detail = await engine.call('library:track-detail', { trackId: (await rows())[0].id });
      assert.equal(detail.track.bpm, folded);
      // the unfolded tempo beside it: what a tagged tempo is compared with (detailTagged; fix17c)
      assert.equal(detail.storedBpm, stored);
      assert.ok(detail.tempoCurve.length > 10 && detail.tempoCurve.every((p) => p.bpm >= range.min && p.bpm <= range.max), 'the tempo curve is shown in the range too');
      assert.ok(detail.beats.length > 10, 'the beats stay');
      assert.ok('beatsPerBar' in detail);
      await assert.rejects(engine.call('library:set-bpm-range', { range: { min: 140, max: 70 } }), (e: { code: string }) => e.code === 'BAD_ARGS');
      assert.equal(await engine.call('library:set-bpm-range', { range: null }), null);
      assert.equal((await rows())[0].bpm, stored);
      assert.equal((await rows())[0].analysedBpm, undefined, 'nothing folded: no analysed tempo beside it');
    } finally {
      await engine.stop();
    }
  });
});

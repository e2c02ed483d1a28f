// Issue 12, the waveform's gaps to Mixxx / rekordbox: the frequency bands computed with the peaks
// (a low tone lands in the low band, a high tone in the high band), the downbeat phase of a beat
// grid, and hot cues / named regions kept in the database across a reopen.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { downbeatPhase } from '../../main/engine/analysis/beat-grid';
import { BAND_EDGES_HZ, PeaksAnalyser } from '../../main/engine/analysis/waveform';
import { openDb } from '../../main/engine/db';
import { TrackMarksRepo } from '../../main/engine/db/track-marks';
import { TracksRepo } from '../../main/engine/db/tracks';

const RATE = 16000;

/** mean of each band over the peaks of `sec` seconds of a sine at `hz` (amplitude 0.5), fed in 4096-sample blocks */
function bandsOfSine(hz: number, sec = 2): [number, number, number] {
  const p = new PeaksAnalyser(sec);
  p.init(RATE);
  const n = sec * RATE;
  for (let off = 0; off < n; off += 4096) {
    const len = Math.min(4096, n - off);
    const block = new Float32Array(len);
    for (let i = 0; i < len; i++) block[i] = 0.5 * Math.sin((2 * Math.PI * hz * (off + i)) / RATE);
    p.process([block]);
  }
  const { bands, minMax } = p.finish();
  assert.equal(bands.length / 3, minMax.length / 2, 'one [low, mid, high] per peak');
  const sum = [0, 0, 0];
  // skip the first 0.1 s (the filters' start-up)
  const skip = Math.ceil(bands.length / 3 / sec / 10);
  let count = 0;
  for (let j = skip; j < bands.length / 3; j++, count++) for (let k = 0; k < 3; k++) sum[k] += bands[3 * j + k];
  return sum.map((s) => s / count) as [number, number, number];
}

test('band energies: a 100 Hz tone is low, a 1.5 kHz tone mid, a 6 kHz tone high', () => {
  assert.deepEqual(BAND_EDGES_HZ, [600, 4000]);
  const low = bandsOfSine(100);
  const mid = bandsOfSine(1500);
  const high = bandsOfSine(6000);
  // 0.5 amplitude → ~127 in the band that passes it, little in the others
  assert.ok(low[0] > 110 && low[1] < 0.3 * low[0] && low[2] < 0.05 * low[0], `100 Hz: ${low}`);
  assert.ok(mid[1] > 90 && mid[0] < 0.5 * mid[1] && mid[2] < 0.5 * mid[1], `1.5 kHz: ${mid}`);
  assert.ok(high[2] > 110 && high[0] < 0.05 * high[2] && high[1] < 0.5 * high[2], `6 kHz: ${high}`);
});

test('band energies survive the halving of a file longer than stated (max of merged peaks)', () => {
  const p = new PeaksAnalyser(1, 64); // at most 64 peaks: 3 s of audio forces halvings
  p.init(RATE);
  const block = new Float32Array(RATE * 3);
  for (let i = 0; i < block.length; i++) block[i] = 0.5 * Math.sin((2 * Math.PI * 100 * i) / RATE);
  p.process([block]);
  const { bands, minMax } = p.finish();
  assert.equal(bands.length / 3, minMax.length / 2);
  assert.ok(bands.length / 3 <= 64);
  for (let j = 1; j < bands.length / 3; j++) assert.ok(bands[3 * j] > 110, `peak ${j}: low ${bands[3 * j]}`);
});

test('downbeat phase: the beats with the most low-band energy start the bar', () => {
  const peaksPerSec = 100;
  const beats = Array.from({ length: 32 }, (_, i) => 0.25 + i * 0.5);
  const bands = new Uint8Array(3 * peaksPerSec * 17);
  for (let i = 0; i < beats.length; i++) {
    const c = Math.round(beats[i] * peaksPerSec);
    // a kick on beats 2, 6, 10, … (phase 2), a lighter one elsewhere; hi-hats everywhere
    bands[3 * c] = i % 4 === 2 ? 200 : 60;
    bands[3 * c + 2] = 180;
  }
  assert.equal(downbeatPhase(beats, 4, bands, peaksPerSec), 2);
  // three beats per bar, accent on phase 1
  const bands3 = new Uint8Array(bands.length);
  for (let i = 0; i < beats.length; i++) bands3[3 * Math.round(beats[i] * peaksPerSec)] = i % 3 === 1 ? 220 : 40;
  assert.equal(downbeatPhase(beats, 3, bands3, peaksPerSec), 1);
  // nothing to go on: phase 0
  assert.equal(downbeatPhase(beats, 4, new Uint8Array(0), peaksPerSec), 0);
  assert.equal(downbeatPhase(beats.slice(0, 2), 4, bands, peaksPerSec), 0);
});

/** a studio database in a new folder with two opened tracks, trackAAAA01 and trackBBBB02 */
function twoTracks(prefix: string): { dir: string; db: ReturnType<typeof openDb> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openDb(dir);
  const tracks = new TracksRepo(db);
  tracks.insertOpened('trackAAAA01', '/m/a.flac', '/m/a.flac', 10, 1, 'audio', '{}', 1);
  tracks.insertOpened('trackBBBB02', '/m/b.flac', '/m/b.flac', 10, 1, 'audio', '{}', 1);
  return { dir, db };
}

test('hot cues and named regions: kept per track, replaced by slot, renamed, deleted, and still there after a reopen', () => {
  const made = twoTracks('rs-marks-');
  const dir = made.dir;
  let db = made.db;
  let marks = new TrackMarksRepo(db);
  marks.setCue('cueid00001', 'trackAAAA01', 1, 12.5, 1);
  marks.setCue('cueid00002', 'trackAAAA01', 3, 40, 2);
  marks.setCue('cueid00003', 'trackAAAA01', 1, 14.25, 3); // slot 1 again: moved, not added
  marks.setCue('cueid00004', 'trackBBBB02', 1, 99, 4);
  assert.ok(marks.saveRegion('region0001', 'trackAAAA01', 'Intro', 0, 16, 5));
  assert.ok(marks.saveRegion('region0002', 'trackAAAA01', 'Drop', 64, 96, 6));
  assert.ok(marks.saveRegion('region0002', 'trackAAAA01', 'Drop 1', 64.5, 96, 7), 'renamed and moved');
  assert.equal(marks.saveRegion('region0002', 'trackBBBB02', 'Hijack', 1, 2, 8), false, 'another track cannot take a region over');
  marks.deleteCue('trackAAAA01', 3);
  db.close();
  db = openDb(dir);
  marks = new TrackMarksRepo(db);
  const rows = marks.list('trackAAAA01').map((r) => [r.kind, r.slot, r.start_sec, r.end_sec, r.name]);
  assert.deepEqual(rows, [
    ['cue', 1, 14.25, null, null],
    ['region', null, 0, 16, 'Intro'],
    ['region', null, 64.5, 96, 'Drop 1'],
  ]);
  assert.deepEqual(marks.list('trackBBBB02').map((r) => [r.kind, r.slot, r.start_sec]), [['cue', 1, 99]]);
  marks.deleteRegion('trackAAAA01', 'region0001');
  assert.equal(marks.list('trackAAAA01').length, 2);
  // a region must have a name and end after its start (the table's CHECK)
  assert.throws(() => marks.saveRegion('region0003', 'trackAAAA01', 'Bad', 10, 5, 9));
  // marks go with their track
  new TracksRepo(db);
  db.prepare('DELETE FROM tracks WHERE id = ?').run('trackAAAA01');
  assert.equal(marks.list('trackAAAA01').length, 0);
  db.close();
});

test('the loop: one per track, replaced, on/off, forgotten; kept across a reopen; must end after it starts', () => {
  const made = twoTracks('rs-loop-');
  const dir = made.dir;
  let db = made.db;
  let marks = new TrackMarksRepo(db);
  marks.setCue('cueid00001', 'trackAAAA01', 1, 12.5, 1);
  marks.setLoop('loopid0001', 'trackAAAA01', 4, 6, true, 2);
  marks.setLoop('loopid0002', 'trackAAAA01', 10, 12.5, false, 3); // the track's loop again: replaced, not added
  marks.setLoop('loopid0003', 'trackBBBB02', 1, 2, true, 4);
  db.close();
  db = openDb(dir);
  marks = new TrackMarksRepo(db);
  const loops = (id: string) => marks.list(id).filter((r) => r.kind === 'loop').map((r) => [r.start_sec, r.end_sec, r.active]);
  assert.deepEqual(loops('trackAAAA01'), [[10, 12.5, 0]]);
  assert.deepEqual(loops('trackBBBB02'), [[1, 2, 1]]);
  assert.equal(marks.list('trackAAAA01').filter((r) => r.kind === 'cue').length, 1, 'the cue is untouched');
  assert.throws(() => marks.setLoop('loopid0004', 'trackAAAA01', 5, 5, true, 5), /CHECK/);
  marks.deleteLoop('trackAAAA01');
  assert.deepEqual(loops('trackAAAA01'), []);
  assert.deepEqual(loops('trackBBBB02'), [[1, 2, 1]]);
  db.close();
});

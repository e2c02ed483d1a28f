// The waveform's marks through the real engine process (issue 12, the gaps to Mixxx / rekordbox):
// media:beats reads a library track's stored beats without decoding, says 'none' for a track never
// analysed until asked to analyse it (then cached), and the marks:* methods keep hot cues and named
// regions per track, refusing what the table's rules refuse.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { media, OUTPUT } from '../helpers/media';
import { startEngine } from './engine-harness';

const DIR = join(OUTPUT, 'wave-marks');

/** 32 s at 120 BPM in 4/4: a 55 Hz kick on each bar (every 2 s), a 1.2 kHz click on every beat */
function drums(name: string): string {
  return media(name, [
    '-f', 'lavfi', '-i',
    "aevalsrc=exprs='0.8*sin(2*PI*55*t)*exp(-mod(t,2)*10)+0.35*sin(2*PI*1200*t)*exp(-mod(t,0.5)*50)':s=44100:d=32",
    '-ac', '2',
  ]);
}

describe('beat grid, hot cues and named regions (engine)', { timeout: 180_000 }, () => {
  let h: Awaited<ReturnType<typeof startEngine>>;
  let inLibrary: string;
  let loose: string;

  before(async () => {
    mkdirSync(join(DIR, 'lib'), { recursive: true });
    mkdirSync(join(DIR, 'loose'), { recursive: true });
    inLibrary = join(DIR, 'lib', 'drums.flac');
    loose = join(DIR, 'loose', 'drums.wav');
    copyFileSync(drums('marks-drums.flac'), inLibrary);
    copyFileSync(drums('marks-drums.wav'), loose);
    h = await startEngine();
  });
  after(async () => h?.stop());

  test('a library track: the stored beats and meter, the bars on the kicks, without a decode', async () => {
    await h.engine.call('library:add-folder', { path: join(DIR, 'lib') });
    await h.engine.call('library:idle', {});
    const t = await h.engine.call('media:open', { path: inLibrary });
    const g = await h.engine.call('media:beats', { trackId: t.id });
    assert.equal(g.source, 'library');
    assert.equal(g.bpm, 120);
    // the grid carries the tempo's calibrated confidence, the one the library shows (tester17: the track view's
    // Beat grid read a tempo the library called uncertain as a fact)
    const row = (await h.engine.call('library:query', { offset: 0, limit: 10 })).rows.find((r) => r.path === inLibrary)!;
    assert.equal(typeof g.bpmConfidence, 'number');
    assert.equal(g.bpmConfidence, row.bpmConfidence);
    assert.equal(g.beatsPerBar, 4);
    assert.ok(g.beats.length > 50, `${g.beats.length} beats`);
    assert.ok(g.downbeat !== null && g.downbeat >= 0 && g.downbeat < 4);
    const off = g.beats[g.downbeat!] % 2;
    assert.ok(off < 0.06 || off > 1.94, `first downbeat at ${g.beats[g.downbeat!]} s`);
  });

  test('a track outside the library: none until asked; analysed once, then from the cache', async () => {
    const t = await h.engine.call('media:open', { path: loose });
    const none = await h.engine.call('media:beats', { trackId: t.id });
    assert.deepEqual([none.source, none.beats, none.bpm, none.bpmConfidence, none.downbeat], ['none', [], null, null, null]);
    const g = await h.engine.call('media:beats', { trackId: t.id, analyse: true });
    assert.equal(g.source, 'analysed');
    assert.equal(g.bpm, 120);
    assert.ok(g.bpmConfidence !== null && g.bpmConfidence >= 0.5 && g.bpmConfidence <= 1, `confidence ${g.bpmConfidence}`);
    assert.equal(g.beatsPerBar, 4);
    const again = await h.engine.call('media:beats', { trackId: t.id });
    assert.deepEqual(again, g, 'the second ask, without analyse, is the cached analysis');
  });

  test('the frequency bands come with the peaks, of the whole track and of a zoomed range: the kick in the low band', async () => {
    const t = await h.engine.call('media:open', { path: loose });
    const p = await h.engine.call('media:peaks', { trackId: t.id });
    const bands = Buffer.from(p.bands!, 'base64');
    assert.equal(bands.length / 3, Buffer.from(p.minMax, 'base64').length / 8, 'one [low, mid, high] per peak');
    const at = (b: Buffer, pps: number, sec: number, k: number) => b[3 * Math.round(sec * pps) + k];
    const pps = p.sampleRate / p.samplesPerPeak;
    // at 4.02 s the kick (55 Hz) rings; at 4.52 s only the decaying click (1.2 kHz) and a softer kick tail
    assert.ok(at(bands, pps, 4.02, 0) > 3 * at(bands, pps, 4.02, 2), `kick: ${[0, 1, 2].map((k) => at(bands, pps, 4.02, k))}`);
    assert.ok(at(bands, pps, 4.505, 1) > at(bands, pps, 4.505, 2), `click: ${[0, 1, 2].map((k) => at(bands, pps, 4.505, k))}`);
    const r = await h.engine.call('media:wave-range', { trackId: t.id, startSec: 3.5, endSec: 5, pixelsPerSec: 2000 });
    const rb = Buffer.from(r.bands!, 'base64');
    assert.equal(rb.length / 3, Buffer.from(r.minMax, 'base64').length / 8);
    const rpps = r.sampleRate / r.samplesPerPeak;
    const atR = (sec: number, k: number) => rb[3 * Math.round((sec - r.startSec) * rpps) + k];
    assert.ok(atR(4.02, 0) > 3 * atR(4.02, 2), `range kick: ${[0, 1, 2].map((k) => atR(4.02, k))}`);
  });

  test('hot cues and named regions: set, replace, rename, delete; refused when malformed', async () => {
    const a = await h.engine.call('media:open', { path: inLibrary });
    const b = await h.engine.call('media:open', { path: loose });
    let m = await h.engine.call('marks:set-cue', { trackId: a.id, slot: 2, timeSec: 8 });
    m = await h.engine.call('marks:set-cue', { trackId: a.id, slot: 2, timeSec: 9.5 });
    m = await h.engine.call('marks:set-cue', { trackId: a.id, slot: 8, timeSec: 30 });
    assert.deepEqual(m.cues, [{ slot: 2, timeSec: 9.5 }, { slot: 8, timeSec: 30 }]);
    m = await h.engine.call('marks:save-region', { trackId: a.id, name: '  Verse  ', startSec: 4, endSec: 12 });
    assert.equal(m.regions.length, 1);
    assert.equal(m.regions[0].name, 'Verse');
    const id = m.regions[0].id;
    m = await h.engine.call('marks:save-region', { trackId: a.id, id, name: 'Verse 1', startSec: 4, endSec: 12 });
    assert.deepEqual(m.regions.map((r) => [r.id, r.name]), [[id, 'Verse 1']]);
    await assert.rejects(h.engine.call('marks:save-region', { trackId: a.id, name: 'Backwards', startSec: 12, endSec: 4 }), (e: { code?: string }) => e.code === 'BAD_ARGS');
    await assert.rejects(h.engine.call('marks:save-region', { trackId: b.id, id, name: 'Taken', startSec: 1, endSec: 2 }), (e: { code?: string }) => e.code === 'NOT_FOUND');
    await assert.rejects(h.engine.call('marks:set-cue', { trackId: a.id, slot: 9, timeSec: 1 }), (e: { code?: string }) => e.code === 'BAD_ARGS');
    assert.deepEqual((await h.engine.call('marks:list', { trackId: b.id })).regions, []);
    m = await h.engine.call('marks:delete-cue', { trackId: a.id, slot: 2 });
    m = await h.engine.call('marks:delete-region', { trackId: a.id, id });
    assert.deepEqual([m.cues, m.regions], [[{ slot: 8, timeSec: 30 }], []]);
  });

  test('the loop: kept per track, replaced, switched off, forgotten; refused when it does not end after it starts', async () => {
    const a = await h.engine.call('media:open', { path: inLibrary });
    const b = await h.engine.call('media:open', { path: loose });
    assert.equal((await h.engine.call('marks:list', { trackId: b.id })).loop, null);
    let m = await h.engine.call('marks:set-loop', { trackId: a.id, loop: { startSec: 4, endSec: 6, on: true } });
    assert.deepEqual(m.loop, { startSec: 4, endSec: 6, on: true });
    m = await h.engine.call('marks:set-loop', { trackId: a.id, loop: { startSec: 8, endSec: 10.5, on: false } });
    assert.deepEqual(m.loop, { startSec: 8, endSec: 10.5, on: false });
    assert.deepEqual(m.cues, [{ slot: 8, timeSec: 30 }], 'the cues stay');
    assert.deepEqual((await h.engine.call('marks:list', { trackId: a.id })).loop, { startSec: 8, endSec: 10.5, on: false });
    assert.equal((await h.engine.call('marks:list', { trackId: b.id })).loop, null, 'another track has its own');
    await assert.rejects(h.engine.call('marks:set-loop', { trackId: a.id, loop: { startSec: 5, endSec: 5, on: true } }), (e: { code?: string }) => e.code === 'BAD_ARGS');
    await assert.rejects(h.engine.call('marks:set-loop', { trackId: a.id, loop: { startSec: -1, endSec: 5, on: true } }), (e: { code?: string }) => e.code === 'BAD_ARGS');
    m = await h.engine.call('marks:set-loop', { trackId: a.id, loop: null });
    assert.equal(m.loop, null);
  });
});

// tools/eval/drums-set.ts (tempo-drums, decision21): the plan holds ≤ 200 files on the 60–200 grid, two SoundFonts per
// pattern and tempo, never the pinned test's 16-beat at 94–106 BPM; 6/8's truth is the dotted quarter; the MIDI notes
// fall on the pattern's grid. Session 26 (tnet26): the sparse-percussion families are set "drums2", drums only, after
// the eleven, whose plan and notes are pinned by a digest (a rebuild of session 21's rows must read the same files).
// Nothing rendered (clashOf given: no eval split needed).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { drumNotes, excluded, GRID, PATTERNS, planDrums } from '../../tools/eval/drums-set';

const plan = planDrums('/nonexistent', () => undefined);

test('plan: ≤ 260 files, every family, tempi on the grid within 60–200, both SoundFonts for each pattern and tempo', () => {
  assert.ok(plan.length <= 260 && plan.length >= 100, `${plan.length} files`);
  assert.deepEqual(new Set(plan.map((j) => j.item.pattern)), new Set(Object.keys(PATTERNS)));
  for (const { item } of plan) {
    assert.ok(GRID.includes(item.bpm!) && item.bpm! >= 60 && item.bpm! <= 200, item.file);
    assert.equal(item.set, PATTERNS[item.pattern].set ?? 'drums');
    assert.equal(item.group, `drums:${item.pattern}-gm`);
  }
  const fonts = new Map<string, Set<string>>();
  for (const { item } of plan) fonts.set(`${item.pattern}/${item.bpm}`, (fonts.get(`${item.pattern}/${item.bpm}`) ?? new Set()).add(item.soundfont!));
  for (const [k, v] of fonts) assert.deepEqual([...v].sort(), ['fluidr3', 'timgm6mb'], k);
  assert.equal(new Set(plan.map((j) => j.item.file)).size, plan.length);
});

test("the pinned 16-beat (analysis-tempo-octave-net.test.ts) is never planned at 94–106 BPM; some files carry the bass", () => {
  assert.ok(excluded('sixteen', 94) && excluded('sixteen', 100) && excluded('sixteen', 106) && !excluded('sixteen', 108) && !excluded('eight', 100));
  assert.ok(!plan.some(({ item }) => item.pattern === 'sixteen' && item.bpm! >= 94 && item.bpm! <= 106));
  assert.ok(plan.some(({ item }) => item.bass) && plan.some(({ item }) => !item.bass));
});

test('6/8: the truth is the dotted quarter (MIDI tempo ÷ 1.5); the notes of a bar lie on its eighths', () => {
  const six = plan.filter(({ item }) => item.pattern === 'six8');
  assert.ok(six.length > 0);
  for (const { item } of six) {
    assert.equal(item.midiBpm, item.bpm! * 1.5);
    assert.equal(item.meterClass, '6/8');
  }
  const { notes, midiBpm } = drumNotes('six8', 80, true, 1, 10);
  assert.equal(midiBpm, 120);
  for (const n of notes.filter((x) => x.ch === 9)) assert.ok(Math.abs(n.beat * 2 - Math.round(n.beat * 2)) < 1e-9, `${n.beat}`);
  // one kick per bar of 3 quarters, at its start
  assert.deepEqual(notes.filter((x) => x.ch === 9 && x.note === 36).map((x) => x.beat).slice(0, 3), [0, 3, 6]);
});

const SPARSE = ['cadence', 'baiao', 'bell128', 'sreggae', 'timbale', 'brush'];

test('session 26: the sparse-percussion families come after the eleven, set drums2, drums only, ≥ 5 tempi each', () => {
  assert.deepEqual(Object.keys(PATTERNS).slice(11), SPARSE);
  for (const fam of SPARSE) {
    const files = plan.filter(({ item }) => item.pattern === fam);
    assert.ok(new Set(files.map(({ item }) => item.bpm)).size >= 5, fam);
    for (const { item } of files) {
      assert.equal(item.set, 'drums2');
      assert.equal(item.bass, false, item.file);
      assert.equal(item.group, `drums:${fam}-gm`);
    }
  }
  // the eleven of session 21: the same 158 files and notes (seed = family index · 1000 + tempo)
  const fam = Object.keys(PATTERNS);
  const old = plan.filter(({ item }) => item.set === 'drums');
  const digest = createHash('sha256')
    .update(JSON.stringify(old.map((j) => [j.item, drumNotes(j.item.pattern, j.item.bpm!, j.item.bass, fam.indexOf(j.item.pattern) * 1000 + j.item.bpm!).notes])))
    .digest('hex');
  assert.equal(old.length, 158);
  assert.equal(digest, 'e3a744c9908354abb7ff832539160b4bbbe99b87efa8e3d0e60459217a86fdba');
});

test('session 26: 12/8 bell — truth the dotted quarter, seven bell strokes per bar on its eighths; the cadence rolls in thirty-seconds', () => {
  const bell = plan.filter(({ item }) => item.pattern === 'bell128');
  for (const { item } of bell) {
    assert.equal(item.midiBpm, item.bpm! * 1.5);
    assert.equal(item.meterClass, '6/8');
  }
  const { notes, midiBpm } = drumNotes('bell128', 100, false, 1, 10);
  assert.equal(midiBpm, 150);
  assert.ok(!notes.some((n) => n.ch !== 9));
  assert.deepEqual(notes.filter((n) => n.note === 67 && n.beat < 6).map((n) => n.beat * 2), [0, 2, 4, 5, 7, 9, 11]);
  const cad = drumNotes('cadence', 120, false, 1, 10).notes.filter((n) => n.note === 38).map((n) => n.beat);
  assert.ok(cad.some((b) => Math.abs(b * 8 - Math.round(b * 8)) < 1e-9 && Math.round(b * 8) % 2 === 1), 'a thirty-second stroke');
  // no snare backbeat in the sparse families but the cadence's (a snare on every beat 2 and 4 of every bar)
  for (const f of ['baiao', 'bell128', 'timbale', 'brush']) assert.ok(!drumNotes(f, 120, false, 1, 10).notes.some((n) => n.note === 38 && n.vel > 60), f);
});

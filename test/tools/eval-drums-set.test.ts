// tools/eval/drums-set.ts (tempo-drums, decision21): the plan holds ≤ 200 files on the 60–200 grid, two SoundFonts per
// pattern and tempo, never the pinned test's 16-beat at 94–106 BPM; 6/8's truth is the dotted quarter; the MIDI notes
// fall on the pattern's grid. Nothing rendered (clashOf given: no eval split needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drumNotes, excluded, GRID, PATTERNS, planDrums } from '../../tools/eval/drums-set';

const plan = planDrums('/nonexistent', () => undefined);

test('plan: ≤ 200 files, every family, tempi on the grid within 60–200, both SoundFonts for each pattern and tempo', () => {
  assert.ok(plan.length <= 200 && plan.length >= 100, `${plan.length} files`);
  assert.deepEqual(new Set(plan.map((j) => j.item.pattern)), new Set(Object.keys(PATTERNS)));
  for (const { item } of plan) {
    assert.ok(GRID.includes(item.bpm!) && item.bpm! >= 60 && item.bpm! <= 200, item.file);
    assert.equal(item.set, 'drums');
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

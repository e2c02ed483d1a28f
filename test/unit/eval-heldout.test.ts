// Issue 11: the held-out tempo/key set (tools/eval/heldout-set.ts) shares no material with the dev
// and test sets — no MMA groove family related to one they use, no MIDI file played in live whose
// declared tempo is not the one the notes follow — and, once built, the development-side builders
// (split-families.ts' clashOf) refuse its families in turn.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { grooveFamily, SONGS } from '../../tools/eval/build-set';
import { FONT_PAIRS, HELDOUT_SONGS, heldoutClash, heldoutFamily, heldoutMmaSource, noteOnTicks, onGridShare, sideSetManifests, usedMmaFamilies } from '../../tools/eval/heldout-set';
import { splitFamilies } from '../../tools/eval/split-families';
import { smfBytes, type SmfNote } from '../helpers/smf';

const OUT = 'test/output/eval-heldout-unit';

describe('held-out set: families', () => {
  it('refuses a stdlib family related to a used one either way, and another library\'s file named as a used family', () => {
    assert.match(heldoutClash({ lib: 'stdlib', file: 'arpeggio44' }, new Set(['arpeggio68'])) ?? '', /arpeggio68/); // same stem
    assert.match(heldoutClash({ lib: 'stdlib', file: 'march' }, new Set(['bwmarch'])) ?? '', /bwmarch/); // a used family ends with it
    assert.match(heldoutClash({ lib: 'stdlib', file: 'bluefolk' }, new Set(['folk'])) ?? '', /folk/); // it ends with a used family
    assert.match(heldoutClash({ lib: 'casio', file: 'swing' }, new Set(['swing'])) ?? '', /swing/);
    assert.equal(heldoutClash({ lib: 'casio', file: 'popwaltz' }, new Set(['waltz'])), undefined); // another library: the name alone
    assert.equal(heldoutClash({ lib: 'stdlib', file: 'gypsyjazz' }, new Set(['jazz54', 'swing'])), undefined);
  });

  it('no held-out song is on a groove family that build-set.ts (dev and test) uses', () => {
    const used = new Set([...SONGS.map((s) => grooveFamily(s.groove)), 'stringballad']);
    for (const s of HELDOUT_SONGS) assert.equal(heldoutClash(s, used), undefined, `${s.lib}/${s.file}`);
  });

  // the check needs the whole built evaluation material: split.json and every dev-side set (beside or inside the folder);
  // with part of it (only test/output/eval linked, its side sets elsewhere) it would read too few families, so it skips, naming what is missing
  const missing = existsSync('test/output/eval/split.json') ? Object.entries(sideSetManifests('test/output/eval')).filter(([, m]) => m === null).map(([s]) => s) : ['split.json'];
  it('no held-out song is on a family used by any set of the built evaluation folder', { skip: missing.length > 0 && `not built here: test/output/eval/${missing.join(', ')}` }, () => {
    const used = usedMmaFamilies('test/output/eval');
    assert.ok(used.size > 60, `${used.size} families read`);
    for (const s of HELDOUT_SONGS) assert.equal(heldoutClash(s, used), undefined, `${s.lib}/${s.file}`);
  });

  it('every SoundFont pair has a font that no other set renders with', () => {
    for (const pair of FONT_PAIRS) assert.ok(pair.some((f) => f === 'gmbank' || f === 'opl3'), pair.join('/'));
  });

  it("once heldout-units.json lies beside split.json, the dev-side builders' clashOf refuses its families", () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'split.json'), JSON.stringify({ units: { 'mma:waltz': { set: 'test', files: [] }, 'mma:8beat': { set: 'dev', files: [] } } }));
    const before = splitFamilies(join(OUT, 'split.json')).clashOf;
    assert.equal(before('metronome'), undefined);
    writeFileSync(join(OUT, 'heldout-units.json'), JSON.stringify({ units: { 'mma:metronome3': [], 'mma:casio/serenade': [], 'mma:zoom/rock': [], 'abc:x': [] } }));
    const { clashOf } = splitFamilies(join(OUT, 'split.json'));
    assert.equal(clashOf('jazzwaltz'), 'waltz'); // the test set, as before
    assert.equal(clashOf('metronome'), 'metronome3'); // a held-out stdlib family: same stem
    assert.equal(clashOf('casio/serenade'), 'casio/serenade');
    assert.equal(clashOf('serenade'), undefined); // a stdlib name: not the casio file
    assert.equal(clashOf('bubblerock'), undefined); // zoom/rock is another library's file: its full name only
    assert.equal(clashOf('8beat'), undefined); // dev families are for the dev side
  });
});

describe('held-out set: MMA sources written here', () => {
  const song = (cat: string) => HELDOUT_SONGS.find((s) => s.cat === cat)!;
  it('a beatless intro is a pad of whole-bar chords before the groove, and its length is counted', () => {
    const s = song('intro');
    const { text, introSec } = heldoutMmaSource(s, 0, 30);
    const beats = s.meter * (s.per ?? 1);
    assert.equal(introSec, (s.introBars! * beats * 60) / s.tempo);
    assert.ok(text.indexOf('Groove HeldoutPad') < text.indexOf(`Groove ${s.lib}/${s.file}:${s.groove}`));
    assert.match(text, new RegExp(`Sequence \\{1 ${beats * 192}t 80\\}`));
  });
  it('drums only: rests in every bar; an overlay adds chords and bass to a drums-only groove', () => {
    const perc = heldoutMmaSource(song('percussion'), 0, 30).text.split('\n').filter((l) => /^\d+ /.test(l));
    assert.ok(perc.length > 5 && perc.every((l) => / z$/.test(l)));
    const over = HELDOUT_SONGS.find((s) => s.overlay)!;
    assert.match(heldoutMmaSource(over, 0, 30).text, /Begin Chord\n[\s\S]*Begin Bass\n/);
  });
  it('families are named by library: stdlib as in split.json, the others as lib/file', () => {
    assert.equal(heldoutFamily({ lib: 'stdlib', file: 'gypsyjazz' }), 'gypsyjazz');
    assert.equal(heldoutFamily({ lib: 'casio', file: '68ballad' }), 'casio/68ballad');
  });
});

describe('held-out set: MIDI played in live is refused (note-ons off the declared grid)', () => {
  const song = (jitter: (i: number) => number): Uint8Array => {
    const notes: SmfNote[] = [];
    for (let i = 0; i < 64; i++) notes.push({ beat: i / 2 + jitter(i), len: 0.25, ch: i % 2 ? 0 : 9, note: 60 + (i % 5), vel: 90 });
    return smfBytes({ bpm: 100, notes });
  };
  it('a quantised file is on the grid, eighths and triplets alike', () => {
    const b = song(() => 0);
    const ticks = noteOnTicks(b);
    assert.equal(ticks.length, 64);
    assert.equal(onGridShare(ticks, new DataView(b.buffer, b.byteOffset).getUint16(12)), 1);
    const trip = song((i) => (i % 3) / 6);
    assert.equal(onGridShare(noteOnTicks(trip), new DataView(trip.buffer, trip.byteOffset).getUint16(12)), 1);
  });
  it('notes pushed a few ms around (a live take) fall off it', () => {
    // ± 1/20 … 1/12 of a quarter: 30–50 ms at 100 BPM, as a player's timing
    const b = song((i) => [0.05, -0.07, 0.083, -0.055][i % 4]);
    assert.ok(onGridShare(noteOnTicks(b), new DataView(b.buffer, b.byteOffset).getUint16(12)) < 0.2);
  });
});

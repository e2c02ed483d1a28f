// Issue 11: dev2 (tools/eval/dev2-set.ts), a broader development-side tempo/key set built the held-out way from MMA's
// other groove libraries, must leave the held-out set independent: no held-out family (nor a related one of the same
// library, nor one of the same name in another library), none of the held-out set's two SoundFonts.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEV2_FONT_PAIRS, DEV2_GROOVES, DEV2_SONGS, dev2Clash } from '../../tools/eval/dev2-set';
import { FONT_PAIRS, HELDOUT_SONGS, heldoutFamily, heldoutMmaSource, MODE_THIRD_MIN, modeHeard, retruthManifest, type HeldoutJob } from '../../tools/eval/heldout-set';
import { smfBytes, type SmfNote } from '../helpers/smf';
import { splitFamilies } from '../../tools/eval/split-families';

const OUT = 'test/output/eval-dev2-unit';

/** clashOf with the committed held-out songs' families as heldout-units.json and an empty test set */
function heldoutClashOf(): (fam: string) => string | undefined {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'split.json'), JSON.stringify({ units: {} }));
  writeFileSync(join(OUT, 'heldout-units.json'), JSON.stringify({ units: Object.fromEntries(HELDOUT_SONGS.filter((s) => !s.leftOut).map((s) => [`mma:${heldoutFamily(s)}`, []])) }));
  return splitFamilies(join(OUT, 'split.json')).clashOf;
}

describe('dev2: the held-out set stays independent', () => {
  it('never renders with the held-out set\'s own SoundFonts (csound sf_GMbank, OPL3)', () => {
    const heldoutOnly = new Set<string>(FONT_PAIRS.flat().filter((f) => f === 'gmbank' || f === 'opl3'));
    assert.equal(heldoutOnly.size, 2);
    for (const pair of DEV2_FONT_PAIRS) for (const f of pair) assert.ok(!heldoutOnly.has(f), pair.join('/'));
  });

  it("clashOf refuses another library's held-out family, its same-library relatives and its name in another library", () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'split.json'), JSON.stringify({ units: {} }));
    writeFileSync(join(OUT, 'heldout-units.json'), JSON.stringify({ units: { 'mma:casio/16beatballad1': [], 'mma:zoom/hiphop': [], 'mma:casio/rock2': [] } }));
    const { clashOf } = splitFamilies(join(OUT, 'split.json'));
    assert.equal(clashOf('casio/16beatballad1'), 'casio/16beatballad1');
    assert.equal(clashOf('casio/8beatballad3'), 'casio/16beatballad1'); // Casio's numbered variants of one style
    assert.equal(clashOf('casio/poprock1'), 'casio/rock2'); // same stem in the same library
    assert.equal(clashOf('alexis/hiphop'), 'zoom/hiphop'); // the same file name in another library
    assert.equal(clashOf('casio/hip-hop'), 'zoom/hiphop');
    assert.equal(clashOf('pflib/rock1'), undefined); // another library, another name
    assert.equal(clashOf('casio/dance1'), undefined);
    assert.equal(clashOf('hiphop'), undefined); // a stdlib name: as before, not another library's file
  });

  it('of the dev2 songs, exactly the three named as a held-out family of another library are refused', () => {
    const clashOf = heldoutClashOf();
    const refused = DEV2_SONGS.filter((s) => dev2Clash(s, new Set(), clashOf)).map((s) => `${s.lib}/${s.file}`);
    assert.deepEqual(refused.sort(), ['alexis/hiphop', 'casio/hip-hop', 'casio/techno']);
  });
});

describe('dev2: grooves written here', () => {
  it("each song's meter (in MMA beats) is its groove's time signature, and the groove is defined before it is used", () => {
    const here = DEV2_SONGS.filter((s) => s.lib === 'here');
    assert.ok(here.some((s) => s.cat === 'triple') && here.some((s) => s.cat === 'compound') && here.some((s) => s.cat === 'odd'));
    for (const s of here) {
      const text = heldoutMmaSource(s, 0, 30, DEV2_GROOVES).text;
      assert.ok(text.includes(`Time ${s.meter * (s.per ?? 1)}\n`), s.groove);
      assert.ok(text.indexOf(`DefGroove ${s.groove}`) < text.indexOf(`Groove ${s.groove}\n`), s.groove);
    }
  });
});

describe('dev2 key truth: the notes must play the mode (modeHeard)', () => {
  const pcq = (o: Record<number, number>) => Array.from({ length: 12 }, (_, i) => o[i] ?? 0);
  it("the mode's third longer than the other third and at least MODE_THIRD_MIN of the tonic's time", () => {
    const fMinor = { tonic: 5, mode: 'minor' as const };
    assert.equal(modeHeard(pcq({ 5: 10, 0: 8, 8: 3 }), fMinor), true); // A♭ sounds
    assert.equal(modeHeard(pcq({ 5: 10, 0: 8 }), fMinor), false); // roots and fifths only: no third either way
    assert.equal(modeHeard(pcq({ 5: 10, 0: 8, 8: 3, 9: 3 }), fMinor), false); // both thirds alike
    assert.equal(modeHeard(pcq({ 5: 10, 0: 8, 9: 3 }), fMinor), false); // the other mode's third
    assert.equal(modeHeard(pcq({ 5: 10, 0: 8, 8: MODE_THIRD_MIN * 10 }), fMinor), true); // at the floor
    assert.equal(modeHeard(pcq({ 5: 10, 0: 8, 8: MODE_THIRD_MIN * 10 - 0.01 }), fMinor), false); // under it (casio/march1: 2 %)
    assert.equal(modeHeard(pcq({ 1: 10, 8: 6, 5: 2 }), { tonic: 1, mode: 'major' }), true); // D♭ major with F
  });

  it('--retruth: a built manifest\'s MMA songs are re-read from their MIDI files, nothing rendered', () => {
    const dir = join(OUT, 'retruth');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const bars = (tones: number[]): SmfNote[] => Array.from({ length: 8 }, (_, b) => tones.map((n, i) => ({ beat: b * 4 + i, len: 1, ch: 1, note: n, vel: 90 }))).flat();
    writeFileSync(join(dir, 'fifths.mid'), smfBytes({ bpm: 112, notes: bars([37, 44, 37, 44]) })); // D♭ and A♭ only
    writeFileSync(join(dir, 'minor.mid'), smfBytes({ bpm: 124, notes: bars([41, 44, 48, 44]) })); // F A♭ C
    const item = (file: string, tonic: number, mode: 'major' | 'minor', shift: number) => ({ set: 'dev2', file, source: 'mma:x', category: 'pop4', bpm: 120, meter: 4, meterClass: '4/4', sourceKind: 'mma', key: { tonic: (tonic + shift) % 12, mode }, keyTrusted: true, soundfont: 'fluidr3', stretch: 1, shift, introSec: 0 });
    const items = [item('a-fifths.mp3', 1, 'major', 0), item('a-fifths-s1.mp3', 1, 'major', 1), item('b-minor.mp3', 5, 'minor', 0), { ...item('c-drums.mp3', 0, 'major', 0), key: null, keyTrusted: false }];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ sec: 30, items }));
    const job = (file: string, mid: string, key: { tonic: number; mode: 'major' | 'minor' }) => ({ unit: 'mma:x', item: items.find((i) => i.file === file), make: async () => {}, song: { mid: join(dir, mid), key } }) as unknown as HeldoutJob;
    const jobs = [job('a-fifths.mp3', 'fifths.mid', { tonic: 1, mode: 'major' }), job('a-fifths-s1.mp3', 'fifths.mid', { tonic: 1, mode: 'major' }), job('b-minor.mp3', 'minor.mid', { tonic: 5, mode: 'minor' })];
    const changed = retruthManifest(join(dir, 'manifest.json'), jobs);
    assert.deepEqual(changed, [{ file: 'a-fifths.mp3', trusted: false }, { file: 'a-fifths-s1.mp3', trusted: false }]);
    const after = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { sec: number; items: { file: string; keyTrusted: boolean }[] };
    assert.equal(after.sec, 30);
    assert.deepEqual(after.items.map((i) => i.keyTrusted), [false, false, true, false]);
  });
});

// Issue 11: dev2 (tools/eval/dev2-set.ts), a broader development-side tempo/key set built the held-out way from MMA's
// other groove libraries, must leave the held-out set independent: no held-out family (nor a related one of the same
// library, nor one of the same name in another library), none of the held-out set's two SoundFonts.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEV2_FONT_PAIRS, DEV2_GROOVES, DEV2_SONGS, dev2Clash } from '../../tools/eval/dev2-set';
import { FONT_PAIRS, HELDOUT_SONGS, heldoutFamily, heldoutMmaSource } from '../../tools/eval/heldout-set';
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

// Issue 11: the held-out tempo/key sets (tools/eval/heldout-set.ts, heldout2-set.ts) share no material with the dev
// and test sets — no MMA groove family related to one they use, no MIDI file played in live whose
// declared tempo is not the one the notes follow — and, once built, the development-side builders
// (split-families.ts' clashOf) refuse its families in turn.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freepatsConfig, grooveFamily, render, SONGS } from '../../tools/eval/build-set';
import { DEV2_FONT_PAIRS, DEV2_SONGS } from '../../tools/eval/dev2-set';
import { FONT_PAIRS, HELDOUT_SONGS, heldoutClash, heldoutFamily, heldoutMmaSource, noteOnTicks, oneMeter, onGridShare, sideSetManifests, usedMmaFamilies } from '../../tools/eval/heldout-set';
import { heldout2Clash, HELDOUT2_FONT_PAIRS, HELDOUT2_GROOVES, HELDOUT2_SONGS, readHydrogenSong, renderHydrogen, takenFamilies } from '../../tools/eval/heldout2-set';
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

// heldout2 (tools/eval/heldout2-set.ts): a second fresh held-out set, from material no other set uses
describe('heldout2: material no other set uses', () => {
  const devtestUsed = new Set([...SONGS.map((s) => grooveFamily(s.groove)), 'stringballad']);
  it('refuses a family whose file name is related to a used one, a family another set holds or is related to in its library, and the same file name in another library', () => {
    const used = new Set(['swing', 'bigband', 'twist']);
    const taken = ['casio/16shuffle1', 'zoom/reggae', 'yamaha/salsa2'];
    assert.match(heldout2Clash({ lib: 'casio', file: 'slowswing' }, used, taken) ?? '', /swing/); // heldout-set's rule only checks the exact name
    assert.match(heldout2Clash({ lib: 'casio', file: 'middlebigband' }, used, taken) ?? '', /bigband/);
    assert.match(heldout2Clash({ lib: 'zoom', file: 'reggae' }, used, taken) ?? '', /held by another set/);
    assert.match(heldout2Clash({ lib: 'casio', file: 'popshuffle1' }, used, taken) ?? '', /casio\/16shuffle1/); // same stem, same library
    assert.match(heldout2Clash({ lib: 'kara', file: 'reggae' }, used, taken) ?? '', /zoom\/reggae/); // same file, another library
    assert.match(heldout2Clash({ lib: 'stdlib', file: 'bluefolk' }, new Set(['folk']), taken) ?? '', /folk/);
    assert.equal(heldout2Clash({ lib: 'yamaha', file: 'mambo' }, used, taken), undefined);
    assert.equal(heldout2Clash({ lib: 'here', file: 'pop8' }, used, taken), undefined); // written there
  });

  it('no heldout2 song is on a family that dev/test, the held-out set or dev2 uses (their song lists)', () => {
    const taken = [...HELDOUT_SONGS, ...DEV2_SONGS].filter((s) => s.lib !== 'here').map(heldoutFamily);
    for (const s of HELDOUT2_SONGS) assert.equal(heldout2Clash(s, devtestUsed, taken), undefined, `${s.lib}/${s.file}`);
    // every groove written there is defined there, under a name no other set's written groove has
    for (const s of HELDOUT2_SONGS.filter((x) => x.lib === 'here')) assert.ok(HELDOUT2_GROOVES[s.groove], s.groove);
    const others = [...HELDOUT_SONGS, ...DEV2_SONGS].filter((x) => x.lib === 'here');
    for (const g of Object.keys(HELDOUT2_GROOVES)) assert.ok(!others.some((x) => x.groove === g), g);
    // and its family ("here/<file>", the unit id) is not one of theirs: a unit id names one set's material
    for (const s of HELDOUT2_SONGS.filter((x) => x.lib === 'here')) assert.ok(!others.some((x) => x.file === s.file), s.file);
  });

  const missing = existsSync('test/output/eval/split.json') ? Object.entries(sideSetManifests('test/output/eval')).filter(([, m]) => m === null).map(([s]) => s) : ['split.json'];
  it('no heldout2 song is on a family used by any set of the built evaluation folder', { skip: missing.length > 0 && `not built here: test/output/eval/${missing.join(', ')}` }, () => {
    const used = usedMmaFamilies('test/output/eval');
    const taken = takenFamilies('test/output/eval');
    for (const s of HELDOUT2_SONGS) assert.equal(heldout2Clash(s, used, taken), undefined, `${s.lib}/${s.file}`);
  });

  it('every unit renders once with TiMidity++ and FreePats, a synthesis no dev-side set uses', () => {
    for (const pair of HELDOUT2_FONT_PAIRS) assert.ok(pair.includes('freepats'), pair.join('/'));
    for (const pair of [...FONT_PAIRS, ...DEV2_FONT_PAIRS]) assert.ok(!pair.includes('freepats'), pair.join('/'));
    // the dev-side builders name their fonts in their source: none may name this engine
    for (const f of ['build-set.ts', 'dev2-set.ts', 'synth-set.ts', 'octave-set.ts', 'key-set.ts', 'keyless-set.ts', 'pulseless-set.ts', 'mma-render.ts']) {
      const src = readFileSync(join('tools/eval', f), 'utf8').replace(/\/\*\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const uses = f === 'build-set.ts' ? src.replace(/freepats: '[^']*'|sf === 'freepats'|freepatsConfig[\s\S]*?\n}\n/g, '') : src;
      assert.ok(!/freepats/i.test(uses), `${f} renders with freepats`);
    }
  });

  it("once heldout2-units.json lies beside split.json, clashOf refuses its written grooves, Hydrogen songs and MIDI files by id", () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'split.json'), JSON.stringify({ units: { 'mma:waltz': { set: 'test', files: [] } } }));
    assert.equal(splitFamilies(join(OUT, 'split.json')).clashOf('hydrogen:GM_kit_demo1'), undefined);
    writeFileSync(join(OUT, 'heldout2-units.json'), JSON.stringify({ units: { 'mma:here/pop8': [], 'hydrogen:GM_kit_demo1': [], 'score:ms-2.3-All_Dudes': [] } }));
    const { clashOf } = splitFamilies(join(OUT, 'split.json'));
    assert.equal(clashOf('hydrogen:GM_kit_demo1'), 'hydrogen:GM_kit_demo1');
    assert.equal(clashOf('score:ms-2.3-All_Dudes'), 'score:ms-2.3-All_Dudes');
    assert.equal(clashOf('here/pop8'), 'here/pop8');
    assert.equal(clashOf('jazzwaltz'), 'waltz'); // the test set, as before
    assert.equal(clashOf('pop8'), undefined); // a standard-library groove is not the one written there
  });
});

describe('heldout2: truth rules', () => {
  it('one time signature: a pickup bar under another signature is dropped, a change of meter refused', () => {
    assert.deepEqual(oneMeter([{ tick: 480, num: 4, den: 4 }, { tick: 0, num: 1, den: 4 }], 480), [{ tick: 480, num: 4, den: 4 }]); // All_Dudes: a 1/4 pickup
    assert.deepEqual(oneMeter([{ tick: 0, num: 3, den: 8 }, { tick: 720, num: 4, den: 4 }], 480), [{ tick: 720, num: 4, den: 4 }]); // a 3/8 pickup
    assert.match((oneMeter([{ tick: 0, num: 2, den: 4 }, { tick: 960, num: 4, den: 4 }, { tick: 12480, num: 3, den: 4 }], 480) as { reason: string }).reason, /changes meter \(4\/4, 3\/4\)/); // Reunion
    assert.match((oneMeter([{ tick: 0, num: 6, den: 8 }, { tick: 5760, num: 4, den: 4 }], 480) as { reason: string }).reason, /changes meter/); // not a pickup: four bars
    assert.deepEqual(oneMeter([{ tick: 0, num: 3, den: 4 }, { tick: 7680, num: 3, den: 4 }], 480), [{ tick: 0, num: 3, den: 4 }, { tick: 7680, num: 3, den: 4 }]);
    assert.deepEqual(oneMeter([], 480), []);
  });

  it("a Hydrogen song's tempo, bar and length come from its XML; a tempo timeline or mixed bar lengths are refused", () => {
    const song = (bpm: number, sizes: number[], seq: string[][], extra = '') =>
      `<song><bpm>${bpm}</bpm>${extra}<swing_factor>0.25</swing_factor><drumkit>GMRockKit</drumkit><patternList>${sizes.map((s, i) => `<pattern><name>p${i}</name><size>${s}</size></pattern>`).join('')}</patternList><patternSequence>${seq.map((g) => `<group>${g.map((p) => `<patternID>${p}</patternID>`).join('')}</group>`).join('')}</patternSequence></song>`;
    assert.deepEqual(readHydrogenSong('x', song(115, [192, 192], [['p0'], ['p0', 'p1'], ['p1']])), { path: 'x', bpm: 115, meter: 4, quarters: 12, kit: 'GMRockKit', swing: 0.25 });
    assert.match((readHydrogenSong('x', song(115, [192, 144], [['p0'], ['p1']])) as { reason: string }).reason, /192, 144/);
    assert.match((readHydrogenSong('x', song(115, [192], [['p0']], '<timeline><newBPM>90</newBPM></timeline>')) as { reason: string }).reason, /timeline/);
    const demo = '/usr/share/hydrogen/data/demo_songs/GM_kit_demo1.h2song';
    if (existsSync(demo)) assert.deepEqual(readHydrogenSong(demo), { path: demo, bpm: 115, meter: 4, quarters: 44, kit: 'GMRockKit', swing: 0 });
  });

  const demo1 = '/usr/share/hydrogen/data/demo_songs/GM_kit_demo1.h2song';
  const h2cli = existsSync(demo1) && spawnSync('which', ['h2cli']).status === 0;
  it("a Hydrogen demo song exports through h2cli, looped past its end at its own period", { skip: !h2cli && 'hydrogen / hydrogen-data not installed', timeout: 180_000 }, async () => {
    const work = join(OUT, 'h2');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const h = readHydrogenSong(demo1);
    assert.ok(!('reason' in h));
    const out = join(work, 'demo1.mp3');
    await renderHydrogen(h, work, out, 30, 1); // the song lasts 44 quarters at 115 BPM: 23 s, looped to 30
    const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 's16le', '-ac', '1', '-ar', '8000', '-'], { maxBuffer: 1 << 26 }).stdout as Buffer;
    assert.ok(Math.abs(pcm.length / 2 / 8000 - 30) < 0.1, `${pcm.length / 2 / 8000} s`);
    // the loop repeats the song's first bar at 23 s: the loudness envelope there matches the start's
    const env = (from: number) => Array.from({ length: 40 }, (_, k) => {
      let e = 0;
      for (let i = 0; i < 100; i++) e += Math.abs(pcm.readInt16LE(2 * Math.round((from + k * 0.025) * 8000 + i)));
      return e;
    });
    const period = (44 * 60) / 115;
    const a = env(0.05);
    const b = env(period + 0.05);
    const dot = a.reduce((s, x, i) => s + x * b[i], 0) / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
    assert.ok(dot > 0.9, `envelope correlation ${dot.toFixed(2)}`);
  });

  const freepats = existsSync('/etc/timidity/freepats.cfg') && spawnSync('timidity', ['--version']).status === 0;
  it('FreePats through TiMidity++ plays a program FreePats lacks (the choir) with a FreePats patch, never the default SoundFont', { skip: !freepats && 'timidity / freepats not installed' }, async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const cfgPath = freepatsConfig(OUT);
    assert.match(readFileSync(cfgPath, 'utf8'), /^ 52\tTone_000\/05\d_\S+\.pat$/m); // Choir Aahs: not in freepats.cfg; its family's patch
    const notes: SmfNote[] = [];
    for (let i = 0; i < 8; i++) notes.push({ beat: i, len: 1, ch: 0, note: 60 + (i % 3) * 4, vel: 100 });
    notes.push({ beat: 0, len: 0.5, ch: 9, note: 36, vel: 100 });
    const mid = join(OUT, 'choir.mid');
    writeFileSync(mid, smfBytes({ bpm: 120, notes, programs: { 0: 52 } }));
    // what TiMidity++ opens: with freepats.cfg alone it falls back to the default configuration's SoundFont (FluidR3_GM on Debian)
    const opens = (cfg: string) => spawnSync('timidity', ['-c', cfg, '-Or', '-o', '/dev/null', '-idvvv', mid], { encoding: 'utf8' });
    const filled = opens(cfgPath);
    assert.equal(filled.status, 0);
    assert.doesNotMatch(filled.stdout + filled.stderr, /soundfont|\.sf[23]/i);
    assert.match(filled.stdout + filled.stderr, /Voice_Oohs|Choir/i);
    const out = join(OUT, 'choir.mp3');
    await render(mid, 'freepats', out, 3, 1, 0);
    const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 's16le', '-ac', '1', '-'], { maxBuffer: 1 << 26 }).stdout as Buffer;
    let peak = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
    assert.ok(peak > 1000, `peak ${peak}: silent`);
  });
});

// Issue 11, session 24: heldout4's builder (tools/eval/heldout4-set.ts) — its grooves are written there and are no
// other held-out set's, its plan covers the categories with the truth the score states (the notated quarter,
// a 6/8 groove counted in eighths in dotted quarters, no key for drums or drones), its synthesis (ChucK with STK's
// models, heldout4-stk.ck: kits stk1 / stk2) is no other builder's, split-families.ts refuses its units to dev-side
// builders once heldout4-units.json lies beside split.json, and ChucK renders a MIDI file in tune, seeded, not silent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HELDOUT4_FONT_PAIRS, HELDOUT4_GROOVES, HELDOUT4_SONGS, planHeldout4 } from '../../tools/eval/heldout4-set';
import { HELDOUT3_GROOVES } from '../../tools/eval/heldout3-set';
import { HELDOUT2_GROOVES } from '../../tools/eval/heldout2-set';
import { peakNormalise, render } from '../../tools/eval/build-set';
import { splitFamilies } from '../../tools/eval/split-families';
import { smfBytes, type SmfNote } from '../helpers/smf';

describe('heldout4: plan', () => {
  it('every song is on a groove written here, named H4…, none another held-out set\'s', () => {
    for (const s of HELDOUT4_SONGS) {
      assert.equal(s.lib, 'here');
      assert.ok(HELDOUT4_GROOVES[s.groove], s.groove);
      assert.match(s.groove, /^H4/);
      assert.match(s.file, /^h4/);
    }
    for (const g of Object.keys(HELDOUT4_GROOVES)) {
      assert.ok(!(g in HELDOUT3_GROOVES) && !(g in HELDOUT2_GROOVES), g);
      assert.ok(HELDOUT4_SONGS.some((s) => s.groove === g), `${g} is used`);
    }
    assert.equal(new Set(HELDOUT4_SONGS.map((s) => s.file)).size, HELDOUT4_SONGS.length);
  });

  it('covers the issue\'s categories; truth: the quarter, 6/8 in dotted quarters, no key for drums or drones; two ChucK kits per unit', () => {
    const dir = 'test/output/eval-heldout4-plan';
    rmSync(dir, { recursive: true, force: true });
    const jobs = planHeldout4(dir, 30);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(jobs.length, 3 * HELDOUT4_SONGS.length + 2);
    const cats = new Set(jobs.map((j) => j.item.category));
    for (const c of ['triple', 'compound', 'swing', 'fast', 'soft', 'percussion', 'intro', 'odd', 'pop4', 'beatless']) assert.ok(cats.has(c as never), c);
    for (const j of jobs) {
      assert.equal(j.item.set, 'heldout4');
      if (j.item.category === 'beatless') {
        assert.equal(j.item.bpm, null);
        assert.equal(j.item.key, null);
        continue;
      }
      assert.ok(j.item.soundfont === 'stk1' || j.item.soundfont === 'stk2', j.item.file);
      if (j.item.category === 'percussion') assert.equal(j.item.key, null);
      else assert.ok(j.item.key);
    }
    const jig = jobs.find((j) => j.item.file === 'h4-compound-here-h4jig-336-stk1.mp3' || j.item.file === 'h4-compound-here-h4jig-336-stk2.mp3');
    assert.equal(jig?.item.bpm, 112); // 336 eighths a minute: 112 dotted quarters
    assert.equal(jig?.item.meterClass, '6/8');
    const fast = jobs.filter((j) => (j.item.bpm ?? 0) > 160);
    assert.ok(fast.length >= 12, `${fast.length} files above 160 BPM`);
    const stretched = jobs.find((j) => j.item.file.startsWith('h4-fast-here-h4hardbop-232-') && j.item.stretch !== 1)!;
    assert.equal(stretched.item.bpm, Math.round(232 * stretched.item.stretch * 100) / 100);
    for (const pair of HELDOUT4_FONT_PAIRS) assert.deepEqual([...pair].sort(), ['stk1', 'stk2']);
  });

  it('no other builder names ChucK\'s kits or heldout4-stk.ck', () => {
    const dir = 'tools/eval';
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !['heldout4-set.ts', 'build-set.ts'].includes(x))) {
      assert.ok(!/\bstk[12]\b|heldout4-stk/.test(readFileSync(join(dir, f), 'utf8')), `${f} names heldout4's synthesis`);
    }
  });

  it('once heldout4-units.json lies beside split.json, a dev-side builder is refused its grooves', () => {
    const dir = 'test/output/eval-heldout4-unit';
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'split.json'), JSON.stringify({ units: {} }));
    assert.equal(splitFamilies(join(dir, 'split.json')).clashOf('here/h4jig'), undefined);
    writeFileSync(join(dir, 'heldout4-units.json'), JSON.stringify({ units: { 'mma:here/h4jig': ['h4-compound-here-h4jig-336-stk1.mp3'] } }));
    const { clashOf } = splitFamilies(join(dir, 'split.json'));
    assert.equal(clashOf('here/h4jig'), 'here/h4jig');
    assert.equal(clashOf('here/h4reel'), undefined);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('heldout4: ChucK render', () => {
  it('peakNormalise brings the peak to −1 dBFS, by at most 24 dB; silence stays silence', () => {
    const pcm = Buffer.alloc(8);
    pcm.writeInt16LE(1000, 0);
    pcm.writeInt16LE(-2000, 2);
    const out = peakNormalise(pcm);
    assert.equal(Math.abs(out.readInt16LE(2)), Math.round(0.891 * 32767));
    assert.equal(out.readInt16LE(0), Math.round(1000 * ((0.891 * 32767) / 2000)));
    const quiet = Buffer.alloc(4);
    quiet.writeInt16LE(10, 0);
    assert.equal(peakNormalise(quiet).readInt16LE(0), 160); // × 16 at most
    assert.deepEqual(peakNormalise(Buffer.alloc(4)), Buffer.alloc(4));
  });

  const chuck = spawnSync('sh', ['-c', 'command -v chuck']).status === 0 && existsSync('/usr/share/doc/chuck-data/examples/data');
  it('renders a MIDI file with either kit: in tune (A3 on an electric piano), a kick, not silent, the kits not alike, the same twice', { skip: !chuck && 'chuck / chuck-data not installed' }, async () => {
    const dir = 'test/output/eval-heldout4-chuck';
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const notes: SmfNote[] = [{ beat: 0, len: 4, ch: 0, note: 57, vel: 100 }];
    for (let i = 0; i < 6; i++) notes.push({ beat: 4 + i * 0.5, len: 0.25, ch: 9, note: 36, vel: 110 });
    const mid = join(dir, 'a.mid');
    writeFileSync(mid, smfBytes({ bpm: 120, notes, programs: { 0: 4 } }));
    const decode = (f: string) => spawnSync('ffmpeg', ['-v', 'error', '-i', f, '-f', 's16le', '-ac', '1', '-'], { maxBuffer: 1 << 26 }).stdout as Buffer;
    const pcms: Buffer[] = [];
    for (const kit of ['stk1', 'stk2'] as const) {
      await render(mid, kit, join(dir, `${kit}.mp3`), 3.5, 1, 0);
      const pcm = decode(join(dir, `${kit}.mp3`));
      assert.ok(pcm.length >= 2 * 44100 * 3.4, `${kit}: ${pcm.length / 88200} s`);
      let peak = 0;
      for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
      assert.ok(peak > 20000, `${kit}: peak ${peak}`);
      // the note's harmonics (220 Hz × 1…4) are loudest at 0 cents of the 21 detunings −50…+50 c: within ±10 c
      const x = Array.from({ length: 44100 }, (_, i) => pcm.readInt16LE(2 * (4410 + i)));
      const power = (hz: number) => {
        let re = 0;
        let im = 0;
        for (let i = 0; i < x.length; i++) {
          re += x[i] * Math.cos((2 * Math.PI * hz * i) / 44100);
          im += x[i] * Math.sin((2 * Math.PI * hz * i) / 44100);
        }
        return re * re + im * im;
      };
      const cents = Array.from({ length: 21 }, (_, k) => -50 + 5 * k);
      const score = cents.map((c) => [1, 2, 3, 4].reduce((s, h) => s + power(220 * h * 2 ** (c / 1200)), 0));
      const best = cents[score.indexOf(Math.max(...score))];
      assert.ok(Math.abs(best) <= 10, `${kit}: A3 at ${best} cents`);
      pcms.push(pcm);
    }
    let diff = 0;
    for (let i = 0; i + 1 < Math.min(pcms[0].length, pcms[1].length); i += 2) diff += Math.abs(pcms[0].readInt16LE(i) - pcms[1].readInt16LE(i));
    assert.ok(diff / (pcms[0].length / 2) > 100, 'the two kits render alike');
    await render(mid, 'stk1', join(dir, 'again.mp3'), 3.5, 1, 0);
    assert.ok(decode(join(dir, 'again.mp3')).equals(pcms[0]), 'a second render differs: not seeded');
    rmSync(dir, { recursive: true, force: true });
  });
});

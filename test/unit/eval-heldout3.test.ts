// Issue 11, session 15: heldout3's LMMS truth (tools/eval/lmms-project.ts) — an .mmpz is a 4-byte big-endian length
// and a zlib stream, the tempo is <head bpm>, a project whose tempo is automated is refused — the windowed copy LMMS
// renders, and the builder's plan (tools/eval/heldout3-set.ts): its LMMS projects are the lead's heldout3 half only,
// its synthesis (Csound, heldout3-synth.orc) is no other builder's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { HELDOUT3_FONT_PAIRS, HELDOUT3_LMMS, HELDOUT3_SONGS, HELDOUT3_GROOVES, lmmsExcerpts, lmmsRetempo, lmmsSplit } from '../../tools/eval/heldout3-set';
import { lmmsXml, readLmmsProject, windowProject, xmlTree } from '../../tools/eval/lmms-project';
import { splitFamilies } from '../../tools/eval/split-families';
import { render } from '../../tools/eval/build-set';
import { smfBytes, type SmfNote } from '../helpers/smf';

/** a small LMMS project: a drum Beat/Bassline clip from bar `drumBar`, a note clip at bar 0, an automation clip */
function project(opts: { bpm?: number; num?: number; den?: number; automatedBpm?: boolean; drumBar?: number } = {}): string {
  const { bpm = 128, num = 4, den = 4, automatedBpm = false, drumBar = 2 } = opts;
  const head = automatedBpm
    ? `<head timesig_numerator="${num}" timesig_denominator="${den}" mastervol="100"><bpm value="${bpm}" id="4242"/></head>`
    : `<head timesig_numerator="${num}" bpm="${bpm}" timesig_denominator="${den}" mastervol="100"/>`;
  return `<?xml version="1.0"?>
<!DOCTYPE lmms-project>
<lmms-project version="1.0" creator="LMMS" creatorversion="1.2.0" type="song">
  ${head}
  <song>
    <trackcontainer type="song">
      <track muted="0" type="0" name="Pad">
        <instrumenttrack vol="100"><instrument name="tripleoscillator"><tripleoscillator/></instrument></instrumenttrack>
        <pattern pos="0" muted="0" steps="16" name="Pad" type="1">
          <note pan="0" key="57" vol="100" pos="0" len="192"/>
          <note pan="0" key="60" vol="100" pos="384" len="96"/>
          <note pan="0" key="64" vol="100" pos="960" len="96"/>
        </pattern>
      </track>
      <track muted="0" type="1" name="Drums">
        <bbtrack><trackcontainer type="bbtrackcontainer"><track muted="0" type="0" name="Kick"><instrumenttrack><instrument name="kicker"><kicker/></instrument></instrumenttrack><pattern pos="0" steps="16" type="0"><note pos="0" len="-192" key="57"/></pattern></track></trackcontainer></bbtrack>
        <bbtco pos="${drumBar * 192}" len="1536" name="" muted="0"/>
      </track>
      <track muted="0" type="5" name="Automation">
        <automationtrack/>
        <automationpattern pos="0" len="1536" name="Amplifier>>Volume" prog="1">
          <time pos="0" value="10"/>
          <time pos="300" value="50"/>
          <time pos="900" value="90"/>
          <object id="77"/>
        </automationpattern>
      </track>
    </trackcontainer>
  </song>
</lmms-project>
`;
}

/** an .mmpz as LMMS writes it (Qt's qCompress): the XML's length, 4 bytes big-endian, then its zlib stream */
function mmpz(xml: string): Buffer {
  const raw = Buffer.from(xml, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(raw.length);
  return Buffer.concat([len, deflateSync(raw)]);
}

describe('heldout3: LMMS project truth', () => {
  it('reads the tempo and time signature of a compressed .mmpz and of a plain .mmp alike', () => {
    for (const bytes of [mmpz(project({ bpm: 137, num: 3, den: 4 })), Buffer.from(project({ bpm: 137, num: 3, den: 4 }))]) {
      const p = readLmmsProject('x.mmpz', bytes);
      assert.ok(!('reason' in p), JSON.stringify(p));
      assert.equal(p.bpm, 137);
      assert.equal(p.num, 3);
      assert.equal(p.meter, 3);
      assert.equal(p.firstDrumTick, 2 * 192); // the Beat/Bassline clip, not the pad at 0
      assert.equal(p.songTicks, 2 * 192 + 1536);
    }
  });

  it('a 1/1 bar is four quarter notes; an x/8 bar with half a quarter is refused', () => {
    const one = readLmmsProject('x.mmp', Buffer.from(project({ num: 1, den: 1 })));
    assert.ok(!('reason' in one) && one.meter === 4);
    assert.match((readLmmsProject('x.mmp', Buffer.from(project({ num: 7, den: 8 }))) as { reason: string }).reason, /7\/8/);
  });

  it('refuses a project whose tempo is automated (LMMS saves <head><bpm id>)', () => {
    const r = readLmmsProject('x.mmpz', mmpz(project({ automatedBpm: true })));
    assert.ok('reason' in r);
    assert.match(r.reason, /bpm is automated/);
  });

  it('throws on an .mmpz whose stated length is not what it inflates to, and on a file that is no LMMS project', () => {
    const bad = mmpz(project());
    bad.writeUInt32BE(bad.readUInt32BE(0) + 1, 0);
    assert.throws(() => lmmsXml(bad), /inflates to/);
    assert.throws(() => lmmsXml(Buffer.from('<html></html>')), /not an LMMS project/);
  });

  it('keeps attribute values holding ">" (LMMS writes "Amplifier>>Volume")', () => {
    const tree = xmlTree(project());
    const ap = tree.children[0].children[1].children[0].children[2].children[1];
    assert.equal(ap.name, 'automationpattern');
    assert.equal(ap.attrs.name, 'Amplifier>>Volume');
  });
});

describe('heldout3: the windowed copy LMMS renders', () => {
  it('moves bars [from, to) to the start at the new tempo: later clips shifted, straddling clips cut, none past `to`', () => {
    const xml = project({ drumBar: 2 });
    const w = windowProject(xml, 175, 288, 1152); // from the middle of bar 1 to bar 6
    const p = readLmmsProject('w.mmp', Buffer.from(w));
    assert.ok(!('reason' in p), JSON.stringify(p));
    assert.equal(p.bpm, 175);
    assert.equal(p.firstDrumTick, 384 - 288); // the drums' clip, 288 ticks earlier
    assert.equal(p.songTicks, 1152 - 288); // the drum clip cut at `to`
    // the pad keeps its notes at or after 288, shifted: 384 → 96 and 960 → 672; the one at 0 is dropped
    assert.deepEqual([...w.matchAll(/<note pan="0" key="(\d+)" vol="100" pos="(\d+)"/g)].map((m) => [m[1], m[2]]), [['60', '96'], ['64', '672']]);
    // the automation clip starts with its value at 288 (the last point at or before it: 10), then its later points
    const auto = w.slice(w.indexOf('<automationpattern'), w.indexOf('</automationpattern>'));
    assert.match(auto, /pos="0" len="864"/);
    assert.deepEqual([...auto.matchAll(/<time pos="(\d+)" value="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]), [[0, 10], [12, 50], [612, 90]]);
    assert.match(auto, /<object id="77"\/>/);
    // the Beat/Bassline track's own pattern is untouched
    assert.match(w, /<pattern pos="0" steps="16" type="0"><note pos="0" len="-192" key="57"\/><\/pattern>/);
  });
});

describe('heldout3: plan', () => {
  it('re-tempos 82–160 BPM to 164–200 and at or above 160 by × 0.75', () => {
    assert.equal(lmmsRetempo(128), 166);
    assert.equal(lmmsRetempo(87), 174);
    assert.equal(lmmsRetempo(140), 175);
    assert.equal(lmmsRetempo(180), 135);
    assert.equal(lmmsRetempo(60), 120); // below 82 BPM: × 2, under 164
    for (const b of [82, 87, 100, 120, 128, 140, 159]) assert.ok(lmmsRetempo(b) >= 164 && lmmsRetempo(b) <= 200, String(b));
  });

  it('an excerpt from the start is an intro when the drums come in after 4 s, and starts 15 s before drums that come after 20 s', () => {
    const bar = 192;
    const base = { path: 'x', num: 4, den: 4, meter: 4, bpm: 120 };
    // drums at bar 4 (8 s at 120): the start excerpt is an intro of 8 s
    const a = lmmsExcerpts({ ...base, songTicks: 100 * bar, firstDrumTick: 4 * bar }, 30);
    assert.equal(a[0].kind, 'start');
    assert.equal(a[0].category, 'intro');
    assert.equal(a[0].introSec, 8);
    assert.deepEqual(a.map((x) => [x.kind, x.bpm]), [['start', 120], ['mid', 120], ['mid', 168]]);
    // drums at bar 20 (40 s): start 15 s before, whole bars, with 2 bars of pre-roll skipped
    const b = lmmsExcerpts({ ...base, songTicks: 100 * bar, firstDrumTick: 20 * bar }, 30);
    assert.equal(b[0].from + 2 * bar, 12 * bar); // 40 s − 15 s = bar 12.5, floored to a whole bar; 2 bars of pre-roll before it
    assert.equal(b[0].skip, 4);
    // no drum clip at all: soft; a song shorter than the excerpt is looped
    const c = lmmsExcerpts({ ...base, songTicks: 8 * bar, firstDrumTick: null }, 30);
    assert.equal(c[0].category, 'soft');
    assert.equal(c[0].loopTicks, 8 * bar);
    assert.equal(c.length, 2);
  });

  it('its LMMS projects are the odd half of the sorted demos and shorties (the lead split), none of the dev half', { skip: !existsSync('/usr/share/lmms/projects/demos') && 'lmms not installed' }, () => {
    const split = lmmsSplit();
    assert.deepEqual(split.heldout3, HELDOUT3_LMMS);
    assert.equal(split.dev.filter((p) => HELDOUT3_LMMS.includes(p)).length, 0);
    const dirty = readLmmsProject(HELDOUT3_LMMS.find((p) => p.endsWith('DirtyLove.mmpz'))!);
    assert.ok(!('reason' in dirty) && dirty.bpm === 177 && dirty.meter === 4);
  });

  it('every groove is written here and renders with Csound only; no other builder names Csound\'s kits', () => {
    for (const s of HELDOUT3_SONGS) {
      assert.equal(s.lib, 'here');
      assert.ok(HELDOUT3_GROOVES[s.groove], s.groove);
    }
    for (const pair of HELDOUT3_FONT_PAIRS) assert.deepEqual([...pair].sort(), ['csadd', 'csfm']);
    const dir = 'tools/eval';
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !['heldout3-set.ts', 'build-set.ts', 'lmms-project.ts'].includes(x))) {
      assert.ok(!/\bcs(fm|add)\b|heldout3-synth/.test(readFileSync(join(dir, f), 'utf8')), `${f} names heldout3's synthesis`);
    }
  });

  it('once heldout3-units.json lies beside split.json, a dev-side builder is refused its LMMS projects and grooves', () => {
    const dir = 'test/output/eval-heldout3-unit';
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'split.json'), JSON.stringify({ units: {} }));
    const { clashOf: before } = splitFamilies(join(dir, 'split.json'));
    assert.equal(before('lmms:DirtyLove'), undefined);
    writeFileSync(join(dir, 'heldout3-units.json'), JSON.stringify({ units: { 'lmms:DirtyLove': ['h3-lmms-DirtyLove-start-177.mp3'], 'mma:here/h3polka': [] } }));
    const { clashOf } = splitFamilies(join(dir, 'split.json'));
    assert.equal(clashOf('lmms:DirtyLove'), 'lmms:DirtyLove');
    assert.equal(clashOf('lmms:Greshz-CoolSnip'), undefined); // a dev-side project
    assert.equal(clashOf('here/h3polka'), 'here/h3polka');
    rmSync(dir, { recursive: true, force: true });
  });

  const csound = spawnSync('csound', ['--version']).status === 0;
  it('Csound renders a MIDI file with either kit of heldout3-synth.orc: a choir and a kick, not silent, the two kits not alike', { skip: !csound && 'csound not installed' }, async () => {
    const dir = 'test/output/eval-heldout3-csound';
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const notes: SmfNote[] = [];
    for (let i = 0; i < 6; i++) notes.push({ beat: i, len: 1, ch: 0, note: 60 + (i % 3) * 4, vel: 100 }, { beat: i, len: 0.25, ch: 9, note: 36, vel: 110 });
    const mid = join(dir, 'choir.mid');
    writeFileSync(mid, smfBytes({ bpm: 120, notes, programs: { 0: 52 } }));
    const pcms: Buffer[] = [];
    for (const kit of ['csfm', 'csadd'] as const) {
      const out = join(dir, `${kit}.mp3`);
      await render(mid, kit, out, 3, 1, 0);
      const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 's16le', '-ac', '1', '-'], { maxBuffer: 1 << 26 }).stdout as Buffer;
      let peak = 0;
      for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
      assert.ok(peak > 1000, `${kit}: peak ${peak}, silent`);
      assert.ok(pcm.length >= 2 * 44100 * 2.9, `${kit}: ${pcm.length / 88200} s`);
      pcms.push(pcm);
    }
    let diff = 0;
    for (let i = 0; i + 1 < Math.min(pcms[0].length, pcms[1].length); i += 2) diff += Math.abs(pcms[0].readInt16LE(i) - pcms[1].readInt16LE(i));
    assert.ok(diff / (pcms[0].length / 2) > 100, 'the two kits render alike');
    rmSync(dir, { recursive: true, force: true });
  });
});

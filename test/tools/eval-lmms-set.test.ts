// tools/eval/lmms-set.ts (tempo-lmms): reading an LMMS project, its tempo truth and refusals, the tempo edit, and the
// cut to a render window (clips outside removed, a beat/bassline clip keeping its loop phase, a pattern losing the
// notes before the window). Synthetic project XML, no LMMS needed.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { bbLengths, cutProject, projectTempo, readProject, songTicks, tempiOf, withTempo } from '../../tools/eval/lmms-set';

const BB = `<track type="1" name="Drums"><bbtrack><trackcontainer type="bbtrackcontainer"><track type="0" name="kick"><instrumenttrack/>
<pattern pos="0" len="384" steps="32" type="0"><note pos="0" len="-192"/><note pos="192" len="-192"/></pattern>
<pattern pos="192" len="192" steps="16" type="0"/></trackcontainer></bbtrack>
<bbtco pos="0" len="768"/><bbtco pos="1536" len="768"/></track>`;
const XML = `<?xml version="1.0"?><lmms-project><head bpm="120" timesig_numerator="4" timesig_denominator="4"/><song>
<trackcontainer type="song">${BB}
<track type="1" name="Fill"><bbtrack/><bbtco pos="960" len="192"/></track>
<track type="0" name="Lead"><instrumenttrack/><pattern pos="576" len="768" type="1"><note pos="0" len="48"/><note pos="200" len="48"/><note pos="700" len="48"/></pattern></track>
<track type="5" name="Auto"><automationpattern pos="0" len="1536"><time pos="0" value="1"/><time pos="600" value="2"/><time pos="1200" value="3"/><object id="7"/></automationpattern></track>
</trackcontainer><timeline lp0pos="0" lp1pos="192" lpstate="0"/></song></lmms-project>`;

test('readProject: .mmpz is a 4-byte big-endian length and a zlib stream; a wrong length throws', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmms-'));
  const z = deflateSync(Buffer.from(XML));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(XML));
  writeFileSync(join(dir, 'a.mmpz'), Buffer.concat([len, z]));
  assert.equal(readProject(join(dir, 'a.mmpz')), XML);
  len.writeUInt32BE(5);
  writeFileSync(join(dir, 'b.mmpz'), Buffer.concat([len, z]));
  assert.throws(() => readProject(join(dir, 'b.mmpz')), /length prefix/);
  writeFileSync(join(dir, 'c.mmp'), XML);
  assert.equal(readProject(join(dir, 'c.mmp')), XML);
});

test('projectTempo: the head\'s bpm and time signature; an automatable <bpm> is refused; a loop sample keeps its own tempo', () => {
  assert.deepEqual(projectTempo(XML), { bpm: 120, num: 4, den: 4, refused: undefined, ownOnly: undefined });
  const auto = XML.replace('<head bpm="120" timesig_numerator="4" timesig_denominator="4"/>', '<head timesig_numerator="4" timesig_denominator="4"><bpm value="128" id="99"/></head>').replace('<object id="7"/>', '<object id="99"/>');
  assert.equal(projectTempo(auto).refused, 'tempo automated');
  assert.equal(projectTempo(auto).bpm, 128);
  assert.match(projectTempo(XML.replace('<instrumenttrack/>', '<instrumenttrack><audiofileprocessor src="beats/house_loop01.ogg"/></instrumenttrack>')).ownOnly ?? '', /loop sample/);
});

test('withTempo rewrites only the head\'s bpm; tempiOf: own tempo first, one slow, one middle, two fast, seeded', () => {
  const x = withTempo(XML, 187);
  assert.equal(projectTempo(x).bpm, 187);
  assert.equal(x.replace('bpm="187"', 'bpm="120"'), XML);
  const t = tempiOf('demo', 120, false);
  assert.equal(t.length, 5);
  assert.equal(t[0], 120);
  assert.ok(t[1] >= 70 && t[1] <= 95 && t[2] >= 100 && t[2] <= 150 && t[3] > 160 && t[4] > 160, String(t));
  assert.deepEqual(tempiOf('demo', 120, false), t);
  assert.deepEqual(tempiOf('demo', 120, true), [120]);
});

test('songTicks and bbLengths read the song-level clips and the B/B columns (whole bars)', () => {
  assert.equal(songTicks(XML), 2304);
  assert.deepEqual(bbLengths(XML, 192), [384, 192]);
});

test('cutProject to [768, 1536): clips outside removed, a B/B clip keeps its phase, a pattern loses earlier notes, automation keeps its value', () => {
  const c = cutProject(XML, 768, 1536, 192);
  // the B/B block is untouched
  assert.ok(c.includes('<pattern pos="0" len="384" steps="32" type="0"><note pos="0" len="-192"/><note pos="192" len="-192"/></pattern>'));
  // first drums clip [0, 768) ends at the window's start: removed; the second starts at the window's end: removed
  assert.ok(!/<bbtco[^>]*pos="(0|768)" len="768"/.test(c));
  // the fill clip (column 1, 1 bar) at 960 → 192
  assert.match(c, /<bbtco pos="192" len="192"\/>/);
  // the lead pattern [576, 1344): 192 ticks before the window; the note at 0 dropped, 200 → 8, 700 → 508
  assert.match(c, /<pattern pos="0" len="576" type="1"><note pos="8" len="48"\/><note pos="508" len="48"\/><\/pattern>/);
  // the automation clip [0, 1536) → [0, 768): the value at 768 (2, set at 600) at 0, 1200 → 432
  assert.match(c, /<automationpattern pos="0" len="768"><time pos="0" value="2"\/><time pos="432" value="3"\/><object id="7"\/><\/automationpattern>/);
  assert.equal(songTicks(c), 768);
});

test('cutProject: a B/B clip crossing the window\'s start moves to (pos − o) mod its column length', () => {
  // the drums clip [0, 768), column 0 is 2 bars (384): window from 576 → phase (0 − 576) mod 384 = 192
  const c = cutProject(XML, 576, 1536, 192);
  const first = /<\/bbtrack>\s*(<bbtco[^>]*\/>)/.exec(c)?.[1];
  // len: clip end 768 − o 576 − new pos 192 = 0 → removed; so the first song clip of the drums is none before 1536
  assert.equal(first, undefined);
  const d = cutProject(XML, 384, 1536, 192);
  // window from 384: phase (0 − 384) mod 384 = 0, len 768 − 384 = 384
  assert.match(d, /<\/bbtrack>\s*<bbtco pos="0" len="384"\/>/);
  const e = cutProject(XML, 192, 1536, 192);
  // window from 192 (1 bar into a 2-bar column): moved to 192 (one bar of silence, the pre-roll), len 768 − 192 − 192 = 384
  assert.match(e, /<\/bbtrack>\s*<bbtco pos="192" len="384"\/>/);
});

test('cutProject drops the notes and automation points past a clip\'s new end (LMMS derives those clips\' length from them)', () => {
  const c = cutProject(XML, 0, 576, 192);
  assert.match(c, /<automationpattern pos="0" len="576"><time pos="0" value="1"\/><object id="7"\/><\/automationpattern>/);
  const d = cutProject(XML, 0, 960, 192);
  // the lead pattern [576, 1344) shortened to 384: its note at 700 is past it
  assert.match(d, /<pattern pos="576" len="384" type="1"><note pos="0" len="48"\/><note pos="200" len="48"\/><\/pattern>/);
});

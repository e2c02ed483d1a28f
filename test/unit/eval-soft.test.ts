// Issue 11: tempo-soft (tools/eval/soft-set.ts), a development-side set of soft-onset and score-like accompaniments on
// grooves written here: truth the notated quarter, no drums, no held-out SoundFont, every groove is valid MMA.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { heldoutMmaSource } from '../../tools/eval/heldout-set';
import { planSoft, SOFT_FONT_PAIRS, SOFT_GROOVES, SOFT_SONGS } from '../../tools/eval/soft-set';
import { parseMidi } from '../helpers/midi';

const OUT = 'test/output/eval-soft-unit';

describe('tempo-soft: the plan', () => {
  it('plans 3 files a song, truth in quarters, never the held-out fonts, no drums', () => {
    rmSync(OUT, { recursive: true, force: true });
    // the families' clash check needs the eval set's split.json (absent in a fresh clone): every family passes here;
    // a clashing family is refused (no files)
    const jobs = planSoft(OUT, 30, () => undefined);
    assert.equal(planSoft(OUT, 30, (f) => (f === 'here/tschorale' ? 'test family' : undefined)).length, jobs.length - 6);
    assert.equal(jobs.length, SOFT_SONGS.length * 3);
    for (const j of jobs) {
      const s = SOFT_SONGS.find((x) => j.item.file.includes(`-${x.file}-${x.tempo}-`))!;
      assert.ok(s, j.item.file);
      assert.equal(j.item.bpm, Math.round(s.tempo * j.item.stretch * 100) / 100, j.item.file);
      assert.equal(j.item.meterClass, '4/4');
      assert.ok(j.item.source.startsWith('mma:here/ts'), j.item.source);
    }
    for (const pair of SOFT_FONT_PAIRS) for (const f of pair) assert.ok(f !== 'gmbank' && f !== 'opl3');
    for (const lines of Object.values(SOFT_GROOVES)) assert.ok(!lines.some((l) => /Begin Drum/.test(l)));
  });

  it('every groove written here is valid MMA: notes, at MMA\'s tempo', () => {
    mkdirSync(OUT, { recursive: true });
    for (const name of Object.keys(SOFT_GROOVES)) {
      const i = SOFT_SONGS.findIndex((s) => s.groove === name);
      const s = SOFT_SONGS[i];
      const src = join(OUT, `${name}.mma`);
      writeFileSync(src, heldoutMmaSource(s, i, 8, SOFT_GROOVES).text);
      execFileSync('mma', [src, '-f', join(OUT, `${name}.mid`)], { stdio: 'ignore' });
      const midi = parseMidi(readFileSync(join(OUT, `${name}.mid`)));
      assert.ok(midi.notes > 10, name);
      const bpm = 60e6 / midi.tempos[0].usPerQuarter;
      assert.ok(Math.abs(bpm - s.tempo) < 0.5, `${name} ${bpm}`);
    }
  });
});

// Issue 11: tempo-compound (tools/eval/compound-set.ts), a development-side set of compound and slow triple meters on
// grooves written here: the truth is the listener's beat (the dotted quarter in x/8), no held-out SoundFont, every
// groove is valid MMA.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMPOUND_FONT_PAIRS, COMPOUND_GROOVES, COMPOUND_SONGS, planCompound } from '../../tools/eval/compound-set';
import { heldoutMmaSource } from '../../tools/eval/heldout-set';
import { parseMidi } from '../helpers/midi';

const OUT = 'test/output/eval-compound-unit';

describe('tempo-compound: the plan', () => {
  it('plans 3 files a song, truth in dotted quarters for x/8 and quarters for 3/4, never the held-out fonts', () => {
    rmSync(OUT, { recursive: true, force: true });
    const jobs = planCompound(OUT, 30);
    assert.equal(jobs.length, COMPOUND_SONGS.length * 3);
    for (const j of jobs) {
      const s = COMPOUND_SONGS.find((x) => j.item.file.includes(`-${x.file}-${x.tempo}-`))!;
      assert.ok(s, j.item.file);
      assert.equal(j.item.bpm, Math.round((s.tempo / (s.per ?? 1)) * j.item.stretch * 100) / 100, j.item.file);
      assert.equal(j.item.meterClass, s.cat === 'compound' ? '6/8' : '3/4');
      assert.ok(j.item.source.startsWith('mma:here/tc'), j.item.source);
    }
    for (const pair of COMPOUND_FONT_PAIRS) for (const f of pair) assert.ok(f !== 'gmbank' && f !== 'opl3');
  });

  it('every groove written here is valid MMA: notes, at MMA\'s tempo in its own beats', () => {
    mkdirSync(OUT, { recursive: true });
    for (const name of Object.keys(COMPOUND_GROOVES)) {
      const i = COMPOUND_SONGS.findIndex((s) => s.groove === name);
      const s = COMPOUND_SONGS[i];
      const src = join(OUT, `${name}.mma`);
      writeFileSync(src, heldoutMmaSource(s, i, 8, COMPOUND_GROOVES).text);
      execFileSync('mma', [src, '-f', join(OUT, `${name}.mid`)], { stdio: 'ignore' });
      const midi = parseMidi(readFileSync(join(OUT, `${name}.mid`)));
      assert.ok(midi.notes > 10, name);
      // MMA's tempo counts its beats: eighths in x/8 (the listener's beat × 3)
      const bpm = 60e6 / midi.tempos[0].usPerQuarter;
      assert.ok(Math.abs(bpm - s.tempo) < 0.5, `${name} ${bpm}`);
    }
  });
});

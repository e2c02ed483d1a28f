// Issue 11: the octave chooser's training set tempo-sfshift has a committed recipe (tools/eval/sfshift-set.ts): the
// tempo-octave, tempo-synth and dev MMA songs re-rendered with a SoundFont their original did not use, stretched and
// shifted, in the original's CV group, and never a song of a family related to a test or held-out family.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HELDOUT_SONGS, heldoutFamily } from '../../tools/eval/heldout-set';
import { renderSfshift, sfshiftItem, sfshiftPlan } from '../../tools/eval/sfshift-set';
import { relatedFamily } from '../../tools/eval/split-families';

const OUT = 'test/output/eval-sfshift-unit';

/** a split.json with test families swing and jazzwaltz, dev families 8beat, ska and softrock */
function split(): string {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const units = { 'mma:swing': { set: 'test' }, 'mma:jazzwaltz': { set: 'test' }, 'mma:8beat': { set: 'dev' }, 'mma:ska': { set: 'dev' }, 'mma:softrock': { set: 'dev' } };
  writeFileSync(join(OUT, 'split.json'), JSON.stringify({ units }));
  return join(OUT, 'split.json');
}

describe('tempo-sfshift: the recipe', () => {
  it('re-renders every octave, synth and dev MMA song once, with another SoundFont, in its original CV group', () => {
    const plan = sfshiftPlan(split());
    const origins = plan.map((s) => s.origin);
    assert.equal(new Set(origins).size, plan.length);
    // test families and their relatives are refused (westernswing ~ swing, fastjazzwaltz ~ jazzwaltz)
    assert.ok(!origins.includes('syn-westernswing-180.mp3'));
    assert.ok(!origins.includes('syn-fastjazzwaltz-200.mp3'));
    // the dev split's songs are in (8beat: pop4 and drums only; softrock: pop4 and the beatless intro), test's are not
    for (const o of ['mma-pop4-8beat-96.mp3', 'mma-percussion-8beat-100.mp3', 'mma-fast-ska-168.mp3', 'mma-intro-softrock-92.mp3']) assert.ok(origins.includes(o), o);
    assert.ok(!origins.some((o) => o.startsWith('mma-swing-swing')));
    assert.ok(origins.includes('oct-chacha-160.mp3') && origins.includes('syn-twist-168.mp3'));
    const heldout = HELDOUT_SONGS.filter((s) => s.lib === 'stdlib').map((s) => heldoutFamily(s));
    for (const s of plan) {
      const fam = s.group.replace(/^mma:/, '');
      assert.equal(relatedFamily(fam, heldout), undefined, s.name);
      const orig = s.i % 2 ? 'timgm6mb' : 'fluidr3';
      if (s.from !== 'dev') assert.notEqual(s.soundfont, orig, s.name);
      assert.ok(s.stretch !== 1, s.name);
    }
    assert.deepEqual(new Set(plan.map((s) => s.soundfont)), new Set(['fluidr3', 'timgm6mb', 'musescore']));
  });

  it('states the stretched tempo, the shifted key and the intro in stretched seconds', () => {
    const plan = sfshiftPlan(split());
    const ska = plan.find((s) => s.origin === 'mma-fast-ska-168.mp3')!;
    const it = sfshiftItem(ska);
    assert.equal(it.bpm, Math.round(168 * ska.stretch * 100) / 100);
    assert.equal(it.group, 'mma:ska');
    assert.deepEqual(it.key, { tonic: (((7 + ska.shift) % 12) + 12) % 12, mode: 'minor' });
    const intro = sfshiftItem(plan.find((s) => s.origin === 'mma-intro-softrock-92.mp3')!);
    assert.ok((intro.introSec as number) > 8 && (intro.introSec as number) < 12, String(intro.introSec));
    const drums = sfshiftItem(plan.find((s) => s.origin === 'mma-percussion-8beat-100.mp3')!);
    assert.equal(drums.key, null);
    assert.equal(drums.shift, 0);
  });

  it('renders a planned song through MMA, fluidsynth and ffmpeg (stretch and shift) to the length asked', async () => {
    const plan = sfshiftPlan(split());
    const s = plan.find((x) => x.from === 'octave' && x.soundfont === 'musescore')!;
    const work = join(OUT, 'work');
    mkdirSync(work, { recursive: true });
    const out = join(OUT, 'one.mp3');
    await renderSfshift(s, out, work, 6);
    const sec = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out], { encoding: 'utf8' }));
    assert.ok(Math.abs(sec - 6) < 0.1, String(sec));
  });
});

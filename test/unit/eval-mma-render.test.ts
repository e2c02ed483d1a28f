// The eval sets' MMA songs compile to the same MIDI file on every run and machine (tools/eval/mma-render.ts
// compileMma): MMA's grooves skip and shift notes at random, and unseeded each build of a set (and each run of a test
// that renders a groove) judged a different realisation — ci73's unit analysis-tempo-phase met one in ~26 whose first
// beat is weak.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileMma, mmaSeed } from '../../tools/eval/mma-render';

const OUT = 'test/output/eval-mma-render';
const hasMma = spawnSync('which', ['mma']).status === 0;

/** 20 bars of MMA's FolkRock (RSkip 10–40 %, RTime 5–10 ticks in /usr/share/mma/lib/stdlib/folkrock.mma) */
const FOLKROCK = ['Tempo 118', 'Groove FolkRock', ...Array.from({ length: 20 }, (_, b) => `${b + 1} ${['E', 'A', 'B7', 'E'][b % 4]}`)].join('\n') + '\n';

describe('eval: MMA songs compile to one MIDI file (compileMma, mmaSeed)', () => {
  it('mmaSeed is FNV-1a (32-bit) of the name: the published test vectors', () => {
    assert.equal(mmaSeed(''), 0x811c9dc5);
    assert.equal(mmaSeed('a'), 0xe40c292c);
    assert.equal(mmaSeed('foobar'), 0xbf9cf968);
  });

  it('a salt gives another seed, the one of "salt:name" (build-set.ts --mma-seed-salt: another realisation)', () => {
    assert.equal(mmaSeed('foobar', ''), mmaSeed('foobar'));
    assert.equal(mmaSeed('foobar', '1'), mmaSeed('1:foobar'));
    assert.notEqual(mmaSeed('foobar', '1'), mmaSeed('foobar'));
    assert.notEqual(mmaSeed('foobar', '1'), mmaSeed('foobar', '2'));
  });

  it('compiling a song twice gives the same bytes; another seed other notes', { skip: !hasMma && 'mma is needed (.ci/run installs it)' }, () => {
    // one folder: MMA writes the input's path into the MIDI file's text events
    mkdirSync(OUT, { recursive: true });
    const one = readFileSync(compileMma(FOLKROCK, 'folkrock-118', OUT));
    const two = readFileSync(compileMma(FOLKROCK, 'folkrock-118', OUT));
    assert.ok(one.length > 1000, `a MIDI file of ${one.length} bytes`);
    assert.ok(one.equals(two), 'two compiles of one song differ: the seed did not take');
    const other = readFileSync(compileMma(FOLKROCK, 'folkrock-118', OUT, mmaSeed('folkrock-118') + 1));
    assert.ok(!one.equals(other), 'another seed gave the same notes: RndSeed is not reaching MMA');
    assert.match(readFileSync(join(OUT, 'folkrock-118.mma'), 'utf8'), new RegExp(`^RndSeed ${mmaSeed('folkrock-118') + 1}\\n`));
  });
});

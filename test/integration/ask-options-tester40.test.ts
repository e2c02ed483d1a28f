// `studio ask` with a question or option value the model cannot take (tester40): an empty question, one longer than the
// channel takes, --max-new-tokens 0 or 99999, a --seed past 2³¹−1. They were passed to the engine as they were, and its
// schema's refusal reached the user as "studio: Invalid arguments for model:ask: options.maxNewTokens: Too small:
// expected number to be >=1" (exit 1, the pack's note before it). Now each is a wrong command line (exit 2) in the
// option's words, checked against the contract's own ranges; the range's ends are still taken.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_INSTRUCTION_CHARS } from '@contract';
import { media, ROOT, toneFile } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-ask-options-'));
const pack = join(TINY_DIR, 'packs', 'beta-fp32-int4');
let song = '';

function ask(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--data-dir', dataDir, '--pack', pack, '--audio', song, ...args], {
    encoding: 'utf8', env: { ...process.env, STUDIO_DISABLE_WEBGPU: '1' }, timeout: 120_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

before(() => {
  ensureTinyPacks();
  song = toneFile('ask-options-tester40.mp3', 6, ['-c:a', 'libmp3lame', '-q:a', '2']);
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('studio ask: a question or option value out of range is a wrong command line, said in its words', { timeout: 300_000 }, () => {
  const refused: Array<[string, string[], string]> = [
    ['an empty question', [''], 'the question is empty: ask something, in quotes: studio ask --audio song.mp3 "What instruments are playing?"'],
    ['a question of blanks', ['  \t '], 'the question is empty: ask something, in quotes: studio ask --audio song.mp3 "What instruments are playing?"'],
    ['a question too long', ['a'.repeat(MAX_INSTRUCTION_CHARS + 1)], `the question is longer than ${MAX_INSTRUCTION_CHARS} characters: shorten it`],
    ['--input too long', ['--input', `${'b'.repeat(MAX_INSTRUCTION_CHARS)} <Audio>`, 'q'], `--input is longer than ${MAX_INSTRUCTION_CHARS} characters: shorten it`],
    ['--max-new-tokens 0', ['--max-new-tokens', '0', 'q'], '--max-new-tokens must be a whole number from 1 to 2048, got "0"'],
    ['--max-new-tokens 99999', ['--max-new-tokens', '99999', 'q'], '--max-new-tokens must be a whole number from 1 to 2048, got "99999"'],
    ['--seed past 2³¹−1', ['--seed', '2147483648', 'q'], '--seed must be a whole number from 0 to 2147483647, got "2147483648"'],
  ];
  for (const [what, args, message] of refused) {
    it(`${what}: exit 2, one line, no answer, no engine's schema words; --json gives the same as BAD_ARGS`, () => {
      const r = ask(...args);
      assert.equal(r.status, 2, r.err);
      assert.equal(r.err, `studio: ${message}\n`);
      assert.equal(r.out, '');
      const j = ask('--json', ...args);
      assert.equal(j.status, 2, j.err);
      assert.deepEqual(JSON.parse(j.out), { error: { code: 'BAD_ARGS', message } });
    });
  }

  it('the ends of the ranges are taken: --max-new-tokens 1 and --seed 2147483647 answer with one token', () => {
    const r = ask('--json', '--max-new-tokens', '1', '--seed', '2147483647', '  What is playing?  ');
    assert.equal(r.status, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.tokenIds.length, 1);
    assert.equal(j.stoppedBy, 'max_new_tokens');
    assert.equal(j.inputs.instruction, '  What is playing?  ');
  });
});

describe('studio ask --features of a video without sound: the reason once, its sentence not ended twice', { timeout: 120_000 }, () => {
  it('"… (\"silent.mp4\" has no audio stream)." — was "… has no audio stream.)."', () => {
    const silent = media('ask-options-tester40-silent.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--data-dir', dataDir, '--pack', pack, '--video', silent, '--features', 'q'], {
      encoding: 'utf8', env: { ...process.env, STUDIO_DISABLE_WEBGPU: '1' }, timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, 'studio: --features: "ask-options-tester40-silent.mp4" could not be analysed for its features line ("ask-options-tester40-silent.mp4" has no audio stream).\n');
  });
});

describe('studio ask without --pack where the one installed pack is damaged in place: why, not "no pack is installed"', { timeout: 120_000 }, () => {
  it('its manifest.json cut short: the pack named, the JSON error and that a Get builds it again (was "No DeepResonance model pack is installed")', () => {
    const data = mkdtempSync(join(tmpdir(), 'rs-ask-damaged-'));
    try {
      const installed = join(data, 'models', 'packs', 'deepresonance-beta-int4');
      cpSync(pack, installed, { recursive: true });
      const manifest = readFileSync(join(installed, 'manifest.json'));
      writeFileSync(join(installed, 'manifest.json'), manifest.subarray(0, Math.floor(manifest.length / 2)));
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--data-dir', data, '--audio', song, 'q'], {
        encoding: 'utf8', env: { ...process.env, STUDIO_DISABLE_WEBGPU: '1', STUDIO_MODELS_DIR: '' }, timeout: 120_000,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /No DeepResonance model pack is installed/);
      assert.ok(r.stderr.includes(`studio: The model pack at "${installed}" cannot be used: manifest.json is not valid JSON (`), r.stderr);
      assert.match(r.stderr, /studio model get beta: it rebuilds a pack that does not verify from the downloads kept/);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

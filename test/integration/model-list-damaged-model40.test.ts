// `studio model list` with the installed pack's manifest.json damaged in place (cut short, as a copy or a disk that
// filled up leaves it) said "installed: none — studio model get beta --llama DIR" (tester40): installedPacks skipped
// the folder without a word, while `studio ask` named it (84e03274). Now the catalogue lists it as installed but
// damaged, with loadPack's own words (pack.ts manifestNotJson: the JSON error and that a Get builds it again).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/media';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'rs-list-damaged-'));
const packs = join(dataDir, 'models', 'packs');
const beta = join(packs, 'deepresonance-beta-int4');
const other = join(packs, 'my pack');

function list(...args: string[]) {
  // the Hub on a closed port: the catalogue is listed offline (sizes estimated), as the panel lists it
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'model', 'list', '--data-dir', dataDir, ...args], {
    encoding: 'utf8', env: { ...process.env, STUDIO_MODELS_DIR: '', HF_ENDPOINT: 'http://127.0.0.1:1', STUDIO_IMAGEBIND_URL: 'http://127.0.0.1:1/x.pth' }, timeout: 120_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** what JSON.parse says of a file, as the studio quotes it */
function parseError(file: string): string {
  try {
    JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${file} parses`);
}

before(() => {
  ensureTinyPacks();
  // a Get's pack (named by its folder) cut to half, and a pack of another name overwritten by an editor's text
  cpSync(join(TINY_DIR, 'packs', 'beta-fp32-int4'), beta, { recursive: true });
  const m = readFileSync(join(beta, 'manifest.json'));
  writeFileSync(join(beta, 'manifest.json'), m.subarray(0, Math.floor(m.length / 2)));
  cpSync(join(TINY_DIR, 'packs', 'alpha-fp32'), other, { recursive: true });
  writeFileSync(join(other, 'manifest.json'), 'name = "my pack"'); // (a newline in it would be printed escaped: shownText)
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('studio model list: a pack whose manifest.json is damaged in place is listed as installed but damaged, with why', { timeout: 120_000 }, () => {
  it('the Get-named pack under its variant (was "installed: none — studio model get beta --llama DIR"); another name below the variants', () => {
    const r = list();
    assert.equal(r.status, 0, r.err);
    const lines = r.out.split('\n');
    const betaAt = lines.findIndex((l) => l.startsWith('DeepResonance-β (beta)'));
    assert.ok(betaAt > 0, r.out);
    const betaLines = lines.slice(betaAt);
    const expected = `  installed, damaged: deepresonance-beta-int4 — The model pack at "${beta}" cannot be used: manifest.json is not valid JSON (${parseError(join(beta, 'manifest.json'))}). Get it again (Models panel → Get, or studio model get beta: it rebuilds a pack that does not verify from the downloads kept), or convert it again.`;
    assert.ok(betaLines.includes(expected), r.out);
    assert.ok(!betaLines.slice(0, betaLines.indexOf(expected) + 2).some((l) => l.includes('installed: none')), `β is not "none": ${r.out}`);
    // α has no pack of its own (the damaged "my pack" folder states no variant): none, as before
    assert.ok(lines.slice(0, betaAt).includes('  installed: none — studio model get alpha --llama DIR'), r.out);
    assert.ok(r.out.includes(`\nDamaged pack: my pack — The model pack at "${other}" cannot be used: manifest.json is not valid JSON (${parseError(join(other, 'manifest.json'))}). Get it again (Models panel → Get, or studio model get alpha|beta: `), r.out);
  });

  it('--json: catalog.damagedPacks holds both, with the same words as studio ask (loadPack) gives', () => {
    const r = list('--json');
    assert.equal(r.status, 0, r.err);
    const c = JSON.parse(r.out) as { damagedPacks: Array<{ variant: string | null; name: string; path: string; problem: string }>; entries: Array<{ packs: unknown[] }> };
    assert.deepEqual(c.damagedPacks.map((d) => [d.variant, d.name, d.path]), [['beta', 'deepresonance-beta-int4', beta], [null, 'my pack', other]]);
    assert.deepEqual(c.entries.map((e) => e.packs), [[], []]);
    const ask = spawnSync(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--pack', beta, '--data-dir', dataDir, '--audio', join(TINY_DIR, 'media', 'sine.wav'), 'q'], {
      encoding: 'utf8', env: { ...process.env, STUDIO_DISABLE_WEBGPU: '1' }, timeout: 120_000,
    });
    assert.equal(ask.status, 1, ask.stderr);
    assert.equal(ask.stderr, `studio: ${c.damagedPacks[0].problem}\n`);
  });
});

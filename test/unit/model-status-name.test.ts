// A chosen pack is named by what its manifest says from the first status of a fresh engine (after a crash or a
// restart), not only once a question loaded it: the chat pane showed the folder's name ("alpha-fp32 · auto") instead
// of "DeepResonance-α · fp32" until the next question (tester25).
// Run: node --import tsx --test test/unit/model-status-name.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EngineContext } from '../../main/engine/context';
import { openDb } from '../../main/engine/db';
import { setSetting } from '../../main/engine/db/settings';
import { ModelService } from '../../main/engine/model/service';

const dir = mkdtempSync(join(tmpdir(), 'rs-model-name-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function engine(name: string): ModelService {
  const dataDir = join(dir, name);
  const ctx: EngineContext = { db: openDb(dataDir), dataDir, cacheDir: join(dataDir, 'cache'), mode: 'web', version: '0', startedAt: 0, restarts: 1, emit: () => undefined };
  return new ModelService(ctx);
}

test('a chosen pack not loaded yet is named from its manifest', () => {
  const pack = join(dir, 'alpha-fp32');
  mkdirSync(pack);
  // only what names it: the rest of a manifest is checked when the pack loads
  writeFileSync(join(pack, 'manifest.json'), JSON.stringify({ schema_version: 1, name: 'tiny-alpha-fp32', model: 'DeepResonance-α', variant: 'alpha', dtype: 'fp32', llm_quant: 'none' }));
  const model = engine('a');
  setSetting((model as unknown as { ctx: EngineContext }).ctx.db, 'model.packPath', pack);
  const s = model.status();
  assert.equal(s.packPath, pack);
  assert.equal(s.provider.active, null, 'not loaded');
  assert.deepEqual(s.pack, { name: 'tiny-alpha-fp32', model: 'DeepResonance-α', variant: 'alpha', dtype: 'fp32', llmQuant: 'none' });
});

test('a folder without a readable manifest has no name (the folder is shown; loading it says why)', () => {
  for (const [name, write] of [
    ['none', null],
    ['not-json', '{ nope'],
    ['newer', JSON.stringify({ schema_version: 2, name: 'x', model: 'DeepResonance-α', variant: 'alpha', dtype: 'fp32', llm_quant: 'none' })],
  ] as const) {
    const pack = join(dir, `bad-${name}`);
    mkdirSync(pack);
    if (write) writeFileSync(join(pack, 'manifest.json'), write);
    const model = engine(`b-${name}`);
    setSetting((model as unknown as { ctx: EngineContext }).ctx.db, 'model.packPath', pack);
    assert.equal(model.status().pack, null, name);
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from '../../main/engine-host';
import { nodeForker } from '../../main/engine-host/node-fork';
import { ROOT } from './media';

/** The built engine entry; `npm test` builds before running tests. */
export const ENGINE_PATH = join(ROOT, 'out', 'engine', 'index.js');

/** Start the real engine process in a fresh data folder. */
export async function startTestEngine(opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<{ engine: EngineHost; dataDir: string }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'rs-data-'));
  const engine = new EngineHost({ fork: nodeForker, enginePath: ENGINE_PATH, dataDir, mode: 'web', version: 'test', env: opts.env });
  await engine.start();
  return { engine, dataDir };
}

/**
 * Poll `f` every 50 ms until it gives a value (not undefined, not false) and return it; `ms` is only a hang guard
 * (2 min by default): the work waited for takes what the machine needs, so no test asserts how long it took.
 */
export async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

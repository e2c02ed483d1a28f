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

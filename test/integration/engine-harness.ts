// Shared by the engine integration tests and the media benchmark: the real
// engine bundle (out/engine/index.js, from `npm run build`) in a temp data dir.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from '../../main/engine-host';
import { nodeForker } from '../../main/engine-host/node-fork';
import { ROOT } from '../helpers/media';

export const ENGINE_PATH = join(ROOT, 'out', 'engine', 'index.js');

export async function startEngine(dataDir = mkdtempSync(join(tmpdir(), 'studio-engine-'))): Promise<{ engine: EngineHost; dataDir: string; stop(): Promise<void> }> {
  if (!existsSync(ENGINE_PATH)) throw new Error(`${ENGINE_PATH} is missing: run \`npm run build\` first.`);
  const engine = new EngineHost({ fork: nodeForker, enginePath: ENGINE_PATH, dataDir, mode: 'web', version: 'test' });
  await engine.start();
  return {
    engine,
    dataDir,
    stop: async () => {
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Peak resident memory of a process (Linux: VmHWM), in MiB; null elsewhere. */
export function peakRssMiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Child processes of `pid` (Linux), e.g. an ffmpeg that should have been killed. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(d));
      } catch {
        // gone
      }
    }
  } catch {
    // not Linux
  }
  return out;
}

import { join } from 'node:path';
import { RpcServer, StudioError, toErrorData, type EventName, type EventPayload } from '@contract';
import type { EngineContext } from './context';
import { engineHandlers } from './handlers';
import { openDb, snapshotDb } from './db';
import { hostPort } from './port';
import { useDemuxerCache } from './media/tags';
import { parseRootsSetting } from './fs/roots';
import { STUDIO_VERSION } from '../version';

/**
 * The engine process. Started by a host with these environment variables:
 * STUDIO_DATA_DIR (required), STUDIO_MODE (desktop|web), STUDIO_RESTARTS,
 * STUDIO_VERSION; STUDIO_ROOTS (JSON RootsSetting: web mode's allowed
 * folders, enforced on every path-taking method); STUDIO_DB_FILE (a database file other than
 * <data>/studio.sqlite, e.g. `studio analyze --db`), STUDIO_LIBRARY_BACKGROUND=0
 * (no folder watching, no scan resumed at start: the CLI), STUDIO_LIBRARY_WAVEFORM=0 (tracks get no waveform:
 * `studio analyze` without --db, whose cache is thrown away); STUDIO_CACHE_DIR (a cache folder other than
 * <data>/cache: `studio ask` runs on a throwaway data folder with the real one's cache); STUDIO_DB_SNAPSHOT_OF (a
 * database another process holds, copied read-only into this throwaway data folder's studio.sqlite first: `studio
 * crate list|show` while the app runs; when it cannot be read the engine fails UNREADABLE).
 */
function main(): void {
  const dataDir = process.env.STUDIO_DATA_DIR;
  if (!dataDir) throw new Error('STUDIO_DATA_DIR is not set');
  const port = hostPort();
  let server: RpcServer | undefined;
  let db;
  try {
    const held = process.env.STUDIO_DB_SNAPSHOT_OF;
    if (held && !snapshotDb(held, join(dataDir, 'studio.sqlite'))) throw new StudioError('UNREADABLE', `The library database "${held}" could not be read while another program holds its data folder. Try again, or once that program has stopped.`);
    db = openDb(dataDir, process.env.STUDIO_DB_FILE || undefined);
  } catch (err) {
    // the host reports why (e.g. a read-only data folder), not just an exit code
    port.send({ t: 'event', name: 'engine:failed', payload: toErrorData(err) });
    setTimeout(() => process.exit(1), 50);
    return;
  }
  const ctx: EngineContext = {
    db,
    dataDir,
    // STUDIO_CACHE_DIR: a data folder's cache shared by an engine on a throwaway folder (`studio ask`)
    cacheDir: process.env.STUDIO_CACHE_DIR || join(dataDir, 'cache'),
    mode: process.env.STUDIO_MODE === 'desktop' ? 'desktop' : 'web',
    version: process.env.STUDIO_VERSION ?? STUDIO_VERSION,
    startedAt: Date.now(),
    restarts: Number(process.env.STUDIO_RESTARTS ?? 0),
    roots: parseRootsSetting(process.env.STUDIO_ROOTS),
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => server?.emit(name, payload),
  };
  useDemuxerCache(ctx.cacheDir);
  server = new RpcServer(port, engineHandlers(ctx));
  const shutdown = () => {
    server?.close();
    try {
      ctx.db.close();
    } catch {
      // already closed
    }
    process.exit(0);
  };
  process.on('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
  // Ctrl+C on a terminal is a SIGINT to every process of the foreground group, this engine too: its host decides what
  // it means (studio tags write stops after the file being written, analyze cancels its scan, ask its answer, serve
  // stops the engine with SIGTERM); a host that dies of it closes the channel, and 'disconnect' ends the engine.
  // Before tags34 it killed the engine mid-write ("The analysis engine stopped unexpectedly (killed by SIGINT)").
  process.on('SIGINT', () => undefined);
  port.send({ t: 'event', name: 'engine:ready', payload: { pid: process.pid } });
}

main();

/**
 * The port `studio serve` listened on at its last run on a data folder, kept in `<data>/serve.json` (`{"port": N}`).
 * A start without --port listens there again, so the page's address (its origin: where the browser keeps the working
 * session, the settings and the tab's token) is the same after serve was stopped, killed or the machine restarted; the
 * tab that was open reconnects once given the new URL. A port taken meanwhile by another program: a free one instead.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** the file in the data folder */
export const LAST_PORT_FILE = 'serve.json';

/**
 * The port of the last `studio serve` on `dataDir` (1–65535), or undefined when none is recorded or the record cannot
 * be read (missing, not JSON, out of range: a free port is taken then, as before).
 */
export function lastServePort(dataDir: string): number | undefined {
  try {
    const port = (JSON.parse(readFileSync(join(dataDir, LAST_PORT_FILE), 'utf8')) as { port?: unknown }).port;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Record `port` as `dataDir`'s last (written to a temporary file, flushed, renamed: a kill leaves the old record or
 * the new one). Best effort: a folder that cannot be written costs only the next start's address (false returned).
 */
export function rememberServePort(dataDir: string, port: number): boolean {
  const file = join(dataDir, LAST_PORT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ port }) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}

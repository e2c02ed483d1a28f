// Files handed to the app from outside: command line, a second launch, macOS open-file.
import { statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { OPENABLE_EXTENSIONS } from '@contract';

const OPENABLE = new Set<string>(OPENABLE_EXTENSIONS);

export function isOpenableFile(path: string, isFile: (p: string) => boolean = defaultIsFile): boolean {
  return OPENABLE.has(extname(path).slice(1).toLowerCase()) && isFile(path);
}

function defaultIsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The media files named on a command line. argv[0] is the executable; when
 * not packaged (`electron .`) argv[1] is the app folder. Switches (and what
 * Chromium adds, like --allow-file-access-from-files) are skipped, relative
 * paths are taken from `cwd`, and only existing audio/video files are kept.
 */
export function pathsFromArgv(argv: readonly string[], o: { cwd: string; isPackaged: boolean; isFile?: (p: string) => boolean }): string[] {
  const args = argv.slice(o.isPackaged ? 1 : 2);
  const out: string[] = [];
  let afterDashes = false;
  for (const a of args) {
    if (!afterDashes && a === '--') {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && a.startsWith('-')) continue;
    const p = isAbsolute(a) ? a : resolve(o.cwd, a);
    if (isOpenableFile(p, o.isFile) && !out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * Holds paths until the renderer can take them (it has loaded), then hands
 * them over in one batch; after that, paths pass straight through.
 */
export class OpenPathsRelay {
  private queue: string[] = [];
  private sink: ((paths: string[]) => void) | undefined;

  push(paths: readonly string[]): void {
    if (paths.length === 0) return;
    if (this.sink) this.sink([...paths]);
    else for (const p of paths) if (!this.queue.includes(p)) this.queue.push(p);
  }

  /** The renderer is ready (again): deliver what waited. */
  attach(sink: (paths: string[]) => void): void {
    this.sink = sink;
    if (this.queue.length) {
      const q = this.queue;
      this.queue = [];
      sink(q);
    }
  }

  /** The renderer went away (window closed or reloading). */
  detach(): void {
    this.sink = undefined;
  }
}

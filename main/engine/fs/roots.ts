import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { StudioError, type Handlers, type MethodName } from '@contract';
import { isInside } from './paths';

/**
 * The folders web mode may touch (Jupyter's root directory, made a list).
 * `dirs`: absolute folders given by the operator (`studio serve --root DIR`,
 * or the user's music folder by default); `libraryFolders`: the library's
 * folders count too (serve's default, when no --root is given).
 * Passed to the engine as JSON in STUDIO_ROOTS; unset = no limit (desktop, CLI).
 */
export interface RootsSetting {
  dirs: string[];
  libraryFolders: boolean;
}

/**
 * The roots of `studio serve`: the `--root` folders when any are given
 * (resolved against `cwd`; only those), otherwise the user's music folder
 * ($XDG_MUSIC_DIR if set, else ~/Music) plus the library's folders.
 */
export function serveRootsSetting(rootArgs: string[], env: NodeJS.ProcessEnv, home: string, cwd: string): RootsSetting {
  if (rootArgs.length) return { dirs: rootArgs.map((r) => resolve(cwd, r)), libraryFolders: false };
  const xdg = env.XDG_MUSIC_DIR;
  return { dirs: [xdg && isAbsolute(xdg) ? xdg : resolve(home, 'Music')], libraryFolders: true };
}

/** Parse STUDIO_ROOTS (JSON RootsSetting); undefined when unset. Throws on malformed JSON (a host bug). */
export function parseRootsSetting(raw: string | undefined): RootsSetting | undefined {
  if (!raw) return undefined;
  const v = JSON.parse(raw) as RootsSetting;
  if (!Array.isArray(v.dirs) || !v.dirs.every((d) => typeof d === 'string' && isAbsolute(d))) throw new Error('STUDIO_ROOTS: dirs must be absolute paths');
  return { dirs: v.dirs, libraryFolders: v.libraryFolders === true };
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (a path that does not exist yet). */
async function realOrNearest(p: string): Promise<string> {
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch {
    const parent = resolve(abs, '..');
    if (parent === abs) return abs;
    return resolve(await realOrNearest(parent), abs.slice(parent.length).replace(/^[\\/]+/, ''));
  }
}

/**
 * Enforces a RootsSetting on paths that arrive from a channel. Paths are
 * compared as REAL paths (symlinks resolved) against the real paths of the
 * roots with isInside(), so a symlink inside a root that points outside is
 * refused. A path that does not exist is judged by its nearest existing
 * ancestor, so a refused path never reveals whether it exists.
 */
export class Roots {
  constructor(
    private readonly setting: RootsSetting,
    /** the library's folder paths now (read on every check: added folders count at once) */
    private readonly libraryFolders: () => string[],
  ) {}

  /** The configured folders (library folders included when they count), as given. */
  list(): string[] {
    return [...this.setting.dirs, ...(this.setting.libraryFolders ? this.libraryFolders() : [])];
  }

  /** The first root that is an existing folder (where the file browser starts), or undefined. */
  async firstFolder(): Promise<string | undefined> {
    for (const root of this.list()) if ((await stat(root).catch(() => null))?.isDirectory()) return root;
    return undefined;
  }

  /** Whether `path` (absolute) lies, really, inside one of the roots. */
  async allows(path: string): Promise<boolean> {
    if (!isAbsolute(path)) return false;
    const real = await realOrNearest(path);
    for (const root of this.list()) if (isInside(real, await realOrNearest(root))) return true;
    return false;
  }

  /** Throws FORBIDDEN, saying how to allow it, unless `path` is inside a root. `what`: "list", "open", … for the message. */
  async check(path: string, what: string): Promise<void> {
    if (await this.allows(path)) return;
    const list = this.list();
    throw new StudioError(
      'FORBIDDEN',
      `Web mode may only ${what} files inside its allowed folders (${list.length ? list.join(', ') : 'none'}); "${path}" is outside them. ` +
        'To allow it, restart `studio serve` with `--root DIR` (repeatable) naming a folder that holds it.',
    );
  }
}

/** For each engine method that takes file paths: the paths of its arguments and the verb for the message. */
const PATH_ARGS: Partial<Record<MethodName, { what: string; paths: (args: never) => (string | null | undefined)[] }>> = {
  'fs:list-dir': { what: 'list', paths: (a: { path?: string }) => [a.path] },
  'media:probe': { what: 'probe', paths: (a: { path: string }) => [a.path] },
  'media:open': { what: 'open', paths: (a: { path: string }) => [a.path] },
  'media:set-cover': { what: 'use as cover', paths: (a: { imagePath: string | null }) => [a.imagePath] },
  'library:add-folder': { what: 'add to the library', paths: (a: { path: string }) => [a.path] },
  'library:scan': { what: 'scan', paths: (a: { paths?: string[] }) => a.paths ?? [] },
  // getting the model (issue 9): the folders pointed to, and the converter's inputs and output
  'model:catalog': { what: 'read models from', paths: (a: { llama?: string; vicuna?: string; from?: string }) => [a.llama, a.vicuna, a.from] },
  'model:get': { what: 'read models from', paths: (a: { llama?: string; vicuna?: string; from?: string }) => [a.llama, a.vicuna, a.from] },
  'model:verify-pack': { what: 'verify', paths: (a: { path: string }) => [a.path] },
  'model:convert': {
    what: 'convert',
    paths: (a: { imagebind: string; imagebindConfig?: string; llm: string; vicunaDelta?: string; delta: string; out: string }) => [a.imagebind, a.imagebindConfig, a.llm, a.vicunaDelta, a.delta, a.out],
  },
  'chat:ask': {
    what: 'attach',
    paths: (a: { attachments: { image: 'cover' | { path: string } | null } }) => [typeof a.attachments.image === 'object' ? a.attachments.image?.path : undefined],
  },
};

/**
 * `handlers` with every path-taking method (PATH_ARGS) checked against
 * `roots` before it runs: the one place the engine applies web mode's roots,
 * so no channel can bypass it. `fs:list-dir` without a path starts in the
 * first existing root instead of the home folder.
 */
export function guardPaths(handlers: Handlers, roots: Roots): Handlers {
  const out = { ...handlers } as Record<string, (args: unknown, ctx: unknown) => unknown>;
  for (const [method, spec] of Object.entries(PATH_ARGS)) {
    const inner = out[method];
    if (!inner || !spec) continue;
    out[method] = async (args: unknown, ctx: unknown) => {
      let a = args;
      if (method === 'fs:list-dir' && (args as { path?: string }).path === undefined) {
        const first = await roots.firstFolder();
        if (!first) throw new StudioError('NOT_FOUND', `None of web mode's allowed folders exists (${roots.list().join(', ')}). Restart \`studio serve\` with \`--root DIR\` (repeatable).`);
        a = { ...(args as object), path: first };
      }
      for (const p of spec.paths(a as never)) if (p != null) await roots.check(p, spec.what);
      const result = await inner(a, ctx);
      // the file browser's "up" stops at a root
      if (method === 'fs:list-dir') {
        const listing = result as { parent: string | null };
        if (listing.parent !== null && !(await roots.allows(listing.parent))) return { ...listing, parent: null };
      }
      return result;
    };
  }
  return out as unknown as Handlers;
}

import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { StudioError, methodNames, methods, type CallContext, type Handlers, type MethodArgs, type MethodName, type MethodOutput } from '@contract';
import { folderPrefix, isInside } from './paths';

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

  /**
   * Path prefixes (each ending in the separator, fs/paths.ts folderPrefix)
   * under which a STORED path lies inside the roots, for filtering library
   * rows in SQL: each root as given and as its real path, and each library
   * folder (as stored) whose real path is inside a root, so rows stored
   * through a folder's alias count. `folders`: the library's folder paths.
   * A row stored through a symlink below one of these that leads out is not
   * caught here (the per-id checks of guardPaths still refuse its file).
   */
  async prefixes(folders: string[]): Promise<string[]> {
    const out = new Set<string>();
    for (const root of this.list()) {
      out.add(folderPrefix(resolve(root)));
      out.add(folderPrefix(await realOrNearest(root)));
    }
    for (const f of folders) if (await this.allows(f)) out.add(folderPrefix(resolve(f)));
    return [...out];
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
  'crates:export': { what: 'write a playlist for', paths: (a: { playlistDir?: string }) => [a.playlistDir] },
  'crates:import': { what: 'import a playlist from', paths: (a: { path?: string }) => [a.path] },
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
  'model:choose-pack': { what: 'load a model pack from', paths: (a: { path: string }) => [a.path] },
  'model:ask': {
    what: 'read',
    paths: (a: { packPath: string; audio?: { path: string }; image?: { path: string }; video?: { path: string } }) => [a.packPath, a.audio?.path, a.image?.path, a.video?.path],
  },
};

/** What the guard needs to know of a track (opened file or library row): its file and its attached cover. */
export interface TrackFiles {
  path: string;
  coverPath: string | null;
}

/** The methods that act on a track by id: its file is checked against the roots whenever one is called. */
/**
 * Every method whose arguments carry a `trackId`, read from the contract's
 * schemas (an object schema, possibly refined), so a method added later is
 * guarded without anyone remembering to list it here.
 */
export const TRACK_METHODS: readonly MethodName[] = methodNames.filter((m) => {
  let schema = methods[m].input as unknown as { shape?: Record<string, unknown>; _def?: { schema?: unknown; innerType?: unknown } };
  while (!schema.shape && (schema._def?.schema || schema._def?.innerType)) schema = (schema._def.schema ?? schema._def.innerType) as typeof schema;
  return schema.shape !== undefined && 'trackId' in schema.shape;
});

/**
 * What guardPaths needs beyond the handlers to apply the roots to the library
 * and to the remembered model pack (absent parts: those methods are left as
 * they are).
 */
export interface GuardScope {
  library?: {
    /** the library's folders now */
    folders(): { id: string; path: string }[];
    /** library:query limited to rows stored below `under` (Roots.prefixes) */
    query(args: MethodArgs<'library:query'>, under: string[]): MethodOutput<'library:query'>;
    /** library:ids likewise */
    ids(args: MethodArgs<'library:ids'>, under: string[]): MethodOutput<'library:ids'>;
    /** library:export likewise */
    export(args: MethodArgs<'library:export'>, under: string[], call: CallContext): Promise<MethodOutput<'library:export'>>;
    /**
     * the crates:* handlers limited to the tracks stored below `under` (handlers/crates.ts crateHandlers): counts,
     * lengths, orders and playlists hold only those, and tracks outside named in a call are left alone
     */
    crates?(under: string[]): Partial<Handlers>;
  };
  /** the model pack folder remembered in the settings (chosen perhaps in the desktop app), or null */
  packPath?: () => string | null;
  /**
   * the studio's own packs folder (`<models folder>/packs`, where Get installs): a pack inside it may be loaded
   * whatever the roots — the data folder is seldom inside them, and Get then Use refused the pack just installed
   * (tester33)
   */
  packsDir?: string;
}

/** The methods whose one path argument is a model pack folder (a pack in GuardScope.packsDir is allowed). */
const PACK_ARG_METHODS = new Set<string>(['model:choose-pack', 'model:verify-pack']);

/** The methods that load the remembered model pack (not given in their arguments). */
const PACK_METHODS = ['chat:ask', 'chat:regenerate', 'model:set-provider'] as const;

/** The track id inside a media:resolve address ("track"/"playable": the id; "cover": "<id>" or "<id>.<n>"). */
const ADDRESS_TRACK = /^([A-Za-z0-9_-]{8,64})(?:\.\d{1,9})?$/;
/** A filmstrip frame address: "<content fingerprint>.<count>.<index>". */
const ADDRESS_FRAME = /^([0-9a-f]{32})\./;

/**
 * `handlers` with every path-taking method (PATH_ARGS) checked against
 * `roots` before it runs: the one place the engine applies web mode's roots,
 * so no channel can bypass it. `fs:list-dir` without a path starts in the
 * first existing root instead of the home folder.
 *
 * Ids are checked too, at the time of each call, because a track may have
 * been opened earlier (before a restart with other roots, or by the desktop
 * app on the same data folder): every method taking a `trackId`
 * (TRACK_METHODS) needs the track's file inside the roots; `media:resolve`,
 * which the hosts call for every media request they serve, needs the track's
 * file for "track"/"playable"/"cover" and the attached cover's file for an
 * attached cover; a filmstrip "frame" is served only when its video's
 * filmstrip was made through this guard (its content fingerprint is recorded
 * then); `recent:list` leaves out entries outside the roots. `track(id)`
 * gives a track's files, or undefined for an unknown id (the handler then
 * answers NOT_FOUND itself).
 *
 * `library:tag-plan` (many track ids) refuses each track whose file is outside the roots, with FORBIDDEN's message,
 * and plans the others.
 * With `scope.library`: `library:query`, `library:ids`, `library:export` and every `crates:*` see only rows
 * stored below Roots.prefixes(), `library:list-folders` only folders inside
 * the roots, `library:scan`/`library:remove-folder` of a folder outside are
 * FORBIDDEN, and "scan all" scans the folders inside, one by one. With
 * `scope.packPath`: chat:ask, chat:regenerate and model:set-provider, which
 * load the remembered pack, are FORBIDDEN while it lies outside the roots
 * (it may have been chosen in the desktop app), saying how to choose another.
 */
export function guardPaths(handlers: Handlers, roots: Roots, track: (id: string) => TrackFiles | undefined, scope: GuardScope = {}): Handlers {
  const out = { ...handlers } as Record<string, (args: unknown, ctx: unknown) => unknown>;
  /** whether `pack` (absolute) lies, really, inside the studio's own packs folder */
  const ownPack = async (pack: string): Promise<boolean> =>
    !!scope.packsDir && isAbsolute(pack) && isInside(await realOrNearest(pack), await realOrNearest(scope.packsDir));
  const checkTrack = async (id: string, what: string): Promise<TrackFiles | undefined> => {
    const t = track(id);
    if (t) await roots.check(t.path, what);
    return t;
  };
  /** content fingerprints of the videos whose filmstrips were made through the guard */
  const framesMade = new Set<string>();
  for (const method of TRACK_METHODS) {
    const inner = out[method];
    if (!inner) continue;
    out[method] = async (args: unknown, ctx: unknown) => {
      const t = await checkTrack((args as { trackId: string }).trackId, 'use');
      // the model reads an attached cover's file: it must be inside the roots as well
      if (method === 'chat:ask' && t?.coverPath && (args as { attachments: { image: unknown } }).attachments.image === 'cover') await roots.check(t.coverPath, 'attach');
      const result = await inner(args, ctx);
      if (method === 'media:filmstrip') for (const f of (result as { frames: { frameId: string }[] }).frames) framesMade.add(f.frameId.slice(0, 32));
      return result;
    };
  }
  // library:tag-plan takes many track ids: one whose file is outside the roots is refused as write-tags would refuse it
  // (FORBIDDEN's message), and only the others are planned (their own tags may be read)
  const plan = out['library:tag-plan'];
  if (plan) {
    out['library:tag-plan'] = async (args: unknown, ctx: unknown) => {
      const a = args as MethodArgs<'library:tag-plan'>;
      const ids = [...new Set(a.trackIds)];
      const outside = new Map<string, string>();
      for (const id of ids) {
        try {
          await checkTrack(id, 'use');
        } catch (err) {
          if (!(err instanceof StudioError) || err.code !== 'FORBIDDEN') throw err;
          outside.set(id, err.message);
        }
      }
      const r = (await plan({ ...a, trackIds: ids.filter((id) => !outside.has(id)) }, ctx)) as MethodOutput<'library:tag-plan'>;
      const inner = new Map(r.refused.map((x) => [x.trackId, x]));
      const refused = ids.flatMap((id) => (outside.has(id) ? [{ trackId: id, fileName: '', reason: outside.get(id)! }] : inner.has(id) ? [inner.get(id)!] : []));
      // every other field of the plan goes through as planned: each one named here was dropped in turn (ui36: the files
      // written in part; dj36: what each would replace; tester37: the own key tags' notations)
      return { ...r, refused };
    };
  }
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
      for (const p of spec.paths(a as never)) if (p != null && !(PACK_ARG_METHODS.has(method) && (await ownPack(p)))) await roots.check(p, spec.what);
      const result = await inner(a, ctx);
      // the file browser's "up" stops at a root, where it offers the roots (DirListing.roots)
      if (method === 'fs:list-dir') {
        const listing = result as { parent: string | null };
        return { ...listing, parent: listing.parent !== null && !(await roots.allows(listing.parent)) ? null : listing.parent, roots: roots.list() };
      }
      return result;
    };
  }
  const resolve = out['media:resolve'];
  if (resolve) {
    out['media:resolve'] = async (args: unknown, ctx: unknown) => {
      const { kind, id } = args as { kind: 'track' | 'playable' | 'cover' | 'frame'; id: string };
      if (kind === 'frame') {
        const fp = ADDRESS_FRAME.exec(id)?.[1];
        if (!fp || !framesMade.has(fp)) {
          throw new StudioError('FORBIDDEN', 'This thumbnail was not made in this web session; show the video\'s filmstrip again to see it.');
        }
      } else {
        const m = ADDRESS_TRACK.exec(id);
        const t = m ? await checkTrack(m[1], 'serve') : undefined;
        if (t && kind === 'cover' && t.coverPath) await roots.check(t.coverPath, 'serve');
      }
      return resolve(args, ctx);
    };
  }
  const recent = out['recent:list'];
  if (recent) {
    out['recent:list'] = async (args: unknown, ctx: unknown) => {
      const entries = (await recent(args, ctx)) as { path: string }[];
      const kept = [];
      for (const e of entries) if (await roots.allows(e.path)) kept.push(e);
      return kept;
    };
  }
  // the library shows, exports and acts on its rows and folders inside the roots only
  const lib = scope.library;
  if (lib) {
    const under = () => roots.prefixes(lib.folders().map((f) => f.path));
    if (out['library:query']) out['library:query'] = async (args: unknown) => lib.query(args as MethodArgs<'library:query'>, await under());
    if (out['library:ids']) out['library:ids'] = async (args: unknown) => lib.ids(args as MethodArgs<'library:ids'>, await under());
    if (out['library:export']) out['library:export'] = async (args: unknown, call: unknown) => lib.export(args as MethodArgs<'library:export'>, await under(), call as CallContext);
    const crates = lib.crates;
    if (crates) {
      for (const method of methodNames.filter((m) => m.startsWith('crates:'))) {
        if (!out[method]) continue;
        out[method] = async (args: unknown, ctx: unknown) => {
          // this replaces PATH_ARGS' wrapper of crates:export and crates:import: the playlist's folder, the playlist
          // imported, are checked here as they were there
          const paths = PATH_ARGS[method];
          for (const p of paths?.paths(args as never) ?? []) if (p) await roots.check(p, paths!.what);
          const inner = crates(await under())[method] as ((a: unknown, c: unknown) => unknown) | undefined;
          if (!inner) throw new StudioError('INTERNAL', `${method} has no handler limited to the allowed folders.`);
          return inner(args, ctx);
        };
      }
    }
    const listFolders = out['library:list-folders'];
    if (listFolders) {
      out['library:list-folders'] = async (args: unknown, ctx: unknown) => {
        const kept = [];
        for (const f of (await listFolders(args, ctx)) as { path: string }[]) if (await roots.allows(f.path)) kept.push(f);
        return kept;
      };
    }
    for (const method of ['library:remove-folder', 'library:scan'] as const) {
      const inner = out[method];
      if (!inner) continue;
      out[method] = async (args: unknown, ctx: unknown) => {
        const { folderId: id, paths } = args as { folderId?: string; paths?: string[] };
        const folder = id === undefined ? undefined : lib.folders().find((f) => f.id === id);
        if (folder) await roots.check(folder.path, method === 'library:scan' ? 'scan' : 'change');
        if (method === 'library:scan' && id === undefined && paths === undefined) {
          // "scan all" scans the folders inside the roots, one after the other (each queues behind the last)
          const all = lib.folders();
          const inside = [];
          for (const f of all) if (await roots.allows(f.path)) inside.push(f);
          if (inside.length < all.length) {
            let state: unknown = out['library:scan-state'] ? await out['library:scan-state']({}, ctx) : null;
            for (const f of inside) state = await inner({ folderId: f.id }, ctx);
            return state;
          }
        }
        return inner(args, ctx);
      };
    }
  }
  // a pack remembered from the desktop app may lie outside the roots: refused when it would be read
  const packPath = scope.packPath;
  if (packPath) {
    for (const method of PACK_METHODS) {
      const inner = out[method];
      if (!inner) continue;
      out[method] = async (args: unknown, ctx: unknown) => {
        const pack = packPath();
        if (pack !== null && !(await ownPack(pack)) && !(await roots.allows(pack))) {
          const list = roots.list();
          throw new StudioError(
            'FORBIDDEN',
            `The model pack in use ("${pack}", chosen earlier, perhaps in the desktop app) is outside web mode's allowed folders (${list.length ? list.join(', ') : 'none'}). ` +
              'Choose a model pack inside them ("Choose model pack…" in the chat pane or the model settings), or restart `studio serve` with `--root DIR` naming the folder that holds the pack.',
          );
        }
        return inner(args, ctx);
      };
    }
  }
  return out as unknown as Handlers;
}

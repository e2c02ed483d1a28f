import type { Handlers } from '@contract';
import type { EngineContext } from '../context';
import { MarksService } from '../media/marks';
import { MediaService } from '../media/service';
import { Tracks } from '../media/tracks';
import { ChatService } from '../chat/service';
import { ModelService } from '../model/service';
import { ModelCatalogService } from '../model/catalog/index';
import { packsDirOf } from '../model/catalog/catalog';
import { convertPack } from '../model/convert/index';
import { LibraryService } from '../library/service';
import { absentFolderNote } from '../library/job';
import { appHandlers } from './app';
import { chatHandlers } from './chat';
import { fsHandlers } from './fs';
import { libraryHandlers } from './library';
import { crateHandlers } from './crates';
import { CrateService } from '../library/crates';
import { marksHandlers } from './marks';
import { mediaHandlers } from './media';
import { modelHandlers } from './model';
import { guardPaths, Roots } from '../fs/roots';
import { withDbWriteErrors } from '../db';

/**
 * Every engine method of the contract, bound to its service: the services
 * are made once here, and each domain's table (app, media + recent, fs,
 * model, library, crates, chat, marks) maps its methods onto them. With `ctx.roots` (web
 * mode's allowed folders) every path-taking method is checked by guardPaths.
 * A write the database refuses (another program holds its lock, the disk is
 * full) is DB_WRITE_FAILED from every method (withDbWriteErrors).
 */
export function engineHandlers(ctx: EngineContext): Handlers {
  const tracks = new Tracks(ctx);
  const media = new MediaService(ctx, tracks);
  const model = new ModelService(ctx);
  const catalog = new ModelCatalogService(ctx, convertPack, () => model.announce(true));
  const chat = new ChatService(ctx, tracks, model, async (trackId) => (await media.resolve('cover', trackId)).path);
  const library = new LibraryService(ctx, { background: process.env.STUDIO_LIBRARY_BACKGROUND !== '0', waveform: process.env.STUDIO_LIBRARY_WAVEFORM !== '0', holdWatch: (id) => tracks.holdWatch(id) });
  const crates = new CrateService(ctx.db, () => library.scanner.tellChanged());
  const handlers: Handlers = withDbWriteErrors({
    ...appHandlers(ctx),
    ...mediaHandlers(tracks, media, (path) => absentFolderNote(path, library.folders())),
    ...marksHandlers(new MarksService(ctx, tracks, media)),
    ...fsHandlers(),
    ...modelHandlers(model, catalog),
    ...libraryHandlers(library),
    ...crateHandlers(crates),
    ...chatHandlers(chat),
  } as Handlers, ctx.db);
  if (!ctx.roots) return handlers;
  const roots = new Roots(ctx.roots, () => library.store.folders().map((f) => f.path));
  return guardPaths(
    handlers,
    roots,
    (id) => {
      const row = tracks.find(id);
      return row && { path: row.path, coverPath: row.cover_path };
    },
    {
      library: {
        folders: () => library.store.folders(),
        query: (args, under) => library.query(args, under),
        ids: (args, under) => library.ids(args, under),
        export: ({ format, trackIds, filter, sort }, under, call) => library.export(format, trackIds, filter, under, sort, call),
        crates: (under) => withDbWriteErrors(crateHandlers(crates, under, (p) => roots.allows(p)), ctx.db),
      },
      packPath: () => model.packPath,
      packsDir: packsDirOf(ctx.dataDir, process.env),
    },
  );
}

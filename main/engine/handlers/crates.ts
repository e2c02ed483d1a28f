import type { Handlers } from '@contract';
import type { CrateService } from '../library/crates';

export type CrateMethods = 'crates:list' | 'crates:create' | 'crates:rename' | 'crates:delete' | 'crates:add-tracks' | 'crates:remove-tracks' | 'crates:move-tracks' | 'crates:export' | 'crates:import';

/**
 * `crates:*`: the DJ's crates (library/crates.ts). `under` (web mode's roots as stored-path prefixes, given per call
 * by guardPaths): counts, lengths, orders and exports hold only the tracks below them, the tracks a call names
 * count only when below them (CrateService.list), and a crate holding others is not deleted (CrateService.delete).
 * `allows` (web mode: fs/roots.ts Roots.allows, by real path): whether an imported playlist's entry may be looked at.
 */
export function crateHandlers(crates: CrateService, under?: string[], allows?: (path: string) => Promise<boolean>): Pick<Handlers, CrateMethods> {
  return {
    'crates:list': () => crates.list(under),
    'crates:create': ({ name }) => crates.create(name),
    'crates:rename': ({ crateId, name }) => crates.rename(crateId, name, under),
    'crates:delete': ({ crateId }) => crates.delete(crateId, under),
    'crates:add-tracks': ({ crateId, trackIds }) => crates.add(crateId, trackIds, under),
    'crates:remove-tracks': ({ crateId, trackIds }) => crates.remove(crateId, trackIds, under),
    'crates:move-tracks': ({ crateId, trackIds, beforeId }) => crates.move(crateId, trackIds, beforeId, under),
    'crates:export': ({ crateId, playlistDir }) => crates.export(crateId, playlistDir, under),
    'crates:import': ({ path, dropped, name }) =>
      crates.importPlaylist(path !== undefined ? { path } : { fileName: dropped!.fileName, bytes: Buffer.from(dropped!.base64, 'base64') }, name, under, allows),
  };
}

import type { Handlers } from '@contract';
import type { CrateService } from '../library/crates';

type CrateMethods = 'crates:list' | 'crates:create' | 'crates:rename' | 'crates:delete' | 'crates:add-tracks' | 'crates:remove-tracks' | 'crates:move-tracks' | 'crates:export';

/** `crates:*`: the DJ's crates (library/crates.ts). */
export function crateHandlers(crates: CrateService): Pick<Handlers, CrateMethods> {
  return {
    'crates:list': () => crates.list(),
    'crates:create': ({ name }) => crates.create(name),
    'crates:rename': ({ crateId, name }) => crates.rename(crateId, name),
    'crates:delete': ({ crateId }) => crates.delete(crateId),
    'crates:add-tracks': ({ crateId, trackIds }) => crates.add(crateId, trackIds),
    'crates:remove-tracks': ({ crateId, trackIds }) => crates.remove(crateId, trackIds),
    'crates:move-tracks': ({ crateId, trackIds, beforeId }) => crates.move(crateId, trackIds, beforeId),
    'crates:export': ({ crateId, playlistDir }) => crates.export(crateId, playlistDir),
  };
}

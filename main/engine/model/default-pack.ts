import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataFolderSetting } from '../db/settings';
import { installedPacks, packFolders, packsDirOf } from './catalog/catalog';

/** The setting that holds the model pack the app uses (chosen in its model settings, or after Get): ModelService.packPath. */
export const PACK_SETTING = 'model.packPath';

/** How to get a pack, said where none is installed (the app's and `studio ask`'s words). */
export const GET_A_PACK = 'Get DeepResonance-α or -β in the Models panel (or `studio model get beta`), or choose a pack folder you already have.';

/**
 * The model pack the app would answer with, for `studio ask` without `--pack`: the pack chosen in the data folder
 * (PACK_SETTING, as ModelService reads it) where that folder still has a manifest, else the one pack installed in
 * its models folder (STUDIO_MODELS_DIR, else `<data>/models`: `packs/*`, as `studio model list` lists them), else the one
 * pack folder there whose manifest cannot be read (a pack damaged in place: loading it says why and what to do).
 * @param dataDir the data folder (`--data-dir`, else the default one)
 * @returns `{path, how}`; or `{path: null, message}`: none installed (with how to get one), or several and none chosen
 */
export function defaultPack(dataDir: string, env: NodeJS.ProcessEnv = process.env): { path: string; how: 'chosen' | 'installed' } | { path: null; message: string } {
  const chosen = dataFolderSetting(dataDir, PACK_SETTING);
  if (chosen && existsSync(join(chosen, 'manifest.json'))) return { path: chosen, how: 'chosen' };
  const packs = installedPacks(packsDirOf(dataDir, env));
  if (packs.length === 1) return { path: packs[0].path, how: 'installed' };
  if (packs.length > 1)
    return { path: null, message: `${packs.length} model packs are installed (${packs.map((p) => basename(p.path)).join(', ')}) and none is chosen: give one with --pack DIR (studio model list shows them), or choose one in the app.` };
  // none listed, but one pack folder whose manifest cannot be read (damaged in place): that pack, so that loading it says
  // what is wrong and that a Get builds it again — not "No DeepResonance model pack is installed" (tester40)
  const unread = [...packFolders(packsDirOf(dataDir, env))];
  if (unread.length === 1) return { path: unread[0].dir, how: 'installed' };
  return { path: null, message: `No DeepResonance model pack is installed${chosen ? ` (the chosen one, "${chosen}", is gone)` : ''}. ${GET_A_PACK} Then ask again, or give a pack with --pack DIR.` };
}

import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Resonance Studio';

/**
 * The studio's data folder outside Electron, matching what Electron's
 * app.getPath('userData') gives for the app so the CLI and the app share it.
 * STUDIO_DATA_DIR overrides it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.STUDIO_DATA_DIR) return env.STUDIO_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

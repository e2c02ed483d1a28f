import { join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the built app's pieces are, from the main bundle's own URL (out/main/electron.js). */
export interface AppPaths {
  /** out/ */
  outDir: string;
  preload: string;
  rendererHtml: string;
  rendererUrl: string;
  engine: string;
}

export function appPaths(mainBundleUrl: string): AppPaths {
  const outDir = fileURLToPath(new URL('..', mainBundleUrl));
  const rendererHtml = join(outDir, 'renderer', 'index.html');
  return {
    outDir,
    preload: join(outDir, 'preload', 'preload.cjs'),
    rendererHtml,
    rendererUrl: pathToFileURL(rendererHtml).href,
    engine: join(outDir, 'engine', 'index.js'),
  };
}

/**
 * Is `url` our renderer page (query and fragment aside)? Compared as file
 * paths, so percent-encoding differences (spaces, non-ASCII folders) and, on
 * Windows, drive-letter case do not matter.
 */
export function isRendererUrl(url: string | undefined | null, rendererHtml: string, platform: NodeJS.Platform = process.platform): boolean {
  if (!url) return false;
  let path: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
    path = normalize(fileURLToPath(u));
  } catch {
    return false;
  }
  const want = normalize(rendererHtml);
  return platform === 'win32' ? path.toLowerCase() === want.toLowerCase() : path === want;
}

// `npm start`: launch the desktop app with Electron.
//
// npm 11 does not run dependencies' install scripts unless they are approved
// (package.json `allowScripts` leaves Electron's off), so after `npm ci`
// Electron's binary may not have been downloaded yet. Then this script runs
// Electron's own installer (node_modules/electron/install.js: @electron/get,
// checksums from the package, the usual ELECTRON_MIRROR / proxy / cache
// settings) once, and launches the app. Without network access it says what
// failed and what works without Electron.
//
// Usage: node tools/start-electron.mjs [args passed to the app …]
// Exit status: the app's; 1 when Electron's binary is missing and could not be fetched.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

/**
 * The binary's location as the electron package records it (path.txt, written
 * by its install script) — the same lookup as the package's own index.js.
 * @returns {string | null} absolute path of the executable, or null when it is not there
 */
function installedBinary() {
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

/**
 * The reason in the installer's output: the first line that names an error
 * (e.g. "RequestError: getaddrinfo ENOTFOUND github.com").
 * @param {string} stderr
 */
function reasonOf(stderr) {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error/i.test(l) && !l.startsWith('at ')) ?? lines[0] ?? 'no output';
}

let electron = installedBinary();
if (!electron) {
  const source = process.env.ELECTRON_MIRROR ?? process.env.npm_config_electron_mirror ?? 'github.com (Electron releases)';
  console.error(`Electron's binary is not installed yet (npm ci does not run its download script).`);
  console.error(`Downloading Electron ${version} for ${process.platform}-${process.arch} from ${source}, once …`);
  const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { cwd: pkgDir, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  electron = installedBinary();
  if (r.status !== 0 || !electron) {
    const reason =
      r.status === 0
        ? `its installer finished without installing it${process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ? ' (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' : ''}`
        : reasonOf(r.stderr || r.error?.message || '');
    console.error(
      [
        '',
        `Could not download Electron ${version}: ${reason}`,
        `The desktop app needs Electron's binary, and fetching it needs internet access to ${source}.`,
        'Connect and run `npm start` again. Behind a proxy: set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1;',
        'with a local mirror: set ELECTRON_MIRROR.',
        'Without Electron, the same UI runs in a browser:  npm run serve',
      ].join('\n'),
    );
    if (process.env.STUDIO_VERBOSE && r.stderr) console.error(r.stderr);
    process.exit(1);
  }
  console.error(`Electron ${version} installed.`);
}
const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (err) => {
  console.error(`Electron's binary at ${electron} could not be started: ${err.message}`);
  console.error('Remove node_modules/electron/dist and node_modules/electron/path.txt, then run `npm start` again to fetch it anew.');
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));

// `npm start`: launch the desktop app with Electron. npm 11 does not run
// dependencies' install scripts unless approved, so on a fresh `npm ci`
// Electron's binary may not have been downloaded yet: say how to get it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The binary's location as the electron package records it (path.txt, written
// by its download script) — the same lookup as the package's own index.js.
const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const pathFile = join(pkgDir, 'path.txt');
const electron = existsSync(pathFile) ? join(pkgDir, 'dist', readFileSync(pathFile, 'utf8')) : null;
if (!electron || !existsSync(electron)) {
  console.error(
    [
      "Electron's binary is not installed (npm ci does not run its download script).",
      'Fetch it once with:  node node_modules/electron/install.js   (needs internet access)',
      'or use the same UI in a browser:  npm run serve',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));

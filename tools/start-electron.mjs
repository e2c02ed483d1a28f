// `npm start`: launch the desktop app with Electron. npm 11 does not run
// dependencies' install scripts unless approved, so on a fresh `npm ci`
// Electron's binary may not have been downloaded yet: say how to get it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
let electron;
try {
  electron = require('electron');
} catch {
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

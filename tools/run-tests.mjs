// Runs every test/**/*.test.ts with Node's test runner (Node 20 has no glob
// support in --test). Order: unit, integration, tools, e2e — fast failures first.
// Usage: node tools/run-tests.mjs [folder-or-file …]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const order = ['unit', 'integration', 'tools', 'e2e'];

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'output' || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const files = (args.length ? args.map((a) => resolve(a)).flatMap((a) => (statSync(a).isDirectory() ? walk(a) : [a])) : walk(join(root, 'test')))
  .map((f) => relative(root, f))
  .sort((a, b) => {
    const rank = (f) => {
      const i = order.indexOf(f.split('/')[1]);
      return i === -1 ? order.length : i;
    };
    return rank(a) - rank(b) || a.localeCompare(b);
  });
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

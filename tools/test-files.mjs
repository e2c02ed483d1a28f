// The test files under a folder: every *.test.ts, skipping test/output and node_modules. Shared by
// tools/run-tests.mjs (which runs them) and tools/test-times.mjs (which matches a log's suites to them).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every `*.test.ts` file under `dir`, recursively (absolute or relative as `dir` is), in directory order.
 * Folders named `output` (test/output: media and results the tests write) and `node_modules` are skipped.
 * @param {string} dir a folder
 * @returns {string[]} paths joined onto `dir`
 * @throws the fs error (ENOENT, EACCES) if `dir` or a folder under it cannot be read
 */
export function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'output' || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

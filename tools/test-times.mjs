// Where the test suite's time goes, from a log of `npm test` / tools/run-tests.mjs (Node's spec reporter: each
// test's and suite's line ends with "(N ms)"). Node 20's spec reporter names no files, so each top-level suite is
// matched to the test file whose source holds its name (a name in several files counts as "?").
// Usage: node tools/test-times.mjs LOG [--top N]
// Prints: the sum per folder and per file (top-level suites' ms; a file's start-up and top-level work are in no
// suite: "not in any suite" is the log's duration_ms minus the suites), then the N slowest tests (leaves).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testFiles } from './test-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const [log, ...rest] = process.argv.slice(2);
if (!log) {
  console.error('Usage: node tools/test-times.mjs LOG [--top N]');
  process.exit(2);
}
const top = Number(rest[rest.indexOf('--top') + 1]) || 30;

const sources = testFiles(join(root, 'test')).map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));
/** the one file whose source holds `name` (all of it, else its first 80, 60, 40, 25 characters; quotes as in source) */
function fileOf(name) {
  for (const n of [name.length, 80, 60, 40, 25]) {
    const key = name.slice(0, n);
    const hits = sources.filter((s) => s.text.includes(key) || s.text.includes(key.replaceAll("'", "\\'")));
    if (hits.length === 1) return hits[0].file;
  }
  return '?';
}

const lines = readFileSync(log, 'utf8').split('\n');
const entries = []; // { indent, name, ms }
let total = null;
for (const l of lines) {
  const m = /^(\s*)[✔✖﹣] (.*) \(([\d.]+)ms\)/.exec(l);
  if (m) entries.push({ indent: m[1].length, name: m[2], ms: Number(m[3]) });
  const d = /^ℹ duration_ms ([\d.]+)/.exec(l);
  if (d) total = (total ?? 0) + Number(d[1]);
}
const perFile = new Map();
let inSuites = 0;
for (const e of entries.filter((e) => e.indent === 0)) {
  const f = fileOf(e.name);
  perFile.set(f, (perFile.get(f) ?? 0) + e.ms);
  inSuites += e.ms;
}
const perFolder = new Map();
for (const [f, ms] of perFile) {
  const k = f === '?' ? '?' : f.split('/')[1];
  perFolder.set(k, (perFolder.get(k) ?? 0) + ms);
}
const s = (ms) => (ms / 1000).toFixed(1).padStart(7);
console.log(`total ${total === null ? '?' : s(total)} s; in suites ${s(inSuites)} s${total === null ? '' : `; not in any suite ${s(total - inSuites)} s`}`);
console.log('\nper folder (s):');
for (const [k, ms] of [...perFolder].sort((a, b) => b[1] - a[1])) console.log(`${s(ms)}  ${k}`);
console.log(`\nslowest files (s, top-level suites):`);
for (const [f, ms] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${s(ms)}  ${f}`);
// leaves: an entry whose predecessor is not deeper (a suite's line follows its children's)
const leaves = [];
entries.forEach((e, i) => {
  if (i > 0 && entries[i - 1].indent > e.indent) return;
  let parent = null;
  for (let j = i + 1; j < entries.length; j++) if (entries[j].indent < e.indent) { parent = entries[j].name; break; }
  leaves.push({ ...e, file: fileOf(e.name) === '?' && parent ? fileOf(parent) : fileOf(e.name) });
});
console.log(`\nslowest tests (s):`);
for (const e of leaves.sort((a, b) => b.ms - a.ms).slice(0, top)) console.log(`${s(e.ms)}  ${e.file}  ${e.name.slice(0, 110)}`);

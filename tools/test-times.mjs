// Where the test suite's time goes, from a log of `npm test` / tools/run-tests.mjs (Node's spec reporter: each
// test's and suite's line ends with "(N ms)"). Node 20's spec reporter names no files, so each top-level suite is
// matched to the test file whose source holds its name; a name in several files goes to the one that has it as a
// describe/test title, a generated name (`tiny pack ${name}`) to the file with a template literal that spells it,
// and what is still shared to the file of its nearest neighbours in the log; only what none of that settles is "?".
// Usage: node tools/test-times.mjs LOG [--top N]
// Prints: the sum per folder and per file (top-level suites' ms; a file's start-up and top-level work are in no
// suite: "not in any suite" is the log's duration_ms minus the suites, when files ran one at a time), then the N
// slowest tests (leaves).
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

const sources = testFiles(join(root, 'test')).map((f) => {
  const text = readFileSync(f, 'utf8');
  // the file's template literals with a `${…}` (generated titles: `tiny pack ${name}`), as patterns for a whole name;
  // only those with 8 or more characters of fixed text, so `${a}: ${b}` matches nothing by itself
  const templates = [...text.matchAll(/`((?:[^`\\]|\\.)*)`/g)]
    .map((m) => m[1])
    .filter((t) => t.includes('${') && t.replace(/\$\{[^}]*\}/g, '').length >= 8)
    .map((t) => new RegExp(`^${t.split(/\$\{[^}]*\}/).map((part) => part.replace(/\\(.)/g, '$1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's'));
  return { file: relative(root, f), text, templates };
});
/** the spellings of `key` inside a string literal in source: as is, with ' escaped, with \ escaped, JSON-escaped */
const spellings = (key) => [key, key.replaceAll("'", "\\'"), key.replaceAll('\\', '\\\\'), JSON.stringify(key).slice(1, -1)];
/** a title written as the first argument of describe/test/it/suite (not just somewhere in the text) */
const asTitle = (text, name) => spellings(name).some((k) => ['\'', '"', '`'].some((q) => new RegExp(`\\b(describe|test|it|suite)\\(\\s*${q}${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${q}`).test(text)));
/**
 * The files that may hold a top-level suite called `name`: the one whose source holds it (all of it, else its first
 * 80, 60, 40, 25 characters); when several do, those that call describe/test with exactly that title; when none do
 * (a generated title), those with a template literal that spells it. One file, or the candidates (the log's order decides: below).
 */
function candidatesOf(name) {
  let hits = [];
  for (const n of [name.length, 80, 60, 40, 25]) {
    const key = name.slice(0, n);
    hits = sources.filter((s) => spellings(key).some((k) => s.text.includes(k)));
    if (hits.length === 1) return hits.map((h) => h.file);
    if (hits.length > 1) break;
  }
  if (hits.length > 1) {
    const titled = hits.filter((s) => asTitle(s.text, name));
    if (titled.length >= 1) hits = titled;
    if (hits.length === 1) return hits.map((h) => h.file);
  }
  const templated = sources.filter((s) => s.templates.some((re) => re.test(name)));
  if (hits.length === 0) return templated.map((h) => h.file);
  const both = hits.filter((h) => templated.includes(h));
  return (both.length ? both : hits).map((h) => h.file);
}
/** the one file whose source holds `name`, or '?' (several or none; for top-level suites the log's order decides) */
function fileOf(name) {
  const c = candidatesOf(name);
  return c.length === 1 ? c[0] : '?';
}

const lines = readFileSync(log, 'utf8').split('\n');
const entries = []; // { indent, name, ms }
let total = null;
const runs = []; // each test-runner run's duration_ms (run-tests.mjs: one for unit/integration/tools, then e2e two at a time, then e2e alone)
for (const l of lines) {
  const m = /^(\s*)[✔✖﹣] (.*) \(([\d.]+)ms\)/.exec(l);
  if (m) entries.push({ indent: m[1].length, name: m[2], ms: Number(m[3]) });
  const d = /^ℹ duration_ms ([\d.]+)/.exec(l);
  if (d) {
    total = (total ?? 0) + Number(d[1]);
    runs.push(Number(d[1]));
  }
}
// A top-level suite several files could hold goes to the file of the nearest top-level suite before or after it in
// the log (a file's suites are reported together) when that file is one of its candidates; else to "?".
const tops = entries.filter((e) => e.indent === 0).map((e) => ({ ...e, candidates: candidatesOf(e.name) }));
for (const t of tops) t.file = t.candidates.length === 1 ? t.candidates[0] : undefined;
tops.forEach((t, i) => {
  if (t.file) return;
  for (let d = 1; d < tops.length && !t.file; d++) {
    for (const j of [i - d, i + d]) {
      const o = tops[j];
      if (o?.candidates.length === 1 && t.candidates.includes(o.file)) {
        t.file = o.file;
        break;
      }
    }
    // stop at the first attributed neighbour on either side that is not a candidate (another file's report)
    if ([tops[i - d], tops[i + d]].every((o) => !o || o.candidates.length === 1)) break;
  }
});
const perFile = new Map();
let inSuites = 0;
for (const e of tops) {
  const f = e.file ?? '?';
  perFile.set(f, (perFile.get(f) ?? 0) + e.ms);
  inSuites += e.ms;
}
const perFolder = new Map();
for (const [f, ms] of perFile) {
  const k = f === '?' ? '?' : f.split('/')[1];
  perFolder.set(k, (perFolder.get(k) ?? 0) + ms);
}
const s = (ms) => (ms / 1000).toFixed(1).padStart(7);
// files run at the same time (--test-concurrency=2) overlap: their suites then add up to more than the wall time
console.log(`total ${total === null ? '?' : s(total)} s wall${runs.length > 1 ? ` (runs:${runs.map((ms) => s(ms)).join(' +')} s)` : ''}; in suites ${s(inSuites)} s${total === null ? '' : total >= inSuites ? `; not in any suite ${s(total - inSuites)} s` : ' (summed over files run at the same time)'}`);
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

// Where `studio analyze` spends its node CPU, from V8 CPU profiles (issue 11, throughput): reads the .cpuprofile
// files `node --cpu-prof` wrote (one per thread: the CLI, the engine, each analysis worker) and splits their samples
// by the source module of the innermost frame in our bundle (esbuild marks each module's code in out/*.js with a
// `// main/engine/…/x.ts` line, so a bundle line number names its module), with node's own work named apart:
// ffmpeg's spawn (ChildProcess.spawn and below), garbage collection, idle, and the rest outside our code (program,
// module loading). Also prints the functions with the most self time. Figures are sampled wall time of the thread
// while it was running (idle excluded from the percentages), i.e. CPU time of the thread.
//
//   nice node --cpu-prof --cpu-prof-dir=PROF bin/studio.js analyze DIR --json > /dev/null
//   node --import tsx test/bench/cpuprofile-split.ts PROF [--top 40] [--callers FUNCTION] [--map FROM=TO]
// (--callers: the call paths into FUNCTION; --map: read the bundles under FROM from TO, e.g. a copy of the build that was
// profiled, since the line → module map must come from the very bundle that ran)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, callers: { type: 'string' }, map: { type: 'string' } } });
// --map FROM=TO: read the bundles the profiles name under FROM from TO instead (the build that was profiled, when out/ was rebuilt since)
const [mapFrom, mapTo] = args.map ? args.map.split('=') : ['', ''];
const files = positionals.flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f)) : [p]));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Node {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** bundle url → (0-based line → source module), from esbuild's `// path` module markers */
const moduleMaps = new Map<string, (line: number) => string>();
function moduleOf(url: string, line: number): string | null {
  if (!url.startsWith('file://') || !url.includes('/out/')) return null;
  let m = moduleMaps.get(url);
  if (!m) {
    const file = fileURLToPath(url);
    const lines = readFileSync(mapFrom && file.startsWith(mapFrom) ? mapTo + file.slice(mapFrom.length) : file, 'utf8').split('\n');
    const starts: Array<[number, string]> = [];
    lines.forEach((l, i) => {
      const mm = /^\/\/ ((?:main|shared|node_modules|contract|cli)\/\S+\.(?:ts|js|mjs|cjs))$/.exec(l);
      if (mm) starts.push([i, mm[1]!]);
    });
    m = (ln: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      let best = '(bundle prelude)';
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]![0] <= ln) {
          best = starts[mid]![1];
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return best.replace(/^node_modules\/([^/]+(?:\/[^/]+)?)\/.*/, 'node_modules/$1');
    };
    moduleMaps.set(url, m);
  }
  return m(line);
}

const byCat = new Map<string, number>();
const bySelf = new Map<string, number>();
const callers = new Map<string, number>();
const byThread: Array<[string, number, number]> = [];
let total = 0;
let idle = 0;
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const catOf = new Map<number, string>();
  const cat = (id: number): string => {
    const known = catOf.get(id);
    if (known) return known;
    const n = nodes.get(id)!;
    const fn = n.callFrame.functionName;
    let c: string;
    if (fn === '(idle)') c = '(idle)';
    else if (fn === '(garbage collector)') c = '(garbage collector)';
    else if (fn === '(program)') c = '(program)';
    else {
      // the stack, innermost first
      const stack: CallFrame[] = [];
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push(nodes.get(x)!.callFrame);
      if (stack.some((s) => s.url.startsWith('node:internal/child_process') && /(^|\.)spawn(Sync)?$/.test(s.functionName))) c = 'child process spawn (ffmpeg)';
      else {
        const own = stack.map((s) => moduleOf(s.url, s.lineNumber)).find((m) => m !== null);
        c = own ?? (stack.some((s) => /node:internal\/modules|node:internal\/main/.test(s.url)) ? '(node: module loading)' : `(node: ${stack[0]!.url || fn})`);
      }
    }
    catOf.set(id, c);
    return c;
  };
  let threadTotal = 0;
  let threadIdle = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // ms; the delta after the sample is its duration
    const c = cat(id);
    if (c === '(idle)') {
      threadIdle += dt;
      return;
    }
    threadTotal += dt;
    byCat.set(c, (byCat.get(c) ?? 0) + dt);
    const n = nodes.get(id)!;
    const mod = moduleOf(n.callFrame.url, n.callFrame.lineNumber) ?? n.callFrame.url;
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${mod}:${n.callFrame.lineNumber + 1}`;
    bySelf.set(key, (bySelf.get(key) ?? 0) + dt);
    if (args.callers && n.callFrame.functionName === args.callers) {
      const st: string[] = [];
      for (let x: number | undefined = parent.get(id); x !== undefined && st.length < 6; x = parent.get(x)) {
        const cf = nodes.get(x)!.callFrame;
        st.push(`${cf.functionName || '(anon)'}@${moduleOf(cf.url, cf.lineNumber) ?? cf.url}`);
      }
      const k = st.join(' < ');
      callers.set(k, (callers.get(k) ?? 0) + dt);
    }
  });
  byThread.push([f.split('/').pop()!, threadTotal, threadIdle]);
  total += threadTotal;
  idle += threadIdle;
}
console.log(`${files.length} profiles: ${(total / 1000).toFixed(1)} s running, ${(idle / 1000).toFixed(1)} s idle`);
for (const [f, t, i] of byThread) console.log(`  ${f}: ${(t / 1000).toFixed(1)} s running, ${(i / 1000).toFixed(1)} s idle`);
console.log('\nby module (innermost frame in our code):');
for (const [k, v] of [...byCat].sort((a, b) => b[1] - a[1])) console.log(`  ${(v / 1000).toFixed(2).padStart(7)} s ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
console.log(`\ntop ${args.top} functions by self time:`);
for (const [k, v] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) console.log(`  ${(v / 1000).toFixed(2).padStart(7)} s ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
if (args.callers) {
  console.log(`\ncallers of ${args.callers}:`);
  for (const [k, v] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${(v / 1000).toFixed(2).padStart(7)} s  ${k}`);
}

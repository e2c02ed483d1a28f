/**
 * What one e2e file pays before its first test (test/helpers/studio.ts useStudio): `studio serve` started, Chromium
 * launched, the app page opened to `app-ready`; then the page at rest. CPU seconds (user+sys from /proc) of each
 * process of the tree by kind: Chromium's by `--type` (browser, renderer, gpu-process, utility, zygote), serve and
 * its engine ("node"), and this process itself (tsx, playwright-core). Linux only; rounds averaged over `runs`.
 *
 * Run: npm run build && node --import tsx test/bench/e2e-startup.ts [runs=3]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { launchChromium, startServe, StudioPage } from '../e2e/studio-page';

const TICK = 100; // USER_HZ
const runs = Number(process.argv[2] ?? 3);

function tree(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    /* none */
  }
  return [pid, ...kids.flatMap(tree)];
}

/** CPU seconds of each live process under this one, by kind (a dead child's is in its parent's cutime/cstime) */
function byKind(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of tree(process.pid).filter((p) => p !== process.pid)) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const kind = /chromium/.test(cmd) ? `chromium ${/--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser'}` : 'serve + engine';
      out[kind] = (out[kind] ?? 0) + (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK;
    } catch {
      /* gone */
    }
  }
  return out;
}

const own = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const sub = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k]! - (a[k] ?? 0)]));
const total: Record<string, Record<string, number>> = {};
const add = (phase: string, r: Record<string, number>) => {
  total[phase] ??= {};
  for (const [k, v] of Object.entries(r)) total[phase]![k] = (total[phase]![k] ?? 0) + v / runs;
};

console.log(`this process's own start (node, tsx, playwright-core and the helpers imported): ${own().toFixed(2)} s CPU`);
for (let i = 0; i < runs; i++) {
  const o0 = own();
  const t0 = performance.now();
  const [serve, browser] = await Promise.all([startServe(), launchChromium()]);
  const started = byKind();
  add('serve started + Chromium launched', started);
  const sp = await StudioPage.open(browser, serve);
  const ready = byKind();
  add('app page to app-ready', sub(started, ready));
  add('wall s to app-ready', { wall: (performance.now() - t0) / 1000 });
  add('this process while starting them (the test side)', { own: own() - o0 });
  await new Promise((r) => setTimeout(r, 5000));
  add('5 s at rest after app-ready', sub(ready, byKind()));
  void sp;
  await browser.close();
  await serve.stop();
}
for (const [phase, r] of Object.entries(total)) {
  console.log(`${phase}: ${Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
}
console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);

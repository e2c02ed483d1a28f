// CPU of one analysis worker thread's start (issue 11 throughput; BENCHMARKS.md "Throughput (speed37)"): a fresh node
// per measurement starts out/engine/analysis-worker.js of a built TREE and gives it a first job whose path is not
// there (it answers NOT_FOUND: module loading and the job path, nothing decoded); CPU is the whole process's
// (process.cpuUsage: every thread, node's own start included). Trees alternate, PAIRS times; medians printed.
//   node test/bench/worker-start.mjs [--pairs 8] TREE [TREE…]
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const t0 = process.cpuUsage();
  const w = new Worker(new URL(`file://${resolve(args[1])}/out/engine/analysis-worker.js`));
  w.postMessage({ t: 'job', id: 1, req: { path: '/nonexistent/speed37.mp3', cacheDir: '/tmp', only: ['loudness'] } });
  const m = await new Promise((res) => w.on('message', (msg) => msg.t !== 'progress' && res(msg)));
  const u = process.cpuUsage(t0);
  await w.terminate();
  if (m.t !== 'error' || m.error.code !== 'NOT_FOUND') throw new Error(`unexpected answer ${JSON.stringify(m)}`);
  console.log(((u.user + u.system) / 1000).toFixed(0));
} else {
  let pairs = 8;
  if (args[0] === '--pairs') pairs = Number(args.splice(0, 2)[1]);
  const ms = Object.fromEntries(args.map((t) => [t, []]));
  for (let i = 0; i < pairs; i++)
    for (const t of i % 2 ? [...args].reverse() : args)
      ms[t].push(Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', t], { encoding: 'utf8' }).trim()));
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  for (const t of args) console.log(`${t}: median ${median(ms[t])} ms CPU to a worker's first answer (${ms[t].join(' ')})`);
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

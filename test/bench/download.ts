// Download throughput of the studio's engine vs curl, same file, same local server (issue 9).
//   node --import tsx test/bench/download.ts [MiB=512] [runs=3]
// The server (test/helpers/hub-server.ts, file streamed from disk) runs in its own process;
// the studio's download() runs in this one, curl in its own. Runs alternate; medians reported.
// Peers: plain curl (no hash, no fsync), curl + fsync, and curl | tee | sha256sum + sync (the same work).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { download } from '../../main/engine/model/download/index';
import { HubServer } from '../helpers/hub-server';
import { OUTPUT, ROOT } from '../helpers/media';

const DIR = join(OUTPUT, 'bench-download');
const SRC = join(DIR, 'source.bin');

if (process.argv[2] === 'serve') {
  const hub = await HubServer.start();
  const url = hub.addStatic('/imagebind/imagebind_huge.pth', { file: SRC });
  process.stdout.write(`${url}\n`);
} else {
  const mib = Number(process.argv[2] ?? 512);
  const runs = Number(process.argv[3] ?? 3);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const fd = openSync(SRC, 'w');
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, block);
  closeSync(fd);
  const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/download.ts'), 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => server.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim())));
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const ours: number[] = [];
  const curl: number[] = [];
  const curlSync: number[] = [];
  const curlHash: number[] = [];
  const out = join(DIR, 'out.bin');
  for (let i = 0; i < runs; i++) {
    rmSync(out, { force: true });
    let t = performance.now();
    await download({ url, dest: out, reserveBytes: 0 });
    ours.push(performance.now() - t);
    rmSync(out, { force: true });
    t = performance.now();
    const r = spawnSync('curl', ['-s', '-f', '-o', out, url]);
    curl.push(performance.now() - t);
    const f = openSync(out, 'r+');
    fsyncSync(f); // like for like: the studio fsyncs before renaming
    closeSync(f);
    curlSync.push(performance.now() - t);
    rmSync(out, { force: true });
    // the same work as the studio: download, SHA-256 of the bytes, write, fsync
    t = performance.now();
    const p = spawnSync('sh', ['-c', `curl -s -f "${url}" | tee "${out}" | sha256sum && sync "${out}"`]);
    curlHash.push(performance.now() - t);
    if (p.status !== 0) throw new Error(`curl | sha256sum failed: ${p.stderr}`);
    if (r.status !== 0) throw new Error(`curl failed: ${r.stderr}`);
  }
  server.kill();
  rmSync(DIR, { recursive: true, force: true });
  const mbps = (ms: number) => ((mib * 1048576) / 1e6 / (ms / 1000)).toFixed(0);
  console.log(`file ${mib} MiB, ${runs} runs each, alternating`);
  console.log(`studio download() (SHA-256 while streaming, fsync, rename): median ${median(ours).toFixed(0)} ms (${mbps(median(ours))} MB/s) runs ${ours.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`curl -s -o: median ${median(curl).toFixed(0)} ms (${mbps(median(curl))} MB/s) runs ${curl.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`curl -s -o + fsync: median ${median(curlSync).toFixed(0)} ms (${mbps(median(curlSync))} MB/s)`);
  console.log(`curl | tee | sha256sum + sync: median ${median(curlHash).toFixed(0)} ms (${mbps(median(curlHash))} MB/s)`);
  console.log(`ratio (time) studio/curl: ${(median(ours) / median(curl)).toFixed(2)}x; studio/(curl + fsync): ${(median(ours) / median(curlSync)).toFixed(2)}x; studio/(curl | sha256sum + sync): ${(median(ours) / median(curlHash)).toFixed(2)}x`);
}

// The benchmarks' one CPU reading (test/bench/cpu.ts), which lead-cost.ts and phrase-end-cost.ts had each copied:
// a finished child's CPU (an ffmpeg decode) is counted, a running process's own CPU is read, a gone one reads 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cpu, procCpu } from '../bench/cpu';

test('cpu(): this process plus the CPU of a child it waited for', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  const t0 = cpu();
  const own0 = process.cpuUsage();
  // a child that does a fixed amount of work (a few tenths of a second of CPU, however loaded the machine; no system
  // calls in the loop), then exits: spawnSync waits for it, so its time lands in our cutime
  const r = spawnSync(process.execPath, ['-e', 'let x = 0; for (let i = 0; i < 4e8; i++) x = (x + i) | 0; console.log(x);']);
  assert.equal(r.status, 0);
  const own = process.cpuUsage(own0);
  const spent = cpu() - t0;
  assert.ok(spent >= 0.1, `the child's CPU counted: ${spent} s`);
  assert.ok(spent - (own.user + own.system) / 1e6 < 5, `no more than the child and us: ${spent} s`);
});

test('procCpu: a live process reads its own CPU; a process that is not there reads 0', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  const e = process.cpuUsage();
  while (process.cpuUsage(e).user < 100000);
  assert.ok(procCpu('self').self > 0);
  assert.ok(procCpu(process.pid).self > 0);
  assert.deepEqual(procCpu(2 ** 22 + 1), { self: 0, children: 0 });
});

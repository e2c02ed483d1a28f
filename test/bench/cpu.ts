// CPU time for the benchmarks, one reading of /proc/<pid>/stat for all of them (lead-cost.ts and phrase-end-cost.ts
// had each a copy of cpu(); media.ts and resampler.ts each their own parse of the same line).
import { readFileSync } from 'node:fs';

/**
 * CPU seconds of process `pid` from /proc/<pid>/stat (Linux; 100 ticks/s): `self` = utime + stime, `children` =
 * cutime + cstime (children it has waited for — ffmpeg decodes once they exit). Both 0 where it cannot be read
 * (another OS, a process gone). Fields are counted after the last ')' so a command name with spaces or ')' does not
 * shift them: fields 14–17 of proc(5) are 11–14 there.
 */
export function procCpu(pid: number | 'self' = 'self'): { self: number; children: number } {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ').map(Number);
    return { self: (f[11] + f[12]) / 100, children: (f[13] + f[14]) / 100 };
  } catch {
    return { self: 0, children: 0 };
  }
}

/**
 * CPU seconds of this process (process.cpuUsage, µs) plus its finished children's (/proc/self/stat cutime + cstime,
 * 10 ms ticks): what an analysis costs with its ffmpeg decode. Read from the file, not by spawning `cat` as the copies
 * did (each reading then added a finished child of its own to the count).
 */
export function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6 + procCpu('self').children;
}

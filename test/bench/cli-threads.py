# Wall time and per-thread CPU of `studio analyze DIR --json` (issue 11 throughput; BENCHMARKS.md "every core analyses").
# Polls /proc/<engine>/task/*/stat until the CLI exits: the engine's busiest threads show how the analysis spreads over workers.
#   python3 test/bench/cli-threads.py bin/studio.js DIR OUT.json
# run `node <studio.js> analyze DIR --json`, poll the engine's threads' CPU (utime+stime ticks) until it exits
import subprocess, sys, time, os, glob, resource
studio, d = sys.argv[1], sys.argv[2]
t0 = time.time()
p = subprocess.Popen(['node', studio, 'analyze', d, '--json'], stdout=open(sys.argv[3], 'w'))
last = {}
eng = None
while p.poll() is None:
    if eng is None:
        for c in glob.glob(f'/proc/{p.pid}/task/*/children'):
            for k in open(c).read().split():
                if 'engine/index.js' in open(f'/proc/{k}/cmdline').read(): eng = k
    if eng:
        for t in glob.glob(f'/proc/{eng}/task/*'):
            try:
                s = open(t + '/stat').read().rsplit(') ', 1)[1].split()
                last[t] = (int(s[11]) + int(s[12])) / 100
            except OSError: pass
    time.sleep(0.1)
wall = time.time() - t0
r = resource.getrusage(resource.RUSAGE_CHILDREN)
top = sorted(last.values(), reverse=True)[:5]
print(f'wall {wall:.1f} s, CPU (all processes) {r.ru_utime + r.ru_stime:.1f} s, engine threads busiest: {" ".join(f"{x:.1f}" for x in top)} s, load {open("/proc/loadavg").read().split()[0]}')

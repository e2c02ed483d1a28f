# Fixed start-up of `studio analyze` (issue 11 throughput; BENCHMARKS.md "start-up"): wall and CPU (all processes:
# the CLI, the engine, its worker threads, ffmpeg) of `studio analyze DIR --json` on an empty folder (CLI + engine
# start and stop, no worker) and on one short file (+ worker boot, ffmpeg facts, one decode), for one or more
# builds, run interleaved (A B A B …) so that every build sees the same load. Medians of --runs runs.
#   python3 test/bench/cli-startup.py [--runs 7] [--file F] TREE [TREE…]      (TREE: a built checkout, e.g. . )
import argparse, os, resource, statistics, subprocess, tempfile, time
ap = argparse.ArgumentParser()
ap.add_argument('trees', nargs='+')
ap.add_argument('--runs', type=int, default=7)
ap.add_argument('--file', default='test/output/eval/dev/drone-1.mp3')
a = ap.parse_args()
empty = tempfile.mkdtemp(prefix='studio-startup-')
cases = [('empty folder', empty), ('one file', os.path.abspath(a.file))]
res = {(t, c): [] for t in a.trees for c, _ in cases}
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
for _ in range(a.runs):
    for c, target in cases:
        for t in a.trees:
            c0, w0 = cpu(), time.time()
            p = subprocess.run(['node', os.path.join(t, 'bin/studio.js'), 'analyze', target, '--json'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0: raise SystemExit(f'{t}: exit {p.returncode}: {p.stderr.decode()[-500:]}')
            res[(t, c)].append((time.time() - w0, cpu() - c0))
print(f'load average {open("/proc/loadavg").read().split()[:3]}, {a.runs} runs each, medians')
for c, _ in cases:
    for t in a.trees:
        w = statistics.median(x[0] for x in res[(t, c)])
        u = statistics.median(x[1] for x in res[(t, c)])
        print(f'{c:12s} {t:40s} wall {w:.2f} s  CPU {u:.2f} s')

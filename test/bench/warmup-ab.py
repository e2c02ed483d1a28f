# What a fresh analysis thread costs while V8 warms up (issue 11 throughput; BENCHMARKS.md "Throughput (speed28)"):
# fresh node processes, alternating between two source trees, each analysing the same few audio files with the
# library's default analysers (analyzeFile + defaultAnalysers, one thread, as one worker thread of `studio analyze`
# starts). Each prints its process CPU (process.cpuUsage: every thread, so V8's compile threads count) after its
# imports; warm-up dominates a short run, so a change to how often the analysers are (re)compiled shows here long
# before it shows in the whole CLI under load. A trees' A/A gives the spread.
#   nice -n 10 python3 test/bench/warmup-ab.py BASE_TREE NEW_TREE [--dir test/output/eval/dev] [--files 6]
#     [--every 15] [--pairs 10]
# A tree is a checkout with node_modules (linked is fine); its sources are run through tsx, no build needed.
# STUDIO_FFMPEG picks the ffmpeg as for the studio.
import argparse, os, statistics, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument('trees', nargs=2)
ap.add_argument('--dir', default='test/output/eval/dev')
ap.add_argument('--files', type=int, default=6)
ap.add_argument('--every', type=int, default=15)
ap.add_argument('--pairs', type=int, default=10)
a = ap.parse_args()

AUDIO = ('.mp3', '.wav', '.flac', '.ogg', '.m4a', '.opus')
files = [os.path.abspath(os.path.join(a.dir, f)) for f in sorted(os.listdir(a.dir)) if f.lower().endswith(AUDIO)]
files = files[:: a.every][: a.files]
if not files:
    sys.exit(f'no audio files in {a.dir}')

# one analysis process: the tree's own analyzeFile and defaultAnalysers, imported by absolute path
PROG = r'''
const [tree, ...files] = process.argv.slice(1);
const { analyzeFile } = await import(tree + '/main/engine/analysis/run.ts');
const { defaultAnalysers } = await import(tree + '/main/engine/analysis/index.ts');
const t0 = process.cpuUsage();
for (const f of files) await analyzeFile(f, defaultAnalysers());
const u = process.cpuUsage(t0);
console.log(Math.round((u.user + u.system) / 1000));
'''


def run(tree):
    tree = os.path.abspath(tree)
    p = subprocess.run(['node', '--import', 'tsx', '--input-type=module', '-e', PROG, tree, *files], cwd=tree, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f'{tree}: exit {p.returncode}\n{p.stderr[-2000:]}')
    return int(p.stdout.strip().split('\n')[-1])


ms = {t: [] for t in a.trees}
for i in range(a.pairs):
    order = a.trees if i % 2 == 0 else a.trees[::-1]
    for t in order:
        ms[t].append(run(t))
    print(f'pair {i + 1}: ' + ', '.join(f'{t} {ms[t][-1]} ms' for t in a.trees) + f', load {open("/proc/loadavg").read().split()[0]}', flush=True)

base, new = a.trees
print(f'\n{len(files)} files, {a.pairs} pairs (order alternating), process CPU ms after imports')
for t in a.trees:
    print(f'{t}: median {statistics.median(ms[t]):.0f}  ({" ".join(map(str, ms[t]))})')
d = [n - b for b, n in zip(ms[base], ms[new])]
print(f'{new} minus {base} per pair: {" ".join(f"{x:+d}" for x in d)}; mean {statistics.mean(d):+.0f} ms, lower in {sum(x < 0 for x in d)} of {len(d)}')

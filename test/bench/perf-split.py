# Where `studio analyze` spends its CPU by `perf` (on-CPU samples, so right under load, unlike V8's --cpu-prof; issue 11
# throughput, BENCHMARKS.md "Throughput (speed24)"): reads a `perf record -g` file of the whole CLI (the CLI, the
# engine, its worker threads, every ffmpeg) and splits the samples into ffmpeg, the engine's fork() for each ffmpeg
# spawn, the spawned child's execve, page faults taken by node (with the kind where the kernel stack names it:
# copy-on-write after a fork = do_wp_page, a new page = do_anonymous_page), V8's compiler, GC, the JS functions and
# the rest; then the top symbols (JS functions by name and bundle line).
#   STUDIO_FFMPEG=/tmp/ffst/package/ffmpeg nice -n 10 perf record -e cpu-clock -F 499 -g -o p.perf -- \
#     node --perf-basic-prof bin/studio.js analyze DIR --json > /dev/null
#   python3 test/bench/perf-split.py p.perf [--top 40]
import argparse, collections, re, signal, subprocess

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # | head

ap = argparse.ArgumentParser()
ap.add_argument('perf')
ap.add_argument('--top', type=int, default=40)
a = ap.parse_args()
out = subprocess.run(['perf', 'script', '-i', a.perf, '-F', 'comm,ip,sym,dso'], capture_output=True, text=True).stdout
part, fault, top, rest = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
n = 0


def sample(b):
    global n
    if not b:
        return
    n += 1
    comm = b[0].split()[0]
    frames = [re.sub(r'^[0-9a-f]+ ', '', x) for x in b[1:]]
    syms = ' '.join(frames)
    first = frames[0] if frames else '?'
    m = re.match(r'JS:[*^~+]?(\S*) \S+?:(\d+)', first)
    name = f'JS {m.group(1)} :{m.group(2)}' if m else re.sub(r' \(.*', '', first)
    top[(comm, name[:110])] += 1
    if comm != 'node':
        part['ffmpeg (its own process)'] += 1
    elif '_Fork' in syms or 'libc_fork' in syms:
        part['fork() in the engine (a spawn)'] += 1
    elif 'execve' in syms:
        part['execve of the spawned child'] += 1
    elif 'asm_exc_page_fault' in syms:
        part['page faults in node'] += 1
        fault['copy-on-write (do_wp_page)' if 'wp_page' in syms else 'new page (do_anonymous_page)' if 'do_anonymous_page' in syms else 'file' if 'do_fault' in syms else 'kind not on the stack'] += 1
    elif m:
        part['JS (optimised or baseline code)'] += 1
    elif 'compiler::' in first or 'maglev' in first:
        part['V8 compiler'] += 1
    elif re.search(r'Scaveng|Mark|Sweep|Heap::|Evacuat|ConcurrentMarking', first):
        part['V8 GC'] += 1
    elif 'kernel' in syms.split('\n')[0] or (frames and 'kernel' in frames[0]):
        part['kernel, other (reads, writes, futex, epoll)'] += 1
    elif frames and 'libc' in frames[0]:
        part['libc (malloc, free, memset, memmove)'] += 1
    else:
        part['rest (builtins, runtime, native modules)'] += 1
        rest[name[:80]] += 1


blk = []
for line in out.split('\n'):
    if not line.strip():
        sample(blk)
        blk = []
    else:
        blk.append(line.strip())
sample(blk)
print(f'{n} samples')
for k, v in part.most_common():
    print(f'{100 * v / n:6.1f} %  {k}')
print('  page faults by kind (samples):', ', '.join(f'{k} {v}' for k, v in fault.most_common()))
print('  rest, first symbols:', ', '.join(f'{k} {100 * v / n:.1f} %' for k, v in rest.most_common(8)))
print()
for (c, k), v in top.most_common(a.top):
    print(f'{100 * v / n:6.2f} %  {c[:8]:8s} {k}')

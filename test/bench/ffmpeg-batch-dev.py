# ffmpeg's CPU for the analysis decode of a whole folder, one run per file against batches of B files per run, and the same
# with a lazily bound copy of Debian's ffmpeg (issue 11, BENCHMARKS.md "Throughput: session 13"). Every configuration runs the
# engine's analysis decode (pcm.ts pcmOutputsArgs: `-hide_banner -nostdin -loglevel level+verbose -nostats`, the two outputs,
# ANALYSIS_FILTER and 16 kHz mono, float32) to the null muxer, nothing read; configurations interleaved per round, the first
# one twice (A/A); children's CPU (getrusage). Also counts, per file, the lines at warning level or above of a run of its own
# and per batch whether the batch run was clean (exit 0, no such line): a batch kept only when clean, re-run file by file
# otherwise, pays for both runs.
#   python3 test/bench/ffmpeg-batch-dev.py DIR [--batch 2,3,4] [--rounds 3] [--lazy LIBDIR] [--check]
# --check: instead of timing, every output of every file through ffmpeg's md5 muxer, one run per file against each batch size
# (and the lazy copy): the samples must be the same.
# --lazy: a folder holding ffmpeg and its shared libraries with BIND_NOW / RELRO cleared (lazy symbol binding; made by hand for
# the measurement, see BENCHMARKS.md), run with LD_LIBRARY_PATH=LIBDIR; one run per file and each batch size.
import resource, subprocess, os, sys, statistics, argparse
p = argparse.ArgumentParser(); p.add_argument('dir'); p.add_argument('--batch', default='3'); p.add_argument('--rounds', type=int, default=3); p.add_argument('--lazy'); p.add_argument('--check', action='store_true')
a = p.parse_args()
files = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.lower().endswith(('.mp3', '.wav', '.flac', '.ogg', '.m4a', '.opus')))
AF = 'aformat=sample_fmts=flt:sample_rates=44100|48000'
HEAD = ['-hide_banner', '-nostdin', '-loglevel', 'level+verbose', '-nostats']
def outs(k, muxer='null'):
    o = []
    for shape in (['-af', AF], ['-ac', '1', '-ar', '16000']):
        o += ['-map', f'{k}:a:0', '-vn', '-sn', '-dn'] + shape + ['-c:a', 'pcm_f32le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-flush_packets', '0', '-f', muxer, '-']
    return o
def cmd(group, binary='ffmpeg', muxer='null'):
    c = [binary] + HEAD
    for f in group: c += ['-i', f]
    for k in range(len(group)): c += outs(k, muxer)
    return c
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
def run(c, env=None):
    r = subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    bad = [l for l in r.stderr.decode('utf8', 'replace').splitlines() if any(t in l for t in ('[warning]', '[error]', '[fatal]', '[panic]'))]
    return r.returncode, bad
batches = [int(b) for b in a.batch.split(',')]
if a.check:
    def md5s(group, binary='ffmpeg', env=None):
        # the md5 muxer prints one line per output to its stdout, outputs in order
        r = subprocess.run(cmd(group, binary, 'md5'), capture_output=True, env=env, check=True)
        return [l for l in r.stdout.decode().splitlines() if l.startswith('MD5=')]
    one = [m for f in files for m in md5s([f])]
    assert len(one) == 2 * len(files)
    for b in batches:
        got = [m for i in range(0, len(files), b) for m in md5s(files[i:i + b])]
        print(f'batches of {b}: {sum(x == y for x, y in zip(one, got))}/{len(one)} outputs the same as one run per file')
    if a.lazy:
        env = dict(os.environ, LD_LIBRARY_PATH=a.lazy)
        got = [m for f in files for m in md5s([f], os.path.join(a.lazy, 'ffmpeg'), env)]
        print(f'lazy binding: {sum(x == y for x, y in zip(one, got))}/{len(one)} outputs the same')
    sys.exit(0)
configs = [('one run per file', lambda: [run(cmd([f])) for f in files])]
for b in batches: configs.append((f'batches of {b}', (lambda b: lambda: [run(cmd(files[i:i + b])) for i in range(0, len(files), b)])(b)))
if a.lazy:
    env = dict(os.environ, LD_LIBRARY_PATH=a.lazy)
    configs.append(('one run per file, lazy binding', lambda: [run(cmd([f], os.path.join(a.lazy, 'ffmpeg')), env) for f in files]))
    for b in batches: configs.append((f'batches of {b}, lazy binding', (lambda b: lambda: [run(cmd(files[i:i + b], os.path.join(a.lazy, 'ffmpeg')), env) for i in range(0, len(files), b)])(b)))
configs.append(('one run per file (A/A)', configs[0][1]))
res = {n: [] for n, _ in configs}; clean = {}
for r in range(a.rounds):
    for n, fn in configs:
        c = cpu(); out = fn(); res[n].append(cpu() - c)
        clean[n] = sum(1 for code, bad in out if code == 0 and not bad), len(out)
print(f'{len(files)} files of {a.dir}, {a.rounds} rounds; load {open("/proc/loadavg").read().split()[:3]}')
for n, v in res.items():
    print(f'  {n:34s} CPU s median {statistics.median(v):6.2f}  rounds {", ".join(f"{x:.2f}" for x in v)}  clean runs {clean[n][0]}/{clean[n][1]}')

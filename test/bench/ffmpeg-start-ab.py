# ffmpeg's start-up, Debian's against a lazily bound copy (test/bench/ffmpeg-lazy-copy.py), with a process start for scale
# (issue 11, BENCHMARKS.md "Throughput: session 13"): ms of children's CPU (getrusage) per run, N runs per configuration per
# round, configurations interleaved, Debian's twice (A/A). With --file, also the engine's analysis decode of that file
# (both outputs, as test/bench/ffmpeg-batch-dev.py runs it) N/6 times per configuration.
#   python3 test/bench/ffmpeg-start-ab.py --lazy LIBDIR [--file F] [--n 60] [--rounds 3]
import resource, subprocess, os, argparse, statistics
p = argparse.ArgumentParser(); p.add_argument('--lazy', required=True); p.add_argument('--file'); p.add_argument('--n', type=int, default=60); p.add_argument('--rounds', type=int, default=3)
a = p.parse_args()
lazy = (os.path.join(a.lazy, 'ffmpeg'), dict(os.environ, LD_LIBRARY_PATH=a.lazy))
deb = ('ffmpeg', None)
AF = 'aformat=sample_fmts=flt:sample_rates=44100|48000'
TAIL = ['-c:a', 'pcm_f32le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-flush_packets', '0', '-f', 'null', '-']
DECODE = ['-hide_banner', '-nostdin', '-loglevel', 'level+verbose', '-nostats', '-i', a.file or '', '-map', '0:a:0', '-af', AF] + TAIL + ['-map', '0:a:0', '-ac', '1', '-ar', '16000'] + TAIL
cfg = [('ffmpeg -version, Debian', deb, ['-version'], a.n), ('ffmpeg -version, lazy copy', lazy, ['-version'], a.n),
       ('ffmpeg -version, Debian (A/A)', deb, ['-version'], a.n), ('/bin/true (dynamic, libc only)', ('/bin/true', None), [], a.n),
       ('/sbin/ldconfig --version (static-pie)', ('/sbin/ldconfig', None), ['--version'], a.n)]
if a.file: cfg += [('analysis decode, Debian', deb, DECODE, a.n // 6), ('analysis decode, lazy copy', lazy, DECODE, a.n // 6), ('analysis decode, Debian (A/A)', deb, DECODE, a.n // 6)]
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
res = {c[0]: [] for c in cfg}
for r in range(a.rounds):
    for name, (b, env), args, n in cfg:
        t = cpu()
        for i in range(n): subprocess.run([b] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        res[name].append((cpu() - t) / n * 1000)
print(f'ms CPU per run, {a.rounds} rounds; load {open("/proc/loadavg").read().split()[:3]}')
for k, v in res.items(): print(f'  {k:40s} median {statistics.median(v):7.2f}  rounds {", ".join(f"{x:.2f}" for x in v)}')

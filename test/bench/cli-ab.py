# CPU of `studio analyze DIR --json` for two or more built trees, and the ffmpeg decode floor, INTERLEAVED in one
# run (issue 11 throughput; BENCHMARKS.md "Throughput: session 10"). On a machine shared with other work a wall time
# says little and CPU per unit of work drifts with the load, so every round runs the floor and each tree one after
# another (the order rotates per round) and the figures are medians over rounds. CPU is all processes of a run (the
# CLI, the engine, its worker threads, every ffmpeg: getrusage of the reaped children). The floor is what
# analysis-split.ts calls it: ffmpeg decoding each file to the analysis decode's two outputs (ANALYSIS_FILTER and
# 16 kHz mono), nothing read, one file at a time. Each tree's stdout (the JSON lines) is kept per round and its MD5
# printed: identical analysis output shows as one MD5 for every run of every tree.
#   python3 test/bench/cli-ab.py [--rounds 3] [--ffmpeg NAME=PATH]… DIR TREE [TREE…]   (TREE: a checkout after `npm run build`)
# --db: `studio analyze DIR --json --db FRESH` (a new database per run): the scan as the app runs it, with its waveform.
# --ffmpeg (repeatable): each tree and the floor run once per ffmpeg binary (STUDIO_FFMPEG), each floor the lower
# bound of its own rows; without it, the ffmpeg on PATH. A static build (what ffmpeg-static gives users) starts in
# ~2.5 ms of CPU against ~140 ms for Debian's dynamically linked one (216 shared libraries): BENCHMARKS.md
# "Throughput: session 13, static ffmpeg" got one from the npm package @ffmpeg-installer/linux-x64 (`npm pack`).
# Descendants a run leaves behind (a helper process whose parent exits without waiting for it, e.g. the ffmpeg spawner
# of speed25, which ends when its stdin closes: at the engine's exit) are reparented to this process (Linux
# PR_SET_CHILD_SUBREAPER) and waited for after each run, so their CPU — and that of the children they reaped — counts.
import argparse, ctypes, hashlib, os, resource, shutil, statistics, subprocess, tempfile, time

try:
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
except (OSError, AttributeError):
    pass


def reap():
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return

ap = argparse.ArgumentParser()
ap.add_argument('dir')
ap.add_argument('trees', nargs='+')
ap.add_argument('--rounds', type=int, default=3)
ap.add_argument('--ffmpeg', action='append', default=[], help='NAME=PATH of an ffmpeg binary (repeatable)')
ap.add_argument('--db', action='store_true', help='the scan as the app runs it: --db with a fresh database per run (waveform kept)')
a = ap.parse_args()
files = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.lower().endswith(('.mp3', '.wav', '.flac', '.ogg', '.m4a', '.opus')))
FLOOR = ['-v', 'error', '-nostdin', '-i', None, '-map', '0:a:0', '-af', 'aformat=sample_fmts=flt:sample_rates=44100|48000', '-c:a', 'pcm_f32le', '-f', 'null', '-',
         '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_f32le', '-f', 'null', '-']


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def floor(ffmpeg):
    for f in files:
        subprocess.run([ffmpeg] + [f if x is None else x for x in FLOOR], check=True)


def studio(tree, ffmpeg):
    env = dict(os.environ, STUDIO_FFMPEG=ffmpeg) if ffmpeg != 'ffmpeg' else os.environ
    tmp = tempfile.mkdtemp(prefix='cli-ab-db-') if a.db else None
    db = ['--db', os.path.join(tmp, 'library.db')] if tmp else []
    p = subprocess.run(['node', os.path.join(tree, 'bin/studio.js'), 'analyze', a.dir, '--json'] + db, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if tmp:
        shutil.rmtree(tmp)
    if p.returncode not in (0, 1):
        raise SystemExit(f'{tree}: exit {p.returncode}: {p.stderr.decode()[-500:]}')
    return hashlib.md5(p.stdout).hexdigest()


ffmpegs = [tuple(x.split('=', 1)) for x in a.ffmpeg] or [('', 'ffmpeg')]
tag = lambda fname: f' [{fname}]' if fname else ''
jobs = []
for fname, fpath in ffmpegs:
    jobs += [('decode floor' + tag(fname), (lambda fpath=fpath: floor(fpath)))]
    jobs += [(t + tag(fname), (lambda t=t, fpath=fpath: studio(t, fpath))) for t in a.trees]
res = {name: [] for name, _ in jobs}
md5s = {name: set() for name, _ in jobs if not name.startswith('decode floor')}
for r in range(a.rounds):
    order = jobs[r % len(jobs):] + jobs[:r % len(jobs)]
    for name, fn in order:
        c0, w0 = cpu(), time.time()
        out = fn()
        reap()
        res[name].append((cpu() - c0, time.time() - w0))
        if out:
            md5s[name].add(out)
        print(f'round {r + 1}: {name}: CPU {res[name][-1][0]:.1f} s, wall {res[name][-1][1]:.1f} s, load {open("/proc/loadavg").read().split()[0]}', flush=True)

# the audio: the JSON's durations (every tree analyses the same files)
p = subprocess.run(['node', os.path.join(a.trees[0], 'bin/studio.js'), 'analyze', a.dir, '--json'], stdout=subprocess.PIPE)
import json
audio = sum(json.loads(l).get('durationSec') or 0 for l in p.stdout.decode().splitlines() if l.strip())
print(f'\n{len(files)} files, {audio:.0f} s of audio, {a.rounds} rounds (interleaved), medians; load average now {open("/proc/loadavg").read().split()[:3]}')
print(f'{"":44s} {"CPU s":>7s} {"× per CPU s":>12s} {"vs floor":>9s}  CPU s per round')
for fname, _ in ffmpegs:
    fl = statistics.median(x[0] for x in res['decode floor' + tag(fname)])
    for name, _ in jobs:
        if not name.endswith(tag(fname)) or (fname == '' and len(ffmpegs) > 1):
            continue
        c = statistics.median(x[0] for x in res[name])
        print(f'{name[-44:]:44s} {c:7.1f} {audio / c:12.0f} {c / fl:8.2f}×  {" ".join(f"{x[0]:.1f}" for x in res[name])}')
for name, m in md5s.items():
    print(f'output MD5 {name}: {" ".join(sorted(m))}')

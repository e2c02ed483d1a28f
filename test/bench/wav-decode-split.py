# What an in-process WAV reader could save (issue 11, BENCHMARKS.md "Throughput: session 13"): per WAV of DIR, ffmpeg's CPU for
# the analysis decode (both outputs, as pcm.ts writes them, to the null muxer), for the wave output alone (16 kHz mono: what
# ffmpeg would still have to do if the analysis output were read in-process), and `ffmpeg -version` (start-up only);
# interleaved per file, rounds, children's CPU (getrusage).
#   python3 test/bench/wav-decode-split.py DIR [--rounds 3]
import resource, subprocess, os, sys, statistics, argparse
p = argparse.ArgumentParser(); p.add_argument('dir'); p.add_argument('--rounds', type=int, default=3); a = p.parse_args()
files = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.lower().endswith(('.wav', '.aif', '.aiff')))
HEAD = ['ffmpeg', '-hide_banner', '-nostdin', '-loglevel', 'level+verbose', '-nostats']
TAIL = ['-c:a', 'pcm_f32le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-flush_packets', '0', '-f', 'null', '-']
ANALYSIS = ['-map', '0:a:0', '-af', 'aformat=sample_fmts=flt:sample_rates=44100|48000'] + TAIL
WAVE = ['-map', '0:a:0', '-ac', '1', '-ar', '16000'] + TAIL
cfg = {'both outputs (today)': lambda f: HEAD + ['-i', f] + ANALYSIS + WAVE, 'wave output only': lambda f: HEAD + ['-i', f] + WAVE,
       'ffmpeg -version': lambda f: ['ffmpeg', '-version']}
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
res = {k: [] for k in cfg}
for r in range(a.rounds):
    tot = {k: 0.0 for k in cfg}
    for f in files:
        for k, c in cfg.items():
            t = cpu(); subprocess.run(c(f), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); tot[k] += cpu() - t
    for k in cfg: res[k].append(tot[k] / len(files) * 1000)
print(f'{len(files)} WAVs of {a.dir}, {a.rounds} rounds, ms CPU per file; load {open("/proc/loadavg").read().split()[:3]}')
for k, v in res.items(): print(f'  {k:22s} median {statistics.median(v):6.1f}  rounds {", ".join(f"{x:.1f}" for x in v)}')

# What the waveform's own ffmpeg output costs (issue 11, the app's scan with --db): ffmpeg decoding each file of DIR
# with the engine's analysis-decode arguments (media/pcm.ts pcmOutputsArgs: -loglevel level+verbose, float WAV,
# flush_packets 0) to (one) the analysis output alone, as `studio analyze` without --db asks for it, (two) that plus
# the 16 kHz mono wave output (analysis/waveform.ts WAVE_OUTPUT: -ac 1 -ar 16000), as a library scan asks for it, and
# (mono44) that plus a mono output at the decode's rate (-ac 1, no -ar): the second output's cost without the
# resampler; --what-if adds (twoFS8, twoFS16): the wave output mixed to mono first, then swresample with
# filter_size 8 / 16 instead of its default 32 — a cheaper resampler whose samples differ (what it would save, not
# what ships). Outputs go to /dev/null; rounds interleaved, CPU = getrusage of the reaped ffmpeg children, medians.
#   nice python3 test/bench/ffmpeg-wave-output.py [--rounds 2] [--ffmpeg PATH] [--what-if] DIR
import argparse, os, resource, statistics, subprocess

ap = argparse.ArgumentParser()
ap.add_argument('dir')
ap.add_argument('--rounds', type=int, default=2)
ap.add_argument('--ffmpeg', default='ffmpeg')
ap.add_argument('--what-if', action='store_true')
a = ap.parse_args()
files = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.lower().endswith(('.mp3', '.wav', '.flac', '.ogg', '.m4a', '.opus')))
OUT = ['-c:a', 'pcm_f32le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-flush_packets', '0', '-f', 'wav', '-y', '/dev/null']
MAP = ['-map', '0:a:0', '-vn', '-sn', '-dn']
FULL = MAP + ['-af', 'aformat=sample_fmts=flt:sample_rates=44100|48000'] + OUT
MODES = {'one': FULL, 'two': FULL + MAP + ['-ac', '1', '-ar', '16000'] + OUT, 'mono44': FULL + MAP + ['-ac', '1'] + OUT}
if a.what_if:
    for fs in (8, 16):
        MODES[f'twoFS{fs}'] = FULL + MAP + ['-af', f'aformat=channel_layouts=mono,aresample=16000:filter_size={fs}'] + OUT


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


res = {m: [] for m in MODES}
for r in range(a.rounds):
    for m in list(MODES)[r % len(MODES):] + list(MODES)[:r % len(MODES)]:
        c0 = cpu()
        for f in files:
            subprocess.run([a.ffmpeg, '-loglevel', 'level+verbose', '-nostats', '-nostdin', '-i', f] + MODES[m], check=True, stderr=subprocess.DEVNULL)
        res[m].append(cpu() - c0)
        print(f'round {r + 1}: {m}: {res[m][-1]:.2f} CPU s, load {open("/proc/loadavg").read().split()[0]}', flush=True)
one = statistics.median(res['one'])
for m, v in res.items():
    print(f'{m:8s} {statistics.median(v):6.2f} CPU s (median of {len(v)}; {" ".join(f"{x:.2f}" for x in v)}), +{statistics.median(v) - one:.2f} over one output')

# The decode floor against ffmpeg's bare start-up (issue 11, BENCHMARKS.md "Throughput: session 12"): per audio file of DIR, the
# floor's command (as cli-ab.py: both analysis outputs, nothing read), then `ffmpeg -version` (start-up only), interleaved;
# children's CPU (getrusage). On a Debian ffmpeg (216 shared libraries) the start-up is most of the floor.
#   python3 test/bench/ffmpeg-startup.py DIR
import resource, subprocess, os, sys, statistics
d = sys.argv[1]
files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.lower().endswith(('.mp3', '.wav', '.flac', '.ogg', '.m4a', '.opus')))
FLOOR = ['-v', 'error', '-nostdin', '-i', None, '-map', '0:a:0', '-af', 'aformat=sample_fmts=flt:sample_rates=44100|48000', '-c:a', 'pcm_f32le', '-f', 'null', '-',
         '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_f32le', '-f', 'null', '-']
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
fl = st = 0.0
for f in files:
    c = cpu(); subprocess.run(['ffmpeg'] + [f if x is None else x for x in FLOOR], check=True); fl += cpu() - c
    c = cpu(); subprocess.run(['ffmpeg', '-version'], stdout=subprocess.DEVNULL); st += cpu() - c
print(f'{len(files)} files: decode floor {fl:.1f} CPU s, ffmpeg -version {st:.1f} CPU s ({100*st/fl:.0f} % of the floor); load {open("/proc/loadavg").read().split()[:3]}')

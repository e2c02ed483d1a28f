# Several files in one ffmpeg run against one run per file (issue 11, BENCHMARKS.md "Throughput: session 12"): the first N mp3s
# of the eval dev folder, each with the analysis decode's two outputs (ANALYSIS_FILTER and 16 kHz mono); first both ways to
# md5 muxer files (every output's samples must be the same), then 3 interleaved rounds to the null muxer, children's CPU.
#   python3 test/bench/ffmpeg-batch.py N
import resource, subprocess, os, sys, tempfile
MD5 = tempfile.mkdtemp(prefix='ffmpeg-batch-')
d = 'test/output/eval/dev'
files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith('.mp3'))[:int(sys.argv[1])]
AF = 'aformat=sample_fmts=flt:sample_rates=44100|48000'
def outs(k, tag, fmt, inp=None):
    inp = k if inp is None else inp
    o = ['-map', f'{inp}:a:0', '-af', AF, '-c:a', 'pcm_f32le', '-f', fmt, '-' if fmt == 'null' else f'{MD5}/{tag}-{k}-a', '-map', f'{inp}:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_f32le', '-f', fmt, '-' if fmt == 'null' else f'{MD5}/{tag}-{k}-w']
    return o
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime
def single(fmt, tag='s'):
    for k, f in enumerate(files):
        subprocess.run(['ffmpeg', '-v', 'error', '-nostdin', '-y', '-i', f] + outs(k, tag, fmt, 0), check=True)
def batch(fmt, tag='b'):
    a = ['ffmpeg', '-v', 'error', '-nostdin', '-y']
    for f in files: a += ['-i', f]
    for k in range(len(files)): a += outs(k, tag, fmt)
    subprocess.run(a, check=True)
single('md5'); batch('md5')
same = all(open(f'{MD5}/s-{k}-{o}').read() == open(f'{MD5}/b-{k}-{o}').read() for k in range(len(files)) for o in 'aw')
print('md5 of every output identical, one run per file vs one run for all:', same)
res = {'single': [], 'batch': []}
for r in range(3):
    for name, fn in (('single', single), ('batch', batch)):
        c = cpu(); fn('null'); res[name].append(cpu() - c)
print({k: [round(x, 2) for x in v] for k, v in res.items()}, 'CPU s for', len(files), 'files; load', open('/proc/loadavg').read().split()[:3])

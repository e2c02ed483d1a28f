"""Which IMA ADPCM step rule each decoder follows (evidence for media/ima-adpcm.ts; not run by the tests).

Decodes a 4-bit IMA ADPCM WAV with the standard's shift-and-add difference ("shiftadd", IMA 1992 /
Microsoft 1994) and with ((2*code+1)*step)>>3 ("multiply"), and compares each with libsox (torchaudio.load,
sox_io) and ffmpeg. Measured on ffmpeg 5.1 / torchaudio 0.13.1: sox == shiftadd, ffmpeg == multiply (max diff 0).

usage: /usr/bin/python3 ima_adpcm_variants.py IMA.wav [SOURCE.wav]
"""
import struct, sys, subprocess, numpy as np
STEP = [7,8,9,10,11,12,13,14,16,17,19,21,23,25,28,31,34,37,41,45,50,55,60,66,73,80,88,97,107,118,130,143,157,173,190,209,230,253,279,307,337,371,408,449,494,544,598,658,724,796,876,963,1060,1166,1282,1411,1552,1707,1878,2066,2272,2499,2749,3024,3327,3660,4026,4428,4871,5358,5894,6484,7132,7845,8630,9493,10442,11487,12635,13899,15289,16818,18500,20350,22385,24623,27086,29794,32767]
IDX = [-1,-1,-1,-1,2,4,6,8]*2
def expand(pred, idx, code, variant):
    step = STEP[idx]
    if variant == 'shiftadd':
        d = step >> 3
        if code & 4: d += step
        if code & 2: d += step >> 1
        if code & 1: d += step >> 2
    else:  # multiply: ((2*(code&7)+1)*step) >> 3
        d = ((2 * (code & 7) + 1) * step) >> 3
    pred = pred - d if code & 8 else pred + d
    pred = max(-32768, min(32767, pred))
    idx = max(0, min(88, idx + IDX[code]))
    return pred, idx
def decode(path, variant):
    b = open(path, 'rb').read()
    pos = 12; fmt = None; data = None
    while pos + 8 <= len(b):
        cid = b[pos:pos+4]; n = struct.unpack('<I', b[pos+4:pos+8])[0]
        if cid == b'fmt ': fmt = b[pos+8:pos+8+n]
        if cid == b'data': data = b[pos+8:pos+8+n]; break
        pos += 8 + n + (n & 1)
    tag, ch, rate, _, align, bits = struct.unpack('<HHIIHH', fmt[:16])
    spb = struct.unpack('<H', fmt[18:20])[0]
    out = [[] for _ in range(ch)]
    for off in range(0, len(data) - align + 1, align):
        blk = data[off:off+align]
        st = []
        for c in range(ch):
            p, i = struct.unpack('<hB', blk[4*c:4*c+3]); st.append([p, i]); out[c].append(p)
        q = 4 * ch
        while q < align:
            for c in range(ch):
                for k in range(4):
                    byte = blk[q + 4*c + k]
                    for code in (byte & 15, byte >> 4):
                        st[c][0], st[c][1] = expand(st[c][0], st[c][1], code, variant); out[c].append(st[c][0])
            q += 4 * ch
    return np.array(out, dtype=np.float64) / 32768
if __name__ == '__main__':
    path = sys.argv[1]
    import torchaudio
    sox = torchaudio.load(path)[0].double().numpy()
    ffm = np.frombuffer(subprocess.run(['ffmpeg','-v','error','-i',path,'-f','f64le','-'],capture_output=True).stdout, dtype='<f8').reshape(-1, sox.shape[0]).T
    for v in ('shiftadd', 'multiply'):
        y = decode(path, v)
        n = min(y.shape[1], sox.shape[1], ffm.shape[1])
        print(v, 'samples', y.shape[1], 'sox', sox.shape[1], 'ffmpeg', ffm.shape[1], '| vs sox max %.6f | vs ffmpeg max %.6f' % (abs(y[:, :n]-sox[:, :n]).max(), abs(y[:, :n]-ffm[:, :n]).max()))
    if len(sys.argv) > 2:
        src = torchaudio.load(sys.argv[2])[0].double().numpy()
        n = min(src.shape[1], sox.shape[1])
        print('vs source mean abs: sox %.6f ffmpeg %.6f' % (abs(sox[:, :n]-src[:, :n]).mean(), abs(ffm[:, :n]-src[:, :n]).mean()))

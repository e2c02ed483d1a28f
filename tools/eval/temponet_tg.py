"""Shared by temponet-features.py, temponet-train.py and temponet-fixture.py (training tooling only; nothing here runs
in the product): the log-tempo tempogram of a tempo-analyser onset envelope, and the numpy forward pass of an exported
tempo-net ensemble ("resonance-tempo-net/1", see temponet-train.py's docstring for the format).

Log-tempo axis: BINS_PER_OCT bins per octave from LO to HI BPM, bin b at LO · 2^(b / BINS_PER_OCT) (24, 20, 480:
111 bins). Valid (read) bins: LO · 2^(b / 24) within [30 · 0.999, 320 · 1.001] BPM, i.e. bins 15..96 (30.84–320.0 BPM; bin 14 is 29.966 < 29.97).
"""
import numpy as np

BINS_PER_OCT, LO, HI = 24, 20.0, 480.0
WIN_S, HOP_S, NFFT = 12.0, 6.0, 8192
VALID_BPM = (30.0, 320.0)
CHANNELS = ['acfMean', 'acfMax', 'dftMean', 'acfLow', 'acfMid', 'acfHigh']


def axis(bpo=BINS_PER_OCT, lo=LO, hi=HI):
    """the log-tempo axis: BPM of every bin, float64 [round(log2(hi / lo) · bpo) + 1]"""
    nb = int(round(np.log2(hi / lo) * bpo)) + 1
    return lo * 2 ** (np.arange(nb) / bpo)


BPM = axis()
NB = len(BPM)


def valid_mask(bpm=BPM, lo=VALID_BPM[0], hi=VALID_BPM[1]):
    """bool [bins]: the bins the net reads (bpm within [lo · 0.999, hi · 1.001])"""
    return (bpm >= lo * 0.999) & (bpm <= hi * 1.001)


def stretch(x, width, s):
    """octave-net.ts stretch(): an envelope of `width` interleaved columns resampled in time by s (linear interpolation)
    → float32 [floor((n − 1) · s) + 1, width]"""
    x = x.reshape(-1, width)
    n = x.shape[0]
    m = int(np.floor((n - 1) * s)) + 1
    t = np.arange(m) / s
    i = np.minimum(n - 2, np.floor(t).astype(int))
    f = (t - i)[:, None]
    return (x[i] * (1 - f) + x[i + 1] * f).astype(np.float32)


def condition(e, fps):
    """tempo.ts condition(): centred moving average of 2·round(fps / 2) + 1 frames (truncated at the ends) removed,
    half-wave rectified, unit RMS (zeros when silent). e: float64 [frames] → float64 [frames]"""
    n = len(e)
    w = max(1, round(fps / 2))
    pre = np.concatenate([[0.0], np.cumsum(e, dtype=np.float64)])
    i = np.arange(n)
    a = np.maximum(0, i - w)
    b = np.minimum(n, i + w + 1)
    v = e - (pre[b] - pre[a]) / (b - a)
    v = np.maximum(v, 0)
    rms = np.sqrt(np.mean(v * v)) if n else 0
    return v / rms if rms > 1e-9 else np.zeros(n)


def windows(n, fps):
    """frame ranges [a, b) of the WIN_S s windows, hop HOP_S s (int(sec · fps) frames), the last one moved to end at n;
    one window (0, n) when n <= the window length"""
    w = int(WIN_S * fps)
    h = int(HOP_S * fps)
    if n <= w:
        return [(0, n)]
    starts = list(range(0, n - w + 1, h))
    if starts[-1] + w < n:
        starts.append(n - w)
    return [(s, s + w) for s in starts]


def acf_tg(v, fps, wins, bpm=BPM):
    """per window: the mean-removed window's ACF (zero-padded FFT of 2n points; the window padded with zeros to
    maxlag + 2 frames when shorter) divided by lag 0, read at lag 60 · fps / bpm by linear interpolation
    (maxlag = ceil(max lag) + 2) → float64 [windows, bins]; a window with ACF(0) <= 1e-12 gives zeros"""
    lags = 60 * fps / bpm
    maxlag = int(np.ceil(lags.max())) + 2
    out = []
    for a, b in wins:
        z = v[a:b] - v[a:b].mean()
        n = len(z)
        if n < maxlag + 2:
            z = np.concatenate([z, np.zeros(maxlag + 2 - n)])
            n = len(z)
        F = np.fft.rfft(z, 2 * n)
        ac = np.fft.irfft(F * np.conj(F))[: maxlag + 1]
        if ac[0] <= 1e-12:
            out.append(np.zeros(len(bpm)))
            continue
        ac = ac / ac[0]
        out.append(np.interp(lags, np.arange(maxlag + 1), ac))
    return np.array(out)


def dft_tg(v, fps, wins, bpm=BPM):
    """per window: |rfft(NFFT points)| of the mean-removed, Hann-windowed (numpy hanning: symmetric, 0 at both ends)
    window, read at bpm / 60 Hz (bin bpm / 60 / fps · NFFT, linear interpolation), divided by its mean over the axis
    (unless that mean <= 1e-12) → float64 [windows, bins]"""
    fr = bpm / 60 / fps * NFFT
    out = []
    for a, b in wins:
        z = v[a:b] - v[a:b].mean()
        z = z * np.hanning(len(z))
        S = np.abs(np.fft.rfft(z, NFFT))
        t = np.interp(fr, np.arange(len(S)), S)
        m = t.mean()
        out.append(t / m if m > 1e-12 else t)
    return np.array(out)


def tempogram(env, env6, fps, bpm=BPM):
    """the net's input X, float32 [6, bins] (channels CHANNELS): env float [frames] (full-band onset flux), env6 float
    [frames, 6] (columns 0–2: flux < 250 Hz, 250–2000 Hz, > 2 kHz), fps frames per second.
    0 acfMean / 1 acfMax: acf_tg of condition(env), mean / max over windows; 2 dftMean: dft_tg of condition(env), mean;
    3–5: acf_tg of condition(env6[:, c]), c = 0, 1, 2, mean. All windows from windows(len(env), fps)."""
    v = condition(env.astype(np.float64), fps)
    wins = windows(len(v), fps)
    A = acf_tg(v, fps, wins, bpm)
    D = dft_tg(v, fps, wins, bpm)
    ch = [A.mean(0), A.max(0), D.mean(0)]
    for c in range(3):
        ch.append(acf_tg(condition(env6[:, c].astype(np.float64), fps), fps, wins, bpm).mean(0))
    return np.stack(ch).astype(np.float32)


def _conv_same(x, w, b, dil):
    """x [cin, n], w [cout, cin, k], 'same' zero padding (k // 2) · dil → [cout, n] (float64)"""
    cout, cin, k = w.shape
    n = x.shape[1]
    p = (k // 2) * dil
    xp = np.concatenate([np.zeros((cin, p)), x, np.zeros((cin, p))], 1)
    y = np.repeat(b[:, None], n, 1).astype(np.float64)
    for j in range(k):
        y += w[:, :, j] @ xp[:, j * dil: j * dil + n]
    return y


def forward(model, X):
    """numpy reference forward pass of an exported ensemble (the dict of a "resonance-tempo-net/1" JSON) on one
    tempogram X [6, bins] → mean over nets of log_softmax over the valid bins, float64 [bins], -inf outside them"""
    bpm = axis(model['binsPerOctave'], model['loBpm'], model['hiBpm'])
    assert len(bpm) == model['bins'] == X.shape[1]
    valid = valid_mask(bpm, *model['validBpm'])
    acc = np.zeros(len(bpm))
    for net in model['nets']:
        h = (X.astype(np.float64) - np.array(net['mu'])[:, None]) / np.array(net['sd'])[:, None]
        L = net['layers']
        for li, L1 in enumerate(L):
            w = np.array(L1['weight'], np.float64).reshape(L1['out'], L1['in'], L1['kernel'])
            h = _conv_same(h, w, np.array(L1['bias'], np.float64), L1['dilation'])
            if li < len(L) - 1:
                h = np.maximum(h, 0)
        z = h[0] + np.array(net['prior'])
        zv = z[valid]
        m = zv.max()
        acc[valid] += zv - m - np.log(np.exp(zv - m).sum())
    out = np.full(len(bpm), -np.inf)
    out[valid] = acc[valid] / len(model['nets'])
    return out

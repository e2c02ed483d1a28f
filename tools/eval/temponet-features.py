#!/usr/bin/python3
"""Log-lag tempogram of every row of octave-net.ts' rows.json, from the tempo analyser's cached onset envelopes
(helper temponet17, exploratory; training tooling only, nothing here runs in the product).

Input: ROWS (octave-net.ts --soft --lock --aug 0.8,0.88,1.12,1.25 rows: set, file, family, bpm, aug, cands) and the
envelope cache CACHE/<set>-cache/<file without extension>.env (Float32 onset flux, one value per frame), .env6 (Float32,
6 interleaved columns per frame: flux below 250 Hz, 250–2000 Hz, above 2 kHz, then three log band energies) and .json
({fps, t0}; fps = 11025 / 256 ≈ 43.07). An augmented row (aug, truth = original truth ÷ s) is its file's envelopes
resampled in time by s exactly as octave-net.ts' stretch() does (linear interpolation, duration × s).

Per row, on a log-tempo axis of BINS_PER_OCT bins per octave from LO to HI BPM (bin b = LO · 2^(b / BINS_PER_OCT)),
each summarised over 12 s windows (hop 6 s) by the mean, so a time stretch by s is a shift of −log2(s) octaves:
  0  ACF of the conditioned full-band flux (tempo.ts condition(): 1 s moving average removed, half-wave rectified),
     each window's ACF normalised by its lag 0, read at lag 60·fps/bpm (linear interpolation between lags)
  1  the same, max over windows
  2  DFT tempogram of the conditioned flux: |Hann-windowed FFT| (8192 points) at bpm / 60 Hz, each window's spectrum
     divided by its mean over the axis
  3–5 ACF (as 0) of the conditioned flux below 250 Hz, 250–2000 Hz, above 2 kHz (env6 columns 0–2)
Written to OUT (npz: X [rows, 6, bins] float32, y truth bpm, set, family, fname, category, aug, T (the chooser's level: the
candidate with ratio 1, 0 when none), cands (the row's candidates' bpm, padded with 0)).

  nice -n 10 /usr/bin/python3 tools/eval/temponet-features.py --rows R/rows.json --cache C --out test/output/temponet17/tg.npz
"""
import argparse
import json
import os
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument('--rows', default='test/output/temponet17/rows.json')
ap.add_argument('--cache', default='test/output/temponet17/cache')
ap.add_argument('--out', default='test/output/temponet17/tg.npz')
ap.add_argument('--bins-per-oct', type=int, default=24)
ap.add_argument('--lo', type=float, default=20.0)
ap.add_argument('--hi', type=float, default=480.0)
ap.add_argument('--cpu', action='store_true', help='only time the tempogram on the original files (ms CPU per audio second)')
args = ap.parse_args()

BPO = args.bins_per_oct
NB = int(round(np.log2(args.hi / args.lo) * BPO)) + 1
BPM = args.lo * 2 ** (np.arange(NB) / BPO)
WIN_S, HOP_S, NFFT = 12.0, 6.0, 8192


def stretch(x, width, s):
    """octave-net.ts stretch(): an envelope of `width` interleaved columns resampled in time by s (linear interpolation)"""
    x = x.reshape(-1, width)
    n = x.shape[0]
    m = int(np.floor((n - 1) * s)) + 1
    t = np.arange(m) / s
    i = np.minimum(n - 2, np.floor(t).astype(int))
    f = (t - i)[:, None]
    return (x[i] * (1 - f) + x[i + 1] * f).astype(np.float32)


def condition(e, fps):
    """tempo.ts condition(): 1 s moving average removed, half-wave rectified, unit RMS (zeros when silent)"""
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
    w = int(WIN_S * fps)
    h = int(HOP_S * fps)
    if n <= w:
        return [(0, n)]
    starts = list(range(0, n - w + 1, h))
    if starts[-1] + w < n:
        starts.append(n - w)
    return [(s, s + w) for s in starts]


def acf_tg(v, fps, wins):
    """per window: ACF / lag 0 read at the axis' lags → [windows, NB]"""
    lags = 60 * fps / BPM
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
            out.append(np.zeros(NB))
            continue
        ac = ac / ac[0]
        out.append(np.interp(lags, np.arange(maxlag + 1), ac))
    return np.array(out)


def dft_tg(v, fps, wins):
    fr = BPM / 60 / fps * NFFT
    out = []
    for a, b in wins:
        z = v[a:b] - v[a:b].mean()
        z = z * np.hanning(len(z))
        S = np.abs(np.fft.rfft(z, NFFT))
        t = np.interp(fr, np.arange(len(S)), S)
        m = t.mean()
        out.append(t / m if m > 1e-12 else t)
    return np.array(out)


def tempogram(env, env6, fps):
    v = condition(env.astype(np.float64), fps)
    wins = windows(len(v), fps)
    A = acf_tg(v, fps, wins)
    D = dft_tg(v, fps, wins)
    ch = [A.mean(0), A.max(0), D.mean(0)]
    for c in range(3):
        ch.append(acf_tg(condition(env6[:, c].astype(np.float64), fps), fps, wins).mean(0))
    return np.stack(ch).astype(np.float32)


rows = json.load(open(args.rows))
cache = {}


def load(r):
    key = (r['set'], r['file'])
    if key not in cache:
        base = os.path.join(args.cache, f"{r['set']}-cache", os.path.splitext(r['file'])[0])
        j = json.load(open(base + '.json'))
        cache.clear()
        cache[key] = (np.fromfile(base + '.env', dtype=np.float32), np.fromfile(base + '.env6', dtype=np.float32).reshape(-1, 6), j['fps'])
    return cache[key]


if args.cpu:
    audio = 0.0
    t0 = time.process_time()
    for r in rows:
        if r['aug']:
            continue
        env, env6, fps = load(r)
        tempogram(env, env6, fps)
        audio += len(env) / fps
    d = time.process_time() - t0
    print(f'tempogram: {1000 * d / audio:.4f} ms CPU per audio second ({audio:.0f} s of audio, {d:.1f} s CPU)')
    raise SystemExit

X = np.zeros((len(rows), 6, NB), np.float32)
orig_bpm = {}
for i, r in enumerate(rows):
    env, env6, fps = load(r)
    if r['aug']:
        s = orig_bpm[(r['set'], r['file'])] / r['bpm']
        env = stretch(env, 1, s)[:, 0]
        env6 = stretch(env6.reshape(-1), 6, s)
    else:
        orig_bpm[(r['set'], r['file'])] = r['bpm']
    X[i] = tempogram(env, env6, fps)
    if i % 500 == 0:
        print(i, flush=True)
T = np.array([next((c['bpm'] for c in r['cands'] if c['ratio'] == 1), 0.0) for r in rows])
NC = max(len(r['cands']) for r in rows)
C = np.zeros((len(rows), NC))
for i, r in enumerate(rows):
    for j, c in enumerate(r['cands']):
        C[i, j] = c['bpm']
np.savez_compressed(args.out, X=X, bpm=BPM, y=np.array([r['bpm'] for r in rows]), set=np.array([r['set'] for r in rows]),
                    family=np.array([r['family'] for r in rows]), fname=np.array([r['file'] for r in rows]),
                    category=np.array([r['category'] for r in rows]), aug=np.array([bool(r['aug']) for r in rows]),
                    T=T, cands=C, shipped=np.array([r['shipped'] or 0 for r in rows], dtype=float),
                    chooser=np.array([r.get('chooser') or 0 for r in rows], dtype=float))
print('wrote', args.out, X.shape)

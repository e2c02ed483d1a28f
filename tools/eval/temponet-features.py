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

from temponet_tg import axis, stretch, tempogram as _tempogram  # shared with temponet-fixture.py

ap = argparse.ArgumentParser()
ap.add_argument('--rows', default='test/output/temponet17/rows.json')
ap.add_argument('--cache', default='test/output/temponet17/cache')
ap.add_argument('--out', default='test/output/temponet17/tg.npz')
ap.add_argument('--bins-per-oct', type=int, default=24)
ap.add_argument('--lo', type=float, default=20.0)
ap.add_argument('--hi', type=float, default=480.0)
ap.add_argument('--cpu', action='store_true', help='only time the tempogram on the original files (ms CPU per audio second)')
args = ap.parse_args()

BPM = axis(args.bins_per_oct, args.lo, args.hi)
NB = len(BPM)


def tempogram(env, env6, fps):
    return _tempogram(env, env6, fps, BPM)


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

#!/usr/bin/python3
"""Fixture for the TypeScript tempo net (helper tnetcv18, issue 11; training tooling only): given an exported ensemble
("resonance-tempo-net/1", temponet-train.py --export) and a few cached tempo-analyser envelopes, write what the Python
model computes on them, so the product's tempogram and forward pass can be pinned against it.

Cases (default): four envelopes of the temponet17 cache (CACHE/<set>-cache/<name>.env, .env6, .json), each cut to its
first `sec` seconds (int(sec · fps) frames) where given:
  dev   mma-triple-waltz-150-timgm6mb, 18.2 s (783 frames, 3 windows: starts 0, 258 and the last moved to end at 783)
  soft  ts-soft-here-tspianomarch-144-musescore, 12.5 s (538 frames, 2 windows: 0 and the last moved to end at 538)
  lmms  lm-greshz-coolsnip-186-intro, whole (10.3 s: one window shorter than 12 s)
  dev   mma-triple-vienesewaltz-174-fluidr3, 8 s (one window, ~8 s)
Envelope values are rounded to 4 significant digits (float32 of the written decimal) BEFORE the tempogram is computed, so
the fixture is exact for what it holds; env6 columns 3–5 (log band energies, unused by the tempogram) are written as 0.

Output JSON {format: "resonance-tempo-net-fixture/1", model: the model file's name, cases: [{set, name, truthBpm, fps,
frames, windows: [[a, b], ...] (frame ranges), env: [frames] (full-band flux), env6: [frames · 6] (interleaved),
X: [6][bins] (temponet_tg.tempogram: channels acfMean, acfMax, dftMean, acfLow, acfMid, acfHigh; 7 significant digits),
logProb: [bins] (temponet_tg.forward of the model on X as written: mean over nets of log_softmax over the valid
30–320 BPM bins; null outside them), argmaxBpm: the bin of the highest logProb, in BPM}]}.

  /usr/bin/python3 tools/eval/temponet-fixture.py --model test/fixtures/tempo-net/model-small.json \\
      --cache test/output/temponet17/cache --out test/fixtures/tempo-net/fixture.json
"""
import argparse
import json
import os

import numpy as np

import temponet_tg as tg

CASES = [('dev', 'mma-triple-waltz-150-timgm6mb', 18.2),
         ('soft', 'ts-soft-here-tspianomarch-144-musescore', 12.5),
         ('lmms', 'lm-greshz-coolsnip-186-intro', None),
         ('dev', 'mma-triple-vienesewaltz-174-fluidr3', 8.0)]


def _num(t):
    """a decimal string as a JSON number: int when integral (shorter), else float"""
    v = float(t)
    return int(v) if v == int(v) and abs(v) < 1e15 else v


def q(a, digits):
    """float32 of each value written with `digits` significant digits, and the written strings' floats"""
    vals = [_num(f'{float(x):.{digits}g}') for x in np.asarray(a, np.float64).reshape(-1)]
    return np.array(vals, np.float32).reshape(np.shape(a)), vals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='test/fixtures/tempo-net/model-small.json')
    ap.add_argument('--cache', default='test/output/temponet17/cache')
    ap.add_argument('--rows', default='test/output/temponet17/rows.json', help='for the truth BPM only')
    ap.add_argument('--out', default='test/fixtures/tempo-net/fixture.json')
    args = ap.parse_args()
    model = json.load(open(args.model))
    bpm = tg.axis(model['binsPerOctave'], model['loBpm'], model['hiBpm'])
    truth = {}
    if os.path.exists(args.rows):
        for r in json.load(open(args.rows)):
            if not r['aug']:
                truth[(r['set'], os.path.splitext(r['file'])[0])] = r['bpm']
    cases = []
    for s, name, sec in CASES:
        base = os.path.join(args.cache, f'{s}-cache', name)
        fps = json.load(open(base + '.json'))['fps']
        env = np.fromfile(base + '.env', np.float32)
        env6 = np.fromfile(base + '.env6', np.float32).reshape(-1, 6).copy()
        n = min(len(env), len(env6)) if sec is None else int(sec * fps)
        env, env6 = env[:n], env6[:n]
        env6[:, 3:] = 0
        env, env_w = q(env, 4)
        env6, env6_w = q(env6, 4)
        X = tg.tempogram(env, env6, fps, bpm)
        Xq, X_w = q(X, 7)
        lp = tg.forward(model, Xq)
        ok = np.isfinite(lp)
        cases.append({'set': s, 'name': name, 'truthBpm': truth.get((s, name)), 'fps': fps, 'frames': int(n),
                      'windows': [list(w) for w in tg.windows(n, fps)],
                      'env': env_w, 'env6': env6_w,
                      'X': [X_w[c * len(bpm):(c + 1) * len(bpm)] for c in range(X.shape[0])],
                      'logProb': [float(f'{v:.7g}') if o else None for v, o in zip(lp, ok)],
                      'argmaxBpm': round(float(bpm[int(np.argmax(np.where(ok, lp, -np.inf)))]), 4)})
        print(f"{s}/{name}: {n} frames ({n / fps:.1f} s), {len(cases[-1]['windows'])} windows, argmax "
              f"{cases[-1]['argmaxBpm']} BPM (truth {cases[-1]['truthBpm']})")
    os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump({'format': 'resonance-tempo-net-fixture/1', 'model': os.path.basename(args.model), 'cases': cases}, f,
                  separators=(',', ':'))
    print('wrote', args.out, os.path.getsize(args.out), 'bytes')


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Two or more exported tempogram-net ensembles (resonance-tempo-net/1 JSON: temponet-train.py --export, or TEMPO_NET
dumped to JSON) read on the same rows (temponet-features.py's npz, original rows only), in sample or not as the fits
were: per set Acc1 / Acc2 of the `hyb5` read (the candidate of T x {1/3, 1/2, 1, 2, 3} inside 30-320 BPM with the
highest mean log-probability, np.interp at the fractional bin: temponet-train.py's read, the analyser's P3 step's
scoring) and of the argmax bin, and how often two ensembles pick the same hyb5 candidate (helper tnet21: E5r, the
rebuilt-rows control, against the shipped TEMPO_NET; N5 against both).

  /usr/bin/python3 tools/eval/temponet-compare.py --npz R/tg.npz NAME=FILE.json NAME=FILE.json ...
"""
import argparse
import json
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import temponet_tg as tg  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--npz', required=True)
ap.add_argument('models', nargs='+')
a = ap.parse_args()
D = np.load(a.npz)
BPM = D['bpm']
NB = len(BPM)
BPO = round(1 / np.log2(BPM[1] / BPM[0]))
orig = np.where(~D['aug'])[0]
sets = list(dict.fromkeys(str(s) for s in D['set'][orig]))
y, T = D['y'], D['T']


def acc1(e, r):
    return abs(e - r) <= 0.04 * r


def acc2(e, r):
    return any(acc1(e, r * f) for f in (1, 2, 0.5, 3, 1 / 3))


picks = {}
for spec in a.models:
    name, path = spec.split('=', 1)
    model = json.load(open(path))
    h5, am = {}, {}
    for i in orig:
        lp = tg.forward(model, D['X'][i])
        row = np.where(np.isfinite(lp), lp, -1e9)
        am[i] = float(BPM[int(np.argmax(row))])
        mult = [T[i] * f for f in (1 / 3, 0.5, 1, 2, 3) if T[i] > 0 and 30 <= T[i] * f <= 320]
        sc = lambda b: float(np.interp(np.log2(b / BPM[0]) * BPO, np.arange(NB), row))  # noqa: E731
        h5[i] = max(mult, key=sc) if mult else am[i]
    picks[name] = h5
    cells = []
    for s in sets + ['all']:
        ii = [i for i in orig if s == 'all' or str(D['set'][i]) == s]
        cells.append(f"{s} {sum(acc1(h5[i], y[i]) for i in ii)}/{sum(acc2(h5[i], y[i]) for i in ii)}/{len(ii)}"
                     f" (argmax {sum(acc1(am[i], y[i]) for i in ii)})")
    print(f'{name:8s} hyb5 Acc1/Acc2/files: ' + ' | '.join(cells), flush=True)
names = list(picks)
for x in range(len(names)):
    for z in range(x + 1, len(names)):
        p, q = picks[names[x]], picks[names[z]]
        same = {s: sum(abs(p[i] / q[i] - 1) < 1e-6 for i in orig if str(D['set'][i]) == s) for s in sets}
        print(f'{names[x]} vs {names[z]}: same hyb5 pick on {sum(same.values())}/{len(orig)} files (' +
              ', '.join(f'{s} {v}' for s, v in same.items()) + ')')

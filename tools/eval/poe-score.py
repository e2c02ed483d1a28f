#!/usr/bin/python3
"""Decision18's product-of-experts arms P3 / P5 (helper poe18, issue 11; tooling only, nothing here ships).

Inputs, per fold shuffle K (family-grouped 5-fold CV, octave-net-train.py's folds: families of the original rows
sorted, random.Random(1000 + K) shuffle, family i -> fold i mod 5; both trainers use that map):
  --logits PRE   PRE-sK.json from `octave-net-train.py --grid --arms "base=0-44@soft:0@lmms:0" --models 16:0.001
                 --repeats 1 --shuffle-offset K --dump-logits`: the shipped chooser's recipe (OCTAVE_NET: 45 inputs,
                 16 tanh units + linear, L2 0.001, soft and lmms never fitted) refitted on the training folds, each
                 original row's out-of-fold score s_c (logit) of each of its candidates c (the chooser's T/2, T, 2T
                 within 40-240 BPM; some rows have 1 or 2)
  --lp PRE       PRE-sK.json from `temponet-train.py --epochs 30 --seeds 3 --no-train soft,lmms --shuffle K
                 --dump-logprob`: the E5 ensemble's (3 nets) mean log-probability row over the 111 log-tempo bins
                 (20-480 BPM, 24 per octave; about -1e9 outside 30-320 BPM), from the fold ensemble that never saw the
                 row's family
  [--lp-folds K=DIR]  instead of --lp for shuffle K: the row read by DIR/fold-F.json (temponet-train.py
                 --export-folds, 7-digit weights) through temponet_tg.forward on the npz tempogram

Net's log-probability at a tempo b: L(b) = linear interpolation of the row at bin position log2(b / 20) · 24
(np.interp over bins 0 … 110; temponet-train.py's hyb3 / hyb5 read exactly).
  P3: pick = argmax over the chooser's candidates c of  s_c + L(bpm_c)
  P5: the same over the chooser's candidates and T/3, 3T (T: the ratio-1 candidate's BPM; each only if inside
      30-320 BPM), each of those two with s = min over the chooser's candidates of s_c
  chooser: argmax s_c (must reproduce the shipped CV figures 538, 534, 538);  hyb5: argmax of L over T × {1/3, 1/2,
      1, 2, 3} inside 30-320 (must reproduce tnetcv18's E5 hyb5 569, 567, 552)
Writes OUT-sK.json per shuffle in temponet-table.py's --picks format ({"set/file": {"P3", "P5", "chooser", "hyb5",
"truth", "T"}}), so `temponet-table.py OUT --read P3` gives decision18's table and clauses.

  /usr/bin/python3 tools/eval/poe-score.py --logits test/output/poe18/logits-base --lp test/output/poe18/lp-E5 \\
      --out test/output/poe18/poe [--lp-folds 0=test/output/tnetcv18/oof-E5-s0]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

LO, BPO, NB = 20.0, 24, 111


def L(row, bpm):
    """the net's mean log-probability at bpm (linear interpolation between bins), as temponet-train.py's reads"""
    return float(np.interp(np.log2(bpm / LO) * BPO, np.arange(NB), row))


def acc1(e, r):
    return abs(e - r) <= 0.04 * r


def picks_of(lg, row):
    """lg: [{bpm, ratio, logit}] of one row under one shuffle; row: the net's log-prob row → {P3, P5, chooser, hyb5, T}"""
    T = next(c['bpm'] for c in lg if c['ratio'] == 1)
    chooser = max(lg, key=lambda c: c['logit'])['bpm']
    p3 = [(c['logit'] + L(row, c['bpm']), c['bpm']) for c in lg]
    smin = min(c['logit'] for c in lg)
    p5 = p3 + [(smin + L(row, b), b) for b in (T / 3, 3 * T) if 30 <= b <= 320]
    mult = [T * f for f in (1 / 3, 0.5, 1, 2, 3) if 30 <= T * f <= 320]
    return {'P3': max(p3, key=lambda x: x[0])[1], 'P5': max(p5, key=lambda x: x[0])[1], 'chooser': chooser,
            'hyb5': max(mult, key=lambda b: L(row, b)), 'T': T}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--logits', required=True)
    ap.add_argument('--lp')
    ap.add_argument('--lp-folds', action='append', default=[])
    ap.add_argument('--npz', default='test/output/temponet17/tg.npz')
    ap.add_argument('--rows', default='test/output/temponet17/rows.json')
    ap.add_argument('--shuffles', default='0,1,2')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    truth = {f"{r['set']}/{r['file']}": r['bpm'] for r in json.load(open(args.rows)) if not r.get('aug')}
    folds = dict(a.split('=', 1) for a in args.lp_folds)
    for K in [int(k) for k in args.shuffles.split(',')]:
        lgs = json.load(open(f'{args.logits}-s{K}.json'))
        assert lgs['shuffles'] == [K], lgs['shuffles']
        if str(K) in folds:
            import temponet_tg as tg
            D = np.load(args.npz)
            d = folds[str(K)]
            fo = json.load(open(os.path.join(d, 'folds.json')))
            models = [json.load(open(os.path.join(d, f'fold-{k}.json'))) for k in range(5)]
            rows = {}
            for i in np.where(~D['aug'])[0]:
                key = f"{D['set'][i]}/{D['fname'][i]}"
                r = tg.forward(models[fo[key]], D['X'][i])
                rows[key] = np.where(np.isfinite(r), r, -1e9)
            src = d
        else:
            lp = json.load(open(f'{args.lp}-s{K}.json'))
            assert lp['shuffle'] == K and lp['seeds'] == 3 and lp['epochs'] == 30 and lp['noTrain'] == ['lmms', 'soft'], \
                {k: lp[k] for k in ('shuffle', 'seeds', 'epochs', 'noTrain')}
            assert np.allclose(lp['bpm'], LO * 2 ** (np.arange(NB) / BPO))
            rows = {k: np.array(v) for k, v in lp['rows'].items()}
            src = f'{args.lp}-s{K}.json'
        assert set(rows) == set(truth) == set(lgs['rows']), 'row sets differ'
        out = {}
        for key in sorted(truth):
            p = picks_of(lgs['rows'][key][0], rows[key])
            out[key] = {**p, 'truth': truth[key]}
        json.dump(out, open(f'{args.out}-s{K}.json', 'w'))
        n = {r: sum(acc1(v[r], v['truth']) for v in out.values()) for r in ('chooser', 'hyb5', 'P3', 'P5')}
        print(f'shuffle {K} (net rows: {src}): Acc1 of 697 ' + ', '.join(f'{r} {v}' for r, v in n.items()), flush=True)


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Trains and cross-validates the learned octave chooser (main/engine/analysis/octave-net.ts).

Data recipe: `nice node --import tsx tools/eval/octave-net.ts` dumps, from the tempo analyser's cached envelopes of
the development-side sets only (dev, dev2, tempo-synth, tempo-octave, tempo-sfshift; test and held-out families
refused by clashOf), one row per file: truth, family (CV group), the shipped answer and the octave candidates
(T, T/2, 2T) with octaveNetFeatures. This script (training only; the product runs the weights in TypeScript):

  - a conditional logit (softmax over a file's candidates) of a score s(f) = linear·x + w2·tanh(W1 x + b1) on the
    standardised features x, L2 on every weight (λ per row);
  - grouped 5-fold cross-validation by family (the MMA groove: a song's SoundFont re-renders share its group),
    repeated over --repeats fold shuffles, next to the shipped OCTAVE_MODEL on the same candidates and its five
    features refitted under the same folds; Acc1 / Acc2 per set, dev2 pop4, fast (> 160 BPM) per set;
  - --write H,LAMBDA: fits that model on every row and writes main/engine/analysis/octave-net-weights.ts.

  - --oof H,LAMBDA: the out-of-fold chooser for the confidence map's honest refit (tools/eval/calibrate.ts --oof):
    that model fitted five times under one grouped fold split (the first of --grid's shuffles), each fold's weights
    and every file's fold written to --oof-out (JSON: {h, lambda, nets: [OctaveNetWeights × 5], files: {"set/file":
    fold}, families: {family: fold}}). A file is then analysed with the chooser of the fold that never saw its family.

  nice /usr/bin/python3 tools/eval/octave-net-train.py [--rows R/rows.json] [--repeats 3] [--grid] [--write 0,0.01] [--oof 16,0.001 --oof-out F]
      [--no-train SET]   (with --grid: each model also fitted without SET's rows, same folds; SET scored either way)
      [--arms "NAME=COLS@SET:W;…"]   (with --grid: named arms, columns and per-set row weights in the loss, same folds)
      [--write-arm NAME=COLS@SET:W --weights-out F]   (one arm fitted on every row, its weights written to F)

Requires torch (1.13 here) and numpy; used for training only.
"""
import argparse
import json
import math
import random
import sys

import numpy as np
import torch

torch.set_num_threads(1)
ap = argparse.ArgumentParser()
ap.add_argument('--rows', default='test/output/octave-net/rows.json')
ap.add_argument('--repeats', type=int, default=3)
ap.add_argument('--grid', action='store_true')
ap.add_argument('--models', default='0:0.003,0:0.01,0:0.03,0:0.1,4:0.01,8:0.01,8:0.03')
ap.add_argument('--write')
ap.add_argument('--verbose', help='H,LAMBDA: list the files this model (CV, first fold shuffle) fixes and breaks')
ap.add_argument('--oof', help='H,LAMBDA: write the five fold models and every file\'s fold (calibrate.ts --oof)')
ap.add_argument('--oof-out', default='test/output/octave-net/oof.json')
ap.add_argument('--oof-arm', help='with --oof: NAME=COLS@SET:W (an --arms entry): the fold models on these columns and row weights instead of all '
                'columns with every row weighed 1, each written with its input group (extra) as --write-arm writes it (helper tempo18: the '
                'confidence map\'s refit for a chooser with the percussive-share input)')
ap.add_argument('--colsets', help='with --grid: each model cross-validated on these column sets instead of all, same folds; ";"-separated, each a ","-list of columns or ranges A-B, e.g. "0-44;0-54;0-44,55-56" (octave-net.ts --soft --backbeat: 45 base, 10 soft, 2 backbeat)')
ap.add_argument('--misses', help='H,LAMBDA[,COLS]: every file this model gets wrong under CV (first fold shuffle; COLS a --colsets entry, default the first 45), with truth ÷ pick, the candidates\' ratios and the softness descriptors (octave-net.ts --soft)')
ap.add_argument('--no-base', action='store_true', help='with --grid: skip the refit of OCTAVE_MODEL\'s five features')
ap.add_argument('--noaug', action='store_true', help='train without the augmented rows')
ap.add_argument('--where', action='store_true', help='per set and category: where the truth lies relative to step one\'s level T (T, T/2, 2T: a candidate; 2T/3, 3T/2, T/3, 3T, …: none)')
ap.add_argument('--only-without', action='store_true', help='with --grid --no-train SET: run only the arm without SET\'s rows (the other arm in a second process, same folds)')
ap.add_argument('--shuffle-offset', type=int, default=0, help='the fold shuffles are K, K+1, … instead of 0, 1, … (seeds 1000 + K …; fit seeds K …): one shuffle per process, e.g. --repeats 1 --shuffle-offset 2 is the third shuffle of --repeats 3 (helper tempo20)')
ap.add_argument('--per-shuffle', action='store_true', help='with --grid: also each fold shuffle\'s Acc1 per set (files right), to see what the shuffles move')
ap.add_argument('--no-train', action='append', default=[], help='SET: its rows are scored under CV but never fitted (repeatable)')
ap.add_argument('--arms', help='with --grid: instead of --models/--colsets, these arms, ";"-separated, each NAME=COLS@SET:W[@SET:W…] (COLS a --colsets entry; '
                'W the weight of SET\'s rows in the fit\'s loss, 0: scored, never fitted; other rows 1), each with the first --models entry, same folds; '
                'e.g. "base=0-44@soft:0;w.5=0-44@soft:0.5;drums=0-44,47,52@soft:1" (helper tempo16)')
ap.add_argument('--arm-diff', action='store_true', help='with --arms: also every file whose pick differs from the first arm\'s, per fold shuffle (FIX: right only in the later arm, BREAK: only in the first)')
ap.add_argument('--write-arm', help='NAME=COLS@SET:W (an --arms entry): like --write with the first --models entry, these columns and row weights; '
                'columns past 44 must be a whole octave-net.ts input group (45-54: soft, written as extra ["soft"]; with rows of octave-net.ts --perc '
                'a pair C,C+12 for 45 <= C < 57: perc, written as extra ["perc"]; with rows of --soft --lock 55-61: lock, written as extra ["lock"]; '
                'a part of 55-61 (helper tempo22: 59-60): lock with the other lock columns weighed 0)')
ap.add_argument('--weights-out', default='main/engine/analysis/octave-net-weights.ts', help='with --write-arm: the file to write (a copy, to test before shipping)')
ap.add_argument('--dump-logits', help='with --grid --arms: the first arm\'s out-of-fold score (logit) of every candidate of every original row, '
                'per fold shuffle, written to this JSON: {"arm", "h", "lambda", "shuffles": [K…], "rows": {"<set>/<file>": [[{"bpm", "ratio", '
                '"logit"} per candidate] per shuffle]}} (helper poe18: the product of experts with the tempogram net, tools/eval/poe-score.py)')
ap.add_argument('--by-family', action='append', default=[], help='SET (repeatable): also each of SET\'s CV families\' Acc1 (files right, mean over the fold shuffles) per arm (helper tempo28: drums2)')
args = ap.parse_args()
LOGITS = {}  # --dump-logits: rep -> {row index: [logit per candidate]}, filled by cv() through predict()

OCTAVE_MODEL = [0.1138, -2.379, 1.916, -0.3036, 2.382]
ALLROWS = json.load(open(args.rows))
# augmented rows (octave-net.ts --aug: time-stretched envelopes) train only; every figure is on the original files
rows = [r for r in ALLROWS if not r.get('aug')]
SETS = ['dev', 'dev2', 'synth', 'octave', 'sfshift']
SETS += sorted({r['set'] for r in rows} - set(SETS))  # octave-net.ts --extra sets (e.g. compound)


def acc1(e, r):
    return e is not None and abs(e - r) <= 0.04 * r


def acc2(e, r):
    return e is not None and any(acc1(e, r * f) for f in (1, 2, 0.5, 3, 1 / 3))


for r in ALLROWS:
    r['ok'] = [acc1(c['bpm'], r['bpm']) for c in r['cands']]
    r['label'] = r['ok'].index(True) if sum(r['ok']) == 1 else -1
WIDTH = max((len(c['f']) for r in rows for c in r['cands']), default=0)
families = sorted({r['family'] for r in rows})


NCAND = max((len(r['cands']) for r in ALLROWS), default=3)  # 3 (T/2, T, 2T); 4 with octave-net.ts --thirds


def tensors(rs, cols):
    X = torch.zeros(len(rs), NCAND, len(cols), dtype=torch.float64)
    M = torch.zeros(len(rs), NCAND, dtype=torch.bool)
    for i, r in enumerate(rs):
        for j, c in enumerate(r['cands']):
            X[i, j] = torch.tensor([c['f'][k] for k in cols], dtype=torch.float64)
            M[i, j] = True
    return X, M


class Net(torch.nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.lin = torch.nn.Linear(d, 1, bias=False).double()
        self.h = h
        if h:
            self.l1 = torch.nn.Linear(d, h).double()
            self.l2 = torch.nn.Linear(h, 1, bias=False).double()

    def forward(self, x):
        s = self.lin(x)
        if self.h:
            s = s + self.l2(torch.tanh(self.l1(x)))
        return s.squeeze(-1)


def fit(train, cols, h, lam, seed=0, weights=None):
    """weights: {set: w}, each row's weight in the mean cross-entropy (others 1; normalised by the weights' sum, so all 1 is the plain mean)"""
    weights = weights or {}
    tr = [r for r in train if r['label'] >= 0 and len(r['cands']) > 1 and weights.get(r['set'], 1) > 0]
    X, M = tensors(tr, cols)
    flat = X[M]
    mu = flat.mean(0)
    sd = flat.std(0)
    sd[sd < 1e-9] = 1
    Xs = (X - mu) / sd
    y = torch.tensor([r['label'] for r in tr])
    wt = torch.tensor([float(weights.get(r['set'], 1)) for r in tr], dtype=torch.float64)
    plain = bool((wt == 1).all())
    torch.manual_seed(seed)
    net = Net(len(cols), h)
    if h:
        torch.nn.init.normal_(net.l1.weight, std=0.3)
        torch.nn.init.zeros_(net.l1.bias)
        torch.nn.init.normal_(net.l2.weight, std=0.3)
    torch.nn.init.zeros_(net.lin.weight)
    opt = torch.optim.LBFGS(net.parameters(), lr=1, max_iter=500, tolerance_grad=1e-9, tolerance_change=1e-12, history_size=20, line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        s = net(Xs).masked_fill(~M, -1e9)
        ce = torch.nn.functional.cross_entropy(s, y) if plain else (torch.nn.functional.cross_entropy(s, y, reduction='none') * wt).sum() / wt.sum()
        loss = ce + lam * sum((p ** 2).sum() for n_, p in net.named_parameters() if 'bias' not in n_)
        loss.backward()
        return loss

    for _ in range(4):
        opt.step(closure)
    return net, mu, sd


def predict(model, rs, cols, logits=None):
    """each row's pick (the candidate of the highest score); logits: a list, filled with each row's scores of its candidates"""
    net, mu, sd = model
    if not rs:
        return []
    X, M = tensors(rs, cols)
    with torch.no_grad():
        s = net((X - mu) / sd).masked_fill(~M, -1e9)
    if logits is not None:
        logits.extend([float(v) for v in s[i, :len(r['cands'])]] for i, r in enumerate(rs))
    out = []
    for i, r in enumerate(rs):
        out.append(r['cands'][int(s[i].argmax())]['bpm'] if r['cands'] else None)
    return out


def shipped_pick(r):
    if not r['cands']:
        return None
    sc = [sum(w * v for w, v in zip(OCTAVE_MODEL, c['f'][:5])) for c in r['cands']]
    return r['cands'][int(np.argmax(sc))]['bpm']


def folds(seed):
    rnd = random.Random(seed)
    fs = families[:]
    rnd.shuffle(fs)
    return {f: i % 5 for i, f in enumerate(fs)}


def cv(cols, h, lam, repeats, no_train=(), weights=None):
    """per repeat, the CV pick of every row; rows of the sets in no_train are scored, never fitted; weights: fit's {set: w}"""
    picks = []
    for rep in range(args.shuffle_offset, args.shuffle_offset + repeats):
        fo = folds(1000 + rep)
        pk = [None] * len(rows)
        for k in range(5):
            tr = [r for r in (rows if args.noaug else ALLROWS) if fo[r['family']] != k and r['set'] not in no_train]
            te = [i for i, r in enumerate(rows) if fo[r['family']] == k]
            m = fit(tr, cols, h, lam, seed=rep, weights=weights)
            lg = [] if args.dump_logits else None
            for i, b in zip(te, predict(m, [rows[i] for i in te], cols, lg)):
                pk[i] = b
            if lg is not None:
                LOGITS.setdefault(rep, {}).update(zip(te, lg))
        picks.append(pk)
    return picks


def tally(pk):
    t = {}
    for r, b in zip(rows, pk):
        keys = [r['set']]
        if r['set'] == 'dev2' and r['category'] == 'pop4':
            keys.append('dev2 pop4')
        if r['category'] == 'soft':
            keys.append('cat soft')
        if r['bpm'] > 160:
            keys.append(r['set'] + ' fast')
            keys.append('all fast')
        keys.append('all')
        for k in keys:
            a = t.setdefault(k, [0, 0, 0])
            a[0] += acc1(b, r['bpm'])
            a[1] += acc2(b, r['bpm'])
            a[2] += 1
    return t


KEYS = ['dev', 'dev2', 'dev2 pop4', 'cat soft', 'synth', 'octave', 'sfshift', *SETS[5:], 'dev2 fast', 'sfshift fast', 'octave fast', 'dev fast', *[s + ' fast' for s in SETS[5:]], 'all fast', 'all']


def line(name, pks):
    ts = [tally(p) for p in pks]
    cells = []
    for k in KEYS:
        if k not in ts[0]:
            continue
        a1 = np.mean([t[k][0] for t in ts])
        n = ts[0][k][2]
        cells.append(f'{k} {a1:.1f}/{n}')
    a2 = np.mean([ts_['all'][1] / ts_['all'][2] for ts_ in ts])
    a2s = ' '.join(f'{k} {np.mean([t[k][1] for t in ts]):.1f}' for k in SETS if k in ts[0])
    print(f'{name:28s} ' + ' | '.join(cells) + f' | Acc2 {a2:.3f} ({a2s})')
    for bs in args.by_family:
        fams = sorted({r['family'] for r in rows if r['set'] == bs})
        cells = []
        for f in fams:
            idx = [i for i, r in enumerate(rows) if r['set'] == bs and r['family'] == f]
            cells.append(f"{f} {np.mean([sum(acc1(p[i], rows[i]['bpm']) for i in idx) for p in pks]):.1f}/{len(idx)}")
        print(' ' * 30 + f'{bs} by family: ' + ' | '.join(cells))
    if args.per_shuffle and len(ts) > 1:
        print(' ' * 30 + 'per shuffle: ' + ' | '.join(f'{k} ' + ','.join(str(t[k][0]) for t in ts) for k in KEYS if k in ts[0]) + ' | Acc2 ' + ','.join(str(t['all'][1]) for t in ts))
    sys.stdout.flush()
    return ts


print(f'{len(rows)} files ({len(ALLROWS) - len(rows)} augmented rows), {len(families)} families, width {WIDTH}; labelled {sum(r["label"] >= 0 for r in rows)}')
BASE = list(range(5))
ALL = list(range(WIDTH))
line('product (estimateTempo)', [[r['shipped'] for r in rows]])
if rows and any(r.get('chooser') is not None for r in rows):
    line('shipped chooser (in sample)', [[r.get('chooser') for r in rows]])  # octave-net.ts --soft: tempo analyser 15's pick
line('OCTAVE_MODEL on candidates', [[shipped_pick(r) for r in rows]])
line('oracle (a right candidate)', [[r['bpm'] if r['label'] >= 0 else None for r in rows]])
if args.where:
    REL = [('T', 1), ('T/2', 0.5), ('2T', 2), ('T/3', 1 / 3), ('3T', 3), ('2T/3', 2 / 3), ('3T/2', 1.5), ('3T/4', 0.75), ('4T/3', 4 / 3), ('T/4', 0.25), ('4T', 4)]
    tab = {}
    for r in rows:
        t = next((c['bpm'] for c in r['cands'] if c['ratio'] == 1), None)
        rel = next((n for n, f in REL if t is not None and acc1(t * f, r['bpm'])), 'none' if t is not None else 'no level')
        for k in (r['set'] + ' ' + r['category'], r['set'] + ' all'):
            tab.setdefault(k, {}).setdefault(rel, []).append(r['file'])
    for k in sorted(tab):
        print(f'{k:24s}', ', '.join(f'{n} {len(v)}' for n, v in sorted(tab[k].items(), key=lambda x: -len(x[1]))))

def colsof(spec):
    return [k for part in spec.split(',') for k in (range(int(part.split('-')[0]), int(part.split('-')[1]) + 1) if '-' in part else [int(part)])]


def armof(spec):
    """NAME=COLS@SET:W[@SET:W…] → (name, cols, {set: w})"""
    name, rest = spec.split('=', 1)
    parts = rest.split('@')
    return name, colsof(parts[0]), {p.split(':')[0]: float(p.split(':')[1]) for p in parts[1:]}


if args.grid and args.arms:
    h, lam = args.models.split(',')[0].split(':')
    first = None
    for spec in args.arms.split(';'):
        name, cols, w = armof(spec)
        pks = cv(cols, int(h), float(lam), args.repeats, weights=w)
        line(f'CV {name} h{h} λ{lam}', pks)
        if args.dump_logits and first is None:
            reps = sorted(LOGITS)
            json.dump({'arm': spec, 'h': int(h), 'lambda': float(lam), 'shuffles': reps,
                       'rows': {f"{r['set']}/{r['file']}": [[{'bpm': c['bpm'], 'ratio': c['ratio'], 'logit': LOGITS[k][i][j]}
                                                              for j, c in enumerate(r['cands'])] for k in reps]
                                for i, r in enumerate(rows)}}, open(args.dump_logits, 'w'))
            print('wrote', args.dump_logits, flush=True)
            first = first if args.arm_diff else pks
        if args.arm_diff and first is None:
            first = pks
        elif args.arm_diff:
            for rep, (p0, p1) in enumerate(zip(first, pks)):
                for r, b0, b1 in zip(rows, p0, p1):
                    if acc1(b0, r['bpm']) != acc1(b1, r['bpm']):
                        print(f"  shuffle {rep} {'FIX  ' if acc1(b1, r['bpm']) else 'BREAK'} {r['set']:8s} {r['category']:10s} {r['family'][:28]:28s} {r['file'][:50]:50s} truth {r['bpm']} first {round(b0 or 0, 1)} {name} {round(b1 or 0, 1)} high share {(r.get('soft') or [0, 0, 0])[2]:.2f}")
elif args.grid:
    if not args.no_base:
        line('CV refit base 5 λ.01', cv(BASE, 0, 0.01, args.repeats))
    for spec in args.models.split(','):
        h, lam = spec.split(':')
        if args.colsets:
            for cs_ in args.colsets.split(';'):
                cols = [k for part in cs_.split(',') for k in (range(int(part.split('-')[0]), int(part.split('-')[1]) + 1) if '-' in part else [int(part)])]
                line(f'CV [{cs_}] h{h} λ{lam}', cv(cols, int(h), float(lam), args.repeats))
                if args.no_train:
                    line(f'  without {",".join(args.no_train)}', cv(cols, int(h), float(lam), args.repeats, args.no_train))
            continue
        if not (args.only_without and args.no_train):
            line(f'CV all h{h} λ{lam}', cv(ALL, int(h), float(lam), args.repeats))
        if args.no_train:
            line(f'  without {",".join(args.no_train)}', cv(ALL, int(h), float(lam), args.repeats, args.no_train))

if args.verbose:
    vh, vl = args.verbose.split(',')
    pk = cv(ALL, int(vh), float(vl), 1)[0]
    for r, b in zip(rows, pk):
        s = shipped_pick(r)
        if acc1(b, r['bpm']) != acc1(s, r['bpm']):
            print(('FIX  ' if acc1(b, r['bpm']) else 'BREAK'), r['set'], r['file'], r['category'], r['bpm'], 'shipped', round(s or 0, 1), 'net', round(b or 0, 1))

if args.misses:
    parts = args.misses.split(',', 2)
    mcols = colsof(parts[2]) if len(parts) > 2 else list(range(min(45, WIDTH)))
    pk = cv(mcols, int(parts[0]), float(parts[1]), 1)[0]
    by = {}
    for r, b in zip(rows, pk):
        k = (r['set'], r['category'])
        a = by.setdefault(k, [0, 0])
        a[1] += 1
        if acc1(b, r['bpm']):
            a[0] += 1
            continue
        t = next((c['bpm'] for c in r['cands'] if c['ratio'] == 1), None)
        soft = ' '.join(f'{v:.2f}' for v in r.get('soft') or [])
        print(f"MISS {r['set']:8s} {r['category']:11s} {r['file'][:44]:44s} truth {r['bpm']:6.1f} pick {b or 0:6.1f} ×{(b or 0) / r['bpm']:.2f} T {t or 0:6.1f} label {r['label']:2d} cands {len(r['cands'])} soft [{soft}]")
    for k in sorted(by):
        print(f'{k[0]:8s} {k[1]:11s} {by[k][0]}/{by[k][1]}')
    # softness descriptors by category, median (octave-net.ts --soft)
    if rows and rows[0].get('soft'):
        cats = {}
        for r in rows:
            if r.get('soft'):
                cats.setdefault(r['category'], []).append(r['soft'])
        for c, v in sorted(cats.items()):
            print(f'soft median {c:11s} n {len(v):3d}', ' '.join(f'{x:.2f}' for x in np.median(np.array(v), 0)))


def weights_of(net, mu, sd, h):
    """the OctaveNetWeights object of main/engine/analysis/octave-net-weights.ts"""
    return {
        'mu': [round(float(v), 6) for v in mu],
        'sd': [round(float(v), 6) for v in sd],
        'linear': [round(float(v), 6) for v in net.lin.weight[0]],
        'hidden': h,
        'w1': [[round(float(v), 6) for v in row] for row in net.l1.weight] if h else [],
        'b1': [round(float(v), 6) for v in net.l1.bias] if h else [],
        'w2': [round(float(v), 6) for v in net.l2.weight[0]] if h else [],
    }


def extra_of(cols):
    """the OctaveNetWeights.extra of a model on these row columns (45-54: soft; a pair C, C+12 of octave-net.ts --perc's rows: perc)"""
    tail = [c for c in cols if c >= 45]
    if tail == list(range(45, 55)):
        return ['soft']
    if WIDTH == 62 and tail == list(range(55, 62)):
        # octave-net.ts --soft --lock (helper tempo21): the 7 'lock' columns after the 10 soft ones; the product computes
        # them right after the 45 base inputs (OctaveNetWeights.extra ['lock'])
        return ['lock']
    if WIDTH == 62 and tail and set(tail) < set(range(55, 62)):
        # a part of the 'lock' group (helper tempo22's L2: 59-60, the onsets-per-beat columns): the product computes all 7,
        # the weights give the others 0 (pad_lock)
        return ['lock']
    if WIDTH == 74 and tail and set(tail) <= set(range(62, 74)):
        # octave-net.ts --soft --lock --stream (helper tempo28): the 12 'stream' columns after the 7 lock ones (or a part
        # of them, the others weighed 0 by pad_group); the product computes them right after the 45 base inputs
        # (OctaveNetWeights.extra ['stream'])
        return ['stream']
    if len(tail) == 2 and 45 <= tail[0] < 57 and tail[1] == tail[0] + 12:
        # octave-net.ts --perc (helper tempo17): one PercussiveShare figure v and v × log2(b / 120); the product's 'perc'
        # group must compute that figure (hpss.ts PERC_INPUT = column tail[0] − 45)
        print(f'perc group: figure column {tail[0]} (hpss.ts PERC_INPUT must be {tail[0] - 45})')
        return ['perc']
    if tail:
        sys.exit(f'columns {tail} are no input group of octave-net.ts (the drums pair 47,52 of tempo16 has none: not shipped)')
    return None


def pad_lock(W, cols):
    """helper tempo28: a part of the 'stream' group (62-73 of --soft --lock --stream rows) written as the whole group, as
    below for 'lock'"""
    tail = [c for c in cols if c >= 45]
    if WIDTH == 74 and tail and set(tail) < set(range(62, 74)):
        return pad_group(W, cols, list(range(62, 74)))
    return pad_lock7(W, cols)


def pad_group(W, cols, group):
    """weights on the base columns and a part of an input group written as the whole group: a column the model did not
    use gets mu 0, sd 1 and weight 0 everywhere, so octaveNetScore is the model's score exactly"""
    full = [c for c in cols if c < 45] + group
    at = {c: i for i, c in enumerate(cols)}

    def spread(v, fill):
        return [v[at[c]] if c in at else fill for c in full]
    W = dict(W, mu=spread(W['mu'], 0), sd=spread(W['sd'], 1), linear=spread(W['linear'], 0))
    W['w1'] = [spread(row, 0) for row in W['w1']]
    return W


def pad_lock7(W, cols):
    """helper tempo22: weights on the base columns and a part of the 'lock' group (55-61) written as the whole group (the
    product computes all 7 columns): a lock column the model did not use gets mu 0, sd 1 and weight 0 everywhere, so
    octaveNetScore is the model's score exactly"""
    tail = [c for c in cols if c >= 45]
    if WIDTH != 62 or not tail or tail == list(range(55, 62)) or not set(tail) < set(range(55, 62)):
        return W
    return pad_group(W, cols, list(range(55, 62)))


if args.oof:
    h, lam = args.oof.split(',')
    h = int(h)
    lam = float(lam)
    oname, ocols, ow = armof(args.oof_arm) if args.oof_arm else ('all', ALL, None)
    oextra = extra_of(ocols) if args.oof_arm else None
    fo = folds(1000)
    nets = []
    pk = [None] * len(rows)
    for k in range(5):
        tr = [r for r in (rows if args.noaug else ALLROWS) if fo[r['family']] != k]
        m = fit(tr, ocols, h, lam, seed=0, weights=ow)
        nets.append(pad_lock(weights_of(*m, h), ocols))
        if oextra:
            nets[-1]['extra'] = oextra
        te = [i for i, r in enumerate(rows) if fo[r['family']] == k]
        for i, b in zip(te, predict(m, [rows[i] for i in te], ocols)):
            pk[i] = b
    line(f'out-of-fold {oname} h{h} λ{lam}', [pk])
    files = {f"{r['set']}/{r['file']}": fo[r['family']] for r in rows}
    json.dump({'h': h, 'lambda': lam, 'nets': nets, 'files': files, 'families': fo, 'picks': {f"{r['set']}/{r['file']}": b for r, b in zip(rows, pk)}}, open(args.oof_out, 'w'))
    print(f'wrote {args.oof_out} ({len(files)} files in 5 folds)')

if args.write:
    h, lam = args.write.split(',')
    h = int(h)
    lam = float(lam)
    net, mu, sd = fit(rows if args.noaug else ALLROWS, ALL, h, lam)
    pk = predict((net, mu, sd), rows, ALL)
    line(f'in-sample all h{h} λ{lam}', [pk])
    W = weights_of(net, mu, sd, h)
    json.dump({'rows': [[r['set'], r['file'], b] for r, b in zip(rows, pk)]}, open(args.rows.replace('rows.json', 'insample.json'), 'w'))
    src = open('main/engine/analysis/octave-net-weights.ts').read()
    head = src[: src.index('export const OCTAVE_NET')]
    open('main/engine/analysis/octave-net-weights.ts', 'w').write(head + 'export const OCTAVE_NET: OctaveNetWeights = ' + json.dumps(W) + ';\n')
    print('wrote main/engine/analysis/octave-net-weights.ts')

if args.write_arm:
    h, lam = args.models.split(',')[0].split(':')
    h = int(h)
    lam = float(lam)
    name, cols, w = armof(args.write_arm)
    net, mu, sd = fit(rows if args.noaug else ALLROWS, cols, h, lam, weights=w)
    pk = predict((net, mu, sd), rows, cols)
    line(f'in-sample {name} h{h} λ{lam}', [pk])
    W = pad_lock(weights_of(net, mu, sd, h), cols)
    ex = extra_of(cols)
    if ex:
        W['extra'] = ex
    src = open('main/engine/analysis/octave-net-weights.ts').read()
    head = src[: src.index('export const OCTAVE_NET')]
    open(args.weights_out, 'w').write(head + 'export const OCTAVE_NET: OctaveNetWeights = ' + json.dumps(W) + ';\n')
    print('wrote', args.weights_out)

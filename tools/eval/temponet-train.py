#!/usr/bin/python3
"""A small learned tempo model over the log-lag tempogram (helper temponet17, issue 11, exploratory: nothing ships).

Input: temponet-features.py's npz (per row of octave-net.ts' rows.json: 6 tempogram channels on a log-tempo axis,
24 bins per octave, 20–480 BPM; truth, set, family, aug, the chooser's level T and candidates). The model: four 1-D
convolutions along the log-tempo axis (kernel 7, dilations 1, 2, 4, 8: receptive field ±45 bins, wider than ×3),
ReLU, a 1×1 convolution to one logit per bin, plus a learned per-bin bias (the tempo prior: the only part that is not
shift-equivariant). A time stretch of the audio by s is a shift of the input by −log2(s) octaves, so the stretched
copies (octave-net.ts --aug 0.8,0.88,1.12,1.25) and random shifts of ±SHIFT bins train the same filters at other
tempi. Output: a softmax over the bins from 30 to 320 BPM; loss: cross-entropy against a Gaussian (σ 1 bin) at the
truth's log-tempo. Channels are standardised by a scalar per channel (training rows), keeping the equivariance.

Ensemble (session 18, helper tnetcv18, decision18): --seeds S fits S nets per fit (net j of CV fold k under shuffle K
seeded 1000·j + 10·K + k; of the full fit 1000·j + 999), and the read is the MEAN over nets of each net's log_softmax
over the valid bins; every read below (net, snap, hyb3, hyb5) is taken from that mean log-probability. S = 1 is
temponet17's single net exactly.

Reads (tempo per file, originals only scored; stretched copies train only):
  net     argmax bin, refined by a parabola through the log-probabilities of the bin and its neighbours
  snap    net's tempo replaced by the nearest of the chooser's T × {1/3, 1/2, 1, 2, 3} when within 6 %
  hyb3    the net only chooses among the row's candidates (the shipped chooser's T/2, T, 2T): the candidate with the
          highest logit (linear interpolation between bins)
  hyb5    the same among T × {1/3, 1/2, 1, 2, 3} (those inside 30–320 BPM)
Family-grouped 5-fold CV with octave-net-train.py's folds (families of the original rows sorted, random.Random(1000 + K)
shuffle, family i → fold i mod 5), one fold shuffle K per --shuffle; Acc1 (±4 %) / Acc2 (also ×2, ×½, ×3, ×⅓) per set,
fast (truth > 160 BPM), pooled. --cpu: forward-pass CPU per audio second (one thread).

  nice -n 10 /usr/bin/python3 tools/eval/temponet-train.py --npz test/output/temponet17/tg.npz --shuffle 0 [--hidden 16]
      [--epochs 40] [--picks OUT.json]

Export (--export FILE: no CV, S nets fitted on every row less --no-train sets; --export-folds DIR under CV: DIR/fold-K.json
per fold and DIR/folds.json {"<set>/<file>": fold} for every original row). JSON, floats rounded to 7 significant digits:
  {"format": "resonance-tempo-net/1", "binsPerOctave": 24, "loBpm": 20, "hiBpm": 480, "bins": 111, "validBpm": [30, 320],
   "windowSec": 12, "hopSec": 6, "nfft": 8192,
   "channels": ["acfMean", "acfMax", "dftMean", "acfLow", "acfMid", "acfHigh"],
   "nets": [{"mu": [6], "sd": [6],
             "layers": [{"in": 6, "out": 16, "kernel": 7, "dilation": 1, "weight": [out·in·kernel], "bias": [out]},
                        ... dilation 2, 4, 8 (in 16, out 16) ..., {"in": 16, "out": 1, "kernel": 1, "dilation": 1, ...}],
             "prior": [111]}, ... one per net]}
Semantics (temponet_tg.forward is the numpy reference; the export checks it against torch, max |diff| printed):
  axis: bin b at loBpm · 2^(b / binsPerOctave), b = 0 … bins − 1; the input X [6, bins] is temponet_tg.tempogram() of the
    onset envelopes (channels in the order of "channels"; windowSec / hopSec / nfft as there).
  per net: h = (X − mu[c]) / sd[c] per channel c; then each layer in order: a 1-D convolution along the bin axis,
    y[o][t] = bias[o] + Σ_i Σ_j weight[(o·in + i)·kernel + j] · h[i][t + (j − (kernel − 1) / 2) · dilation]
    (torch Conv1d, w[o][i][k] flattened row-major; 'same' zero padding: h is 0 outside 0 … bins − 1, i.e. padding
    3 · dilation for kernel 7), ReLU after every layer except the last (the 1×1 to one channel); logits = y[0] + prior.
  valid bins: loBpm · 2^(b / 24) within [30 · 0.999, 320 · 1.001] BPM, i.e. b = 15 … 96 (30.84–320.0 BPM).
  read: per net log_softmax of the logits over the valid bins only; the ensemble's log-probability per valid bin is the
    mean of these over nets (−1e9 / −inf / null outside the valid bins).
Fixture for the TypeScript port: temponet-fixture.py (test/fixtures/tempo-net/).

  nice -n 5 /usr/bin/python3 tools/eval/temponet-train.py --epochs 30 --seeds 3 --shuffle K [--no-train soft,lmms] \
      [--picks P.json] [--export-folds DIR]
  nice -n 5 /usr/bin/python3 tools/eval/temponet-train.py --epochs 30 --seeds 3 [--no-train soft,lmms] --export full.json

Requires torch (1.13 here) and numpy; training tooling only.
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch

import temponet_tg as tg

torch.set_num_threads(1)
ap = argparse.ArgumentParser()
ap.add_argument('--npz', default='test/output/temponet17/tg.npz')
ap.add_argument('--shuffle', type=int, default=0)
ap.add_argument('--hidden', type=int, default=16)
ap.add_argument('--epochs', type=int, default=40)
ap.add_argument('--lr', type=float, default=3e-3)
ap.add_argument('--wd', type=float, default=1e-4)
ap.add_argument('--shift', type=int, default=2)
ap.add_argument('--channels', default='0,1,2,3,4,5')
ap.add_argument('--noaug', action='store_true')
ap.add_argument('--no-train', default='', help='SET,SET: rows of these sets scored under CV, never fitted (the shipped recipe never fits soft, lmms)')
ap.add_argument('--picks', help='write every original row\'s reads under CV (JSON)')
ap.add_argument('--cpu', action='store_true', help='fit on every row once, then time the forward pass on the originals')
ap.add_argument('--seeds', type=int, default=1, help='S: nets per fit (an ensemble; net j of fit k seeded 1000·j + k-th seed)')
ap.add_argument('--export', help='no CV: fit S nets on every row (less --no-train sets), write them to this JSON, exit')
ap.add_argument('--export-folds', help='under CV, also write each fold\'s ensemble to DIR/fold-K.json and DIR/folds.json '
                '({"<set>/<file>": fold} for every original row)')
ap.add_argument('--dump-logprob', help='under CV, write every original row\'s ensemble mean log-probability row (the fold ensemble '
                'that never saw its family; all bins, -1e9 outside 30-320 BPM) to this JSON: {"bpm": [bins], "rows": {"<set>/<file>": [bins]}} '
                '(helper poe18: the product of experts with the octave chooser, tools/eval/poe-score.py)')
args = ap.parse_args()

D = np.load(args.npz)
CH = [int(c) for c in args.channels.split(',')]
X = torch.tensor(D['X'][:, CH])
BPM = D['bpm']
NB = len(BPM)
BPO = round(1 / np.log2(BPM[1] / BPM[0]))
LO = BPM[0]
y = D['y']
SETN = [str(s) for s in D['set']]
FAM = [str(f) for f in D['family']]
AUG = D['aug']
T = D['T']
CANDS = D['cands']
orig = np.where(~AUG)[0]
families = sorted({FAM[i] for i in orig})
SETS = ['dev', 'dev2', 'synth', 'octave', 'sfshift', 'soft', 'lmms'] + [s for s in ('drums', 'drums2') if s in SETN]  # tempo-drums (tnet21; drums2: tnet26's families) when their rows are there
VALID = torch.tensor((BPM >= 30 * 0.999) & (BPM <= 320 * 1.001))
tbin = np.log2(y / LO) * BPO


def folds(seed):
    """octave-net-train.py folds(): the same family → fold map"""
    rnd = random.Random(seed)
    fs = families[:]
    rnd.shuffle(fs)
    return {f: i % 5 for i, f in enumerate(fs)}


def targets(idx, shift=None):
    b = np.arange(NB)[None, :]
    t = tbin[idx][:, None] + (0 if shift is None else shift[:, None])
    g = np.exp(-0.5 * (b - t) ** 2) * VALID.numpy()[None, :]
    g = g / np.maximum(g.sum(1, keepdims=True), 1e-12)
    return torch.tensor(g, dtype=torch.float32)


class TempoNet(torch.nn.Module):
    def __init__(self, cin, h):
        super().__init__()
        layers = []
        c = cin
        for d in (1, 2, 4, 8):
            layers += [torch.nn.Conv1d(c, h, 7, dilation=d, padding=3 * d), torch.nn.ReLU()]
            c = h
        layers.append(torch.nn.Conv1d(h, 1, 1))
        self.body = torch.nn.Sequential(*layers)
        self.prior = torch.nn.Parameter(torch.zeros(NB))
        self.register_buffer('mu', torch.zeros(cin, 1))
        self.register_buffer('sd', torch.ones(cin, 1))

    def forward(self, x):
        s = self.body((x - self.mu) / self.sd).squeeze(1) + self.prior
        return s.masked_fill(~VALID, -1e9)


def roll(x, k):
    """shift every row of x [n, c, NB] by k[i] bins (zeros shifted in)"""
    out = torch.zeros_like(x)
    for s in np.unique(k):
        m = torch.tensor(k == s)
        if s > 0:
            out[m, :, s:] = x[m, :, :-s]
        elif s < 0:
            out[m, :, :s] = x[m, :, -s:]
        else:
            out[m] = x[m]
    return out


def fit(tr, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tr = np.array([i for i in tr if 30 <= y[i] <= 320])
    net = TempoNet(len(CH), args.hidden)
    xt = X[tr]
    net.mu[:] = xt.mean((0, 2))[:, None]
    net.sd[:] = xt.std((0, 2))[:, None] + 1e-6
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, weight_decay=args.wd)
    bs = 64
    steps = args.epochs * ((len(tr) + bs - 1) // bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    for ep in range(args.epochs):
        perm = rng.permutation(len(tr))
        for a in range(0, len(tr), bs):
            idx = tr[perm[a:a + bs]]
            k = rng.integers(-args.shift, args.shift + 1, len(idx)) if args.shift else np.zeros(len(idx), int)
            xb = roll(X[idx], k)
            tb = targets(idx, k.astype(float))
            loss = -(tb * torch.log_softmax(net(xb), 1)).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return net


def bpm_at(b):
    return LO * 2 ** (b / BPO)


def logprob(nets, idx):
    """the ensemble's read: mean over nets of log_softmax over the valid bins → float64 [len(idx), NB] (≈ -1e9 outside)"""
    with torch.no_grad():
        return np.mean([torch.log_softmax(net(X[idx]), 1).double().numpy() for net in nets], 0)


def reads(nets, idx):
    lp = logprob(nets, idx)
    out = []
    for row, i in zip(lp, idx):
        b = int(np.argmax(row))
        fb = float(b)
        if 0 < b < NB - 1 and row[b - 1] > -1e8 and row[b + 1] > -1e8:
            den = row[b - 1] - 2 * row[b] + row[b + 1]
            if den < 0:
                fb = b + 0.5 * (row[b - 1] - row[b + 1]) / den
        net_b = bpm_at(fb)

        def score(bpm):
            p = np.log2(bpm / LO) * BPO
            return float(np.interp(p, np.arange(NB), row))

        mult = [T[i] * f for f in (1 / 3, 0.5, 1, 2, 3) if T[i] > 0 and 30 <= T[i] * f <= 320]
        near = min(mult, key=lambda c: abs(np.log(c / net_b)), default=None)
        snap = near if near is not None and abs(near / net_b - 1) <= 0.06 else net_b
        c3 = [c for c in CANDS[i] if c > 0]
        hyb3 = max(c3, key=score) if c3 else net_b
        hyb5 = max(mult, key=score) if mult else net_b
        out.append({'net': net_b, 'snap': snap, 'hyb3': hyb3, 'hyb5': hyb5})
    return out


def acc1(e, r):
    return abs(e - r) <= 0.04 * r


def acc2(e, r):
    return any(acc1(e, r * f) for f in (1, 2, 0.5, 3, 1 / 3))


def r7(v):
    """floats rounded to 7 significant digits (JSON export)"""
    return [float(f'{x:.7g}') for x in np.asarray(v, dtype=np.float64).reshape(-1)]


def export(nets, path):
    """write an ensemble as "resonance-tempo-net/1" JSON (format: module docstring), then check the numpy reference
    forward pass of the written file (temponet_tg.forward) against torch on 20 original rows"""
    assert CH == list(range(6)) and len(tg.axis(BPO, 20, 480)) == NB and np.allclose(tg.axis(BPO, 20, 480), BPM)
    assert (tg.WIN_S, tg.HOP_S) == (12, 6)
    out = {'format': 'resonance-tempo-net/1', 'binsPerOctave': BPO, 'loBpm': 20, 'hiBpm': 480, 'bins': NB,
           'validBpm': [30, 320], 'windowSec': 12, 'hopSec': 6, 'nfft': tg.NFFT, 'channels': tg.CHANNELS,
           'nets': []}
    for net in nets:
        layers = []
        for m in net.body:
            if isinstance(m, torch.nn.Conv1d):
                layers.append({'in': m.in_channels, 'out': m.out_channels, 'kernel': m.kernel_size[0],
                               'dilation': m.dilation[0], 'weight': r7(m.weight.detach()), 'bias': r7(m.bias.detach())})
        out['nets'].append({'mu': r7(net.mu), 'sd': r7(net.sd), 'layers': layers, 'prior': r7(net.prior.detach())})
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    model = json.load(open(path))
    chk = orig[:: max(1, len(orig) // 20)][:20]
    ref = logprob(nets, chk)
    valid = VALID.numpy()
    d = max(float(np.abs(tg.forward(model, D['X'][i])[valid] - r[valid]).max()) for i, r in zip(chk, ref))
    print(f'wrote {path}: {len(nets)} nets; numpy forward of the file vs torch, max |log-prob diff| {d:.2e} over {len(chk)} rows', flush=True)
    assert d < 1e-3


if args.export:
    NOTRAIN = set(args.no_train.split(',')) - {''}
    t0 = time.process_time()
    nets = [fit([i for i in range(len(y)) if SETN[i] not in NOTRAIN and (not args.noaug or not AUG[i])], 1000 * j + 999)
            for j in range(args.seeds)]
    print(f'fitted {args.seeds} nets on every row (no-train: {sorted(NOTRAIN)}): {time.process_time() - t0:.0f} s CPU')
    export(nets, args.export)
    raise SystemExit

if args.cpu:
    net = fit(list(range(len(y))) if not args.noaug else list(orig), 0)
    audio = float(D['audio_s']) if 'audio_s' in D else None
    t0 = time.process_time()
    for _ in range(3):
        with torch.no_grad():
            for a in range(0, len(orig), 1):
                net(X[orig[a:a + 1]])
    d = (time.process_time() - t0) / 3
    print(f'forward pass, one file at a time: {1000 * d / len(orig):.3f} ms CPU per file ({len(orig)} files); params {sum(p.numel() for p in net.parameters())}')
    raise SystemExit

NOTRAIN = set(args.no_train.split(',')) - {''}
fo = folds(1000 + args.shuffle)
pred = {}
lprows = {}
t0 = time.process_time()
for k in range(5):
    tr = [i for i in range(len(y)) if fo[FAM[i]] != k and (not args.noaug or not AUG[i]) and SETN[i] not in NOTRAIN]
    te = [i for i in orig if fo[FAM[i]] == k]
    nets = [fit(tr, 1000 * j + args.shuffle * 10 + k) for j in range(args.seeds)]
    for i, r in zip(te, reads(nets, te)):
        pred[i] = r
    if args.dump_logprob:
        for i, row in zip(te, logprob(nets, te)):
            lprows[f'{SETN[i]}/{D["fname"][i]}'] = [float(v) for v in row]
    if args.export_folds:
        os.makedirs(args.export_folds, exist_ok=True)
        export(nets, os.path.join(args.export_folds, f'fold-{k}.json'))
if args.export_folds:
    json.dump({f'{SETN[i]}/{D["fname"][i]}': fo[FAM[i]] for i in orig}, open(os.path.join(args.export_folds, 'folds.json'), 'w'), indent=0)
net = nets[0]
print(f'shuffle {args.shuffle}: 5 fits x {args.seeds} nets {time.process_time() - t0:.0f} s CPU; params {sum(p.numel() for p in net.parameters())} per net')
for kind in ('net', 'snap', 'hyb3', 'hyb5'):
    cells = []
    tot = [0, 0, 0, 0]
    for s in SETS:
        ii = [i for i in orig if SETN[i] == s]
        a1 = sum(acc1(pred[i][kind], y[i]) for i in ii)
        cells.append(f'{s} {a1}/{len(ii)}')
    ii = list(orig)
    a1 = sum(acc1(pred[i][kind], y[i]) for i in ii)
    a2 = sum(acc2(pred[i][kind], y[i]) for i in ii)
    fast = [i for i in ii if y[i] > 160]
    f1 = sum(acc1(pred[i][kind], y[i]) for i in fast)
    half = sum(acc1(pred[i][kind], 2 * y[i]) for i in ii)
    dbl = sum(acc1(pred[i][kind], y[i] / 2) for i in ii)
    print(f'{kind:5s} ' + ' | '.join(cells) + f' | all {a1}/{len(ii)} | fast {f1}/{len(fast)} | Acc2 {a2} | read 2x {half} ½ {dbl}', flush=True)
if args.dump_logprob:
    json.dump({'shuffle': args.shuffle, 'seeds': args.seeds, 'epochs': args.epochs, 'noTrain': sorted(NOTRAIN),
               'bpm': [float(b) for b in BPM], 'rows': lprows}, open(args.dump_logprob, 'w'))
if args.picks:
    json.dump({f'{SETN[i]}/{D["fname"][i]}': {**pred[i], 'truth': float(y[i]), 'T': float(T[i])} for i in orig}, open(args.picks, 'w'))

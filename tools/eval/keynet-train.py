#!/usr/bin/python3
"""keynet17 (session 17, issue 11; exploratory, nothing ships): a tiny transposition-equivariant key model over the
analyser's own per-frame chroma SEQUENCE, scored in family-grouped 5-fold CV against the shipped key decision.

Input: calibrate.ts --key-only --dev2 --frames DIR's dump (tonal.ts' per-frame chroma and bass chroma summed over blocks of
3 analysis frames, 0.557 s; the block energy and active share; the shipped key and its confidence; each file's set, family
and calibrate.ts' foldOf fold). Rows scored: the files with a trusted truth key (the 488 dev-side keyed files).

Per block t the input is 3 planes over the 12 pitch classes: the block chroma / its max, the bass chroma / its max, and
the block's loudness (log10 energy relative to the track's loudest block, /6, clipped to [-1, 0]) broadcast over the 12.
Pairs of blocks are summed (one step = 1.11 s). Model (KeyNet): a circular convolution over pitch (kernel 12, wrap-around:
exactly transposition-equivariant) × time (3), two per-pitch-class temporal convolutions (dilations 2, 4; residual), ReLU,
masked mean and max pooling over time, then two circular pitch convolutions to 2 planes (major, minor) × 12 tonics = 24
logits. Rotating the input's pitch axis by r rotates the 24
logits by r within each mode, so training on all 12 transpositions (done: a random roll per file and step) changes
nothing but is kept as the brief asks. Training: cross entropy, Adam, a fixed recipe (no early stopping), random crops
of the sequence (12 to 40 steps, 13 to 44 s) as augmentation; scoring reads the whole sequence. CV: the dump's fold (calibrate.ts foldOf(family): md5(family)[0] % 5),
3 seeds. Scored with keys.ts' mirexKeyScore (exact 1, fifth above 0.5, relative 0.3, parallel 0.2).

Ensemble "shipped unless the net is confident": the net's key replaces the shipped key when the net's top probability
>= tau; tau per test fold chosen on the other four folds' out-of-fold predictions (best MIREX there; ties to the larger
tau), never on the test fold.

  nice -n 10 /usr/bin/python3 tools/eval/keynet-train.py --frames test/output/keynet17/frames [--seeds 0,1,2] [--epochs 40] [--out test/output/keynet17/cv.json]
  nice -n 10 /usr/bin/python3 tools/eval/keynet-train.py --lopo --seeds N --out test/output/keynet17/cv-seedN.json   # after the CV run of seed N
  ... --arm bag --out test/output/keynet17/cv-bag-seedN.json [--lopo]   # the order-blind control (every kernel 1 step)

key23 (session 23, decision23 arm K2): the same net and recipe on K1's rows plus key-prog2 (prog-key-set.ts --seed 23
--songs 300 --treat: one seeded sox treatment per song), dumped by calibrate.ts --key-prog2:
  nice -n 10 /usr/bin/python3 tools/eval/keynet-train.py --frames test/output/key23/frames --pooled --arm seq --seeds 0 --outdir test/output/key23/cv
  nice -n 10 /usr/bin/python3 tools/eval/keynet-train.py --frames test/output/key23/frames --k2-report --outdir test/output/key23/cv \
    --k1-oof test/output/key23/k1-oof-seq-seed0.npz --k1-net test/output/key23/k1-key-net.json
  nice -n 10 /usr/bin/python3 tools/eval/keynet-train.py --frames test/output/key23/frames --final test/output/key23/key-net-k2.json --arm seq --seeds 0,1,2 --conf-map k2 --outdir test/output/key23/cv
"""
import argparse
import glob
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
# training crops: 12 to CROP_MAX steps (13 to 44 s); scoring reads the whole sequence
CROP_MAX = 40
# temporal kernel length (3; --arm bag: 1)
TK = 3


def mirex(ref, est):
    """keys.ts mirexKeyScore; keys as (tonic 0-11, mode 0 major / 1 minor); est None scores 0"""
    if est is None:
        return 0.0
    rt, rm = ref
    et, em = est
    if rm == em:
        if rt == et:
            return 1.0
        if (et - rt) % 12 == 7:
            return 0.5
        return 0.0
    if rm == 0 and em == 1 and et == (rt - 3) % 12:
        return 0.3
    if rm == 1 and em == 0 and et == (rt + 3) % 12:
        return 0.3
    if rt == et:
        return 0.2
    return 0.0


def kind(ref, est):
    if est is None:
        return 'none'
    s = mirex(ref, est)
    return {1.0: 'ok', 0.5: 'fifth', 0.3: 'relative', 0.2: 'parallel'}.get(s, 'fourth' if ref[1] == est[1] and (est[0] - ref[0]) % 12 == 5 else 'other')


def features(c, b, e, act):
    """one file's net input from the dump's blocks (c, b: blocks x 12 chroma / bass chroma sums; e: block energy; act:
    active share): blocks with no active frame left out (all kept when none is active), pairs of blocks summed (one step
    = 6 analysis frames = 1.11 s; an odd last block dropped when there are 2 or more), each step's chroma and bass chroma
    / their max, loudness log10(e / max e) / 6 clipped to [-1, 0]. Returns 3 x 12 x T (key-net.ts keyNetInput)."""
    keep = act > 0
    if keep.sum() == 0:
        keep[:] = True
    c, b, e = c[keep], b[keep], e[keep]
    n2 = len(e) // 2 * 2
    if n2 >= 2:
        c, b, e = c[:n2].reshape(-1, 2, 12).sum(1), b[:n2].reshape(-1, 2, 12).sum(1), e[:n2].reshape(-1, 2).mean(1)
    cn = c / np.maximum(c.max(1, keepdims=True), 1e-12)
    bn = b / np.maximum(b.max(1, keepdims=True), 1e-12)
    le = np.clip(np.log10(np.maximum(e, 1e-20) / max(e.max(), 1e-20)) / 6, -1, 0)
    x = np.stack([cn, bn, np.repeat(le[:, None], 12, 1)], 0)  # 3 x T x 12
    return x.transpose(0, 2, 1).astype(np.float32).copy()  # 3 x 12 x T


def load(frames_dir, every=False):
    """the dump's rows with a trusted truth key (every: all rows, y -1 where there is none)"""
    rows = []
    for p in sorted(glob.glob(os.path.join(frames_dir, '*__*.json'))):
        d = json.load(open(p))
        keyed = bool(d['truth'] and d['trusted'])
        if not keyed and not every:
            continue
        nb = d['blocks']
        if nb == 0:
            continue
        c = np.array(d['chroma'], np.float32).reshape(nb, 12)
        b = np.array(d['bass'], np.float32).reshape(nb, 12)
        e = np.array(d['energy'], np.float32)
        act = np.array(d['activeShare'], np.float32)
        t = d['truth']
        k = d['key']
        rows.append(dict(set=d['set'], file=d['file'], family=d['family'], fold=d['fold'], x=features(c, b, e, act), keyed=keyed,
                         category=d.get('category'), trusted=bool(d['trusted']),
                         y=(t['tonic'] + 12 * (t['mode'] == 'minor')) if keyed else -1, truth=(t['tonic'], int(t['mode'] == 'minor')) if keyed else None,
                         ship=None if k is None else (k['tonic'], int(k['mode'] == 'minor')), conf=d['confidence'],
                         secs=d['blocks'] * d['hopSec']))
    return rows


class CircTimeConv(nn.Module):
    """a convolution over (pitch: 12, circular, full width) × (time: kernel 3, dilation d, zero padded 'same')"""

    def __init__(self, cin, cout, dil, tk=3):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, (12, tk), dilation=(1, dil))
        self.dil = dil if tk == 3 else 0

    def forward(self, x):  # B × C × 12 × T
        x = torch.cat([x, x[:, :, :11]], 2)
        x = F.pad(x, (self.dil, self.dil, 0, 0))
        return self.conv(x)


class KeyNet(nn.Module):
    """l1: circular pitch (12) × time (3) convolution; l2, l3: per pitch class temporal convolutions (pitch kernel 1 —
    equivariant too; the full-width pitch kernel there cost 6× the time on this shared CPU), dilations 2 and 4, residual;
    masked mean + max pooling over time; then two circular pitch convolutions (kernel 12) to 2 × 12 logits"""

    def __init__(self, ch=16, tk=3):
        super().__init__()
        # tk 1 (--arm bag): every kernel 1 step long, so the model is blind to the order of the steps (a control)
        self.l1 = CircTimeConv(3, ch, 1, tk)
        self.l2 = nn.Conv2d(ch, ch, (1, tk), dilation=(1, 2), padding=(0, 2 if tk == 3 else 0))
        self.l3 = nn.Conv2d(ch, ch, (1, tk), dilation=(1, 4), padding=(0, 4 if tk == 3 else 0))
        self.p1 = nn.Conv1d(2 * ch, ch, 12)
        self.head = nn.Conv1d(ch, 2, 12)
        self.drop = nn.Dropout(0.2)

    def forward(self, x, mask):  # x B × 3 × 12 × T, mask B × T (1 where real)
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h)) + h
        h = F.relu(self.l3(h)) + h
        m = mask[:, None, None, :]
        mean = (h * m).sum(3) / m.sum(3).clamp(min=1)
        mx = (h + (m - 1) * 1e4).max(3).values
        z = self.drop(torch.cat([mean, mx], 1))  # B × 2ch × 12
        z = F.relu(self.p1(torch.cat([z, z[:, :, :11]], 2)))
        out = self.head(torch.cat([z, z[:, :, :11]], 2))  # B × 2 × 12: out[b, mode, tonic]
        return out.reshape(out.shape[0], 24)  # majors 0-11, minors 12-23


def batchify(xs, rng=None, crop=False, roll=False):
    seqs, ys = [], []
    for x, y in xs:
        T = x.shape[2]
        if crop and T > 12:
            L = int(rng.integers(12, min(T, CROP_MAX) + 1))
            s = int(rng.integers(0, T - L + 1))
            x = x[:, :, s:s + L]
        if roll:
            r = int(rng.integers(0, 12))
            x = np.roll(x, r, 1)
            y = (y % 12 + r) % 12 + 12 * (y // 12)
        seqs.append(x)
        ys.append(y)
    T = max(s.shape[2] for s in seqs)
    X = np.zeros((len(seqs), 3, 12, T), np.float32)
    M = np.zeros((len(seqs), T), np.float32)
    for i, s in enumerate(seqs):
        X[i, :, :, :s.shape[2]] = s
        M[i, :s.shape[2]] = 1
    return torch.from_numpy(X), torch.from_numpy(M), torch.tensor(ys)


def train(tr, seed, epochs, bs=16, lr=3e-3):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = KeyNet(tk=TK)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * math.ceil(len(tr) / bs))
    data = [(r['x'], r['y']) for r in tr]
    for ep in range(epochs):
        net.train()
        order = rng.permutation(len(data))
        for i in range(0, len(order), bs):
            X, M, Y = batchify([data[j] for j in order[i:i + bs]], rng, crop=True, roll=True)
            loss = F.cross_entropy(net(X, M), Y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return net


def predict(net, rows):
    net.eval()
    P = []
    with torch.no_grad():
        for r in rows:
            X, M, _ = batchify([(r['x'], r['y'])])
            P.append(torch.softmax(net(X, M), 1)[0].numpy())
    return np.array(P)


def key_of(i):
    return (int(i) % 12, int(i) // 12)


# build-set.ts progression(): the 4 progressions of dev, dev2, octave, synth (by key-set.ts' names; its i-VI-III-VII is
# build-set's i-VI-III-V7 but for the last chord, so it counts as seen too)
BUILD_PROGS = {'I-vi-IV-V', 'I-IV-V7-I', 'i-iv-V7-i', 'i-VI-III-VII'}


def lopo(rows, seeds, epochs, out):
    """Leave-progression-out: the key-set files whose progression (key-set manifest) is none of build-set's 4, in 5
    groups of progressions; per group the net is trained on every row that is neither in it nor of a family in it
    (so the progression AND the groove are unseen) and scores the group. Against the shipped key on the same files,
    and beside it the family-grouped CV's net on the same files (oof-seed*.npy of the main run, if there)."""
    man = json.load(open('test/output/key-set/manifest.json'))['items']
    prog = {x['file']: x.get('progression') for x in man if x['set'] == 'dev'}
    novel = sorted({prog.get(r['file']) for r in rows if r['set'] == 'keyset' and prog.get(r['file']) and prog.get(r['file']) not in BUILD_PROGS})
    group = {p: i % 5 for i, p in enumerate(novel)}
    test_idx = [i for i, r in enumerate(rows) if r['set'] == 'keyset' and prog.get(r['file']) in group]
    seen_idx = [i for i, r in enumerate(rows) if r['set'] == 'keyset' and prog.get(r['file']) in BUILD_PROGS]
    print(f'lopo: {len(novel)} progressions not in build-set ({novel}), {len(test_idx)} key-set files; {len(seen_idx)} key-set files on build-set progressions')
    ship = lambda idx: sum(mirex(rows[i]['truth'], rows[i]['ship']) for i in idx)
    res = {'n': len(test_idx), 'shipped': ship(test_idx), 'seeds': {}}
    for seed in seeds:
        t0 = time.time()
        pred = {}
        for g in range(5):
            te = [i for i in test_idx if group[prog[rows[i]['file']]] == g]
            fams = {rows[i]['family'] for i in te}
            tr = [r for i, r in enumerate(rows) if r['family'] not in fams and i not in te]
            net = train(tr, seed * 100 + 50 + g, epochs)
            for i, p in zip(te, predict(net, [rows[i] for i in te])):
                pred[i] = key_of(p.argmax())
            print(f'  seed {seed} group {g} done: {len(te)} test, {len(tr)} train ({time.time() - t0:.0f} s)', flush=True)
        sc = sum(mirex(rows[i]['truth'], pred[i]) for i in test_idx)
        line = f'seed {seed}: unseen progressions ({len(test_idx)} key-set files): net {sc:.1f}, right {sum(mirex(rows[i]["truth"], pred[i]) == 1 for i in test_idx)}; shipped {ship(test_idx):.1f}, right {sum(mirex(rows[i]["truth"], rows[i]["ship"]) == 1 for i in test_idx)}'
        oof = os.path.join(os.path.dirname(out), f'oof-seed{seed}{"-bag" if TK == 1 else ""}.npy')
        if os.path.exists(oof):
            P = np.load(oof)
            cv = lambda idx: sum(mirex(rows[i]['truth'], key_of(P[i].argmax())) for i in idx)
            line += f'; family-CV net on the same files {cv(test_idx):.1f}, on the {len(seen_idx)} build-set-progression key-set files {cv(seen_idx):.1f} (shipped {ship(seen_idx):.1f})'
        print(line)
        res['seeds'][seed] = {'net': sc, 'per_prog': {p: [round(sum(mirex(rows[i]['truth'], pred[i]) for i in test_idx if prog[rows[i]['file']] == p), 1), round(ship([i for i in test_idx if prog[rows[i]['file']] == p]), 1)] for p in novel}}
        print('  per progression net / shipped: ' + ', '.join(f'{p} {v[0]} / {v[1]}' for p, v in res['seeds'][seed]['per_prog'].items()))
    json.dump(res, open(out.replace('.json', '-lopo.json'), 'w'), indent=1)


def prog_kinds(rows, idx, manifest):
    """the keyprog rows' kinds from prog-key-set.ts' manifest: mode, cadential, starts on the tonic"""
    if not idx:
        return {}
    man = {x['file']: x for x in json.load(open(manifest))['items']}
    groups = {'all': lambda m: True, 'major': lambda m: m['key']['mode'] == 'major', 'minor': lambda m: m['key']['mode'] == 'minor',
              'cadential': lambda m: m['cadential'], 'non-cadential': lambda m: not m['cadential'],
              'tonic start': lambda m: m['startsTonic'], 'starts away': lambda m: not m['startsTonic'],
              'non-cad, away': lambda m: not m['cadential'] and not m['startsTonic']}
    return {g: [i for i in idx if f(man[rows[i]['file']])] for g, f in groups.items()}


def prog(rows, seeds, epochs, out, phases, manifest):
    """keydata18: prog-key-set.ts' renders (set keyprog), every progression unseen by the old rows.
    (a) the net trained on every OLD dev-side row (not keyprog; one fit per seed) scores every keyprog row;
    (b) progression-grouped 5-fold CV on keyprog (the dump's fold: calibrate.ts foldOf of the progression family), each
        fold's net trained on every old row plus the keyprog rows of the other four folds.
    Against the shipped key on the same rows, per kind (prog_kinds). Each (phase, seed) writes its own JSON as it ends."""
    old = [r for r in rows if r['set'] != 'keyprog']
    new = [i for i, r in enumerate(rows) if r['set'] == 'keyprog']
    arm = 'bag' if TK == 1 else 'seq'
    kinds = prog_kinds(rows, new, manifest)
    ship = lambda idx: sum(mirex(rows[i]['truth'], rows[i]['ship']) for i in idx)
    print(f'prog: {len(old)} old rows, {len(new)} keyprog rows ({len({rows[i]["family"] for i in new})} families; folds '
          f'{[sum(rows[i]["fold"] == f for i in new) for f in range(5)]}); shipped MIREX on keyprog {ship(new):.1f}')

    def report(tag, seed, pred):
        res = {'arm': arm, 'phase': tag, 'seed': seed, 'n': len(new), 'per': {}}
        for g, idx in kinds.items():
            net = sum(mirex(rows[i]['truth'], pred[i]) for i in idx)
            res['per'][g] = {'n': len(idx), 'net': round(net, 1), 'ship': round(ship(idx), 1),
                             'net_right': sum(mirex(rows[i]['truth'], pred[i]) == 1 for i in idx), 'ship_right': sum(mirex(rows[i]['truth'], rows[i]['ship']) == 1 for i in idx)}
        k = {}
        for i in new:
            kk = kind(rows[i]['truth'], pred[i])
            k[kk] = k.get(kk, 0) + 1
        res['kinds'] = k
        # per file: the net's key (tonic, 1 if minor)
        res['pred'] = {rows[i]['file']: list(pred[i]) for i in new}
        print(f'{arm} ({tag}) seed {seed}: ' + '; '.join(f'{g} {v["net"]} vs shipped {v["ship"]} of {v["n"]}' for g, v in res['per'].items()) + f'; kinds {k}', flush=True)
        json.dump(res, open(out.replace('.json', f'-{arm}-{tag}-seed{seed}.json'), 'w'), indent=1)

    for ph in phases:
        for seed in seeds:
            t0 = time.time()
            pred = {}
            if ph == 'a':
                # the fit on the old rows does not depend on keyprog: kept (and reused) beside the report
                pt = out.replace('.json', f'-{arm}-a-seed{seed}.pt')
                if os.path.exists(pt):
                    net = KeyNet(tk=TK)
                    net.load_state_dict(torch.load(pt))
                else:
                    net = train(old, seed * 100 + 70, epochs)
                    torch.save(net.state_dict(), pt)
                if not new:
                    print(f'  {arm} (a) seed {seed}: fitted on {len(old)} old rows ({time.time() - t0:.0f} s), no keyprog rows yet', flush=True)
                    continue
                for i, p in zip(new, predict(net, [rows[i] for i in new])):
                    pred[i] = key_of(p.argmax())
            else:
                for f in range(5):
                    te = [i for i in new if rows[i]['fold'] == f]
                    tr = old + [rows[i] for i in new if rows[i]['fold'] != f]
                    net = train(tr, seed * 100 + 80 + f, epochs)
                    for i, p in zip(te, predict(net, [rows[i] for i in te])):
                        pred[i] = key_of(p.argmax())
                    print(f'  {arm} (b) seed {seed} fold {f} done: {len(te)} test, {len(tr)} train ({time.time() - t0:.0f} s)', flush=True)
            print(f'  {arm} ({ph}) seed {seed}: {time.time() - t0:.0f} s', flush=True)
            report(ph, seed, pred)


# ---- knet22 (session 22, decision22 arm K1): the net in the product --------------------------------------------------
# decision22's tau grid (1.01 = never: the shipped key always)
K1_TAUS = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
# calibrate.ts NO_KEY: rows whose truth is "no key" (any key stated is wrong)
NO_KEY_CATS = {'percussion', 'beatless'}
MIN_CONFIDENCE = 0.5


def pooled(rows, seed, epochs, outdir):
    """decision22's arm choice: 5-fold CV (the dump's fold, calibrate.ts foldOf) over ALL keyed rows (old dev-side + keyprog);
    fold f's net (seed*100 + f, as the plain CV) is trained on the other folds' keyed rows and predicts EVERY row of fold f
    (keyed or not: the no-key rows' confidences). Saves the out-of-fold probabilities (rows x 24) as OUTDIR/oof-ARM-seedS.npz."""
    arm = 'bag' if TK == 1 else 'seq'
    P = np.zeros((len(rows), 24), np.float32)
    t0 = time.time()
    for f in range(5):
        tr = [r for r in rows if r['keyed'] and r['fold'] != f]
        te = [i for i, r in enumerate(rows) if r['fold'] == f]
        net = train(tr, seed * 100 + f, epochs)
        P[te] = predict(net, [rows[i] for i in te])
        print(f'  {arm} seed {seed} fold {f}: {len(tr)} train, {len(te)} predicted ({time.time() - t0:.0f} s)', flush=True)
    os.makedirs(outdir, exist_ok=True)
    np.savez(os.path.join(outdir, f'oof-{arm}-seed{seed}.npz'), P=P, files=np.array([r['set'] + '/' + r['file'] for r in rows]))
    return P


def reliability(p, y, width=0.2):
    """calibrate.ts reliability(): ECE over bins of 0.2"""
    nb = round(1 / width)
    ece = 0.0
    for b in range(nb):
        idx = [i for i in range(len(p)) if min(nb - 1, int(math.floor(p[i] / width))) == b]
        if idx:
            ece += len(idx) / len(p) * abs(sum(p[i] for i in idx) / len(idx) - sum(y[i] for i in idx) / len(idx))
    return ece


def logistic(Z, y):
    """a logistic p = sigmoid(Z w + c) (Z: rows x k inputs), fitted by Newton with step halving (log loss, a 1e-6
    ridge); returns [w..., c]"""
    Z = np.column_stack([np.asarray(Z, np.float64), np.ones(len(y))])
    y = np.asarray(y, np.float64)
    th = np.zeros(Z.shape[1])

    def loss(t):
        u = Z @ t
        return float(np.sum(np.logaddexp(0, u) - y * u) + 0.5e-6 * t @ t)

    for _ in range(100):
        q = 1 / (1 + np.exp(-np.clip(Z @ th, -50, 50)))
        g = Z.T @ (q - y) + 1e-6 * th
        H = (Z * (q * (1 - q) + 1e-12)[:, None]).T @ Z + 1e-6 * np.eye(Z.shape[1])
        step = np.linalg.solve(H, g)
        f0, a = loss(th), 1.0
        while a > 1e-6 and loss(th - a * step) > f0:
            a /= 2
        th = th - a * step
        if abs(a * step).max() < 1e-10:
            break
    return [float(v) for v in th]


def logit(p):
    p = np.clip(np.asarray(p, np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def k1_report(rows, outdir, seed=0):
    """decision22: arm choice (pooled CV MIREX over every keyed row, seq vs bag, tie seq), per set; the tau sweep on the
    winner's out-of-fold rows (ties to the larger tau); the net's key only where the shipped analyser states one; the
    confidence (a one-input logistic on logit(top p), fitted out of fold: fold f's map on the other folds' rows where the
    net's key is used) against the shipped confidence: pooled / per-set ECE (calibrate.ts' rows: a stated key, truth
    trusted or NO_KEY) and the no-key rows stated >= MIN_CONFIDENCE."""
    keyed = [i for i, r in enumerate(rows) if r['keyed']]
    sets = sorted({rows[i]['set'] for i in keyed})
    res = {'n': len(keyed), 'sets': sets}
    sc = lambda i, k: mirex(rows[i]['truth'], k) if rows[i]['keyed'] else 0.0
    ship = {s: sum(sc(i, rows[i]['ship']) for i in keyed if rows[i]['set'] == s) for s in sets}
    ship_all = sum(ship.values())
    print(f'{len(keyed)} keyed rows, {len(rows)} rows in all; folds {[sum(rows[i]["fold"] == f for i in keyed) for f in range(5)]}')
    print(f'shipped: pooled MIREX {ship_all:.1f}/{len(keyed)} (right {sum(sc(i, rows[i]["ship"]) == 1 for i in keyed)}); ' + ', '.join(f'{s} {v:.1f}/{sum(rows[i]["set"] == s for i in keyed)}' for s, v in ship.items()))
    res['shipped'] = {'all': ship_all, **ship}
    arms = {}
    for arm in ('seq', 'bag'):
        f = os.path.join(outdir, f'oof-{arm}-seed{seed}.npz')
        if not os.path.exists(f):
            print(f'  ({f} missing)')
            continue
        d = np.load(f)
        assert list(d['files']) == [r['set'] + '/' + r['file'] for r in rows], 'the dump changed since the CV run'
        arms[arm] = d['P']
    res['arms'] = {}
    for arm, P in arms.items():
        nk = lambda i: key_of(P[i].argmax()) if rows[i]['ship'] is not None else None
        per = {s: sum(sc(i, nk(i)) for i in keyed if rows[i]['set'] == s) for s in sets}
        tot = sum(per.values())
        res['arms'][arm] = {'all': tot, 'right': sum(sc(i, nk(i)) == 1 for i in keyed), **per}
        print(f'{arm} seed {seed}: pooled CV MIREX {tot:.1f} (right {res["arms"][arm]["right"]}; shipped {ship_all:.1f}); ' + ', '.join(f'{s} {per[s]:.1f} ({per[s] - ship[s]:+.1f})' for s in sets))
    if not arms:
        return res
    win = 'seq' if 'seq' in arms and ('bag' not in arms or res['arms']['seq']['all'] >= res['arms']['bag']['all']) else 'bag'
    print(f'arm chosen (decision22: higher pooled CV MIREX, tie seq): {win}')
    res['winner'] = win
    P = arms[win]
    top = P.max(1)
    nkey = [key_of(p.argmax()) for p in P]

    def pick(i, tau):
        return nkey[i] if rows[i]['ship'] is not None and top[i] >= tau else rows[i]['ship']

    sweep = {}
    for tau in K1_TAUS:
        per = {s: sum(sc(i, pick(i, tau)) for i in keyed if rows[i]['set'] == s) for s in sets}
        sweep[tau] = {'all': sum(per.values()), 'right': sum(sc(i, pick(i, tau)) == 1 for i in keyed), 'used': int(sum(rows[i]['ship'] is not None and top[i] >= tau for i in keyed)), **per}
        print(f'  tau {"never" if tau > 1 else tau}: pooled MIREX {sweep[tau]["all"]:.1f} (right {sweep[tau]["right"]}, net used on {sweep[tau]["used"]}); ' + ', '.join(f'{s} {per[s]:.1f}' for s in sets))
    tau = max(K1_TAUS, key=lambda t: (round(sweep[t]['all'], 6), t))
    print(f'tau chosen (decision22: max pooled out-of-fold MIREX, ties larger): {"never" if tau > 1 else tau}')
    res['sweep'] = {str(t): v for t, v in sweep.items()}
    res['tau'] = tau
    # the confidence, stated before any figure on these rows (knet22, 05:10 UTC): where the net's key is used,
    # sigmoid(a logit(p_net) + b logit(c_shipped) + c) — the net's top probability and the shipped map's confidence (which
    # holds the no-key cues: pitched share, spread, ...; the net has none) — fitted out of fold (fold f's map on the other
    # folds' rows) on calibrate.ts' ECE rows where the net's key is used: a trusted truth key (y: the net's key exactly
    # right) or a NO_KEY category (y 0). Beside it, for information only: the one-input map on logit(p_net), keyed rows.
    used = lambda i: rows[i]['ship'] is not None and top[i] >= tau
    calrow = lambda i: rows[i]['trusted'] or rows[i]['category'] in NO_KEY_CATS
    yright = lambda i: float(rows[i]['keyed'] and mirex(rows[i]['truth'], nkey[i]) == 1)
    zin = lambda idx: np.column_stack([logit(top[idx]), logit([rows[i]['conf'] for i in idx])])
    conf = np.array([r['conf'] for r in rows], np.float64)
    conf1 = conf.copy()
    capped = conf.copy()
    ths, th1s = [], []
    for f in range(5):
        tr = [i for i, r in enumerate(rows) if r['fold'] != f and used(i) and calrow(i)]
        th = logistic(zin(tr), [yright(i) for i in tr])
        tr1 = [i for i in tr if rows[i]['keyed']]
        th1 = logistic(logit(top[tr1])[:, None], [yright(i) for i in tr1])
        ths.append(th)
        th1s.append(th1)
        for i, r in enumerate(rows):
            if r['fold'] == f and used(i):
                conf[i] = float(1 / (1 + np.exp(-(zin([i])[0] @ np.array(th[:2]) + th[2]))))
                # the product's map (key-net.ts keyNetConfidence): capped at the shipped confidence where that is under
                # MIN_CONFIDENCE — added AFTER the uncapped map (stated first, above) failed decision22's no-key clause here
                capped[i] = min(conf[i], r['conf']) if r['conf'] < MIN_CONFIDENCE else conf[i]
                conf1[i] = float(1 / (1 + np.exp(-np.clip(th1[0] * logit(top[i]) + th1[1], -50, 50))))
    trall = [i for i, r in enumerate(rows) if used(i) and calrow(i)]
    th_all = logistic(zin(trall), [yright(i) for i in trall])
    print(f'confidence map (two inputs: logit p_net, logit c_shipped; bias) per fold {[[round(v, 3) for v in t] for t in ths]}; on every row ({len(trall)}): {[round(v, 4) for v in th_all]}')
    print(f'  (information: one-input map on logit p_net per fold {[[round(v, 3) for v in t] for t in th1s]})')
    res['conf_map'] = th_all
    res['conf_map_folds'] = ths

    def ece_of(kfun, cfun, s=None):
        cal = [i for i, r in enumerate(rows) if (s is None or r['set'] == s) and kfun(i) is not None and (r['trusted'] or r['category'] in NO_KEY_CATS)]
        p = [cfun(i) for i in cal]
        y = [1.0 if rows[i]['keyed'] and mirex(rows[i]['truth'], kfun(i)) == 1 else 0.0 for i in cal]
        stated = sum(1 for i, q in zip(cal, p) if rows[i]['category'] in NO_KEY_CATS and not rows[i]['trusted'] and q >= MIN_CONFIDENCE)
        return (reliability(p, y) if cal else 0.0), len(cal), stated

    allsets = sorted({r['set'] for r in rows})
    e0 = ece_of(lambda i: rows[i]['ship'], lambda i: rows[i]['conf'])
    e3 = ece_of(lambda i: pick(i, tau), lambda i: conf[i])
    e0 = ece_of(lambda i: rows[i]['ship'], lambda i: rows[i]['conf'])
    print(f'key ECE pooled (out of fold), the map stated first (uncapped): {e3[0]:.4f} (n {e3[1]}, no-key >= {MIN_CONFIDENCE}: {e3[2]}; shipped {e0[0]:.4f}, {e0[2]}) -> '
          f'{"PASS" if e3[0] <= e0[0] + 0.01 and e3[2] <= e0[2] else "FAIL"}')
    res['ece_uncapped'] = e3
    conf = capped
    e1 = ece_of(lambda i: pick(i, tau), lambda i: conf[i])
    e2 = ece_of(lambda i: pick(i, tau), lambda i: conf1[i])
    print(f'key ECE pooled (out of fold), the product map (capped): shipped {e0[0]:.4f} (n {e0[1]}, no-key >= {MIN_CONFIDENCE}: {e0[2]}); K1 {e1[0]:.4f} (n {e1[1]}, no-key >= {MIN_CONFIDENCE}: {e1[2]}) '
          f'-> confidence clause {"PASS" if e1[0] <= e0[0] + 0.01 and e1[2] <= e0[2] else "FAIL"}; (information: one-input map {e2[0]:.4f}, no-key >= {MIN_CONFIDENCE}: {e2[2]})')
    res['conf_clause'] = bool(e1[0] <= e0[0] + 0.01 and e1[2] <= e0[2])
    res['ece'] = {'shipped': e0, 'k1': e1, 'per': {}}
    for s in allsets:
        a0 = ece_of(lambda i: rows[i]['ship'], lambda i: rows[i]['conf'], s)
        a1 = ece_of(lambda i: pick(i, tau), lambda i: conf[i], s)
        res['ece']['per'][s] = (a0, a1)
        print(f'  {s}: ECE shipped {a0[0]:.4f} -> K1 {a1[0]:.4f} (n {a0[1]} / {a1[1]}; no-key >= {MIN_CONFIDENCE} {a0[2]} -> {a1[2]})')
    # the no-key rows outside NO_KEY_CATS (e.g. keyless: any key stated is wrong): stated >= MIN_CONFIDENCE
    for s in allsets:
        nk_rows = [i for i, r in enumerate(rows) if r['set'] == s and not r['keyed']]
        if nk_rows:
            a = sum(1 for i in nk_rows if rows[i]['ship'] is not None and rows[i]['conf'] >= MIN_CONFIDENCE)
            b = sum(1 for i in nk_rows if pick(i, tau) is not None and conf[i] >= MIN_CONFIDENCE)
            print(f'  {s}: {len(nk_rows)} rows without a trusted key; stated >= {MIN_CONFIDENCE}: shipped {a}, K1 {b}')
    # g3 (decision22): pooled >= shipped + 3.0, keyprog >= shipped, no old set lower by > 1.0
    k1 = sweep[tau]
    g3 = k1['all'] >= ship_all + 3.0 and ('keyprog' not in ship or k1['keyprog'] >= ship['keyprog']) and all(k1[s] >= ship[s] - 1.0 for s in sets if s != 'keyprog')
    print(f'g3: pooled {k1["all"]:.1f} vs shipped {ship_all:.1f} + 3.0; keyprog {k1.get("keyprog", 0):.1f} vs {ship.get("keyprog", 0):.1f}; old sets ' + ', '.join(f'{s} {k1[s] - ship[s]:+.1f}' for s in sets if s != 'keyprog') + f' -> {"PASS" if g3 else "FAIL"}')
    res['g3'] = g3
    json.dump(res, open(os.path.join(outdir, 'k1-report.json'), 'w'), indent=1, default=float)
    return res


# ---- key23 (session 23, decision23 arm K2): the key net trained with timbre-augmented, more varied progressions -------
K2_SET = 'keyprog2'


def load_net(path):
    """a resonance-key-net/1 file (key-net.json) as torch KeyNets: (nets, tk, tau, [confNet, confShipped, confBias])"""
    d = json.load(open(path))
    nets = []
    for w in d['nets']:
        n = KeyNet(tk=d['tk'])
        n.load_state_dict({k: torch.tensor(np.array(v['data'], np.float32).reshape(v['shape'])) for k, v in w.items()})
        nets.append(n.eval())
    return nets, d['tk'], d['tau'], [d['confNet'], d['confShipped'], d['confBias']]


def predict_ens(nets, rows):
    """the ensemble's probability (the mean of its nets' softmax, as key-net.ts keyNetProbabilities)"""
    return np.mean([predict(n, rows) for n in nets], 0)


def decide(rows, P, tau, idx, folds=True, cm=None):
    """the product's decision on rows idx from probabilities P (rows x 24): the net's key where the profile key is stated
    and the top p >= tau, else the profile key; confidence where the net's key is used: sigmoid(a logit p + b logit c +
    c0), capped at the profile confidence under MIN_CONFIDENCE (key-net.ts keyNetConfidence). folds: the map fitted out
    of fold as --k1-report (fold f's map on idx's other folds' rows where the net is used and the row is an ECE row);
    else the given map cm. Returns (keys, confidences, map on every row of idx or cm, per-fold maps)."""
    top = P.max(1)
    nkey = [key_of(p.argmax()) for p in P]
    used = lambda i: rows[i]['ship'] is not None and top[i] >= tau
    keys = {i: (nkey[i] if used(i) else rows[i]['ship']) for i in idx}
    conf = {i: rows[i]['conf'] for i in idx}
    calrow = lambda i: rows[i]['trusted'] or rows[i]['category'] in NO_KEY_CATS
    yright = lambda i: float(rows[i]['keyed'] and mirex(rows[i]['truth'], nkey[i]) == 1)
    zin = lambda ii: np.column_stack([logit(top[ii]), logit([rows[i]['conf'] for i in ii])])

    def cmap(i, th):
        c = float(1 / (1 + np.exp(-(zin([i])[0] @ np.array(th[:2]) + th[2]))))
        return min(c, rows[i]['conf']) if rows[i]['conf'] < MIN_CONFIDENCE else c

    ths = []
    if folds:
        for f in range(5):
            tr = [i for i in idx if rows[i]['fold'] != f and used(i) and calrow(i)]
            th = logistic(zin(tr), [yright(i) for i in tr])
            ths.append(th)
            for i in idx:
                if rows[i]['fold'] == f and used(i):
                    conf[i] = cmap(i, th)
        tr = [i for i in idx if used(i) and calrow(i)]
        cm = logistic(zin(tr), [yright(i) for i in tr])
    else:
        for i in idx:
            if used(i):
                conf[i] = cmap(i, cm)
    return keys, conf, cm, ths


def ece_rows(rows, keys, conf, idx):
    """calibrate.ts' key ECE rows among idx (a stated key; truth trusted or a NO_KEY category): (ECE, n, no-key rows
    stated >= MIN_CONFIDENCE)"""
    cal = [i for i in idx if keys[i] is not None and (rows[i]['trusted'] or rows[i]['category'] in NO_KEY_CATS)]
    p = [conf[i] for i in cal]
    y = [1.0 if rows[i]['keyed'] and mirex(rows[i]['truth'], keys[i]) == 1 else 0.0 for i in cal]
    stated = sum(1 for i in cal if rows[i]['category'] in NO_KEY_CATS and not rows[i]['trusted'] and conf[i] >= MIN_CONFIDENCE)
    return (reliability(p, y) if cal else 0.0), len(cal), stated


def k2_report(rows, outdir, k1_oof, k1_net, manifest2):
    """decision23 arm K2 (seq, K1's hyper-parameters) from OUTDIR/oof-seq-seed0.npz (--pooled over every keyed row: K1's
    773 + key-prog2's): the tau sweep (pooled out-of-fold MIREX, ties larger); K1's own figures on the same rows — K1's
    out-of-fold predictions (k1_oof: knet22's --pooled npz, its tau 0.8, its out-of-fold maps refitted as --k1-report did)
    on K1's rows, and K1's shipped ensemble (k1_net: key-net.json) on key-prog2's, which K1 never saw; the confidence rule
    (pooled CV key ECE <= K1's + 0.01 on the same rows, no more no-key files >= MIN_CONFIDENCE); g3 (a) K2's key-prog2
    MIREX >= K1's + 3.0, (b) K2 on K1's 773 rows >= K1's 699.2 - 1.0 and no old set lower than K1's by > 1.0."""
    d = np.load(os.path.join(outdir, 'oof-seq-seed0.npz'))
    assert list(d['files']) == [r['set'] + '/' + r['file'] for r in rows], 'the dump changed since the CV run'
    P = d['P']
    name = {r['set'] + '/' + r['file']: i for i, r in enumerate(rows)}
    allidx = list(range(len(rows)))
    keyed = [i for i in allidx if rows[i]['keyed']]
    new = [i for i in allidx if rows[i]['set'] == K2_SET]
    old = [i for i in allidx if rows[i]['set'] != K2_SET]
    oldk = [i for i in old if rows[i]['keyed']]
    sets = sorted({rows[i]['set'] for i in keyed})
    oldsets = [s for s in sets if s != K2_SET]
    sc = lambda i, k: mirex(rows[i]['truth'], k) if rows[i]['keyed'] else 0.0
    tot = lambda keys, idx: sum(sc(i, keys[i]) for i in idx if rows[i]['keyed'])
    right = lambda keys, idx: sum(sc(i, keys[i]) == 1 for i in idx if rows[i]['keyed'])
    perset = lambda keys: {s: tot(keys, [i for i in keyed if rows[i]['set'] == s]) for s in sets}
    res = {'n_rows': len(rows), 'n_keyed': len(keyed), 'n_new': len(new), 'sets': sets}
    ship = {i: rows[i]['ship'] for i in allidx}
    print(f'{len(keyed)} keyed rows ({len(oldk)} K1 rows + {len([i for i in new if rows[i]["keyed"]])} {K2_SET}), {len(rows)} rows in all; '
          f'keyed per fold {[sum(rows[i]["fold"] == f for i in keyed) for f in range(5)]}; {K2_SET} per fold {[sum(rows[i]["fold"] == f for i in new) for f in range(5)]}')
    fam_old = {rows[i]['family'] for i in old if rows[i]['set'] == 'keyprog'}
    shared = sorted({rows[i]['family'] for i in new} & fam_old)
    print(f'{K2_SET}: {len({rows[i]["family"] for i in new})} families, {len(shared)} of them also in keyprog ({sum(rows[i]["family"] in fam_old for i in new)} {K2_SET} files)')
    res['shared_families'] = len(shared)
    # ---- K1: its out-of-fold rows (knet22) and its shipped ensemble on key-prog2
    k1 = np.load(k1_oof)
    k1files = list(k1['files'])
    assert set(k1files) == {rows[i]['set'] + '/' + rows[i]['file'] for i in old}, 'K1 rows != this dump\'s rows outside ' + K2_SET
    P1 = np.zeros_like(P)
    for j, f in enumerate(k1files):
        P1[name[f]] = k1['P'][j]
    nets1, _, tau1, cm1 = load_net(k1_net)
    if new:
        P1[new] = predict_ens(nets1, [rows[i] for i in new])
    keys1, conf1, cm1o, _ = decide(rows, P1, tau1, old)
    kn, cn, _, _ = decide(rows, P1, tau1, new, folds=False, cm=cm1)
    keys1.update(kn)
    conf1.update(cn)
    k1per = perset(keys1)
    k1old = tot(keys1, oldk)
    print(f'K1 (tau {tau1}): on its {len(oldk)} rows out of fold {k1old:.1f} (right {right(keys1, oldk)}; knet22 699.2), on {K2_SET} (never seen; key-net.json) '
          f'{k1per.get(K2_SET, 0):.1f} (right {right(keys1, new)}); ' + ', '.join(f'{s} {v:.1f}' for s, v in k1per.items()))
    print(f'  K1 on its rows, the out-of-fold map refitted (knet22 k1-report on every row [0.204, 0.7071, -0.3286]): {[round(v, 4) for v in cm1o]}')
    res['k1'] = {'old': k1old, 'per': k1per, 'right_new': right(keys1, new), 'tau': tau1}
    # ---- K2: net alone, tau sweep
    top = P.max(1)
    nk = {i: (key_of(P[i].argmax()) if rows[i]['ship'] is not None else None) for i in allidx}
    print(f'profile key (the net off): pooled {tot(ship, keyed):.1f} (right {right(ship, keyed)}); ' + ', '.join(f'{s} {v:.1f}' for s, v in perset(ship).items()))
    print(f'K2 net alone (out of fold): pooled {tot(nk, keyed):.1f} (right {right(nk, keyed)}); ' + ', '.join(f'{s} {v:.1f}' for s, v in perset(nk).items()))
    res['profile'] = {'all': tot(ship, keyed), **perset(ship)}
    res['net'] = {'all': tot(nk, keyed), **perset(nk)}
    sweep = {}
    for tau in K1_TAUS:
        kk = {i: (nk[i] if rows[i]['ship'] is not None and top[i] >= tau else rows[i]['ship']) for i in allidx}
        per = perset(kk)
        sweep[tau] = {'all': tot(kk, keyed), 'right': right(kk, keyed), 'used': int(sum(rows[i]['ship'] is not None and top[i] >= tau for i in keyed)), 'old': tot(kk, oldk), **per}
        print(f'  tau {"never" if tau > 1 else tau}: pooled MIREX {sweep[tau]["all"]:.1f} (right {sweep[tau]["right"]}, net used on {sweep[tau]["used"]}); K1 rows {sweep[tau]["old"]:.1f}; ' + ', '.join(f'{s} {per[s]:.1f}' for s in sets))
    tau = max(K1_TAUS, key=lambda t: (round(sweep[t]['all'], 6), t))
    print(f'tau chosen (decision23: max pooled out-of-fold MIREX over every keyed row, ties larger): {"never" if tau > 1 else tau}')
    res['sweep'] = {str(t): v for t, v in sweep.items()}
    res['tau'] = tau
    keys2, conf2, cm2, ths2 = decide(rows, P, tau, allidx)
    print(f'K2 confidence map (as K1: logit p_net, logit c_profile, bias; capped) per fold {[[round(v, 3) for v in t] for t in ths2]}; on every row: {[round(v, 4) for v in cm2]}')
    res['conf_map'] = cm2
    res['conf_map_folds'] = ths2
    # kinds of result
    for lab, kk, idx in (('profile', ship, new), ('K1', keys1, new), ('K2', keys2, new), ('K1', keys1, oldk), ('K2', keys2, oldk)):
        c = {}
        for i in idx:
            if rows[i]['keyed']:
                x = kind(rows[i]['truth'], kk[i])
                c[x] = c.get(x, 0) + 1
        print(f'  kinds, {lab} on {"the K1 rows" if idx is oldk else K2_SET}: {dict(sorted(c.items()))}')
    # per treatment and per font on key-prog2
    if new and os.path.exists(manifest2):
        man = {x['file']: x for x in json.load(open(manifest2))['items']}
        res['per_treatment'] = {}
        for g in sorted({(man[rows[i]['file']].get('treatment') or {}).get('kind', 'none') for i in new}):
            idx = [i for i in new if (man[rows[i]['file']].get('treatment') or {}).get('kind', 'none') == g]
            v = [tot(ship, idx), tot(keys1, idx), tot(keys2, idx)]
            res['per_treatment'][g] = {'n': len(idx), 'profile': v[0], 'k1': v[1], 'k2': v[2]}
            print(f'  {K2_SET} {g} ({len(idx)}): profile {v[0]:.1f}, K1 {v[1]:.1f}, K2 {v[2]:.1f}')
        for g in ('cadential', 'startsTonic'):
            for flag in (True, False):
                idx = [i for i in new if bool(man[rows[i]['file']][g]) == flag]
                print(f'  {K2_SET} {g} {flag} ({len(idx)}): profile {tot(ship, idx):.1f}, K1 {tot(keys1, idx):.1f}, K2 {tot(keys2, idx):.1f}')
    fixed = [i for i in keyed if sc(i, keys2[i]) == 1 and sc(i, keys1[i]) < 1]
    broken = [i for i in keyed if sc(i, keys2[i]) < 1 and sc(i, keys1[i]) == 1]
    print(f'K2 vs K1 (every keyed row): fixed {len(fixed)} ({K2_SET} {sum(i in new for i in fixed)}), broken {len(broken)} ({K2_SET} {sum(i in new for i in broken)}); '
          f'broken outside {K2_SET}: ' + ', '.join(f'{rows[i]["set"]}/{rows[i]["file"]}' for i in broken if i not in new))
    # ---- confidence (decision23: pooled CV key ECE <= K1's + 0.01; no more no-key files >= MIN_CONFIDENCE)
    e1 = ece_rows(rows, keys1, conf1, allidx)
    e2 = ece_rows(rows, keys2, conf2, allidx)
    e0 = ece_rows(rows, ship, {i: rows[i]['conf'] for i in allidx}, allidx)
    e1o, e2o = ece_rows(rows, keys1, conf1, old), ece_rows(rows, keys2, conf2, old)
    cc = bool(e2[0] <= e1[0] + 0.01 and e2[2] <= e1[2])
    print(f'key ECE pooled, every row (out of fold; K1: its out-of-fold rows + its shipped map on {K2_SET}): profile {e0[0]:.4f} (n {e0[1]}, no-key >= {MIN_CONFIDENCE}: {e0[2]}); '
          f'K1 {e1[0]:.4f} (n {e1[1]}, {e1[2]}); K2 {e2[0]:.4f} (n {e2[1]}, {e2[2]}) -> confidence rule {"PASS" if cc else "FAIL"}')
    print(f'  on K1\'s rows only: K1 {e1o[0]:.4f} (n {e1o[1]}, no-key {e1o[2]}; knet22 0.0348, 7), K2 {e2o[0]:.4f} (n {e2o[1]}, no-key {e2o[2]})')
    res['ece'] = {'profile': e0, 'k1': e1, 'k2': e2, 'k1_old': e1o, 'k2_old': e2o, 'per': {}}
    res['conf_rule'] = cc
    for s in sorted({r['set'] for r in rows}):
        idx = [i for i in allidx if rows[i]['set'] == s]
        a1, a2 = ece_rows(rows, keys1, conf1, idx), ece_rows(rows, keys2, conf2, idx)
        res['ece']['per'][s] = (a1, a2)
        nk_rows = [i for i in idx if not rows[i]['keyed']]
        st = lambda kk, cf: sum(1 for i in nk_rows if kk[i] is not None and cf[i] >= MIN_CONFIDENCE)
        print(f'  {s}: ECE K1 {a1[0]:.4f} -> K2 {a2[0]:.4f} (n {a1[1]}); rows without a trusted key {len(nk_rows)}, stated >= {MIN_CONFIDENCE}: K1 {st(keys1, conf1)}, K2 {st(keys2, conf2)}')
    # ---- g3
    k2new, k1new = tot(keys2, new), tot(keys1, new)
    k2old = tot(keys2, oldk)
    k2per = perset(keys2)
    ga = k2new >= k1new + 3.0
    gb = k2old >= 699.2 - 1.0 and all(k2per[s] >= k1per[s] - 1.0 for s in oldsets)
    print(f'g3 (a): K2 on {K2_SET} {k2new:.1f} (right {right(keys2, new)}) vs K1 {k1new:.1f} + 3.0 -> {"PASS" if ga else "FAIL"}')
    print(f'g3 (b): K2 on K1\'s {len(oldk)} rows {k2old:.1f} (right {right(keys2, oldk)}) vs 699.2 - 1.0; per set K2 - K1: ' + ', '.join(f'{s} {k2per[s] - k1per[s]:+.1f}' for s in oldsets) + f' -> {"PASS" if gb else "FAIL"}')
    print(f'g3 {"PASS" if ga and gb else "FAIL"}; confidence rule {"PASS" if cc else "FAIL"}')
    res['k2'] = {'new': k2new, 'old': k2old, 'per': k2per, 'right_new': right(keys2, new), 'right_old': right(keys2, oldk)}
    res['g3a'], res['g3b'] = bool(ga), bool(gb)
    res['g3'] = bool(ga and gb)
    json.dump(res, open(os.path.join(outdir, 'k2-report.json'), 'w'), indent=1, default=float)
    return res


def export_net(nets, tk, tau, cm, path, note):
    """the ensemble as resonance-key-net/1 (key-net.ts KeyNetWeights): every tensor flat (row-major) with its shape"""
    def t(x):
        return {'shape': list(x.shape), 'data': [float('%.8g' % v) for v in x.detach().numpy().astype(np.float64).ravel()]}
    out = {'format': 'resonance-key-net/1', 'note': note, 'tk': tk, 'tau': tau, 'confNet': cm[0], 'confShipped': cm[1], 'confBias': cm[2], 'nets': []}
    for n in nets:
        out['nets'].append({k: t(v) for k, v in n.state_dict().items()})
    json.dump(out, open(path, 'w'), separators=(',', ':'))
    print(f'exported {len(nets)} nets to {path} ({os.path.getsize(path)} bytes)')


def final(rows, seeds, epochs, tau, cm, path, note=''):
    """the product's net: one fit per seed on EVERY keyed row (seed*100 + 90), their mean probability"""
    keyed = [r for r in rows if r['keyed']]
    nets = []
    for s in seeds:
        t0 = time.time()
        nets.append(train(keyed, s * 100 + 90, epochs).eval())
        print(f'  final seed {s}: {len(keyed)} rows ({time.time() - t0:.0f} s)', flush=True)
    export_net(nets, TK, tau, cm, path, f'keynet-train.py --final, arm {"bag" if TK == 1 else "seq"}, seeds {seeds}, {len(keyed)} rows, {epochs} epochs' + (f'; {note}' if note else ''))



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--frames', default='test/output/keynet17/frames')
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--epochs', type=int, default=40)
    ap.add_argument('--out', default='test/output/keynet17/cv.json')
    ap.add_argument('--arm', default='seq', choices=['seq', 'bag'], help="bag: every kernel 1 step long (order-blind control)")
    ap.add_argument('--lopo', action='store_true', help='leave-progression-out check on key-set (see lopo())')
    ap.add_argument('--prog', default='', help="keydata18: phases 'a', 'b' or 'a,b' on prog-key-set.ts' rows (see prog())")
    ap.add_argument('--manifest', default='test/output/key-prog/manifest.json', help='prog-key-set.ts manifest (--prog)')
    ap.add_argument('--pooled', action='store_true', help='knet22: 5-fold CV over every keyed row, out-of-fold probabilities to --outdir')
    ap.add_argument('--k1-report', action='store_true', help="knet22: decision22's report from --outdir's oof-{seq,bag}-seed0.npz")
    ap.add_argument('--final', default='', help='knet22: fit --seeds on every keyed row, export the ensemble to this JSON')
    ap.add_argument('--tau', type=float, default=0.0)
    ap.add_argument('--conf-map', default='1,0,0', help="the confidence logistic (a, b, c: --k1-report's map on every row) written with --final; 'report': tau and the map from OUTDIR/k1-report.json")
    ap.add_argument('--outdir', default='test/output/knet22')
    ap.add_argument('--k2-report', action='store_true', help="key23: decision23's K2 report from --outdir's oof-seq-seed0.npz (see k2_report())")
    ap.add_argument('--k1-oof', default='test/output/knet22/cv/oof-seq-seed0.npz', help="key23: K1's out-of-fold probabilities (knet22's --pooled, seq)")
    ap.add_argument('--k1-net', default='main/engine/analysis/key-net.json', help="key23: K1's shipped ensemble (resonance-key-net/1)")
    ap.add_argument('--manifest2', default='test/output/key-prog2/manifest.json', help='key23: the key-prog2 manifest (treatments)')
    ap.add_argument('--note', default='', help='appended to the exported note (--final)')
    a = ap.parse_args()
    global TK
    TK = 1 if a.arm == 'bag' else 3
    if a.pooled or a.k1_report or a.k2_report or a.final:
        rows = load(a.frames, every=True)
        if a.pooled:
            return [pooled(rows, int(s), a.epochs, a.outdir) for s in a.seeds.split(',')]
        if a.k1_report:
            return k1_report(rows, a.outdir)
        if a.k2_report:
            return k2_report(rows, a.outdir, a.k1_oof, a.k1_net, a.manifest2)
        if a.conf_map in ('report', 'k2'):
            # tau and the confidence map as --k1-report (report) or --k2-report (k2) wrote them, at full precision
            rep = json.load(open(os.path.join(a.outdir, 'k1-report.json' if a.conf_map == 'report' else 'k2-report.json')))
            return final(rows, [int(s) for s in a.seeds.split(',')], a.epochs, rep['tau'], rep['conf_map'], a.final, a.note)
        return final(rows, [int(s) for s in a.seeds.split(',')], a.epochs, a.tau, [float(v) for v in a.conf_map.split(',')], a.final, a.note)
    rows = load(a.frames)
    if a.prog:
        return prog(rows, [int(s) for s in a.seeds.split(',')], a.epochs, a.out, a.prog.split(','), a.manifest)
    if a.lopo:
        return lopo(rows, [int(s) for s in a.seeds.split(',')], a.epochs, a.out)
    sets = sorted(set(r['set'] for r in rows))
    cnt = {s: sum(r['set'] == s for r in rows) for s in sets}
    print(f'{len(rows)} keyed files ({cnt}); folds {[sum(r["fold"] == f for r in rows) for f in range(5)]}')
    print(f'KeyNet parameters: {sum(p.numel() for p in KeyNet().parameters())}')
    ship = [mirex(r['truth'], r['ship']) for r in rows]
    shs = {s: round(sum(x for x, r in zip(ship, rows) if r['set'] == s), 1) for s in sets}
    print(f'shipped: MIREX {sum(ship):.1f}/{len(rows)}, right {sum(s == 1 for s in ship)}; per set {shs}')
    taus = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.01]
    report = {'n': len(rows), 'shipped': sum(ship), 'seeds': {}}
    for seed in [int(s) for s in a.seeds.split(',')]:
        t0 = time.time()
        P = np.zeros((len(rows), 24))
        for f in range(5):
            tr = [r for r in rows if r['fold'] != f]
            net = train(tr, seed * 100 + f, a.epochs)
            te = [i for i, r in enumerate(rows) if r['fold'] == f]
            P[te] = predict(net, [rows[i] for i in te])
            print(f'  seed {seed} fold {f} done ({time.time() - t0:.0f} s)', flush=True)
        net_keys = [key_of(p.argmax()) for p in P]
        conf = P.max(1)
        sn = [mirex(r['truth'], k) for r, k in zip(rows, net_keys)]

        def ens(tau, idx):
            return sum(mirex(rows[i]['truth'], net_keys[i] if conf[i] >= tau else rows[i]['ship']) for i in idx)

        ens_score = [0.0] * len(rows)
        chosen = []
        for f in range(5):
            other = [i for i, r in enumerate(rows) if r['fold'] != f]
            best = max(taus, key=lambda t: (round(ens(t, other), 6), t))
            chosen.append(best)
            for i, r in enumerate(rows):
                if r['fold'] == f:
                    ens_score[i] = mirex(r['truth'], net_keys[i] if conf[i] >= best else r['ship'])
        per = {s: {'net': sum(x for x, r in zip(sn, rows) if r['set'] == s), 'ens': sum(x for x, r in zip(ens_score, rows) if r['set'] == s),
                   'ship': sum(x for x, r in zip(ship, rows) if r['set'] == s), 'n': sum(r['set'] == s for r in rows)} for s in sets}
        kinds = {}
        for r, k in zip(rows, net_keys):
            kk = kind(r['truth'], k)
            kinds[kk] = kinds.get(kk, 0) + 1
        fixed = sum(1 for r, k in zip(rows, net_keys) if mirex(r['truth'], k) == 1 and mirex(r['truth'], r['ship']) < 1)
        broken = sum(1 for r, k in zip(rows, net_keys) if mirex(r['truth'], k) < 1 and mirex(r['truth'], r['ship']) == 1)
        print(f'\nseed {seed} ({time.time() - t0:.0f} s): net CV MIREX {sum(sn):.1f}/{len(rows)} right {sum(x == 1 for x in sn)} '
              f'(vs shipped: fixes {fixed}, breaks {broken}); kinds {kinds}')
        print(f'  ensemble (tau per fold {chosen}): CV MIREX {sum(ens_score):.1f}, right {sum(x == 1 for x in ens_score)}')
        print('  in-CV grid of tau (pooled, not a CV figure): ' + ', '.join(f'{t}: {ens(t, range(len(rows))):.1f}' for t in taus))
        print('  per set net / ensemble / shipped: ' + '; '.join(f'{s} {v["net"]:.1f} / {v["ens"]:.1f} / {v["ship"]:.1f} of {v["n"]}' for s, v in per.items()))
        brk = [f'{r["set"]}/{r["file"]} (ship p {r["conf"]:.2f}, net p {conf[i]:.2f})' for i, r in enumerate(rows) if ens_score[i] < 1 and ship[i] == 1]
        print(f'  ensemble breaks {len(brk)}: {", ".join(brk[:12])}')
        report['seeds'][seed] = {'net': sum(sn), 'net_right': sum(x == 1 for x in sn), 'ens': sum(ens_score), 'ens_right': sum(x == 1 for x in ens_score),
                                 'tau': chosen, 'per': per, 'kinds': kinds, 'fixed': fixed, 'broken': broken}
        np.save(os.path.join(os.path.dirname(a.out), f'oof-seed{seed}{"-bag" if TK == 1 else ""}.npy'), P)
    # CPU: the forward pass over a 3-minute track (one thread), per audio second
    net = KeyNet().eval()
    T = int(180 / 1.1146)
    X = torch.rand(1, 3, 12, T)
    M = torch.ones(1, T)
    with torch.no_grad():
        for _ in range(5):
            net(X, M)
        t0 = time.perf_counter()
        n = 50
        for _ in range(n):
            net(X, M)
        dt = (time.perf_counter() - t0) / n
    macs = T * 12 * (3 * 16 * 36 + 16 * 16 * 3 * 2) + 12 * (32 * 16 * 12 + 16 * 2 * 12)
    print(f'\nCPU: forward over 180 s of audio ({T} blocks) {dt * 1e3:.2f} ms (torch, 1 thread) = {dt / 180 * 1e6:.1f} µs per audio second; {macs / 1e6:.1f} M MACs')
    report['cpu_us_per_audio_s'] = dt / 180 * 1e6
    report['macs_180s'] = macs
    json.dump(report, open(a.out, 'w'), indent=1)


if __name__ == '__main__':
    main()

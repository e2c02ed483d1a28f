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


def load(frames_dir):
    rows = []
    for p in sorted(glob.glob(os.path.join(frames_dir, '*__*.json'))):
        d = json.load(open(p))
        if not (d['truth'] and d['trusted']):
            continue
        nb = d['blocks']
        c = np.array(d['chroma'], np.float32).reshape(nb, 12)
        b = np.array(d['bass'], np.float32).reshape(nb, 12)
        e = np.array(d['energy'], np.float32)
        act = np.array(d['activeShare'], np.float32)
        keep = act > 0
        if keep.sum() == 0:
            keep[:] = True
        c, b, e = c[keep], b[keep], e[keep]
        # pairs of blocks summed: one step = 6 analysis frames = 1.11 s (the cost of training on this shared CPU)
        n2 = len(e) // 2 * 2
        if n2 >= 2:
            c, b, e = c[:n2].reshape(-1, 2, 12).sum(1), b[:n2].reshape(-1, 2, 12).sum(1), e[:n2].reshape(-1, 2).mean(1)
        cn = c / np.maximum(c.max(1, keepdims=True), 1e-12)
        bn = b / np.maximum(b.max(1, keepdims=True), 1e-12)
        le = np.clip(np.log10(np.maximum(e, 1e-20) / max(e.max(), 1e-20)) / 6, -1, 0)
        x = np.stack([cn, bn, np.repeat(le[:, None], 12, 1)], 0)  # 3 × T × 12
        t = d['truth']
        k = d['key']
        rows.append(dict(set=d['set'], file=d['file'], family=d['family'], fold=d['fold'], x=x.transpose(0, 2, 1).copy(),  # 3 × 12 × T
                         y=t['tonic'] + 12 * (t['mode'] == 'minor'), truth=(t['tonic'], int(t['mode'] == 'minor')),
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
    a = ap.parse_args()
    global TK
    TK = 1 if a.arm == 'bag' else 3
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

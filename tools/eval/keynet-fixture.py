#!/usr/bin/python3
"""knet22: the fixture that pins main/engine/analysis/key-net.ts to keynet-train.py's torch code
(test/unit/analysis-key-net.test.ts). Small nets (4 channels, seeded random weights, not trained: the test is of the
arithmetic, not of the key) in both arms (seq: temporal kernels 3; bag: 1), two nets per ensemble, and per-frame inputs
as TonalAnalyser.finish has them (chroma and bass chroma frames x 12, in-band energy per frame, active flags; an
inactive stretch and an odd block count included). The per-frame inputs are pooled into blocks of 3 frames exactly as
calibrate.ts --frames dumps them, then keynet-train.py features() and KeyNet.forward; the expected output is the mean of
the nets' softmax (24: C..B major, C..B minor).
  /usr/bin/python3 tools/eval/keynet-fixture.py   # writes test/fixtures/key-net/fixture.json
"""
import importlib.util
import json
import os

import numpy as np
import torch

spec = importlib.util.spec_from_file_location('keynet', os.path.join(os.path.dirname(__file__), 'keynet-train.py'))
kn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kn)
POOL = 3  # calibrate.ts FRAMES_POOL


def blocks(chroma, bass, energy, active):
    """calibrate.ts --frames: blocks of POOL frames; chroma / bass summed over the active frames, energy the mean over all"""
    nf = len(energy)
    nb = -(-nf // POOL)
    c = np.zeros((nb, 12)); b = np.zeros((nb, 12)); e = np.zeros(nb); a = np.zeros(nb)
    for k in range(nb):
        fr = range(k * POOL, min(nf, (k + 1) * POOL))
        e[k] = np.mean([energy[f] for f in fr])
        on = [f for f in fr if active[f]]
        a[k] = len(on) / len(fr)
        for f in on:
            c[k] += chroma[f]; b[k] += bass[f]
    return c, b, e, a


def case(rng, nf, quiet):
    chroma = rng.random((nf, 12)) ** 3
    bass = rng.random((nf, 12)) ** 4 * (rng.random((nf, 1)) > 0.3)
    energy = 10 ** rng.uniform(-4, 0, nf)
    active = np.ones(nf, bool)
    active[quiet[0]:quiet[1]] = False
    return chroma, bass, energy, active


def main():
    rng = np.random.default_rng(22)
    out = {'note': 'tools/eval/keynet-fixture.py (seeded; untrained 4-channel nets)', 'cases': []}
    for tk, nf, quiet in ((3, 40, (10, 17)), (1, 23, (0, 4)), (3, 5, (5, 5))):
        nets = []
        for s in range(2):
            torch.manual_seed(100 * tk + s)
            n = kn.KeyNet(ch=4, tk=tk).eval()
            with torch.no_grad():
                for p in n.parameters():
                    p.mul_(3.0)  # spread the logits: a wrong index shows
            nets.append(n)
        chroma, bass, energy, active = case(rng, nf, quiet)
        x = kn.features(*[v.astype(np.float32) for v in blocks(chroma, bass, energy, active)])
        X = torch.from_numpy(x[None])
        M = torch.ones(1, x.shape[2])
        with torch.no_grad():
            P = torch.stack([torch.softmax(n(X, M), 1)[0] for n in nets]).mean(0).numpy()
        t = lambda v: {'shape': list(v.shape), 'data': [float(z) for z in v.detach().numpy().astype(np.float64).ravel()]}
        out['cases'].append({'tk': tk, 'frames': nf, 'chroma': [float(v) for v in chroma.ravel()], 'bass': [float(v) for v in bass.ravel()],
                             'energy': [float(v) for v in energy], 'active': [bool(v) for v in active], 'steps': int(x.shape[2]),
                             'input': [float(v) for v in x.ravel()], 'probs': [float(v) for v in P],
                             'nets': [{k: t(v) for k, v in n.state_dict().items()} for n in nets]})
        print(f'tk {tk}: {nf} frames -> {x.shape[2]} steps; top {P.argmax()} p {P.max():.4f}')
    path = 'test/fixtures/key-net/fixture.json'
    json.dump(out, open(path, 'w'), separators=(',', ':'))
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()

"""Shared tiny-checkpoint fixture for the converter tests (not a test module)."""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
warnings.filterwarnings("ignore")

import torch  # noqa: E402

import imagebind as ib  # noqa: E402
import make_tiny  # noqa: E402
import tokenizer as tok_mod  # noqa: E402

_CACHE = {}


def tiny_sources():
    """One set of tiny official-format checkpoints per test process (read-only for tests)."""
    if "dir" in _CACHE:
        return _CACHE
    d = tempfile.mkdtemp(prefix="tiny-src-")
    ib_cfg = ib.tiny_config()
    ib_json = os.path.join(d, "ib.json")
    with open(ib_json, "w") as f:
        json.dump(ib_cfg, f)
    ib_pth = os.path.join(d, "ib.pth")
    ib.write_random_checkpoint(ib_cfg, ib_pth, seed=0)
    llm = os.path.join(d, "llama")
    info = make_tiny.write_llama(llm)
    vocab = info["vocab"] + len(tok_mod.ADDED_TOKENS)
    da, db = os.path.join(d, "delta_a.pt"), os.path.join(d, "delta_b.pt")
    make_tiny.write_delta(da, info["config"], vocab, ib_cfg["out_embed_dim"], beta=False, seed=2)
    make_tiny.write_delta(db, info["config"], vocab, ib_cfg["out_embed_dim"], beta=True, seed=3)
    _CACHE.update(dir=d, ib_json=ib_json, ib_pth=ib_pth, llm=llm, delta_alpha=da, delta_beta=db,
                  cfg=info["config"], vocab=vocab, out_dim=ib_cfg["out_embed_dim"])
    import atexit
    atexit.register(shutil.rmtree, d, True)
    return _CACHE


def copy_llm(dst):
    shutil.copytree(tiny_sources()["llm"], dst)
    return dst


def run_convert(*extra, delta=None, llm=None, out):
    import convert
    s = tiny_sources()
    argv = ["--imagebind", s["ib_pth"], "--imagebind-config", s["ib_json"], "--llm", llm or s["llm"],
            "--delta", delta or s["delta_alpha"], "--out", out, "--dtype", "fp32", *extra]
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        rc = convert.main(argv)
    return rc, o.getvalue(), e.getvalue()

#!/usr/bin/python3
"""Conversion benchmark: time and peak RSS per dtype / quantisation, and int8/int4 drift.

  nice /usr/bin/python3 tools/convert/bench_convert.py --work DIR [--skip-1b] [--layers 18]

1. tiny packs: full convert.py runs (α fp32, β fp32, β fp16, β fp32 int4) on make_tiny checkpoints;
2. a generated random LLaMA of ~1 B parameters (hidden 2048, ffn 5504, 18 layers, 16 heads,
   vocab 32000 + 6, fp16 HF folder in 2 shards, a LoRA r=32 delta): the LLM half of the converter
   (shard streaming, LoRA merge, dtype conversion / quantisation, decoder.onnx + external data,
   embedding table) for fp32, fp16, int8, int4;
3. drift of int8 / int4 vs fp32 on the 1 B model, measured with onnxruntime-node (drift.mjs).

Each measurement runs in its own process; peak RSS is that process's VmHWM.
Results are printed as JSON lines and written to DIR/bench.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def vm_hwm_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def child(argv: list) -> dict:
    """Run `bench_convert.py --child ...` and parse its JSON result line."""
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", *argv], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"child {argv} failed:\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_child(args) -> None:
    sys.path.insert(0, HERE)
    kind = args.child[0]
    t0 = time.time()
    if kind == "convert":
        import convert
        rc = convert.main(args.child[1:] + ["--quiet"])
        assert rc == 0
    elif kind == "gen1b":
        gen_1b(args.child[1], int(args.child[2]))
    elif kind == "llm":
        llm_dir, delta_path, out, dtype, quant = args.child[1:6]
        convert_llm_only(llm_dir, delta_path, out, dtype, quant)
    print(json.dumps({"seconds": round(time.time() - t0, 2), "peak_rss_mb": round(vm_hwm_kb() / 1024, 1)}))


def gen_1b(dir_: str, layers: int) -> None:
    import torch
    import llama
    import make_tiny
    os.makedirs(dir_, exist_ok=True)
    cfg = dict(hidden_size=2048, intermediate_size=5504, num_hidden_layers=layers, num_attention_heads=16,
               vocab_size=32000, rms_norm_eps=1e-6, max_position_embeddings=2048, model_type="llama", hidden_act="silu")
    with open(os.path.join(dir_, "config.json"), "w") as f:
        json.dump(cfg, f)
    lc = llama.load_config(dir_)
    g = torch.Generator().manual_seed(0)
    shapes = list(llama.expected_shapes(lc).items())
    half = len(shapes) // 2
    wm = {}
    for si, part in enumerate((shapes[:half], shapes[half:])):
        fn = f"pytorch_model-0000{si + 1}-of-00002.bin"
        sd = {}
        for name, shape in part:
            if len(shape) == 1:
                sd[name] = (1.0 + 0.1 * torch.randn(shape, generator=g)).half()
            elif name == "model.embed_tokens.weight":
                sd[name] = torch.randn(shape, generator=g).half()
            else:
                sd[name] = (torch.randn(shape, generator=g) / shape[1] ** 0.5).half()
            wm[name] = fn
        torch.save(sd, os.path.join(dir_, fn))
        del sd
    with open(os.path.join(dir_, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": wm}, f)
    # delta: LoRA r=32 on q/k/v/o (peft 0.3.0 keys), 32006-row embed/lm_head, llama_proj 1024->2048
    H, V = 2048, 32006
    d = {"llama_proj.weight": torch.randn(H, 1024, generator=g) / 32, "llama_proj.bias": torch.zeros(H)}
    for i in range(layers):
        for n in "qkvo":
            p = f"llama_model.base_model.model.model.layers.{i}.self_attn.{n}_proj"
            d[f"{p}.lora_A.default.weight"] = torch.randn(32, H, generator=g) / H ** 0.5
            d[f"{p}.lora_B.default.weight"] = 0.01 * torch.randn(H, 32, generator=g)
    d["llama_model.base_model.model.model.embed_tokens.weight"] = torch.randn(V, H, generator=g).half()
    d["llama_model.base_model.model.lm_head.weight"] = (torch.randn(V, H, generator=g) / H ** 0.5).half()
    torch.save(d, os.path.join(dir_, "delta.pt"))


def convert_llm_only(llm_dir, delta_path, out, dtype, quant) -> None:
    import convert
    import delta as delta_mod
    import llama
    cfg = llama.load_config(llm_dir)
    vocab = cfg.vocab_size + 6
    d = delta_mod.load_delta(delta_path, cfg, vocab)
    os.makedirs(out, exist_ok=True)
    llama.export_decoder(cfg, convert.llm_stream(llm_dir, cfg, d, vocab, lambda s: None), out, dtype=dtype,
                         quant=quant, vocab=vocab, log=lambda s: None)
    with open(os.path.join(out, "info.json"), "w") as f:
        json.dump({"hidden": cfg.hidden_size, "layers": cfg.num_hidden_layers, "heads": cfg.num_attention_heads,
                   "vocab": vocab}, f)


def du(path: str) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(ROOT, "test", "output", "bench-convert"))
    ap.add_argument("--skip-1b", action="store_true")
    ap.add_argument("--layers", type=int, default=18)
    ap.add_argument("--skip-drift", action="store_true")
    ap.add_argument("--child", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if args.child:
        run_child(args)
        return 0
    os.makedirs(args.work, exist_ok=True)
    results = []
    bench_json = os.path.join(args.work, "bench.json")
    if os.path.isfile(bench_json):
        os.replace(bench_json, bench_json + ".prev")

    def rec(r):
        results.append(r)
        print(json.dumps(r), flush=True)
        with open(bench_json, "w") as f:
            json.dump(results, f, indent=1)

    tiny = os.path.join(args.work, "tiny")
    subprocess.run([sys.executable, os.path.join(HERE, "make_tiny.py"), "--out", tiny], check=True, capture_output=True)
    src = os.path.join(tiny, "src")
    for name, delta, dtype, quant in (("alpha-fp32", "delta_alpha.pt", "fp32", "none"), ("beta-fp32", "delta_beta.pt", "fp32", "none"),
                                      ("beta-fp16", "delta_beta.pt", "fp16", "none"), ("beta-fp32-int4", "delta_beta.pt", "fp32", "int4")):
        out = os.path.join(args.work, "tiny-" + name)
        r = child(["convert", "--imagebind", os.path.join(src, "imagebind_tiny.pth"), "--imagebind-config",
                   os.path.join(src, "imagebind_tiny.json"), "--llm", os.path.join(src, "llama"), "--delta",
                   os.path.join(src, delta), "--out", out, "--dtype", dtype, "--llm-quant", quant, "--force"])
        rec({"case": f"tiny {name} (full convert.py)", **r, "pack_mb": round(du(out) / 1e6, 2)})
    if args.skip_1b:
        return 0
    big = os.path.join(args.work, "llama-1b")
    if not os.path.isfile(os.path.join(big, "delta.pt")):
        r = child(["gen1b", big, str(args.layers)])
        rec({"case": f"generate random 1B LLaMA ({args.layers} layers)", **r, "hf_folder_mb": round(du(big) / 1e6, 1)})
    outs = {}
    for dtype, quant in (("fp32", "none"), ("fp16", "none"), ("fp32", "int8"), ("fp32", "int4")):
        out = os.path.join(args.work, f"1b-{dtype}-{quant}")
        r = child(["llm", big, os.path.join(big, "delta.pt"), out, dtype, quant])
        outs[(dtype, quant)] = out
        rec({"case": f"1B LLM {dtype} quant={quant}", **r, "out_mb": round(du(out) / 1e6, 1)})
    if args.skip_drift:
        return 0
    node = subprocess.run(["node", os.path.join(HERE, "drift.mjs"), outs[("fp32", "none")], outs[("fp32", "int8")],
                           outs[("fp32", "int4")]], capture_output=True, text=True, cwd=ROOT)
    if node.returncode != 0:
        raise SystemExit(node.stderr)
    for line in node.stdout.strip().splitlines():
        rec({"case": "drift vs fp32 (onnxruntime-node, 8 prompts x 32 positions)", **json.loads(line)})
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Random LLaMA decoders for the decoder speed benchmark (issue 13), ours and llama.cpp's.

  nice /usr/bin/python3 test/bench/make_llm_speed.py --shape 1b --out test/output/llm-speed-1b \
      [--variants full,baseline,...] [--gguf]

Every weight is drawn from its own seeded generator (seed = CRC-32 of its name), so
each pass over the model yields the same random weights, tensor by tensor:
- for every requested variant, tools/convert/llama.export_decoder streams them into an
  int4 decoder (MatMulNBits, block 32) under OUT/<variant>/ with the DecoderOptions
  the variant names (the graph of the studio's packs is `full`; `fp32` is the
  unquantised reference for tools/convert/drift.mjs);
- with --gguf, test/bench/gguf.py streams the same weights into OUT/model-q4_0.gguf.
No pass holds more than one weight in float32, so the 7 B shape needs ~0.5 GB.

Shapes: `1b` is the studio's 1 B benchmark pack (test/bench/make_1b_pack.py: hidden
2048, FFN 5504, 18 layers, 16 heads); `7b` is LLaMA-7B / Vicuna-7B (4096, 11008, 32, 32);
`small` (1024, 2816, 8, 16) keeps an fp32 reference cheap for the drift measurement:
  node tools/convert/drift.mjs OUT/fp32 OUT/baseline OUT/full
Both with the DeepResonance vocabulary, 32000 + 6.
"""
import argparse
import json
import os
import sys
import time
import zlib
from dataclasses import asdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "convert"))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import llama  # noqa: E402
from gguf import LlamaGGUFWriter  # noqa: E402

VOCAB = 32006
SHAPES = {
    # for the int4 drift measurement (tools/convert/drift.mjs needs an fp32 graph of the same weights)
    "small": dict(hidden_size=1024, intermediate_size=2816, num_hidden_layers=8, num_attention_heads=16),
    "1b": dict(hidden_size=2048, intermediate_size=5504, num_hidden_layers=18, num_attention_heads=16),
    "7b": dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32),
}
D = llama.DecoderOptions
# today's graph first, then one change at a time, then the final graph without one of them (all int4)
VARIANTS = {
    "fp32": D(fused_attention=False, fused_norm=False, accuracy_level=0, lm_head_bits=0, last_logits_only=False),
    "baseline": D(fused_attention=False, fused_norm=False, accuracy_level=0, lm_head_bits=0, last_logits_only=False),
    "acc4": D(fused_attention=False, fused_norm=False, accuracy_level=4, lm_head_bits=0, last_logits_only=False),
    "acc4+lmq": D(fused_attention=False, fused_norm=False, accuracy_level=4, lm_head_bits=8, last_logits_only=False),
    "acc4+lmq+last": D(fused_attention=False, fused_norm=False, accuracy_level=4, lm_head_bits=8, last_logits_only=True),
    "acc4+lmq+last+norm": D(fused_attention=False, fused_norm=True, accuracy_level=4, lm_head_bits=8, last_logits_only=True),
    "full": D(),
    "full-acc0": D(accuracy_level=0),
    "full-lm-fp32": D(lm_head_bits=0),
    "full-lm-int4": D(lm_head_bits=4),
    # fused projections (issue 13 item 2): one MatMulNBits for q/k/v (packed into GroupQueryAttention
    # with do_rotary), one for gate/up
    "full+qkv": D(fused_qkv=True),
    "full+gu": D(fused_gate_up=True),
    "full+fused": D(fused_qkv=True, fused_gate_up=True),
    # MatMulNBits blocks of 128 along K instead of 32 (fewer scales, coarser quantisation)
    "full-b64": D(block_size=64),
    "full-b128": D(block_size=128),
}


def order(cfg: llama.LlamaConfig):
    """(name, shape) in the order the weights are generated (and written to the GGUF)."""
    shapes = llama.expected_shapes(cfg, VOCAB)
    names = ["model.embed_tokens.weight"]
    for i in range(cfg.num_hidden_layers):
        names += [n for n in shapes if n.startswith(f"model.layers.{i}.")]
    names += ["model.norm.weight", "lm_head.weight"]
    return [(n, shapes[n]) for n in names]


def weights(cfg: llama.LlamaConfig):
    """Yield (name, float32 tensor), each from its own generator: identical on every pass."""
    for name, shape in order(cfg):
        g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        if len(shape) == 1:
            t = 1.0 + 0.1 * torch.randn(shape, generator=g)
        elif name == "model.embed_tokens.weight":
            t = torch.randn(shape, generator=g)
        else:
            t = torch.randn(shape, generator=g) / shape[1] ** 0.5
        yield name, t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=sorted(SHAPES), default="1b")
    ap.add_argument("--out", required=True)
    ap.add_argument("--variants", default="full", help=f"comma-separated, of: {', '.join(VARIANTS)} (or 'all')")
    ap.add_argument("--gguf", action="store_true")
    args = ap.parse_args()
    names = list(VARIANTS) if args.variants == "all" else [v for v in args.variants.split(",") if v]
    for v in names:
        if v not in VARIANTS:
            raise SystemExit(f"unknown variant {v!r}")
    os.makedirs(args.out, exist_ok=True)
    llama.limit_heap_fragmentation()
    cfg = llama.LlamaConfig(vocab_size=VOCAB, **SHAPES[args.shape])
    info_path = os.path.join(args.out, "info.json")
    info = json.load(open(info_path)) if os.path.exists(info_path) else {}
    info.update({"shape": args.shape, "hidden": cfg.hidden_size, "intermediate": cfg.intermediate_size,
                 "layers": cfg.num_hidden_layers, "heads": cfg.num_attention_heads, "vocab": VOCAB})
    info.setdefault("variants", {})
    for v in names:
        out = os.path.join(args.out, v)
        os.makedirs(out, exist_ok=True)
        t0 = time.time()
        quant = "none" if v == "fp32" else "int4"  # fp32: the reference of the drift measurement (drift.mjs)
        files = llama.export_decoder(cfg, weights(cfg), out, dtype="fp32", quant=quant, vocab=VOCAB,
                                     external_threshold=0, options=VARIANTS[v], log=lambda s: print(f"{v}:{s}", flush=True))
        size = sum(os.path.getsize(os.path.join(out, f)) for r, f in files.items() if r != "embed_tokens")
        with open(os.path.join(out, "info.json"), "w") as f:  # what tools/convert/drift.mjs reads
            json.dump({"hidden": cfg.hidden_size, "layers": cfg.num_hidden_layers, "heads": cfg.num_attention_heads,
                       "vocab": VOCAB}, f)
        info["variants"][v] = {"options": asdict(VARIANTS[v]), "quant": quant, "weight_bytes": size}
        print(f"{v}: {time.time() - t0:.0f} s, decoder weights {size / 1e6:.0f} MB", flush=True)
    if args.gguf:
        t0 = time.time()
        path = os.path.join(args.out, "model-q4_0.gguf")
        with open(path + ".tmp", "wb") as f:
            w = LlamaGGUFWriter(f, cfg, VOCAB, order(cfg), name=f"random-llama-{args.shape}")
            for name, t in weights(cfg):
                w.add(name, t.numpy())
            w.close()
        os.replace(path + ".tmp", path)
        info["gguf"] = {"file": "model-q4_0.gguf", "bytes": os.path.getsize(path)}
        print(f"gguf: {time.time() - t0:.0f} s, {os.path.getsize(path) / 1e6:.0f} MB", flush=True)
    with open(info_path, "w") as f:
        json.dump(info, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

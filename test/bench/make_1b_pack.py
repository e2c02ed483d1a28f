#!/usr/bin/python3
"""A ~1 B-parameter random DeepResonance-β pack for the runtime benchmark.

  nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b [--quant int4]
  flock /work/locks/bigmem nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b \
      --imagebind huge --sources-only     # test/bench/ttft.ts: the TS converter makes the pack

LLM: random LLaMA, hidden 2048, 18 layers, 16 heads, vocab 32000 (+6), with a
LoRA r=32 delta (tools/convert/bench_convert.py's generator); tokenizer: a
32000-piece SentencePiece BPE trained on the text shipped in /usr/share;
ImageBind: the real input geometry with narrow trunks and out_embed_dim 1024
(the encoders of the real model are benchmarked separately when its weights
are at hand), or with `--imagebind huge` ImageBind-huge's real shapes (random
weights, fp32, the official key names; ~2.9 GB on disk, ~6 GB peak RSS while
written) as src/imagebind-huge.pth. Everything then goes through the real
converter (the Python one here; `--sources-only` stops before it).
"""
import argparse
import glob
import gzip
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "convert"))


def corpus(path: str, limit: int = 40 << 20) -> None:
    size = 0
    with open(path, "w", encoding="utf-8") as out:
        files = sorted(glob.glob("/usr/share/common-licenses/*")) + sorted(glob.glob("/usr/share/doc/*/copyright")) + sorted(glob.glob("/usr/share/doc/*/changelog*.gz"))
        for f in files:
            try:
                data = gzip.open(f).read() if f.endswith(".gz") else open(f, "rb").read()
            except OSError:
                continue
            text = data.decode("utf-8", "replace")
            out.write(text)
            size += len(text)
            if size > limit:
                break


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--quant", default="int4", choices=["none", "int8", "int4"])
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16"])
    ap.add_argument("--layers", type=int, default=18)
    ap.add_argument("--imagebind", default="narrow", choices=["narrow", "huge"])
    ap.add_argument("--sources-only", action="store_true")
    args = ap.parse_args()
    src = os.path.join(args.out, "src")
    llm = os.path.join(src, "llama")
    os.makedirs(llm, exist_ok=True)
    import bench_convert
    import imagebind
    import sentencepiece as spm

    if not os.path.exists(os.path.join(llm, "config.json")):
        print("generating the random 1 B LLaMA …", flush=True)
        bench_convert.gen_1b(llm, args.layers)
    if not os.path.exists(os.path.join(llm, "tokenizer.model")):
        print("training a 32000-piece tokenizer …", flush=True)
        text = os.path.join(src, "corpus.txt")
        corpus(text)
        spm.SentencePieceTrainer.Train(
            input=text, model_prefix=os.path.join(llm, "tokenizer"), model_type="bpe", vocab_size=32000,
            byte_fallback=True, character_coverage=0.9995, split_digits=True, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
            normalization_rule_name="identity", remove_extra_whitespaces=False, add_dummy_prefix=True, allow_whitespace_only_pieces=True,
            input_sentence_size=2_000_000, shuffle_input_sentence=True, num_threads=2, minloglevel=2)
        os.remove(os.path.join(llm, "tokenizer.vocab"))
        os.remove(text)
        with open(os.path.join(llm, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}, f)
    if args.imagebind == "huge":
        ib_cfg = imagebind.huge_config()
        cfg_path = os.path.join(src, "imagebind-huge.json")
        ib = os.path.join(src, "imagebind-huge.pth")
    else:
        ib_cfg = imagebind.tiny_config()
        ib_cfg["out_embed_dim"] = 1024
        cfg_path = os.path.join(src, "imagebind.json")
        ib = os.path.join(src, "imagebind.pth")
    with open(cfg_path, "w") as f:
        json.dump(ib_cfg, f)
    if not os.path.exists(ib):
        print(f"writing the random ImageBind ({args.imagebind}) …", flush=True)
        imagebind.write_random_checkpoint(ib_cfg, ib + ".partial", seed=0)
        os.replace(ib + ".partial", ib)
    if args.sources_only:
        return 0
    delta = os.path.join(llm, "delta.pt")
    pack = os.path.join(args.out, f"pack-{args.dtype}-{args.quant}")
    cmd = [sys.executable, os.path.join(ROOT, "tools", "convert", "convert.py"), "--imagebind", ib, "--imagebind-config", cfg_path,
           "--llm", llm, "--delta", delta, "--out", pack, "--dtype", args.dtype, "--llm-quant", args.quant, "--force"]
    print(" ".join(cmd), flush=True)
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())

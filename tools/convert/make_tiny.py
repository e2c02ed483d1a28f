#!/usr/bin/python3
"""Tiny checkpoints in the three official formats, tiny packs made by the real
converter, and PyTorch reference outputs for the studio's tests.

  /usr/bin/python3 tools/convert/make_tiny.py --out DIR

DIR/src/        imagebind_tiny.pth + imagebind_tiny.json, llama-base/ (HF LLaMA, safetensors
                shards), llama-vicuna-delta/ (vicuna-7b-delta-v0 layout), llama/ (Vicuna assembled
                as FastChat 0.1.10 does, .bin shards), delta_alpha.pt, delta_beta.pt (Parameters,
                fp16, as agent.save_model writes them)
DIR/media/      sine.wav (stereo 44.1 kHz, 3.5 s), testsrc.png, testsrc.mp4 (6 s, with audio)
DIR/packs/      alpha-fp32, beta-fp32, beta-fp32-int4, beta-fp16-int8 (made by convert.py)
DIR/refs/       index.json + .npy files (format in MANIFEST.md, "Reference outputs")
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

LLM = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
           rms_norm_eps=1e-6, max_position_embeddings=2048)
SP_VOCAB = 700
LORA_R = 4

WORDS = ("the a an and of with in on is are this that music song track guitar piano drums bass violin cello "
         "voice vocals singer choir melody harmony rhythm tempo beat key chord chords major minor loud soft "
         "slow fast happy sad calm energetic dark bright mood genre jazz rock pop classical electronic folk "
         "hip hop ambient instrument instruments playing plays sound sounds describe what how why where who "
         "video image cover picture scene dance dancing people crowd stage night light color red blue green "
         "BPM bpm Hz time signature 4/4 3/4 A B C D E F G sharp flat intro verse chorus bridge outro solo "
         "reverb distortion synth synthesizer strings brass flute trumpet saxophone organ").split()
EXTRA = ["café déjà vu", "Mötley Crüe", "Ærø straße", "日本の音楽", "música ñandú", "naïve façade",
         "Tempo: 120 BPM, key: A minor.", "Chords: Am F C G", "### Human: What instruments are playing?",
         "### Assistant: A piano and a violin.", "\n###", "1999 2024 3.14 42", "tabs\tand  double  spaces"]


def log(s: str) -> None:
    print(s, flush=True)


def corpus(path: str, n: int = 2500, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            k = rng.randint(3, 14)
            line = " ".join(rng.choice(WORDS) for _ in range(k))
            if i % 7 == 0:
                line = "### Human: " + line + "?"
            elif i % 7 == 1:
                line = "### Assistant: " + line + "."
            elif i % 5 == 0:
                line += " " + rng.choice(EXTRA)
            if i % 11 == 0:
                line += f" {rng.randint(0, 300)} {rng.randint(0, 9)}.{rng.randint(0, 99)}"
            f.write(line + "\n")


def train_sp(src_dir: str) -> str:
    import sentencepiece as spm
    text = os.path.join(src_dir, "corpus.txt")
    corpus(text)
    prefix = os.path.join(src_dir, "tokenizer")
    spm.SentencePieceTrainer.Train(
        input=text, model_prefix=prefix, model_type="bpe", vocab_size=SP_VOCAB, byte_fallback=True,
        character_coverage=1.0, split_digits=True, allow_whitespace_only_pieces=True,
        normalization_rule_name="identity", remove_extra_whitespaces=False, add_dummy_prefix=True,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=1, minloglevel=2)
    os.remove(prefix + ".vocab")
    os.remove(text)
    return prefix + ".model"


def _hf_side_files(dir_: str, cfg: dict) -> None:
    with open(os.path.join(dir_, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(dir_, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                   "add_bos_token": True, "add_eos_token": False, "model_max_length": 2048}, f, indent=2)
    with open(os.path.join(dir_, "special_tokens_map.json"), "w") as f:
        json.dump({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}, f, indent=2)


def _inv_freq(lc) -> torch.Tensor:
    return 1.0 / (10000 ** (torch.arange(0, lc.head_dim, 2).float() / lc.head_dim))


def write_llama(dir_: str, seed: int = 1) -> dict:
    """Vicuna-7B v0 in miniature, made the way a user makes it (ckpt/pretrained_ckpt/prepare_vicuna.md):

    `{dir_}-base/`: LLaMA in HF format (fp16, 2 safetensors shards + model.safetensors.index.json,
    config vocab = tokenizer size, `rotary_emb.inv_freq` buffers as transformers 4.28 saved them);
    `{dir_}-vicuna-delta/`: the `lmsys/vicuna-7b-delta-v0` layout (fp16 .bin shards + index, config
    vocab = tokenizer size + 1 for FastChat's [PAD] row, same tokenizer.model);
    `dir_`: FastChat 0.1.10 `apply_delta` of the two (checkpoint.apply_vicuna_delta), saved as
    `save_pretrained` does (.bin shards, config vocab_size tokenizer + 1) with the delta's tokenizer.
    Returns {"vocab": tokenizer size, "config": LlamaConfig of the assembled folder}.
    """
    import shutil
    import checkpoint
    import llama
    base_dir, delta_dir = dir_ + "-base", dir_ + "-vicuna-delta"
    for d in (dir_, base_dir, delta_dir):
        os.makedirs(d, exist_ok=True)
    sp_model = train_sp(base_dir)
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=sp_model)
    V = sp.GetPieceSize()
    cfg = dict(LLM, vocab_size=V, model_type="llama", architectures=["LlamaForCausalLM"], hidden_act="silu",
               bos_token_id=1, eos_token_id=2, pad_token_id=0, torch_dtype="float16", initializer_range=0.02,
               tie_word_embeddings=False, use_cache=True, transformers_version="4.28.0.dev0")
    _hf_side_files(base_dir, cfg)
    _hf_side_files(delta_dir, dict(cfg, vocab_size=V + 1))
    shutil.copy(sp_model, os.path.join(delta_dir, "tokenizer.model"))
    lc = llama.load_config(base_dir)
    g = torch.Generator().manual_seed(seed)
    base, delta = {}, {}
    for name, shape in llama.expected_shapes(lc).items():
        if len(shape) == 1:
            target = 1.0 + 0.1 * torch.randn(shape, generator=g)
        elif name == "model.embed_tokens.weight":
            target = torch.randn(shape, generator=g)
        else:
            target = torch.randn(shape, generator=g) / shape[1] ** 0.5 * (3.0 if name == "lm_head.weight" else 1.0)
        # the Vicuna weights are the fine-tuned target; the LLaMA base differs from them by a small delta
        d = 0.1 * target.std() * torch.randn(shape, generator=g)
        base[name] = (target - d).half()
        delta[name] = d.half()
        if name in ("model.embed_tokens.weight", "lm_head.weight"):  # the [PAD] row: zero + delta
            delta[name] = torch.cat([delta[name], (0.02 * torch.randn(1, shape[1], generator=g)).half()])
    for i in range(lc.num_hidden_layers):  # buffers present in real HF checkpoints of that era; must be ignored
        base[f"model.layers.{i}.self_attn.rotary_emb.inv_freq"] = _inv_freq(lc)
        delta[f"model.layers.{i}.self_attn.rotary_emb.inv_freq"] = _inv_freq(lc)
    checkpoint.save_sharded(base_dir, base, 2, "safetensors")
    checkpoint.save_sharded(delta_dir, delta, 2, "bin")
    vicuna = checkpoint.apply_vicuna_delta(base_dir, delta_dir)
    checkpoint.save_sharded(dir_, vicuna, 2, "bin")
    _hf_side_files(dir_, dict(cfg, vocab_size=V + 1))
    shutil.copy(sp_model, os.path.join(dir_, "tokenizer.model"))
    return {"vocab": V, "config": llama.load_config(dir_), "base_dir": base_dir, "delta_dir": delta_dir}


def write_delta(path: str, lc, vocab: int, out_dim: int, beta: bool, seed: int, key_style: str = "peft-0.3.0") -> None:
    """The DeepResonance delta as the official `agent.save_model` writes it: an OrderedDict of the
    trainable `named_parameters()` (torch.nn.Parameter, requires_grad=True, fp16 as DeepSpeed's fp16
    engine holds them), torch.save zip format; LoRA keys in peft 0.3.0 (`.default.`) or legacy style;
    embed_tokens/lm_head in full (`vocab` rows) under `llama_model.base_model.model.`."""
    from collections import OrderedDict
    g = torch.Generator().manual_seed(seed)
    H = lc.hidden_size
    sd = OrderedDict()
    sd["llama_proj.weight"] = torch.randn(H, out_dim, generator=g) / out_dim ** 0.5 * 4.0
    sd["llama_proj.bias"] = 0.1 * torch.randn(H, generator=g)
    mid = ".default" if key_style == "peft-0.3.0" else ""
    for i in range(lc.num_hidden_layers):
        for n in "qkvo":
            p = f"llama_model.base_model.model.model.layers.{i}.self_attn.{n}_proj"
            sd[f"{p}.lora_A{mid}.weight"] = torch.randn(LORA_R, H, generator=g) / H ** 0.5
            sd[f"{p}.lora_B{mid}.weight"] = 0.05 * torch.randn(H, LORA_R, generator=g)
    sd["llama_model.base_model.model.model.embed_tokens.weight"] = torch.randn(vocab, H, generator=g)
    sd["llama_model.base_model.model.lm_head.weight"] = torch.randn(vocab, H, generator=g) / H ** 0.5 * 3.0
    if beta:
        layer = torch.nn.TransformerEncoderLayer(d_model=H, nhead=lc.num_attention_heads,
                                                 dim_feedforward=lc.intermediate_size, batch_first=True)
        torch.manual_seed(seed)
        enc = torch.nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        for k, v in enc.state_dict().items():
            sd["preencoding." + k] = v.clone()
    params = OrderedDict((k, torch.nn.Parameter(v.half(), requires_grad=True)) for k, v in sd.items())
    torch.save(params, path)


def make_media(dir_: str) -> dict:
    os.makedirs(dir_, exist_ok=True)
    ff = os.environ.get("STUDIO_FFMPEG", "ffmpeg")
    files = {"audio": os.path.join(dir_, "sine.wav"), "image": os.path.join(dir_, "testsrc.png"),
             "video": os.path.join(dir_, "testsrc.mp4")}
    cmds = [
        [ff, "-y", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=3.5",
         "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100:duration=3.5",
         "-filter_complex", "[0:a][1:a]amerge=inputs=2[a]", "-map", "[a]", "-c:a", "pcm_s16le", files["audio"]],
        [ff, "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=1", "-frames:v", "1", files["image"]],
        [ff, "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=256x192:rate=10:duration=6",
         "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=16000:duration=6",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-c:a", "aac", "-shortest", files["video"]],
    ]
    for c in cmds:
        subprocess.run(c, check=True)
    return files


PROMPTS = [
    {"id": "audio_only", "input": "<Audio>", "instruction": "What instruments are playing?", "media": ["audio"]},
    {"id": "text_audio_image", "input": "Tempo: 120 BPM, key: A minor. <Audio> <Image>",
     "instruction": "Describe the mood given this cover.", "media": ["audio", "image"]},
    {"id": "video_audio", "input": "<Video><Audio>",
     "instruction": "What happens in the video and how does the music fit it?", "media": ["video", "audio"]},
    {"id": "text_only_empty_input", "input": "", "instruction": "Say something about jazz ### ok", "media": []},
]

TOKENIZER_CASES = [
    "", " ", "hello", "Hello world", "  leading spaces", "trailing spaces   ", "tabs\tand\nnewlines\n\n",
    "multiple     spaces   inside", "digits 1234567890 and 3.14159", "Tempo: 120 BPM, key: A minor.",
    "café déjà vu naïve", "Mötley Crüe straße Ærø", "日本の音楽はすばらしい", "emoji 🎸🎹🥁 and 😀!",
    "mixed ünïcödé 🎶 text 42", "###", " ###", "\n###", "### Human: hi\n### Assistant: ",
    "<Img>", "a <Img> b", "x</Img>y", "{'<Vid>'} video {'</Vid>'}", "sound {'<Aud>'}  {'</Aud>'} end",
    "<s> bos inside </s>", "<Audio> placeholder is plain text to the tokenizer", "ZZZ qqq xxyyzz",
    "控制 \u200b zero width \u00a0 nbsp", "a\u0301 combining", "🏳️‍🌈 family 👨‍👩‍👧",
]


def save(refs: str, name: str, arr) -> str:
    if torch.is_tensor(arr):
        arr = arr.detach().cpu().numpy()
    arr = np.ascontiguousarray(arr)
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    np.save(os.path.join(refs, name), arr)
    return name


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-new-tokens", type=int, default=12)
    args = ap.parse_args(argv)
    t0 = time.time()
    out = os.path.abspath(args.out)
    src, media_dir, packs, refs = (os.path.join(out, d) for d in ("src", "media", "packs", "refs"))
    for d in (src, packs, refs):
        os.makedirs(d, exist_ok=True)
    torch.manual_seed(0)

    import imagebind as ib
    import preprocess
    import tokenizer as tok_mod
    import convert
    from reference import Reference

    ib_cfg = ib.tiny_config()
    ib_json = os.path.join(src, "imagebind_tiny.json")
    with open(ib_json, "w") as f:
        json.dump(ib_cfg, f, indent=2)
    ib_pth = os.path.join(src, "imagebind_tiny.pth")
    ib.write_random_checkpoint(ib_cfg, ib_pth, seed=0)
    llm_dir = os.path.join(src, "llama")
    info = write_llama(llm_dir)
    vocab = info["vocab"] + len(tok_mod.ADDED_TOKENS)
    deltas = {"alpha": os.path.join(src, "delta_alpha.pt"), "beta": os.path.join(src, "delta_beta.pt")}
    write_delta(deltas["alpha"], info["config"], vocab, ib_cfg["out_embed_dim"], beta=False, seed=2)
    write_delta(deltas["beta"], info["config"], vocab, ib_cfg["out_embed_dim"], beta=True, seed=3)
    log(f"checkpoints written ({time.time() - t0:.1f} s)")

    pack_specs = [("alpha-fp32", "alpha", "fp32", "none"), ("beta-fp32", "beta", "fp32", "none"),
                  ("beta-fp32-int4", "beta", "fp32", "int4"), ("beta-fp16-int8", "beta", "fp16", "int8")]
    for name, variant, dtype, quant in pack_specs:
        rc = convert.main(["--imagebind", ib_pth, "--imagebind-config", ib_json, "--llm", llm_dir,
                           "--delta", deltas[variant], "--out", os.path.join(packs, name), "--dtype", dtype,
                           "--llm-quant", quant, "--name", f"tiny-{name}", "--force", "--quiet"])
        if rc != 0:
            raise SystemExit(f"convert.py failed for {name}")
    log(f"packs converted ({time.time() - t0:.1f} s)")

    files = make_media(media_dir)
    fbank, ainfo = preprocess.load_and_transform_audio(files["audio"], return_intermediates=True)
    image = preprocess.load_and_transform_image(files["image"])
    video = preprocess.load_and_transform_video(files["video"])
    video_audio = preprocess.load_and_transform_audio(files["video"])
    media = {"audio": fbank, "image": image, "video": video}
    index = {"schema_version": 1, "created_s": time.time(), "src": {
        "imagebind": "src/imagebind_tiny.pth", "imagebind_config": "src/imagebind_tiny.json", "llm": "src/llama",
        "delta_alpha": "src/delta_alpha.pt", "delta_beta": "src/delta_beta.pt"},
        "media": {k: os.path.relpath(v, out) for k, v in files.items()},
        "preprocessed": {
            "audio_fbank": save(refs, "audio_fbank.npy", fbank),
            "audio_clip_samples": [list(map(int, c)) for c in ainfo["clip_samples"]],
            "image_pixels": save(refs, "image_pixels.npy", image),
            "video_pixel_values": save(refs, "video_pixel_values.npy", video),
            "video_audio_fbank": save(refs, "video_audio_fbank.npy", video_audio)},
        "packs": {}}

    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(llm_dir, "tokenizer.model"))
    index["tokenizer_cases"] = [{"text": t, "ids": tok_mod.reference_encode(sp, t)} for t in TOKENIZER_CASES]

    for name, variant, dtype, quant in pack_specs:
        bits = {"none": 0, "int4": 4, "int8": 8}[quant]
        ref = Reference(ib_pth, ib_json, llm_dir, deltas[variant], quant_bits=bits)
        entry = {"dir": f"packs/{name}", "variant": variant, "dtype": dtype, "llm_quant": quant,
                 "stop_ids": ref.stop_ids, "eos_id": ref.sp.eos_id(), "encoders": {}, "prompts": []}
        p = f"{name}__"
        for kind in ("audio", "image", "video"):
            e = ref.encode(kind, media[kind])
            entry["encoders"][kind] = {"embeddings": save(refs, p + f"enc_{kind}.npy", e),
                                       "projected": save(refs, p + f"proj_{kind}.npy", ref.project(e))}
        for pr in PROMPTS:
            b = ref.build(pr["input"], pr["instruction"], [(k, media[k]) for k in pr["media"]])
            ids, margin = ref.greedy(b["source"], args.max_new_tokens)
            rec = {"id": pr["id"], "input": pr["input"], "instruction": pr["instruction"], "media": pr["media"],
                   "segments": b["segments"],
                   "input_embeds": save(refs, p + f"{pr['id']}_input_embeds.npy", b["input_embeds"][0]),
                   "source_embeds": save(refs, p + f"{pr['id']}_source_embeds.npy", b["source"][0]),
                   "first_logits": save(refs, p + f"{pr['id']}_first_logits.npy", ref.first_logits(b["source"])),
                   "greedy_ids": ids, "greedy_min_margin": margin}
            if b["fused"] is not None:
                rec["fused"] = save(refs, p + f"{pr['id']}_fused.npy", b["fused"][0])
            entry["prompts"].append(rec)
        index["packs"][name] = entry
        log(f"references for {name} ({time.time() - t0:.1f} s)")
    with open(os.path.join(refs, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1, ensure_ascii=False)
    log(f"done in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Convert the official DeepResonance checkpoints into a Resonance Studio model pack.

  /usr/bin/python3 tools/convert/convert.py --imagebind imagebind_huge.pth \
      --llm vicuna-7b-v0/ --delta deepresonance_beta/pytorch_model.pt --out packs/deepresonance-beta \
      [--imagebind-config cfg.json] [--dtype fp32|fp16] [--llm-quant none|int8|int4] [--force]

The pack format is documented in tools/convert/MANIFEST.md.  Exit status 0 on
success, 2 on a conversion error (message on stderr), never a half pack.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, Iterator, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import llama  # noqa: E402
from llama import ConvertError  # noqa: E402
import delta as delta_mod  # noqa: E402
import tokenizer as tok_mod  # noqa: E402
import projector  # noqa: E402
import pack as pack_mod  # noqa: E402

CONVERTER_VERSION = "1"

# Audio: 3 clips x 1 token; image: 1 token; video: 5 clips x 3 crops = 15 tokens (DESIGN.md)
MEDIA = {
    "audio": {"graph": "audio_encoder", "tokens": 3, "clips": 3, "clip_seconds": 2.0, "sample_rate": 16000,
              "fbank": {"num_mel_bins": 128, "target_length": 204, "frame_length_ms": 25, "frame_shift_ms": 10,
                        "mean": -4.268, "std": 9.138}},
    "image": {"graph": "vision_encoder", "tokens": 1, "size": 224,
              "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]},
    "video": {"graph": "vision_encoder", "tokens": 15, "clips": 5, "frames_per_clip": 2, "crops": 3,
              "clip_seconds": 2.0, "size": 224},
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="DeepResonance checkpoints -> Resonance Studio model pack")
    p.add_argument("--imagebind", required=True, help="imagebind_huge.pth (ImageBindModel state dict)")
    p.add_argument("--imagebind-config", help="JSON with ImageBindModel constructor args (other sizes, tests)")
    p.add_argument("--llm", required=True, help="Hugging Face LLaMA folder (Vicuna-7B v0)")
    p.add_argument("--delta", required=True, help="DeepResonance delta pytorch_model.pt")
    p.add_argument("--out", required=True, help="output pack folder")
    p.add_argument("--dtype", choices=["fp32", "fp16"], default="fp16")
    p.add_argument("--llm-quant", choices=["none", "int8", "int4"], default="none")
    p.add_argument("--int4-scheme", choices=list(llama.INT4_SCHEMES), default=llama.INT4_SCHEMES[0],
                   help="int4 rounding: q4_0 (llama.cpp's, the default) or symmetric (amax/7, for comparison)")
    p.add_argument("--lora-alpha", type=float, default=delta_mod.DEFAULT_LORA_ALPHA,
                   help="LoRA alpha (not stored in the delta; 32 in the official training config)")
    p.add_argument("--name", help="pack name (default derived from variant/dtype/quant)")
    p.add_argument("--force", action="store_true", help="replace a different pack (or other files) at --out")
    p.add_argument("--quiet", action="store_true")
    return p


def llm_stream(llm_dir: str, cfg: llama.LlamaConfig, d: delta_mod.Delta, vocab: int,
               log: Callable[[str], None]) -> Iterator[Tuple[str, torch.Tensor]]:
    """Base weights shard by shard with LoRA merged and the delta's embed/lm_head substituted."""
    shapes = llama.expected_shapes(cfg)
    for name, t in llama.iter_checkpoint(llm_dir):
        if not llama.check_tensor(name, t, shapes, llm_dir):
            continue
        if name == "model.embed_tokens.weight" and d.embed_tokens is not None:
            continue
        if name == "lm_head.weight" and d.lm_head is not None:
            continue
        if name in ("model.embed_tokens.weight", "lm_head.weight"):
            t = resize_rows(t, vocab, name, log)
        yield name, d.merged(name, t)
    if d.embed_tokens is not None:
        yield "model.embed_tokens.weight", d.embed_tokens
    if d.lm_head is not None:
        yield "lm_head.weight", d.lm_head


def resize_rows(t: torch.Tensor, vocab: int, name: str, log: Callable[[str], None]) -> torch.Tensor:
    """HF `resize_token_embeddings(vocab)` on a [rows, H] table: keep the first min(rows, vocab)
    rows; the rows it would initialise randomly are zero here (warned)."""
    if t.shape[0] > vocab:
        return t[:vocab]
    if t.shape[0] < vocab:
        log(f"  warning: delta has no {name.split('.')[-2]} of {vocab} rows; the {vocab - t.shape[0]} "
            f"added-token rows are zero (the reference would have random rows there)")
        t = torch.cat([t, torch.zeros(vocab - t.shape[0], t.shape[1], dtype=t.dtype)], dim=0)
    return t


def convert(args, log: Callable[[str], None] = print) -> str:
    t0 = time.time()
    llama.limit_heap_fragmentation()
    for what, p, isdir in (("--imagebind", args.imagebind, False), ("--llm", args.llm, True), ("--delta", args.delta, False)):
        if not (os.path.isdir(p) if isdir else os.path.isfile(p)):
            raise ConvertError(f"{what} {p!r} does not exist{' or is not a folder' if isdir else ''}")
    options = {"dtype": args.dtype, "llm_quant": args.llm_quant, **({"int4_scheme": args.int4_scheme} if args.llm_quant == "int4" else {}),
               "lora_alpha": args.lora_alpha,
               "imagebind_config": os.path.abspath(args.imagebind_config) if args.imagebind_config else None,
               "version": CONVERTER_VERSION}
    fp = pack_mod.fingerprint([args.imagebind, args.imagebind_config, args.llm, args.delta], options)
    pack_mod.check_out_dir(args.out, fp, args.force)

    import imagebind as ib
    try:
        ib_cfg = ib.load_config(args.imagebind_config)
        ib_model = ib.load_imagebind(args.imagebind, ib_cfg)
    except ib.ImageBindError as e:
        raise ConvertError(str(e)) from e
    out_dim = ib_cfg["out_embed_dim"]

    cfg = llama.load_config(args.llm)
    sp_path = os.path.join(args.llm, "tokenizer.model")
    sp = tok_mod.load_sp(sp_path)
    tok_mod.check_llama_style(sp_path)
    base_vocab = sp.GetPieceSize()
    at = os.path.join(args.llm, "added_tokens.json")
    if os.path.isfile(at) and os.path.getsize(at) > 2:
        raise ConvertError(f"{at}: the LLM tokenizer already has added tokens; the DeepResonance token ids "
                           f"would shift (Vicuna v0 as prepared by the reference has none) — unsupported")
    if cfg.vocab_size < base_vocab:
        raise ConvertError(f"{args.llm}: config.json vocab_size {cfg.vocab_size} < tokenizer.model size {base_vocab}")
    if cfg.vocab_size > base_vocab:
        # FastChat 0.1.10's apply_delta adds a [PAD] row to the model but saves the delta's
        # tokenizer (32000 pieces): Vicuna v0 has 32001 rows. DeepResonance's
        # resize_token_embeddings(len(tokenizer) + 6) keeps the first rows, so row 32000 is
        # overwritten by the first added token. The delta's own embed_tokens/lm_head replace them.
        log(f"  note: {args.llm} has {cfg.vocab_size} embedding rows for a {base_vocab}-piece tokenizer "
            f"(the [PAD] row FastChat's apply_delta adds); rows are taken as resize_token_embeddings does")
    vocab = base_vocab + len(tok_mod.ADDED_TOKENS)
    d = delta_mod.load_delta(args.delta, cfg, vocab, lora_alpha=args.lora_alpha)
    if d.encoder_dim != out_dim:
        raise ConvertError(f"{args.delta}: llama_proj takes {d.encoder_dim}-d input but ImageBind out_embed_dim is "
                           f"{out_dim} (shape mismatch)")
    stop = tok_mod.reference_encode(sp, "###")
    nhead = cfg.num_attention_heads

    log(f"found: DeepResonance-{'β' if d.variant == 'beta' else 'α'} ({d.variant})")
    log(f"  ImageBind: vision {ib_cfg['vision_embed_dim']}d x{ib_cfg['vision_num_blocks']}, "
        f"audio {ib_cfg['audio_embed_dim']}d x{ib_cfg['audio_num_blocks']}, out {out_dim}")
    log(f"  LLM: hidden {cfg.hidden_size}, layers {cfg.num_hidden_layers}, heads {cfg.num_attention_heads}, "
        f"ffn {cfg.intermediate_size}, vocab {base_vocab} + {len(tok_mod.ADDED_TOKENS)} added = {vocab}")
    log(f"  delta: llama_proj {out_dim}->{cfg.hidden_size}, LoRA r={d.lora_r} alpha={d.lora_alpha:g} "
        f"({d.lora_key_style}) on q/k/v/o of {cfg.num_hidden_layers} layers, "
        f"embed_tokens {'from delta' if d.embed_tokens is not None else 'from base'}, "
        f"lm_head {'from delta' if d.lm_head is not None else 'from base'}")
    if d.variant == "beta":
        log(f"  pre-LLM fusion: {d.fusion_layers} layer(s), d_model {cfg.hidden_size}, nhead {nhead}, ffn {d.fusion_ff}")
    log(f"  stop ids for '###': {stop}; output dtype {args.dtype}, LLM quantisation {args.llm_quant}")

    name = args.name or f"deepresonance-{d.variant}-{args.dtype}{'' if args.llm_quant == 'none' else '-' + args.llm_quant}"
    with pack_mod.PackWriter(args.out) as pw:
        graphs = {}
        log("writing audio encoder …")
        info = ib.export_audio_encoder(ib_model, pw.path("audio_encoder.onnx"), args.dtype)
        for f in info["files"]:
            pw.add("audio_encoder" if f.endswith(".onnx") else "audio_encoder_data", os.path.basename(f))
        graphs["audio_encoder"] = {"file": "audio_encoder.onnx"}
        log("writing vision encoder …")
        info = ib.export_vision_encoder(ib_model, pw.path("vision_encoder.onnx"), args.dtype)
        for f in info["files"]:
            pw.add("vision_encoder" if f.endswith(".onnx") else "vision_encoder_data", os.path.basename(f))
        graphs["vision_encoder"] = {"file": "vision_encoder.onnx"}
        del ib_model

        log("writing projector …")
        projector.export_projector(d.proj_weight, d.proj_bias, pw.path("projector.onnx"), args.dtype)
        pw.add("projector", "projector.onnx")
        graphs["projector"] = {"file": "projector.onnx"}
        if d.variant == "beta":
            log("writing pre-LLM fusion …")
            projector.export_fusion(d.fusion, d.fusion_layers, nhead, pw.path("fusion.onnx"), args.dtype)
            pw.add("fusion", "fusion.onnx")
            graphs["fusion"] = {"file": "fusion.onnx"}

        log("writing tokenizer …")
        for role, fn in tok_mod.write_tokenizer(sp_path, pw.tmp, writer=lambda p, b: pw.write_bytes(os.path.basename(p), b)).items():
            pw.add(role, fn)

        log("writing LLM decoder (streaming shards) …")
        files = llama.export_decoder(cfg, llm_stream(args.llm, cfg, d, vocab, log), pw.tmp, dtype=args.dtype,
                                     quant=args.llm_quant, vocab=vocab, log=log,
                                     options=llama.DecoderOptions(int4_scheme=args.int4_scheme))
        for role, fn in files.items():
            pw.add(role, fn)
        graphs["decoder"] = {"file": "decoder.onnx"}
        if "decoder_data" in files:
            graphs["decoder"]["external_data"] = files["decoder_data"]

        manifest = build_manifest(name, d, cfg, ib_cfg, args, graphs, sp, base_vocab, vocab, stop, fp, nhead)
        out = pw.finish(manifest)
    log(f"pack written to {out} in {time.time() - t0:.1f} s")
    return out


def build_manifest(name, d, cfg, ib_cfg, args, graphs, sp, base_vocab, vocab, stop, fp, nhead) -> dict:
    t = "float16" if args.dtype == "fp16" else "float32"
    H, L, nh, hd = cfg.hidden_size, cfg.num_hidden_layers, cfg.num_attention_heads, cfg.head_dim
    graphs["audio_encoder"].update({
        "inputs": {"fbank": {"dtype": "float32", "shape": ["batch", "clips", 1, ib_cfg["audio_num_mel_bins"], ib_cfg["audio_target_len"]]}},
        "outputs": {"embeddings": {"dtype": "float32", "shape": ["batch", "clips", ib_cfg["out_embed_dim"]]}}})
    s = ib_cfg["image_size"]
    graphs["vision_encoder"].update({
        "inputs": {"pixel_values": {"dtype": "float32", "shape": ["batch", "n", 3, ib_cfg["video_frames"], s, s]}},
        "outputs": {"embeddings": {"dtype": "float32", "shape": ["batch", "n", ib_cfg["out_embed_dim"]]}}})
    graphs["projector"].update({
        "inputs": {"embeddings": {"dtype": "float32", "shape": ["batch", "tokens", ib_cfg["out_embed_dim"]]}},
        "outputs": {"projected": {"dtype": t, "shape": ["batch", "tokens", H]}}})
    if "fusion" in graphs:
        graphs["fusion"].update({
            "inputs": {"inputs_embeds": {"dtype": t, "shape": ["batch", "sequence", H]},
                       "key_padding_mask": {"dtype": "bool", "shape": ["batch", "sequence"]}},
            "outputs": {"fused": {"dtype": t, "shape": ["batch", "sequence", H]}}})
    dec_in = {"inputs_embeds": {"dtype": t, "shape": ["batch", "sequence", H]},
              "attention_mask": {"dtype": "int64", "shape": ["batch", "total_sequence"]},
              "position_ids": {"dtype": "int64", "shape": ["batch", "sequence"]}}
    # the decoder returns the last position's logits only (llama.DecoderOptions.last_logits_only)
    dec_out = {"logits": {"dtype": "float32", "shape": ["batch", 1, vocab]}}
    for i in range(L):
        for kv in ("key", "value"):
            dec_in[f"past_key_values.{i}.{kv}"] = {"dtype": t, "shape": ["batch", nh, "past_sequence", hd]}
            dec_out[f"present.{i}.{kv}"] = {"dtype": t, "shape": ["batch", nh, "total_sequence", hd]}
    graphs["decoder"].update({"inputs": dec_in, "outputs": dec_out,
                              "past_key_values_pattern": "past_key_values.{layer}.{key|value}",
                              "present_pattern": "present.{layer}.{key|value}"})
    added = {tok: base_vocab + i for i, tok in enumerate(tok_mod.ADDED_TOKENS)}
    return {
        "schema_version": pack_mod.SCHEMA_VERSION,
        "name": name,
        "variant": d.variant,
        "model": "DeepResonance-" + ("β" if d.variant == "beta" else "α"),
        "converter_version": CONVERTER_VERSION,
        "dtype": args.dtype,
        "llm_quant": args.llm_quant,
        "quantization": None if args.llm_quant == "none" else {
            "op": "com.microsoft.MatMulNBits", "bits": 4 if args.llm_quant == "int4" else 8, "block_size": 32,
            "symmetric": True, **({"rounding": llama.INT4_ROUNDING[args.int4_scheme]} if args.llm_quant == "int4" else {}), "applies_to": "q/k/v/o/gate/up/down projections; lm_head with lm_head_bits", "lm_head_bits": llama.DecoderOptions().lm_head_bits,
            "accuracy_level": llama.DecoderOptions().accuracy_level},
        "source": {"imagebind": os.path.basename(args.imagebind), "llm": os.path.basename(os.path.normpath(args.llm)),
                   "delta": os.path.basename(args.delta), "fingerprint": fp},
        "imagebind": dict(ib_cfg),
        "llm": {"hidden_size": H, "intermediate_size": cfg.intermediate_size, "num_hidden_layers": L,
                "num_attention_heads": nh, "head_dim": hd, "vocab_size": vocab, "base_vocab_size": base_vocab,
                "rms_norm_eps": cfg.rms_norm_eps, "max_position_embeddings": cfg.max_position_embeddings,
                "rope_theta": cfg.rope_theta,
                # GroupQueryAttention: past and present may share one pre-allocated buffer (MANIFEST.md)
                "kv_cache": "shared_buffer"},
        "lora": {"r": d.lora_r, "alpha": d.lora_alpha, "scale": d.lora_scale() if d.lora_r else 0.0,
                 "merged": True, "key_style": d.lora_key_style},
        "fusion": None if d.variant == "alpha" else {"layers": d.fusion_layers, "d_model": H, "nhead": nhead,
                                                     "dim_feedforward": d.fusion_ff, "activation": "relu",
                                                     "norm_first": False, "layer_norm_eps": 1e-5,
                                                     "scope": "input_segment"},
        "graphs": graphs,
        "embed_tokens": {"file": "embed_tokens.bin", "dtype": t, "byte_order": "little", "layout": "row-major",
                         "shape": [vocab, H]},
        "tokenizer": {"file": "tokenizer.json", "config": "tokenizer_config.json", "add_special_tokens": False,
                      "library": "@huggingface/tokenizers"},
        "tokens": {"bos_id": sp.bos_id(), "eos_id": sp.eos_id(), "unk_id": sp.unk_id(), "pad_id": sp.eos_id(),
                   "stop_ids": [stop], "stop_text": "###", "answer_terminator": "\n###", "added": added},
        "media": MEDIA,
        "prompt": {
            "placeholders": {"<Audio>": "audio", "<Image>": "image", "<Video>": "video"},
            "placeholder_regex": "(<Audio>|<Image>|<Video>)",
            "template": "{input}### Human: {instruction}\n### Assistant: ",
            "instruction_prefix": "### Human: ",
            "instruction_suffix": "\n### Assistant: ",
            "bos": "iff the first split segment of the input is non-empty text",
            "empty_input_replacement": " ",
            "segments_tokenized_separately": True,
            "max_length": 512,
        },
        "generation": {"temperature": 0.1, "top_p": 1.0, "max_new_tokens": 512, "do_sample": True},
        "ep_hints": {
            "order": ["cuda", "dml", "coreml", "webgpu", "cpu"],
            "decoder": {"min_memory_bytes": None, "notes": "MatMulNBits needs the CPU, CUDA or WebGPU EP" if args.llm_quant != "none" else ""},
            "fp16_on_cpu": "supported but slow; prefer fp32 packs for CPU-only machines" if args.dtype == "fp16" else None,
        },
    }


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    log = (lambda s: None) if args.quiet else (lambda s: print(s, flush=True))
    try:
        convert(args, log)
    except ConvertError as e:
        print(f"convert: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"convert: error: {e} (nothing was written to {args.out})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""PyTorch DeepResonance inference path — a test oracle, never part of the app.

Follows code/model/deepresonance.py (_prepare_one_mixed_embedding,
_prepare_batch_mixed_embedding, generate) for one sample:

* an empty input becomes " ";
* the input is split on (<Audio>|<Image>|<Video>); empty pieces are skipped;
  piece i == 0 being text gets BOS in front (so BOS iff the input starts with
  text); each text piece is tokenised on its own (add_special_tokens=False, so
  each gets SentencePiece's dummy "▁" prefix); each placeholder takes the next
  medium, in order: ImageBind multi-sampled embeddings (audio 3, image 1,
  video 15 tokens) -> llama_proj;
* β: nn.TransformerEncoder over that *input* segment only (padding mask all
  False for one sample), truncated to max_length 512 first if longer;
* then '### Human: ' + instruction + '\\n### Assistant: ' tokenised (no BOS);
* the concatenation is truncated to max_length (512) embeddings;
* generation: decoder over inputs_embeds with all-ones attention mask and
  positions 0..n-1; greedy here (the reference samples at temperature 0.1,
  top_p 1.0) and stops after emitting a stop id ("###") or EOS.

Deviation: the reference runs in fp16 on CUDA; this oracle runs in fp32.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import llama  # noqa: E402
import delta as delta_mod  # noqa: E402
import tokenizer as tok_mod  # noqa: E402
import projector  # noqa: E402

PLACEHOLDER = re.compile(r"(<Audio>|<Image>|<Video>)")
KIND = {"<Audio>": "audio", "<Image>": "image", "<Video>": "video"}
MAX_LENGTH = 512


class Reference:
    def __init__(self, imagebind_path: str, imagebind_config: Optional[str], llm_dir: str, delta_path: str,
                 lora_alpha: float = delta_mod.DEFAULT_LORA_ALPHA, quant_bits: int = 0):
        import imagebind as ib
        self.ib_cfg = ib.load_config(imagebind_config)
        self.ib = ib.load_imagebind(imagebind_path, self.ib_cfg)
        self.cfg = llama.load_config(llm_dir)
        self.sp = tok_mod.load_sp(os.path.join(llm_dir, "tokenizer.model"))
        self.vocab = self.sp.GetPieceSize() + len(tok_mod.ADDED_TOKENS)
        self.delta = delta_mod.load_delta(delta_path, self.cfg, self.vocab, lora_alpha=lora_alpha)
        sd = {}
        for name, t in llama.iter_checkpoint(llm_dir):
            if not llama.check_tensor(name, t, llama.expected_shapes(self.cfg), llm_dir):
                continue
            sd[name] = self.delta.merged(name, t).float()
        for name, rows in (("model.embed_tokens.weight", self.delta.embed_tokens), ("lm_head.weight", self.delta.lm_head)):
            if rows is not None:
                sd[name] = rows.float()
            elif sd[name].shape[0] != self.vocab:  # resize_token_embeddings: keep the first rows (Vicuna v0 has a [PAD] row)
                sd[name] = sd[name][: self.vocab]
                sd[name] = torch.cat([sd[name], torch.zeros(self.vocab - sd[name].shape[0], sd[name].shape[1])])
        if quant_bits:
            # emulate the int4/int8 pack exactly: dequantised block weights, lm_head with
            # llama.DecoderOptions().lm_head_bits; the embedding table stays in the pack dtype
            lm_bits = llama.DecoderOptions().lm_head_bits
            for name in list(sd):
                if sd[name].dim() == 2 and name != "model.embed_tokens.weight":
                    b = lm_bits if name == "lm_head.weight" else quant_bits
                    if b:
                        packed, scales = llama.quantize_nbits(sd[name], b, int4_scheme=llama.DecoderOptions().int4_scheme)
                        sd[name] = torch.from_numpy(llama.dequantize_nbits(packed, scales, b, sd[name].shape[1]))
        # quantised packs run MatMulNBits with accuracy_level 4 (int8 activations per block)
        self.llm = llama.TorchLlama(self.cfg, sd, act_quant=bool(quant_bits))
        self.fusion = None
        if self.delta.variant == "beta":
            self.fusion = projector.torch_fusion_reference(self.delta.fusion, self.delta.fusion_layers,
                                                           self.cfg.num_attention_heads, self.delta.fusion_ff)
        self.stop_ids = tok_mod.reference_encode(self.sp, "###")

    # -- media ------------------------------------------------------------
    @torch.no_grad()
    def encode(self, kind: str, x: torch.Tensor) -> torch.Tensor:
        """Preprocessed medium -> ImageBind embeddings [1, tokens, D]."""
        import imagebind as ib
        if kind == "audio":     # [3, 1, 128, 204]
            return ib.encode_audio(self.ib, x.unsqueeze(0))
        if kind == "image":     # [3, 224, 224]
            return ib.encode_vision(self.ib, x.unsqueeze(0))
        if kind == "video":     # [15, 3, 2, 224, 224]
            return ib.encode_vision(self.ib, x.unsqueeze(0))
        raise ValueError(kind)

    @torch.no_grad()
    def project(self, emb: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.linear(emb.float(), self.delta.proj_weight.float(), self.delta.proj_bias.float())

    def text_ids(self, text: str) -> List[int]:
        return tok_mod.reference_encode(self.sp, text)

    # -- prompt -----------------------------------------------------------
    @torch.no_grad()
    def build(self, input_text: str, instruction: str, media: Sequence[Tuple[str, torch.Tensor]]) -> Dict:
        """Returns the layout and every intermediate of one prompt."""
        if input_text == "":
            input_text = " "
        E = self.llm.embed
        pieces = PLACEHOLDER.split(input_text)
        segs, embs = [], []
        mi = 0
        enc_out = []
        for i, piece in enumerate(pieces):
            if piece == "":
                continue
            if piece in KIND:
                kind, x = media[mi]
                if kind != KIND[piece]:
                    raise ValueError(f"placeholder {piece} got a {kind} medium")
                e = self.encode(kind, x)
                enc_out.append(e)
                p = self.project(e)
                segs.append({"kind": kind, "media_index": mi, "tokens": int(p.shape[1])})
                embs.append(p[0])
                mi += 1
            else:
                ids = self.text_ids(piece)
                if i == 0:
                    segs.append({"kind": "bos", "ids": [self.sp.bos_id()]})
                    embs.append(E[[self.sp.bos_id()]])
                segs.append({"kind": "text", "text": piece, "ids": ids})
                embs.append(E[ids] if ids else E[:0])
        if mi != len(media):
            raise ValueError(f"{len(media)} media given, {mi} placeholders")
        input_embeds = torch.cat(embs, dim=0).unsqueeze(0)
        fused = None
        x = input_embeds
        if self.fusion is not None:
            x = x[:, :MAX_LENGTH]
            with torch.enable_grad():  # the reference's slow (non fast-path) code path
                fused = self.fusion(x, src_key_padding_mask=torch.zeros(1, x.shape[1], dtype=torch.bool)).detach()
            x = fused
        instr = "### Human: " + instruction + "\n### Assistant: "
        instr_ids = self.text_ids(instr)
        segs.append({"kind": "instruction", "text": instr, "ids": instr_ids})
        source = torch.cat([x, E[instr_ids].unsqueeze(0)], dim=1)[:, :MAX_LENGTH]
        return {"segments": segs, "encoder": enc_out, "input_embeds": input_embeds, "fused": fused,
                "source": source}

    @torch.no_grad()
    def first_logits(self, source: torch.Tensor) -> torch.Tensor:
        logits, _ = self.llm.forward(source)
        return logits[0, -1]

    @torch.no_grad()
    def greedy(self, source: torch.Tensor, max_new_tokens: int = 16) -> Tuple[List[int], float]:
        """Greedy ids (stop id / EOS included when emitted) and the smallest top-1/top-2 logit margin seen."""
        logits, past = self.llm.forward(source)
        n = source.shape[1]
        out: List[int] = []
        margin = float("inf")
        stop = self.stop_ids[0] if len(self.stop_ids) == 1 else None
        for _ in range(max_new_tokens):
            last = logits[0, -1]
            top2 = torch.topk(last, 2).values
            margin = min(margin, float(top2[0] - top2[1]))
            tok = int(torch.argmax(last))
            out.append(tok)
            if tok == stop or tok == self.sp.eos_id():
                break
            e = self.llm.embed[[tok]].unsqueeze(0)
            logits, past = self.llm.forward(e, attention_mask=torch.ones(1, n + 1, dtype=torch.long),
                                            position_ids=torch.tensor([[n]]), past=past)
            n += 1
        return out, margin

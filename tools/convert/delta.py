"""The DeepResonance delta checkpoint (`pytorch_model.pt`).

The official training (code/model/agent.py, save_model) saves every parameter
with requires_grad plus everything named llama_proj / preencoding, under the
attribute names of DeepResonanceModel:

  llama_proj.weight [H, D], llama_proj.bias [H]                  (D = ImageBind out dim, 1024)
  preencoding.layers.{n}.self_attn.in_proj_weight / in_proj_bias  (β only: nn.TransformerEncoder)
  preencoding.layers.{n}.self_attn.out_proj.weight / .bias
  preencoding.layers.{n}.linear1.* / linear2.* / norm1.* / norm2.*
  llama_model.base_model.model.model.layers.{i}.self_attn.{q,k,v,o}_proj.lora_{A,B}.default.weight
                       (peft 0.3.0; the older `lora_A.weight` without `.default` is accepted too)
  llama_model.base_model.model.model.embed_tokens.weight [V+6, H]  (new module created by
  llama_model.base_model.model.lm_head.weight            [V+6, H]   resize_token_embeddings
                                                                     after get_peft_model → trainable)

`llama_model.model.embed_tokens.weight` / `llama_model.lm_head.weight` (the
names agent.load_parameters remaps) are accepted as the same tensors.
lora_alpha is not stored (32 in code/config/base.yaml); r comes from the shapes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import torch

from llama import ConvertError, LlamaConfig, torch_load_checked

DEFAULT_LORA_ALPHA = 32.0

_LORA = re.compile(
    r"^llama_model\.base_model\.model\.model\.layers\.(\d+)\.self_attn\.([qkvo])_proj\.lora_([AB])(?:\.default)?\.weight$")
_EMBED = ("llama_model.base_model.model.model.embed_tokens.weight", "llama_model.model.embed_tokens.weight")
_LMHEAD = ("llama_model.base_model.model.lm_head.weight", "llama_model.lm_head.weight")
_FUSION = re.compile(r"^preencoding\.layers\.(\d+)\.(self_attn\.in_proj_weight|self_attn\.in_proj_bias|"
                     r"self_attn\.out_proj\.weight|self_attn\.out_proj\.bias|linear1\.weight|linear1\.bias|"
                     r"linear2\.weight|linear2\.bias|norm1\.weight|norm1\.bias|norm2\.weight|norm2\.bias)$")
_FUSION_PARTS = ("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                 "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                 "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")


@dataclass
class Delta:
    path: str
    variant: str                      # 'alpha' | 'beta'
    proj_weight: torch.Tensor         # [H, D]
    proj_bias: torch.Tensor           # [H]
    lora: Dict[Tuple[int, str], Tuple[torch.Tensor, torch.Tensor]]   # (layer, 'q'|'k'|'v'|'o') -> (A [r, H], B [H, r])
    lora_r: int
    lora_alpha: float
    embed_tokens: Optional[torch.Tensor] = None
    lm_head: Optional[torch.Tensor] = None
    fusion: Dict[str, torch.Tensor] = field(default_factory=dict)   # 'layers.{n}.<part>' -> tensor
    fusion_layers: int = 0
    fusion_ff: int = 0
    lora_key_style: str = "peft-0.3.0"

    @property
    def encoder_dim(self) -> int:
        return int(self.proj_weight.shape[1])

    @property
    def hidden(self) -> int:
        return int(self.proj_weight.shape[0])

    def lora_scale(self) -> float:
        return self.lora_alpha / self.lora_r

    def merged(self, name: str, w: torch.Tensor) -> torch.Tensor:
        """W + (alpha/r)·B·A for the q/k/v/o weights of HF name `name`; other names unchanged."""
        m = re.match(r"^model\.layers\.(\d+)\.self_attn\.([qkvo])_proj\.weight$", name)
        if not m or not self.lora:
            return w
        a, b = self.lora[(int(m.group(1)), m.group(2))]
        out = w.to(torch.float32) + (b.to(torch.float32) @ a.to(torch.float32)) * self.lora_scale()
        return out


def load_delta(path: str, cfg: LlamaConfig, expected_vocab: int, lora_alpha: float = DEFAULT_LORA_ALPHA,
               require_lora: bool = True) -> Delta:
    """Parse and validate the delta against the LLM config and the tokenizer's vocabulary size."""
    # Parameters (fp16, requires_grad) in an OrderedDict, as agent.save_model writes; DeepSpeed's
    # {"module": ...} wrapper, .safetensors: all handled (and detached) by checkpoint.load_state_dict
    sd = torch_load_checked(path, "delta checkpoint")
    if sd and all(k.startswith("module.") for k in sd):  # saved from the DeepSpeed engine, not engine.module
        sd = type(sd)((k[len("module."):], v) for k, v in sd.items())
    H = cfg.hidden_size
    proj_w = sd.pop("llama_proj.weight", None)
    proj_b = sd.pop("llama_proj.bias", None)
    if proj_w is None or proj_b is None:
        raise ConvertError(f"{path}: no llama_proj.weight / llama_proj.bias — not a DeepResonance delta")
    if proj_w.dim() != 2 or proj_w.shape[0] != H or tuple(proj_b.shape) != (H,):
        raise ConvertError(f"{path}: llama_proj is {tuple(proj_w.shape)} but the LLM hidden size is {H} (shape mismatch)")

    lora_raw: Dict[Tuple[int, str, str], torch.Tensor] = {}
    styles = set()
    embed = lm_head = None
    fusion: Dict[str, torch.Tensor] = {}
    unknown: List[str] = []
    for k in list(sd.keys()):
        v = sd.pop(k)
        m = _LORA.match(k)
        if m:
            lora_raw[(int(m.group(1)), m.group(2), m.group(3))] = v
            styles.add("peft-0.3.0" if ".default." in k else "peft-legacy")
        elif k in _EMBED:
            embed = v
        elif k in _LMHEAD:
            lm_head = v
        elif _FUSION.match(k):
            fusion[k[len("preencoding."):]] = v
        else:
            unknown.append(k)
    if unknown:
        raise ConvertError(f"{path}: unexpected keys (unknown delta layout): {', '.join(sorted(unknown)[:6])}"
                           f"{' …' if len(unknown) > 6 else ''}")
    if len(styles) > 1:
        raise ConvertError(f"{path}: mixes peft-0.3.0 (`.default.`) and legacy LoRA key styles")

    # LoRA completeness and shapes
    lora: Dict[Tuple[int, str], Tuple[torch.Tensor, torch.Tensor]] = {}
    r = 0
    if lora_raw or require_lora:
        missing = []
        for i in range(cfg.num_hidden_layers):
            for n in "qkvo":
                if (i, n, "A") not in lora_raw or (i, n, "B") not in lora_raw:
                    missing.append(f"{i}.{n}_proj")
        if missing:
            layers = sorted({int(m.split(".")[0]) for m in missing})
            raise ConvertError(f"{path}: LoRA weights missing for {len(missing)} projection(s) in layer(s) "
                               f"{layers[:10]}{' …' if len(layers) > 10 else ''} (expected q/k/v/o in all "
                               f"{cfg.num_hidden_layers} layers)")
        extra = sorted({i for (i, _, _) in lora_raw if i >= cfg.num_hidden_layers})
        if extra:
            raise ConvertError(f"{path}: LoRA for layer(s) {extra} but the LLM has {cfg.num_hidden_layers} layers")
        for i in range(cfg.num_hidden_layers):
            for n in "qkvo":
                a, b = lora_raw[(i, n, "A")], lora_raw[(i, n, "B")]
                if a.dim() != 2 or b.dim() != 2 or a.shape[1] != H or b.shape[0] != H or a.shape[0] != b.shape[1]:
                    raise ConvertError(f"{path}: LoRA layer {i} {n}_proj has A {tuple(a.shape)}, B {tuple(b.shape)}; "
                                       f"expected A [r, {H}], B [{H}, r] (shape mismatch)")
                if r and a.shape[0] != r:
                    raise ConvertError(f"{path}: LoRA rank differs between projections ({r} vs {a.shape[0]})")
                r = int(a.shape[0])
                lora[(i, n)] = (a, b)

    for name, t in (("embed_tokens", embed), ("lm_head", lm_head)):
        if t is None:
            continue
        if t.dim() != 2 or t.shape[1] != H:
            raise ConvertError(f"{path}: {name} is {tuple(t.shape)}, expected [vocab, {H}] (shape mismatch)")
        if t.shape[0] != expected_vocab:
            raise ConvertError(f"{path}: {name} has {t.shape[0]} rows but the tokenizer (+6 added tokens) has "
                               f"{expected_vocab}: the delta comes from a different vocabulary size")

    variant = "beta" if fusion else "alpha"
    n_layers = ff = 0
    if fusion:
        idx = sorted({int(k.split(".")[1]) for k in fusion})
        n_layers = len(idx)
        if idx != list(range(n_layers)):
            raise ConvertError(f"{path}: pre-LLM fusion layers are not contiguous: {idx}")
        for n in range(n_layers):
            for part in _FUSION_PARTS:
                if f"layers.{n}.{part}" not in fusion:
                    raise ConvertError(f"{path}: fusion layer {n} lacks {part}")
        ff = int(fusion["layers.0.linear1.weight"].shape[0])
        want = {
            "self_attn.in_proj_weight": (3 * H, H), "self_attn.in_proj_bias": (3 * H,),
            "self_attn.out_proj.weight": (H, H), "self_attn.out_proj.bias": (H,),
            "linear1.weight": (ff, H), "linear1.bias": (ff,), "linear2.weight": (H, ff), "linear2.bias": (H,),
            "norm1.weight": (H,), "norm1.bias": (H,), "norm2.weight": (H,), "norm2.bias": (H,),
        }
        for n in range(n_layers):
            for part, shp in want.items():
                t = fusion[f"layers.{n}.{part}"]
                if tuple(t.shape) != shp:
                    raise ConvertError(f"{path}: fusion layer {n} {part} is {tuple(t.shape)}, expected {shp} "
                                       f"(d_model must equal the LLM hidden size {H})")
    return Delta(path=path, variant=variant, proj_weight=proj_w, proj_bias=proj_b, lora=lora, lora_r=r,
                 lora_alpha=float(lora_alpha), embed_tokens=embed, lm_head=lm_head, fusion=fusion,
                 fusion_layers=n_layers, fusion_ff=ff, lora_key_style=(styles.pop() if styles else "none"))

"""Our own LLaMA: Hugging Face folder loading, a PyTorch reference forward, and a
hand-built ONNX decoder graph with a KV cache.

Nothing here imports `transformers`; the semantics follow the LLaMA code that
DeepResonance ships (pre-norm decoder, RMSNorm computed in fp32, rotary
embeddings in the "rotate half" layout Hugging Face checkpoints use, SwiGLU MLP,
softmax in fp32, additive mask clamped at finfo(float32).min).

Memory: `iter_checkpoint` loads one shard at a time; `export_decoder` writes each
weight to the external-data file as soon as it arrives (merged with LoRA,
converted to the target dtype, transposed or block-quantised) and drops it, so
the peak is about one shard plus one tensor.  For Vicuna-7B (two ~10 GB fp16
shards) that is ~11 GB, under 1.5x the 13.5 GB fp16 size.

Decoder graph interface (documented in MANIFEST.md):
  inputs   inputs_embeds            T      [batch, sequence, hidden]
           attention_mask           int64  [batch, past_sequence + sequence]  (1 keep, 0 pad)
           position_ids             int64  [batch, sequence]
           past_key_values.{i}.key  T      [batch, heads, past_sequence, head_dim]
           past_key_values.{i}.value T     [batch, heads, past_sequence, head_dim]
  outputs  logits                   float32 [batch, sequence, vocab]
           present.{i}.key / present.{i}.value  T [batch, heads, past_sequence + sequence, head_dim]
T is float32 or float16 (the pack dtype).
"""
from __future__ import annotations

import json
import math
import os
import pickle
import re
import zipfile
from dataclasses import dataclass, asdict
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch

import checkpoint


class ConvertError(Exception):
    """A clear, user-facing conversion error (bad input, mismatch, unknown layout)."""


# ----------------------------------------------------------------------------
# config


@dataclass
class LlamaConfig:
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    vocab_size: int
    rms_norm_eps: float = 1e-6
    max_position_embeddings: int = 2048
    rope_theta: float = 10000.0
    bos_token_id: int = 1
    eos_token_id: int = 2

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_dict(self) -> dict:
        return asdict(self)


def load_config(llm_dir: str) -> LlamaConfig:
    path = os.path.join(llm_dir, "config.json")
    if not os.path.isfile(path):
        raise ConvertError(f"LLM folder {llm_dir!r} has no config.json")
    try:
        with open(path, "r", encoding="utf-8") as f:
            raw = json.load(f)
    except json.JSONDecodeError as e:
        raise ConvertError(f"{path}: not valid JSON ({e})") from e
    mt = raw.get("model_type", "llama")
    if mt != "llama":
        raise ConvertError(f"{path}: model_type is {mt!r}, expected 'llama'")
    act = raw.get("hidden_act", "silu")
    if act != "silu":
        raise ConvertError(f"{path}: hidden_act {act!r} unsupported (LLaMA uses 'silu')")
    for k in ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size"):
        if not isinstance(raw.get(k), int) or raw[k] <= 0:
            raise ConvertError(f"{path}: missing or invalid {k!r}")
    kv = raw.get("num_key_value_heads", raw["num_attention_heads"])
    if kv != raw["num_attention_heads"]:
        raise ConvertError(f"{path}: grouped-query attention (num_key_value_heads={kv}) is not LLaMA-1/Vicuna; unsupported")
    if raw.get("rope_scaling"):
        raise ConvertError(f"{path}: rope_scaling is unsupported")
    if raw["hidden_size"] % raw["num_attention_heads"]:
        raise ConvertError(f"{path}: hidden_size {raw['hidden_size']} not divisible by num_attention_heads {raw['num_attention_heads']}")
    return LlamaConfig(
        hidden_size=raw["hidden_size"],
        intermediate_size=raw["intermediate_size"],
        num_hidden_layers=raw["num_hidden_layers"],
        num_attention_heads=raw["num_attention_heads"],
        vocab_size=raw["vocab_size"],
        rms_norm_eps=float(raw.get("rms_norm_eps", 1e-6)),
        max_position_embeddings=int(raw.get("max_position_embeddings", 2048)),
        rope_theta=float(raw.get("rope_theta", 10000.0)),
        bos_token_id=int(raw.get("bos_token_id", 1) if raw.get("bos_token_id") is not None else 1),
        eos_token_id=int(raw.get("eos_token_id", 2) if raw.get("eos_token_id") is not None else 2),
    )


# ----------------------------------------------------------------------------
# checkpoint reading


def list_shards(llm_dir: str) -> List[str]:
    """The weight files of a HF folder (.bin or .safetensors, sharded or single), in index order."""
    try:
        return checkpoint.list_weight_files(llm_dir)
    except checkpoint.CheckpointError as e:
        raise ConvertError(str(e)) from None


def torch_load_checked(path: str, what: str) -> dict:
    """One weight file (see checkpoint.load_state_dict: Parameters detached, safetensors, wrappers)."""
    try:
        return checkpoint.load_state_dict(path, what)
    except checkpoint.CheckpointError as e:
        raise ConvertError(str(e)) from None


def iter_checkpoint(llm_dir: str) -> Iterator[Tuple[str, torch.Tensor]]:
    """Yield (name, tensor) shard by shard; each shard is freed before the next loads."""
    for path in list_shards(llm_dir):
        sd = torch_load_checked(path, "LLM shard")
        names = list(sd.keys())
        for name in names:
            t = sd.pop(name)
            if not torch.is_tensor(t):
                raise ConvertError(f"{path}: entry {name!r} is not a tensor")
            yield name, t
        del sd


def expected_shapes(cfg: LlamaConfig, vocab: Optional[int] = None) -> Dict[str, Tuple[int, ...]]:
    H, I, V = cfg.hidden_size, cfg.intermediate_size, vocab if vocab is not None else cfg.vocab_size
    out: Dict[str, Tuple[int, ...]] = {
        "model.embed_tokens.weight": (V, H),
        "model.norm.weight": (H,),
        "lm_head.weight": (V, H),
    }
    for i in range(cfg.num_hidden_layers):
        p = f"model.layers.{i}."
        for n in ("q", "k", "v", "o"):
            out[p + f"self_attn.{n}_proj.weight"] = (H, H)
        out[p + "mlp.gate_proj.weight"] = (I, H)
        out[p + "mlp.up_proj.weight"] = (I, H)
        out[p + "mlp.down_proj.weight"] = (H, I)
        out[p + "input_layernorm.weight"] = (H,)
        out[p + "post_attention_layernorm.weight"] = (H,)
    return out


_IGNORED = re.compile(r"^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$")


def check_tensor(name: str, t: torch.Tensor, shapes: Dict[str, Tuple[int, ...]], where: str) -> bool:
    """True if the tensor is a known LLaMA weight with the config's shape; False if ignorable; raises otherwise."""
    if _IGNORED.match(name):
        return False
    if name not in shapes:
        raise ConvertError(f"{where}: unexpected weight {name!r} (not a LLaMA parameter for this config)")
    if tuple(t.shape) != shapes[name]:
        raise ConvertError(
            f"{where}: {name} has shape {tuple(t.shape)} but config.json implies {shapes[name]} "
            f"(config dims disagree with the weights)")
    if not t.is_floating_point():
        raise ConvertError(f"{where}: {name} has dtype {t.dtype}, expected a float tensor")
    return True


def load_state_dict(llm_dir: str, cfg: LlamaConfig, dtype=torch.float32) -> Dict[str, torch.Tensor]:
    """Whole model in memory (tests / reference only)."""
    shapes = expected_shapes(cfg)
    sd: Dict[str, torch.Tensor] = {}
    for name, t in iter_checkpoint(llm_dir):
        if check_tensor(name, t, shapes, llm_dir):
            sd[name] = t.to(dtype)
    missing = sorted(set(shapes) - set(sd))
    if missing:
        raise ConvertError(f"{llm_dir}: missing weights: {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")
    return sd


# ----------------------------------------------------------------------------
# PyTorch reference forward (test oracle; fp32)


def rope_tables(cfg: LlamaConfig, length: Optional[int] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """cos, sin [length, head_dim] in float32, computed as the reference does."""
    hd = cfg.head_dim
    length = length or cfg.max_position_embeddings
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2).float() / hd))
    t = torch.arange(length, dtype=inv_freq.dtype)
    freqs = torch.einsum("i,j->ij", t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def _rms(x: torch.Tensor, w: torch.Tensor, eps: float) -> torch.Tensor:
    var = x.to(torch.float32).pow(2).mean(-1, keepdim=True)
    x = x * torch.rsqrt(var + eps)
    if w.dtype in (torch.float16, torch.bfloat16):
        x = x.to(w.dtype)
    return w * x


class TorchLlama:
    """Minimal LLaMA forward over inputs_embeds with a KV cache (no nn.Module needed)."""

    def __init__(self, cfg: LlamaConfig, sd: Dict[str, torch.Tensor], act_quant: bool = False):
        """act_quant: emulate MatMulNBits accuracy_level 4 (DecoderOptions.accuracy_level): the input
        of every projection and of lm_head quantised to int8 per block of BLOCK_SIZE along K."""
        self.cfg = cfg
        self.sd = sd
        self.act_quant = act_quant
        self.cos, self.sin = rope_tables(cfg, max(cfg.max_position_embeddings, 4096))

    def _lin(self, x: torch.Tensor, name: str) -> torch.Tensor:
        w = self.sd[name]
        if self.act_quant:
            x = quantize_activations_int8(x)
        return x @ w.T

    @property
    def embed(self) -> torch.Tensor:
        return self.sd["model.embed_tokens.weight"]

    @torch.no_grad()
    def forward(self, inputs_embeds: torch.Tensor, attention_mask: Optional[torch.Tensor] = None,
                position_ids: Optional[torch.Tensor] = None,
                past: Optional[List[Tuple[torch.Tensor, torch.Tensor]]] = None):
        cfg, sd = self.cfg, self.sd
        B, T, H = inputs_embeds.shape
        nh, hd = cfg.num_attention_heads, cfg.head_dim
        past_len = past[0][0].shape[2] if past else 0
        if attention_mask is None:
            attention_mask = torch.ones(B, past_len + T, dtype=torch.long)
        if position_ids is None:
            position_ids = torch.arange(past_len, past_len + T).unsqueeze(0).expand(B, T)
        q_pos = torch.arange(past_len, past_len + T)
        k_pos = torch.arange(past_len + T)
        allowed = (k_pos[None, :] <= q_pos[:, None])[None, None] & (attention_mask[:, None, None, :] == 1)
        mask = torch.where(allowed, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        cos = self.cos[position_ids].unsqueeze(1)
        sin = self.sin[position_ids].unsqueeze(1)
        h = inputs_embeds.to(torch.float32)
        present = []
        for i in range(cfg.num_hidden_layers):
            p = f"model.layers.{i}."
            x = _rms(h, sd[p + "input_layernorm.weight"], cfg.rms_norm_eps)
            q = self._lin(x, p + "self_attn.q_proj.weight").view(B, T, nh, hd).transpose(1, 2)
            k = self._lin(x, p + "self_attn.k_proj.weight").view(B, T, nh, hd).transpose(1, 2)
            v = self._lin(x, p + "self_attn.v_proj.weight").view(B, T, nh, hd).transpose(1, 2)
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
            if past:
                k = torch.cat([past[i][0], k], dim=2)
                v = torch.cat([past[i][1], v], dim=2)
            present.append((k, v))
            a = (q @ k.transpose(2, 3)) / math.sqrt(hd)
            a = torch.maximum(a + mask, torch.tensor(torch.finfo(torch.float32).min))
            a = torch.softmax(a, dim=-1, dtype=torch.float32)
            o = (a @ v).transpose(1, 2).reshape(B, T, H)
            h = h + self._lin(o, p + "self_attn.o_proj.weight")
            x = _rms(h, sd[p + "post_attention_layernorm.weight"], cfg.rms_norm_eps)
            g = self._lin(x, p + "mlp.gate_proj.weight")
            u = self._lin(x, p + "mlp.up_proj.weight")
            h = h + self._lin(torch.nn.functional.silu(g) * u, p + "mlp.down_proj.weight")
        h = _rms(h, sd["model.norm.weight"], cfg.rms_norm_eps)
        logits = self._lin(h, "lm_head.weight")
        return logits, present


# ----------------------------------------------------------------------------
# block quantisation (com.microsoft MatMulNBits layout)

BLOCK_SIZE = 32


INT4_SCHEMES = ("q4_0", "symmetric")
"""int4 roundings (both in the MatMulNBits layout, implicit zero point 8); the first is the default.

q4_0       llama.cpp's Q4_0 (ggml quantize_row_q4_0_ref): per block d = (the value of largest
           magnitude) / -8 in float32, code = min(15, trunc(w * (1/d) + 8.5)), the stored scale is
           d rounded to float16 (as ggml stores it; it may be negative), w ~ (code - 8) * scale.
           Uses all 16 levels.  Loses less than `symmetric` on the same weights (BENCHMARKS.md,
           "int4 rounding").
symmetric  scale = amax / 7 (float32), code = round-half-even(w / scale) clamped to -8..7, + 8:
           15 levels used.  The scheme of converter versions before Q4_0 became the default.
"""

INT4_ROUNDING = {"q4_0": "llama.cpp Q4_0 (scale = max/-8 in fp16, 16 levels)",
                 "symmetric": "symmetric (scale = amax/7, 15 levels)"}
"""what a pack manifest's quantization.rounding says for each int4 scheme (the TS converter writes the same)"""


def quantize_nbits(w: torch.Tensor, bits: int, block_size: int = BLOCK_SIZE,
                   int4_scheme: str = INT4_SCHEMES[0]) -> Tuple[np.ndarray, np.ndarray]:
    """Block quantisation of W [N, K] along K for MatMulNBits.

    Returns B uint8 [N, k_blocks, block_size*bits/8] (codes packed low nibble
    first along K) and scales float32 [N, k_blocks].  No zero_points input is
    written: MatMulNBits then uses 2^(bits-1) (8 for int4, 128 for int8), so
    w ≈ (code - 2^(bits-1)) * scale.  int8 is symmetric (scale amax/127, as
    llama.cpp's Q8_0); int4 follows `int4_scheme` (INT4_SCHEMES; 'q4_0' by default).
    main/engine/model/convert/numeric.ts (quantizeNbits, quantizeQ4_0) gives the
    same codes and scales bit for bit.  Raises ValueError for other bits or schemes.
    """
    if bits not in (4, 8):
        raise ValueError("bits must be 4 or 8")
    if int4_scheme not in INT4_SCHEMES:
        raise ValueError(f"int4_scheme must be one of {INT4_SCHEMES}, not {int4_scheme!r}")
    w = w.to(torch.float32)
    N, K = w.shape
    kb = (K + block_size - 1) // block_size
    if kb * block_size != K:
        w = torch.nn.functional.pad(w, (0, kb * block_size - K))
    wb = w.reshape(N, kb, block_size)
    if bits == 4 and int4_scheme == "q4_0":
        # the signed value of largest magnitude (the first such along K, as ggml's strict '<' scan)
        idx = wb.abs().argmax(dim=-1, keepdim=True)
        vmax = torch.gather(wb, -1, idx).squeeze(-1)
        d = vmax / -8.0
        inv = torch.where(d != 0, 1.0 / torch.where(d != 0, d, torch.ones_like(d)), torch.zeros_like(d))
        q = torch.clamp(torch.trunc(wb * inv.unsqueeze(-1) + 8.5), max=15).to(torch.uint8).numpy()
        scale = d.to(torch.float16).to(torch.float32)
    else:
        qmax = 2 ** (bits - 1) - 1
        amax = wb.abs().amax(dim=-1)
        scale = amax / qmax
        scale = torch.where(scale == 0, torch.ones_like(scale), scale)
        q = torch.round(wb / scale.unsqueeze(-1)).clamp(-qmax - 1, qmax).to(torch.int32) + 2 ** (bits - 1)
        q = q.to(torch.uint8).numpy()
    if bits == 4:
        packed = (q[..., 0::2] & 0x0F) | ((q[..., 1::2] & 0x0F) << 4)
    else:
        packed = q
    return np.ascontiguousarray(packed.astype(np.uint8)), scale.numpy().astype(np.float32)


def quantize_activations_int8(x: torch.Tensor, block_size: int = BLOCK_SIZE) -> torch.Tensor:
    """What MatMulNBits with accuracy_level 4 does to its input A [..., K] on CPU (onnxruntime's
    MLAS CompInt8 path): per block of `block_size` along K, scale = max|a| / 127,
    q = round-half-even(a / scale) in int8; returns q * scale (float32, same shape)."""
    shape = x.shape
    K = shape[-1]
    xb = x.to(torch.float32).reshape(-1, K // block_size, block_size)
    scale = xb.abs().amax(dim=-1, keepdim=True) / 127.0
    inv = torch.where(scale > 0, 1.0 / scale, torch.zeros_like(scale))
    q = torch.round(xb * inv).clamp(-127, 127)
    return (q * scale).reshape(shape)


def dequantize_nbits(packed: np.ndarray, scales: np.ndarray, bits: int, K: int) -> np.ndarray:
    if bits == 4:
        lo = packed & 0x0F
        hi = packed >> 4
        q = np.stack([lo, hi], axis=-1).reshape(packed.shape[0], packed.shape[1], -1)
    else:
        q = packed
    w = (q.astype(np.float32) - 2 ** (bits - 1)) * scales[..., None]
    return w.reshape(packed.shape[0], -1)[:, :K]


# ----------------------------------------------------------------------------
# ONNX decoder builder

OPSET = 17


@dataclass
class DecoderOptions:
    """How the decoder graph is built; every field defaults to the fastest form on CPU (issue 13).

    The graph's inputs and outputs (the interface in MANIFEST.md) are the same
    whatever these say, except `last_logits_only`, which makes `logits`
    [batch, 1, vocab] (the last position) instead of [batch, sequence, vocab].
    The operators follow what onnxruntime-genai's model builder emits for LLaMA.

    fused_attention   com.microsoft RotaryEmbedding (rotate-half layout, positions
                      from position_ids) + GroupQueryAttention (fp32 softmax, causal,
                      past/present [batch, heads, seq, head_dim]; seqlens_k from
                      attention_mask, so padding may only be trailing).  Otherwise the
                      plain MatMul/Softmax attention with the KV cache grown by Concat.
    fused_norm        SkipSimplifiedLayerNormalization (com.microsoft) for every RMSNorm
                      that follows a residual add (all but the first).
    accuracy_level    MatMulNBits accuracy_level (4: activations quantised to int8 per
                      block, int8 dot products; 0: the weights' float type).
    lm_head_bits      when quant != none, lm_head is MatMulNBits with this many bits (0: kept
                      in the pack dtype).  8 by default: an int4 lm_head measurably adds to
                      the int4 drift (BENCHMARKS.md), int8 reads 4x fewer bytes than fp32.
    last_logits_only  logits of the last position only (a prefill needs no others).
    fused_qkv         q_proj, k_proj and v_proj as ONE projection (weights concatenated along
                      the output dimension N, in the order q, k, v: initializers
                      `model_layers_{i}_self_attn_qkv_proj_weight_{q,scales}` when quantised,
                      `..._qkv_proj_weight_t` [H, 3H] otherwise).  With fused_attention its
                      output [B, S, 3H] goes to GroupQueryAttention as packed QKV (key and
                      value inputs empty) with do_rotary=1 and the half-width cos/sin caches
                      and position_ids as inputs 7, 8, 9 (no RotaryEmbedding nodes); without
                      fused_attention it is Split into q, k, v.  Quantising the concatenation
                      gives exactly the blocks of quantising each (blocks run along K).
    block_size        MatMulNBits block size along K (32; the speed benchmark also measured 128).
    int4_scheme       int4 rounding (INT4_SCHEMES: 'q4_0', llama.cpp's, by default; 'symmetric'
                      the earlier amax/7 one, kept for comparison).  Same layout and speed.
    fused_gate_up     gate_proj and up_proj as ONE projection (concatenated along N: gate
                      rows then up rows; `..._mlp_gate_up_proj_weight_*`), its output
                      [B, S, 2F] Split into gate and up.
    """
    fused_attention: bool = True
    fused_norm: bool = True
    accuracy_level: int = 4
    lm_head_bits: int = 8
    last_logits_only: bool = True
    fused_qkv: bool = False
    fused_gate_up: bool = False
    block_size: int = BLOCK_SIZE
    int4_scheme: str = INT4_SCHEMES[0]


def limit_heap_fragmentation() -> None:
    """Serve every allocation >= 1 MiB with its own mmap (glibc), returned to the OS on free.

    glibc's default, dynamic mmap threshold climbs to 32 MiB after the first large
    free, so the many 8-45 MB weight buffers of a conversion land on the brk heap,
    where the small protobuf objects we keep pin them: RSS then grows with every
    tensor written (measured: 5 GB instead of 1.4 GB for a 1 B model).  Fixing the
    threshold keeps the peak at about one shard.  No-op off glibc.
    """
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 20)   # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 20)   # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


class ExternalData:
    """Appends tensor bytes to one external-data file and returns TensorProtos pointing at it."""

    ALIGN = 64

    def __init__(self, path: str):
        self.path = path
        self.name = os.path.basename(path)
        self.f = open(path, "wb")
        self.offset = 0

    def add(self, name: str, arr: np.ndarray):
        import onnx
        from onnx import numpy_helper  # noqa: F401
        arr = np.ascontiguousarray(arr)
        pad = (-self.offset) % self.ALIGN
        if pad:
            self.f.write(b"\0" * pad)
            self.offset += pad
        data = arr.tobytes()
        from pack import injected_write_failure
        injected_write_failure(self.offset + len(data))
        self.f.write(data)
        t = onnx.TensorProto()
        t.name = name
        t.data_type = onnx.helper.np_dtype_to_tensor_dtype(arr.dtype) if hasattr(onnx.helper, "np_dtype_to_tensor_dtype") \
            else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[arr.dtype]
        t.dims.extend(arr.shape)
        t.data_location = onnx.TensorProto.EXTERNAL
        for k, v in (("location", self.name), ("offset", str(self.offset)), ("length", str(len(data)))):
            e = t.external_data.add()
            e.key, e.value = k, v
        self.offset += len(data)
        return t

    def close(self):
        if not self.f.closed:
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()


class _G:
    """Tiny graph-building helper."""

    def __init__(self):
        self.nodes = []
        self.inits = []
        self.n = 0

    def uniq(self, base: str) -> str:
        self.n += 1
        return f"{base}_{self.n}"

    def op(self, op_type: str, inputs: List[str], name: str = None, domain: str = "", outputs: int = 1, **attrs):
        from onnx import helper
        base = name or self.uniq(op_type.lower())
        outs = [base] if outputs == 1 else [f"{base}_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=base + "_node", domain=domain or None, **attrs))
        return outs[0] if outputs == 1 else outs

    def const(self, name: str, arr: np.ndarray) -> str:
        from onnx import numpy_helper
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name


def export_decoder(cfg: LlamaConfig, tensors: Iterator[Tuple[str, torch.Tensor]], out_dir: str, *,
                   dtype: str = "fp32", quant: str = "none", vocab: int,
                   embed_file: str = "embed_tokens.bin",
                   external_threshold: int = 1 << 30,
                   options: Optional[DecoderOptions] = None,
                   log: Callable[[str], None] = print) -> Dict[str, str]:
    """Stream weights into decoder.onnx (+ decoder.onnx.data) and the embedding table.

    `tensors` yields (HF name, tensor) already LoRA-merged / replaced by the
    caller; every name of `expected_shapes(cfg, vocab)` must appear exactly once.
    Returns {role: filename} of the files written.  `options` (default: all
    of DecoderOptions' defaults) chooses the operators; see DecoderOptions.
    """
    import onnx
    from onnx import helper, TensorProto

    if dtype not in ("fp32", "fp16"):
        raise ConvertError(f"unknown dtype {dtype!r}")
    limit_heap_fragmentation()
    if quant not in ("none", "int8", "int4"):
        raise ConvertError(f"unknown quantisation {quant!r}")
    np_t = np.float16 if dtype == "fp16" else np.float32
    torch_t = torch.float16 if dtype == "fp16" else torch.float32
    onnx_t = TensorProto.FLOAT16 if dtype == "fp16" else TensorProto.FLOAT
    bits = {"none": 0, "int8": 8, "int4": 4}[quant]
    opt = options or DecoderOptions()

    H, nh, hd, L = cfg.hidden_size, cfg.num_attention_heads, cfg.head_dim, cfg.num_hidden_layers
    shapes = expected_shapes(cfg, vocab)
    model_path = os.path.join(out_dir, "decoder.onnx")
    data_path = model_path + ".data"
    ext = ExternalData(data_path)
    weights: Dict[str, object] = {}  # HF name -> TensorProto or tuple of protos (quantised)
    seen = set()
    # fused projections (DecoderOptions.fused_qkv / fused_gate_up): member -> (fused name, members in order)
    fuse: Dict[str, Tuple[str, Tuple[str, ...]]] = {}
    for i in range(cfg.num_hidden_layers):
        p = f"model.layers.{i}."
        groups = []
        if opt.fused_qkv:
            groups.append((p + "self_attn.qkv_proj.weight", tuple(p + f"self_attn.{n}_proj.weight" for n in "qkv")))
        if opt.fused_gate_up:
            groups.append((p + "mlp.gate_up_proj.weight", (p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight")))
        for fused, members in groups:
            for m in members:
                fuse[m] = (fused, members)
    pending: Dict[str, object] = {}  # member -> its quantised (packed, scales) or transposed weight, until its group is complete
    embed_path = os.path.join(out_dir, embed_file)
    try:
        for name, t in tensors:
            if name not in shapes:
                raise ConvertError(f"unexpected LLaMA weight {name!r}")
            if name in seen:
                raise ConvertError(f"weight {name!r} appears twice in the checkpoint")
            if tuple(t.shape) != shapes[name]:
                raise ConvertError(f"{name} has shape {tuple(t.shape)}, expected {shapes[name]} (config dims disagree with the weights)")
            seen.add(name)
            oname = name.replace(".", "_")
            if name == "model.embed_tokens.weight":
                arr = t.to(torch_t).contiguous().numpy()
                with open(embed_path, "wb") as f:
                    f.write(arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes())
                    f.flush()
                    os.fsync(f.fileno())
                continue
            if t.dim() == 1:
                weights[name] = ext.add(oname, t.to(torch_t).numpy())
            elif name in fuse:
                fused, members = fuse[name]
                pending[name] = quantize_nbits(t, bits, opt.block_size, opt.int4_scheme) if bits else t.to(torch_t).T.contiguous().numpy()
                if all(m in pending for m in members):
                    parts = [pending.pop(m) for m in members]
                    fname = fused.replace(".", "_")
                    n_out = sum(shapes[m][0] for m in members)
                    if bits:
                        packed = np.concatenate([q for q, _ in parts], axis=0)
                        scales = np.concatenate([sc for _, sc in parts], axis=0)
                        weights[fused] = (ext.add(fname + "_q", packed), ext.add(fname + "_scales", scales.astype(np_t).reshape(-1)),
                                          n_out, t.shape[1], bits)
                    else:
                        weights[fused] = ext.add(fname + "_t", np.concatenate(parts, axis=1))
                    del parts
            elif bits and (name != "lm_head.weight" or opt.lm_head_bits):
                b = opt.lm_head_bits if name == "lm_head.weight" else bits
                packed, scales = quantize_nbits(t, b, opt.block_size, opt.int4_scheme)
                weights[name] = (ext.add(oname + "_q", packed), ext.add(oname + "_scales", scales.astype(np_t).reshape(-1)),
                                 t.shape[0], t.shape[1], b)
            else:
                weights[name] = ext.add(oname + "_t", t.to(torch_t).T.contiguous().numpy())
            del t
        ext.close()
        missing = sorted(set(shapes) - seen)
        if missing:
            raise ConvertError(f"LLM weights missing: {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")

        g = _G()
        for w in weights.values():
            if isinstance(w, tuple):
                g.inits.extend(w[:2])
            else:
                g.inits.append(w)

        def lin(x: str, name: str) -> str:
            w = weights[name]
            if isinstance(w, tuple):
                return g.op("MatMulNBits", [x, w[0].name, w[1].name], domain="com.microsoft",
                            K=int(w[3]), N=int(w[2]), bits=int(w[4]), block_size=int(opt.block_size),
                            accuracy_level=int(opt.accuracy_level))
            return g.op("MatMul", [x, w.name])

        def rms(x: str, name: str) -> str:
            xf = g.op("Cast", [x], to=TensorProto.FLOAT) if dtype == "fp16" else x
            sq = g.op("Mul", [xf, xf])
            var = g.op("ReduceMean", [sq], axes=[-1], keepdims=1)
            den = g.op("Sqrt", [g.op("Add", [var, eps])])
            y = g.op("Div", [xf, den])
            if dtype == "fp16":
                y = g.op("Cast", [y], to=TensorProto.FLOAT16)
            return g.op("Mul", [weights[name].name, y])

        def add_rms(h: str, delta: str, name: str) -> Tuple[str, str]:
            """(RMSNorm(h + delta) * w, h + delta)."""
            if opt.fused_norm:
                outs = g.op("SkipSimplifiedLayerNormalization", [h, delta, weights[name].name], domain="com.microsoft",
                            outputs=4, epsilon=float(cfg.rms_norm_eps))
                return outs[0], outs[3]
            s = g.op("Add", [h, delta])
            return rms(s, name), s

        eps = g.const("rms_eps", np.array(cfg.rms_norm_eps, dtype=np.float32))
        cos, sin = rope_tables(cfg)
        g.const("c_ax0", np.array([0], dtype=np.int64))
        g.const("c_ax1", np.array([1], dtype=np.int64))
        g.const("c_one_i", np.array(1, dtype=np.int64))

        if opt.fused_attention:
            # GroupQueryAttention's own mask: causal over [0, seqlens_k] (the
            # reference's all-ones mask; a 0 in attention_mask only shortens the length).
            g.const("rope_cos_half", cos[:, : hd // 2].numpy().astype(np_t))
            g.const("rope_sin_half", sin[:, : hd // 2].numpy().astype(np_t))
            seqlens_k = g.op("Cast", [g.op("Sub", [g.op("ReduceSum", ["attention_mask", "c_ax1"], keepdims=0), "c_one_i"])],
                             to=TensorProto.INT32, name="seqlens_k")
            total_len = g.op("Cast", [g.op("Squeeze", [g.op("Shape", ["attention_mask"], start=1, end=2), "c_ax0"])],
                             to=TensorProto.INT32, name="total_sequence_length")

            def rope(x: str) -> str:
                return g.op("RotaryEmbedding", [x, "position_ids", "rope_cos_half", "rope_sin_half"], domain="com.microsoft",
                            interleaved=0, num_heads=nh)

            def attention(i: int, q: str, k: str, v: str) -> str:
                o = f"attn_{i}"
                g.nodes.append(helper.make_node(
                    "GroupQueryAttention", [rope(q), rope(k), v, f"past_key_values.{i}.key", f"past_key_values.{i}.value",
                                            seqlens_k, total_len],
                    [o, f"present.{i}.key", f"present.{i}.value"], name=f"gqa_{i}", domain="com.microsoft",
                    num_heads=nh, kv_num_heads=nh, scale=1.0 / math.sqrt(hd)))
                return o

            def attention_packed(i: int, qkv: str) -> str:
                """GroupQueryAttention on packed QKV [B, S, 3H], rotary applied inside (do_rotary)."""
                o = f"attn_{i}"
                g.nodes.append(helper.make_node(
                    "GroupQueryAttention", [qkv, "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value",
                                            seqlens_k, total_len, "rope_cos_half", "rope_sin_half", "position_ids"],
                    [o, f"present.{i}.key", f"present.{i}.value"], name=f"gqa_{i}", domain="com.microsoft",
                    num_heads=nh, kv_num_heads=nh, scale=1.0 / math.sqrt(hd), do_rotary=1, rotary_interleaved=0))
                return o
        else:
            g.const("rope_cos", cos.numpy().astype(np_t))
            g.const("rope_sin", sin.numpy().astype(np_t))
            g.const("c_zero_f", np.array(0.0, dtype=np.float32))
            g.const("c_min_f", np.array(np.finfo(np.float32).min, dtype=np.float32))
            g.const("c_zero_i", np.array(0, dtype=np.int64))
            g.const("c_ax12", np.array([1, 2], dtype=np.int64))
            g.const("shape_bth", np.array([0, 0, H], dtype=np.int64))
            g.const("shape_bthd", np.array([0, 0, nh, hd], dtype=np.int64))
            g.const("c_half0", np.array([0], dtype=np.int64))
            g.const("c_half1", np.array([hd // 2], dtype=np.int64))
            g.const("c_half2", np.array([hd], dtype=np.int64))
            g.const("c_ax3", np.array([3], dtype=np.int64))
            g.const("attn_scale", np.array(math.sqrt(hd), dtype=np_t))

            # mask [B,1,T,total] float32: 0 where allowed, finfo.min elsewhere
            past_len = g.op("Squeeze", [g.op("Shape", ["past_key_values.0.key"], start=2, end=3), "c_ax0"])
            seq_len = g.op("Squeeze", [g.op("Shape", ["inputs_embeds"], start=1, end=2), "c_ax0"])
            total_len = g.op("Squeeze", [g.op("Shape", ["attention_mask"], start=1, end=2), "c_ax0"])
            q_pos = g.op("Range", [past_len, g.op("Add", [past_len, seq_len]), "c_one_i"])
            k_pos = g.op("Range", ["c_zero_i", total_len, "c_one_i"])
            causal = g.op("LessOrEqual", [g.op("Unsqueeze", [k_pos, "c_ax0"]), g.op("Unsqueeze", [q_pos, "c_ax1"])])
            pad = g.op("Unsqueeze", [g.op("Cast", [g.op("Equal", ["attention_mask", "c_one_i"])], to=TensorProto.BOOL), "c_ax12"])
            allowed = g.op("And", [causal, pad])
            mask = g.op("Where", [allowed, "c_zero_f", "c_min_f"], name="attn_bias")

            cos_g = g.op("Unsqueeze", [g.op("Gather", ["rope_cos", "position_ids"], axis=0), "c_ax1"], name="cos_b1td")
            sin_g = g.op("Unsqueeze", [g.op("Gather", ["rope_sin", "position_ids"], axis=0), "c_ax1"], name="sin_b1td")

            def rope_bnsh(x: str) -> str:
                x1 = g.op("Slice", [x, "c_half0", "c_half1", "c_ax3"])
                x2 = g.op("Slice", [x, "c_half1", "c_half2", "c_ax3"])
                rot = g.op("Concat", [g.op("Neg", [x2]), x1], axis=-1)
                return g.op("Add", [g.op("Mul", [x, cos_g]), g.op("Mul", [rot, sin_g])])

            def heads(x: str) -> str:
                return g.op("Transpose", [g.op("Reshape", [x, "shape_bthd"])], perm=[0, 2, 1, 3])

            def attention(i: int, q: str, k: str, v: str) -> str:
                q, k, v = rope_bnsh(heads(q)), rope_bnsh(heads(k)), heads(v)
                k_all = g.op("Concat", [f"past_key_values.{i}.key", k], axis=2, name=f"present.{i}.key")
                v_all = g.op("Concat", [f"past_key_values.{i}.value", v], axis=2, name=f"present.{i}.value")
                s = g.op("Div", [g.op("MatMul", [q, g.op("Transpose", [k_all], perm=[0, 1, 3, 2])]), "attn_scale"])
                if dtype == "fp16":
                    s = g.op("Cast", [s], to=TensorProto.FLOAT)
                s = g.op("Max", [g.op("Add", [s, mask]), "c_min_f"])
                pr = g.op("Softmax", [s], axis=-1)
                if dtype == "fp16":
                    pr = g.op("Cast", [pr], to=TensorProto.FLOAT16)
                return g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [pr, v_all])], perm=[0, 2, 1, 3]), "shape_bth"])

        if opt.fused_qkv and not opt.fused_attention:
            g.const("split_qkv", np.array([H, H, H], dtype=np.int64))
        if opt.fused_gate_up:
            g.const("split_gate_up", np.array([cfg.intermediate_size] * 2, dtype=np.int64))
        h = "inputs_embeds"
        x = rms(h, "model.layers.0.input_layernorm.weight")
        for i in range(L):
            p = f"model.layers.{i}."
            if opt.fused_qkv and opt.fused_attention:
                o = attention_packed(i, lin(x, p + "self_attn.qkv_proj.weight"))
            elif opt.fused_qkv:
                o = attention(i, *g.op("Split", [lin(x, p + "self_attn.qkv_proj.weight"), "split_qkv"], axis=-1, outputs=3))
            else:
                o = attention(i, lin(x, p + "self_attn.q_proj.weight"), lin(x, p + "self_attn.k_proj.weight"),
                              lin(x, p + "self_attn.v_proj.weight"))
            x, h = add_rms(h, lin(o, p + "self_attn.o_proj.weight"), p + "post_attention_layernorm.weight")
            if opt.fused_gate_up:
                gt, up = g.op("Split", [lin(x, p + "mlp.gate_up_proj.weight"), "split_gate_up"], axis=-1, outputs=2)
            else:
                gt = lin(x, p + "mlp.gate_proj.weight")
                up = lin(x, p + "mlp.up_proj.weight")
            act = g.op("Mul", [g.op("Mul", [gt, g.op("Sigmoid", [gt])]), up])
            nxt = f"model.layers.{i + 1}.input_layernorm.weight" if i + 1 < L else "model.norm.weight"
            x, h = add_rms(h, lin(act, p + "mlp.down_proj.weight"), nxt)
        if opt.last_logits_only:
            g.const("c_last", np.array([-1], dtype=np.int64))
            g.const("c_end", np.array([np.iinfo(np.int64).max], dtype=np.int64))
            x = g.op("Slice", [x, "c_last", "c_end", "c_ax1"], name="last_position")
        logits = lin(x, "lm_head.weight")
        if dtype == "fp16":
            g.nodes.append(helper.make_node("Cast", [logits], ["logits"], to=TensorProto.FLOAT, name="logits_cast"))
        else:
            g.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits_id"))

        inputs = [
            helper.make_tensor_value_info("inputs_embeds", onnx_t, ["batch", "sequence", H]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "total_sequence"]),
            helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch", "sequence"]),
        ]
        outs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1 if opt.last_logits_only else "sequence", vocab])]
        for i in range(L):
            for kv in ("key", "value"):
                inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kv}", onnx_t, ["batch", nh, "past_sequence", hd]))
                outs.append(helper.make_tensor_value_info(f"present.{i}.{kv}", onnx_t, ["batch", nh, "total_sequence", hd]))
        graph = helper.make_graph(g.nodes, "deepresonance_llama_decoder", inputs, outs, initializer=g.inits)
        opsets = [helper.make_opsetid("", OPSET)]
        if bits or opt.fused_attention or opt.fused_norm:
            opsets.append(helper.make_opsetid("com.microsoft", 1))
        model = helper.make_model(graph, opset_imports=opsets, producer_name="resonance-studio-convert")
        model.ir_version = 8
        total = ext.offset
        if total <= external_threshold:
            # small: inline the weights, single file
            onnx.load_external_data_for_model(model, out_dir)
            for t in model.graph.initializer:
                t.data_location = TensorProto.DEFAULT
                del t.external_data[:]
            _save_fsync(model, model_path)
            os.remove(data_path)
            files = {"decoder": "decoder.onnx"}
        else:
            _save_fsync(model, model_path)
            files = {"decoder": "decoder.onnx", "decoder_data": "decoder.onnx.data"}
        files["embed_tokens"] = embed_file
        log(f"  decoder: {L} layers, hidden {H}, heads {nh}, vocab {vocab}, dtype {dtype}, quant {quant}, "
            f"weights {total / 1e6:.1f} MB{' (external data)' if 'decoder_data' in files else ''}")
        return files
    finally:
        ext.close()


def _save_fsync(model, path: str) -> None:
    data = model.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())

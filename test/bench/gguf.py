"""A small streaming GGUF writer: a LLaMA model for llama.cpp, tensor by tensor.

Follows ggml's docs/gguf.md (version 3, little endian): header, metadata
key/values, tensor infos (name, dims innermost first, ggml type, offset from the
start of the data section), padding to `general.alignment` (32), tensor data.
Because a LLaMA's tensor list and shapes follow from its config, the header is
written first and each tensor's bytes are appended as it arrives, so a 7 B model
never has to be held in memory.

Types written: F32 (norms) and Q4_0 (every matrix, the embedding and the output
projection included; llama-quantize would give the output projection Q6_K).
Q4_0 follows ggml's quantize_row_q4_0_ref: blocks of 32 along a row, an fp16
scale d = (the element of largest magnitude) / -8, codes min(15, trunc(x/d + 8.5)),
byte j holding element j (low nibble) and element j + 16 (high nibble).

Hugging Face LLaMA checkpoints store q_proj/k_proj rows in the "rotate half"
order; llama.cpp expects Meta's interleaved order, so those two are permuted
back exactly as llama.cpp's convert_hf_to_gguf.py does (`permute_qk`).
"""
from __future__ import annotations

import struct
from typing import BinaryIO, Dict, List, Sequence, Tuple

import numpy as np

GGUF_MAGIC = b"GGUF"
GGUF_VERSION = 3
ALIGNMENT = 32

# gguf metadata value types
U32, I32, F32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9
# ggml tensor types
GGML_F32, GGML_Q4_0 = 0, 2
QK4_0 = 32
Q4_0_BLOCK_BYTES = 2 + QK4_0 // 2


def _str(s: str) -> bytes:
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def _value(kind: int, v) -> bytes:
    if kind == U32:
        return struct.pack("<I", v)
    if kind == I32:
        return struct.pack("<i", v)
    if kind == F32:
        return struct.pack("<f", v)
    if kind == BOOL:
        return struct.pack("<?", v)
    if kind == STRING:
        return _str(v)
    raise ValueError(kind)


def _kv(key: str, kind: int, v) -> bytes:
    if kind == ARRAY:
        elem, items = v
        out = [_str(key), struct.pack("<I", ARRAY), struct.pack("<IQ", elem, len(items))]
        if elem == F32:
            out.append(np.asarray(items, dtype="<f4").tobytes())
        elif elem == I32:
            out.append(np.asarray(items, dtype="<i4").tobytes())
        else:
            out.extend(_value(elem, x) for x in items)
        return b"".join(out)
    return _str(key) + struct.pack("<I", kind) + _value(kind, v)


def quantize_q4_0(w: np.ndarray) -> bytes:
    """float32 [rows, K] (K % 32 == 0) → Q4_0 blocks, row-major (rows × K/32 blocks of 18 bytes)."""
    w = np.ascontiguousarray(w, dtype=np.float32)
    rows, k = w.shape
    if k % QK4_0:
        raise ValueError(f"Q4_0 needs rows of a multiple of {QK4_0} values, got {k}")
    x = w.reshape(-1, QK4_0)
    idx = np.abs(x).argmax(axis=1)
    mx = x[np.arange(x.shape[0]), idx]
    d = mx / -8.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    q = np.minimum(15, np.trunc(x * inv[:, None] + 8.5).astype(np.int8)).astype(np.uint8)
    qs = q[:, :16] | (q[:, 16:] << 4)
    out = np.empty((x.shape[0], Q4_0_BLOCK_BYTES), dtype=np.uint8)
    out[:, :2] = d.astype("<f2").view(np.uint8).reshape(-1, 2)
    out[:, 2:] = qs
    return out.tobytes()


def permute_qk(w: np.ndarray, n_head: int) -> np.ndarray:
    """HF rotate-half rows of q_proj/k_proj [n_head*hd, H] → llama.cpp's interleaved order."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


HF_TO_GGUF = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
LAYER_NAMES = {
    "self_attn.q_proj.weight": "attn_q.weight", "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight", "self_attn.o_proj.weight": "attn_output.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight", "input_layernorm.weight": "attn_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
}


def gguf_name(hf: str) -> str:
    if hf in HF_TO_GGUF:
        return HF_TO_GGUF[hf]
    parts = hf.split(".")  # model.layers.{i}.{rest}
    return f"blk.{parts[2]}.{LAYER_NAMES['.'.join(parts[3:])]}"


def _nbytes(shape: Tuple[int, ...], kind: int) -> int:
    n = int(np.prod(shape))
    return n * 4 if kind == GGML_F32 else n // QK4_0 * Q4_0_BLOCK_BYTES


class LlamaGGUFWriter:
    """Write a LLaMA GGUF whose tensors arrive one by one, in the order of `tensors`.

    cfg: hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
    rms_norm_eps, rope_theta, max_position_embeddings (a tools/convert/llama.LlamaConfig).
    tensors: [(HF name, shape [out, in] or [n])] — exactly the tensors `add` will get, in order.
    The vocabulary is a placeholder (the benchmark feeds token ids): <unk>, <s>, </s>,
    the 256 byte tokens, then distinct pieces up to `vocab`.
    """

    def __init__(self, f: BinaryIO, cfg, vocab: int, tensors: Sequence[Tuple[str, Tuple[int, ...]]], name: str):
        self.f, self.cfg = f, cfg
        self.order: List[str] = [n for n, _ in tensors]
        self.kinds: Dict[str, int] = {n: (GGML_F32 if len(s) == 1 else GGML_Q4_0) for n, s in tensors}
        self.next = 0
        toks = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
        toks += [f"\u2581t{i}" for i in range(vocab - len(toks))]
        types = [2, 3, 3] + [6] * 256 + [1] * (vocab - 259)
        meta = [
            ("general.architecture", STRING, "llama"),
            ("general.name", STRING, name),
            ("general.alignment", U32, ALIGNMENT),
            ("general.file_type", U32, 2),  # LLAMA_FTYPE_MOSTLY_Q4_0
            ("llama.context_length", U32, cfg.max_position_embeddings),
            ("llama.embedding_length", U32, cfg.hidden_size),
            ("llama.block_count", U32, cfg.num_hidden_layers),
            ("llama.feed_forward_length", U32, cfg.intermediate_size),
            ("llama.rope.dimension_count", U32, cfg.head_dim),
            ("llama.rope.freq_base", F32, cfg.rope_theta),
            ("llama.attention.head_count", U32, cfg.num_attention_heads),
            ("llama.attention.head_count_kv", U32, cfg.num_attention_heads),
            ("llama.attention.layer_norm_rms_epsilon", F32, cfg.rms_norm_eps),
            ("llama.vocab_size", U32, vocab),
            ("tokenizer.ggml.model", STRING, "llama"),
            ("tokenizer.ggml.tokens", ARRAY, (STRING, toks)),
            ("tokenizer.ggml.scores", ARRAY, (F32, [-float(i) for i in range(vocab)])),
            ("tokenizer.ggml.token_type", ARRAY, (I32, types)),
            ("tokenizer.ggml.bos_token_id", U32, 1),
            ("tokenizer.ggml.eos_token_id", U32, 2),
            ("tokenizer.ggml.unknown_token_id", U32, 0),
        ]
        head = [GGUF_MAGIC, struct.pack("<IQQ", GGUF_VERSION, len(tensors), len(meta))]
        head += [_kv(k, t, v) for k, t, v in meta]
        off = 0
        self.offsets: Dict[str, int] = {}
        for n, shape in tensors:
            kind = self.kinds[n]
            dims = list(reversed(shape))  # ggml: ne[0] is the innermost (row length)
            head.append(_str(gguf_name(n)) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
                        + struct.pack("<IQ", kind, off))
            self.offsets[n] = off
            off += _nbytes(tuple(shape), kind)
            off += (-off) % ALIGNMENT
        data = b"".join(head)
        data += b"\0" * ((-len(data)) % ALIGNMENT)
        f.write(data)
        self.data_start = len(data)
        self.written = 0

    def add(self, name: str, w: np.ndarray) -> None:
        """The next tensor (float32, HF layout); must come in the declared order."""
        if self.next >= len(self.order) or self.order[self.next] != name:
            raise ValueError(f"GGUF writer expected {self.order[self.next] if self.next < len(self.order) else 'nothing'}, got {name}")
        self.next += 1
        w = np.asarray(w, dtype=np.float32)
        if name.endswith(("q_proj.weight", "k_proj.weight")):
            w = permute_qk(w, self.cfg.num_attention_heads)
        pad = self.offsets[name] - self.written
        if pad:
            self.f.write(b"\0" * pad)
            self.written += pad
        data = w.astype("<f4").tobytes() if self.kinds[name] == GGML_F32 else quantize_q4_0(w)
        self.f.write(data)
        self.written += len(data)

    def close(self) -> None:
        if self.next != len(self.order):
            raise ValueError(f"GGUF incomplete: {len(self.order) - self.next} tensors never written")
        self.f.write(b"\0" * ((-self.written) % ALIGNMENT))
        self.f.flush()

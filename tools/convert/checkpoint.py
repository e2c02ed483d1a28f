"""Reading checkpoints the way PyTorch, DeepSpeed and Hugging Face actually write them.

Every reader of a weight file in tools/convert goes through `load_state_dict` (one
file) or `list_weight_files` / `iter_folder` (a Hugging Face folder), so the whole
kind of "the official file is not quite a dict of plain fp32 tensors" is handled
in one place:

* values that are `torch.nn.Parameter` with requires_grad=True (the official
  DeepResonance `agent.save_model` saves `named_parameters()` — fp16 Parameters in
  an OrderedDict): detached, so `.numpy()` works downstream;
* fp32 / fp16 / bf16 (kept as stored; consumers convert per tensor);
* `torch.save` zip files (.pt/.pth/.bin) and legacy (pre-1.6) pickles;
* `.safetensors` (parsed here: an 8-byte little-endian header length, a JSON
  header {name: {dtype, shape, data_offsets}}, then the raw little-endian data —
  https://github.com/huggingface/safetensors#format; the `safetensors` Python
  package is not needed);
* DeepSpeed / trainer wrappers `{"module": sd, ...}`, `{"state_dict": sd}`,
  `{"model": sd}`;
* sharded HF folders: `pytorch_model.bin.index.json` / `model.safetensors.index.json`
  (`weight_map` name -> shard file), or a single `pytorch_model.bin` /
  `model.safetensors`.

Also the FastChat 0.1.10 `apply_delta` re-implementation used to build Vicuna-7B v0
from LLaMA-7B + `lmsys/vicuna-7b-delta-v0` in tests (`apply_vicuna_delta`).
"""
from __future__ import annotations

import json
import os
import pickle
import struct
import zipfile
from collections import OrderedDict
from typing import Dict, Iterator, List, Optional, Tuple

import torch


class CheckpointError(Exception):
    """A weight file or folder that cannot be read (missing, truncated, corrupt, not a state dict)."""


# ----------------------------------------------------------------------------
# safetensors

# https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs (Dtype)
SAFETENSORS_DTYPES: Dict[str, torch.dtype] = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
_ST_NAMES = {v: k for k, v in SAFETENSORS_DTYPES.items()}
_HEADER_LIMIT = 100 * 1024 * 1024  # the reference implementation's own limit


def _raw_bytes(t: torch.Tensor) -> bytes:
    """Little-endian bytes of a tensor's elements in row-major order (bf16 via its int16 view)."""
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path: str, tensors: Dict[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None) -> None:
    """Write `tensors` as a .safetensors file, the layout `safetensors.torch.save_file` writes.

    Data is laid out in the order given, header padded with spaces to a multiple of 8 bytes.
    Raises CheckpointError for a dtype safetensors has no code for.
    """
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs: List[bytes] = []
    off = 0
    for name, t in tensors.items():
        if t.dtype not in _ST_NAMES:
            raise CheckpointError(f"safetensors has no dtype for {t.dtype} ({name})")
        b = _raw_bytes(t)
        header[name] = {"dtype": _ST_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors_header(path: str) -> Tuple[Dict[str, dict], int]:
    """(header without __metadata__, byte offset of the data section). Raises CheckpointError."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise CheckpointError(f"{path}: truncated safetensors file ({size} bytes)")
        (n,) = struct.unpack("<Q", head)
        if n > _HEADER_LIMIT or 8 + n > size:
            raise CheckpointError(f"{path}: safetensors header of {n} bytes does not fit the {size}-byte file "
                                  f"(truncated or not a safetensors file)")
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CheckpointError(f"{path}: safetensors header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{path}: safetensors header is not an object")
    header.pop("__metadata__", None)
    data_len = size - 8 - n
    for name, info in header.items():
        try:
            dt = SAFETENSORS_DTYPES[info["dtype"]]
            a, b = info["data_offsets"]
            numel = 1
            for s in info["shape"]:
                numel *= int(s)
        except (KeyError, TypeError, ValueError):
            raise CheckpointError(f"{path}: tensor {name!r} has a malformed header entry {info!r}") from None
        if not (0 <= a <= b <= data_len) or b - a != numel * torch.tensor([], dtype=dt).element_size():
            raise CheckpointError(f"{path}: tensor {name!r} data_offsets {a}..{b} do not fit its shape/dtype or the "
                                  f"{data_len}-byte data section (truncated?)")
    return header, 8 + n


def read_safetensors(path: str) -> "OrderedDict[str, torch.Tensor]":
    """Every tensor of a .safetensors file (dtype as stored), in file order. Raises CheckpointError."""
    header, base = read_safetensors_header(path)
    out: "OrderedDict[str, torch.Tensor]" = OrderedDict()
    with open(path, "rb") as f:
        for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
            a, b = info["data_offsets"]
            f.seek(base + a)
            buf = bytearray(f.read(b - a))
            dt = SAFETENSORS_DTYPES[info["dtype"]]
            t = torch.frombuffer(buf, dtype=dt) if buf else torch.empty(0, dtype=dt)
            out[name] = t.reshape([int(s) for s in info["shape"]])
    return out


# ----------------------------------------------------------------------------
# one file

_WRAPPERS = ("module", "state_dict", "model")


def _unwrap(obj, path: str, what: str) -> "OrderedDict[str, torch.Tensor]":
    if not isinstance(obj, dict):
        raise CheckpointError(f"{what} {path!r} is not a state dict (got {type(obj).__name__})")
    if not all(torch.is_tensor(v) for v in obj.values()):
        for w in _WRAPPERS:  # DeepSpeed mp_rank_00_model_states.pt, Lightning, ImageBind-style wrappers
            inner = obj.get(w)
            if isinstance(inner, dict) and inner and all(torch.is_tensor(v) for v in inner.values()):
                obj = inner
                break
        else:
            bad = [k for k, v in obj.items() if not torch.is_tensor(v)][:4]
            raise CheckpointError(f"{what} {path!r} is not a state dict of tensors (entries {bad} are not tensors)")
    # Parameters (requires_grad) -> plain tensors sharing the storage
    return OrderedDict((str(k), v.detach()) for k, v in obj.items())


def load_state_dict(path: str, what: str = "checkpoint") -> "OrderedDict[str, torch.Tensor]":
    """Load one weight file into {name: tensor} on the CPU, dtypes as stored, requires_grad False.

    `path`: .safetensors (by suffix) or anything torch.save wrote (zip or legacy pickle).
    `what` names the file in error messages. Raises CheckpointError for a missing,
    truncated or corrupt file and for anything that is not a (wrapped) state dict.
    """
    if not os.path.isfile(path):
        raise CheckpointError(f"{what} {path!r} does not exist")
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    try:
        obj = torch.load(path, map_location="cpu")
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, OSError, ValueError,
            AttributeError, struct.error) as e:
        raise CheckpointError(f"{what} {path!r} cannot be read (truncated or corrupt?): {type(e).__name__}: {e}") from None
    return _unwrap(obj, path, what)


# ----------------------------------------------------------------------------
# Hugging Face folders

INDEX_FILES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
SINGLE_FILES = ("model.safetensors", "pytorch_model.bin")


def list_weight_files(folder: str) -> List[str]:
    """The weight files of a HF folder, in shard order: an index (safetensors preferred,
    as transformers does), else a single file. Raises CheckpointError for a broken layout."""
    if not os.path.isdir(folder):
        raise CheckpointError(f"{folder!r} is not a folder")
    for idx in INDEX_FILES:
        index = os.path.join(folder, idx)
        if not os.path.isfile(index):
            continue
        try:
            with open(index, "r", encoding="utf-8") as f:
                wm = json.load(f)["weight_map"]
            files = sorted(set(wm.values()))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as e:
            raise CheckpointError(f"{index}: not a valid weight index ({type(e).__name__}: {e})") from None
        paths = [os.path.join(folder, fn) for fn in files]
        missing = [p for p in paths if not os.path.isfile(p)]
        if missing:
            raise CheckpointError(f"{index} names shard(s) that do not exist: "
                                  f"{', '.join(os.path.basename(m) for m in missing)}")
        return paths
    for fn in SINGLE_FILES:
        if os.path.isfile(os.path.join(folder, fn)):
            return [os.path.join(folder, fn)]
    raise CheckpointError(f"{folder}: no {', '.join(INDEX_FILES + SINGLE_FILES)}")


def iter_folder(folder: str, what: str = "shard") -> Iterator[Tuple[str, torch.Tensor]]:
    """(name, tensor) shard by shard; each shard is released before the next is read."""
    for path in list_weight_files(folder):
        sd = load_state_dict(path, what)
        for name in list(sd.keys()):
            yield name, sd.pop(name)
        del sd


def save_sharded(folder: str, sd: Dict[str, torch.Tensor], n_shards: int = 2, fmt: str = "bin") -> List[str]:
    """Write `sd` as `save_pretrained` does: shards + index with weight_map and metadata.total_size.

    fmt "bin": pytorch_model-0000i-of-0000n.bin (torch.save zip) + pytorch_model.bin.index.json;
    fmt "safetensors": model-0000i-of-0000n.safetensors + model.safetensors.index.json.
    """
    os.makedirs(folder, exist_ok=True)
    names = list(sd)
    per = -(-len(names) // n_shards)
    wm: Dict[str, str] = {}
    files = []
    for i in range(n_shards):
        part = names[i * per:(i + 1) * per]
        if fmt == "bin":
            fn = f"pytorch_model-{i + 1:05d}-of-{n_shards:05d}.bin"
            torch.save(OrderedDict((k, sd[k]) for k in part), os.path.join(folder, fn))
        else:
            fn = f"model-{i + 1:05d}-of-{n_shards:05d}.safetensors"
            write_safetensors(os.path.join(folder, fn), {k: sd[k] for k in part}, {"format": "pt"})
        files.append(fn)
        wm.update({k: fn for k in part})
    index = "pytorch_model.bin.index.json" if fmt == "bin" else "model.safetensors.index.json"
    with open(os.path.join(folder, index), "w") as f:
        json.dump({"metadata": {"total_size": sum(t.numel() * t.element_size() for t in sd.values())},
                   "weight_map": wm}, f, indent=2)
    return files


# ----------------------------------------------------------------------------
# FastChat 0.1.10 apply_delta (Vicuna-7B v0 = LLaMA-7B + lmsys/vicuna-7b-delta-v0)

_IGNORED_BUFFERS = (".rotary_emb.inv_freq",)


def apply_vicuna_delta(base_dir: str, delta_dir: str) -> "OrderedDict[str, torch.Tensor]":
    """The Vicuna state dict FastChat 0.1.10's `apply_delta` saves, in fp16.

    FastChat (fastchat/model/apply_delta.py at v0.1.10): load both in fp16, add a
    "[PAD]" special token to the *base* tokenizer and `resize_token_embeddings`,
    zero the new rows, then `param.data += delta.state_dict()[name]` for every
    base parameter, and save the delta's tokenizer. So the vocabulary sizes come
    from the files: the delta v0's config says 32001 while its tokenizer has
    32000 pieces; the rows the base lacks are zero + delta. Buffers such as
    `rotary_emb.inv_freq` are not parameters and are taken from the base.
    Raises CheckpointError when a base weight has no delta or the shapes disagree.
    """
    base = OrderedDict(iter_folder(base_dir, "LLaMA shard"))
    delta = OrderedDict(iter_folder(delta_dir, "Vicuna delta shard"))
    out: "OrderedDict[str, torch.Tensor]" = OrderedDict()
    for name, b in base.items():
        if name.endswith(_IGNORED_BUFFERS):
            out[name] = b
            continue
        if name not in delta:
            raise CheckpointError(f"{delta_dir}: the Vicuna delta has no {name}")
        d = delta[name].to(torch.float16)
        b = b.to(torch.float16)
        if name.endswith(("embed_tokens.weight", "lm_head.weight")) and b.shape[0] < d.shape[0]:
            b = torch.cat([b, torch.zeros(d.shape[0] - b.shape[0], b.shape[1], dtype=b.dtype)])
        if b.shape != d.shape:
            raise CheckpointError(f"{name}: base {tuple(b.shape)} vs Vicuna delta {tuple(d.shape)} (shape mismatch)")
        out[name] = b + d
    return out

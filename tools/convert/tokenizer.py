"""tokenizer.json (Hugging Face format) derived from LLaMA's SentencePiece model.

The model is BPE with byte fallback.  The JSON reproduces what the reference
tokenises with (transformers 4.29.2's slow LlamaTokenizer):

- normalizer Prepend("▁") + Replace(" ", "▁") (SentencePiece's dummy prefix and
  whitespace symbol; identity normalisation, no whitespace collapsing),
- no pre-tokenizer; BPE whose merges are every (left, right) split of a vocab
  piece into two vocab pieces, ranked by the merged piece's score (the way
  Hugging Face's LlamaConverter derives them), byte_fallback, unk <unk>,
- decoder Replace("▁", " ") + ByteFallback + Fuse + Strip(1 leading space),
- added tokens: <unk>/<s>/</s> (special) and the six DeepResonance tokens with
  the ids the reference ends up with (add_tokens order in deepresonance.py):
  32000 "<Img>", 32001 "</Img>", 32002 "{'<Vid>'}", 32003 "{'</Vid>'}",
  32004 "{'<Aud>'}", 32005 "{'</Aud>'}" (the last four were passed as Python
  sets and stringified by add_tokens). In the 4.29 slow tokenizer a plain
  added token strips the whitespace on both sides of itself, so they are
  written with lstrip = rstrip = true; each text chunk between added tokens
  gets its own dummy prefix, as the slow tokenizer calls sp.encode per chunk.

`reference_encode` is that slow-tokenizer behaviour in Python (the oracle the
tests compare the JSON against, through @huggingface/tokenizers in Node).
"""
from __future__ import annotations

import json
import os
import re
from typing import Dict, List, Optional

from llama import ConvertError

ADDED_TOKENS = ["<Img>", "</Img>", str({"<Vid>"}), str({"</Vid>"}), str({"<Aud>"}), str({"</Aud>"})]
SPECIAL = ["<unk>", "<s>", "</s>"]


def load_sp(path: str):
    import sentencepiece as spm
    if not os.path.isfile(path):
        raise ConvertError(f"tokenizer model {path!r} not found")
    sp = spm.SentencePieceProcessor()
    try:
        sp.Load(path)
    except Exception as e:  # sentencepiece raises OSError / RuntimeError
        raise ConvertError(f"{path}: not a SentencePiece model ({e})") from e
    return sp


def _proto(path: str):
    from sentencepiece import sentencepiece_model_pb2 as pb
    m = pb.ModelProto()
    with open(path, "rb") as f:
        m.ParseFromString(f.read())
    return m


def check_llama_style(path: str) -> None:
    m = _proto(path)
    t, n = m.trainer_spec, m.normalizer_spec
    problems = []
    if t.model_type != 2:  # BPE
        problems.append(f"model_type {t.model_type} (need BPE)")
    if not t.byte_fallback:
        problems.append("byte_fallback off")
    if n.name not in ("identity", "") or n.precompiled_charsmap:
        problems.append(f"normalizer {n.name!r}")
    if not n.add_dummy_prefix:
        problems.append("add_dummy_prefix off")
    if n.remove_extra_whitespaces:
        problems.append("remove_extra_whitespaces on")
    if t.unk_id != 0 or t.bos_id != 1 or t.eos_id != 2:
        problems.append(f"special ids unk/bos/eos = {t.unk_id}/{t.bos_id}/{t.eos_id} (need 0/1/2)")
    if problems:
        raise ConvertError(f"{path}: not a LLaMA-style SentencePiece model: {'; '.join(problems)}")


def build_tokenizer_json(sp_path: str) -> dict:
    check_llama_style(sp_path)
    m = _proto(sp_path)
    vocab: Dict[str, int] = {}
    scores: Dict[str, float] = {}
    normal = set()
    for i, p in enumerate(m.pieces):
        if " " in p.piece:
            raise ConvertError(f"{sp_path}: piece {p.piece!r} contains a space; cannot express as BPE merges")
        vocab[p.piece] = i
        scores[p.piece] = p.score
        if p.type in (1, 4):  # NORMAL, USER_DEFINED
            normal.add(p.piece)
    merges = []
    for piece in normal:
        local = []
        for k in range(1, len(piece)):
            l, r = piece[:k], piece[k:]
            if l in vocab and r in vocab:
                local.append((l, r, scores[piece], vocab[l], vocab[r]))
        local.sort(key=lambda x: (x[3], x[4]))
        merges.extend(local)
    # highest score first; stable within a piece (python sort is stable: use id of merged piece as tiebreak)
    merges.sort(key=lambda x: (-x[2], vocab[x[0] + x[1]]))
    n = len(m.pieces)
    added = [
        {"id": 0, "content": m.pieces[0].piece, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        {"id": 1, "content": m.pieces[1].piece, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        {"id": 2, "content": m.pieces[2].piece, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
    ]
    full_vocab = dict(vocab)
    for j, tok in enumerate(ADDED_TOKENS):
        if tok in vocab:
            raise ConvertError(f"{sp_path}: added token {tok!r} already in the SentencePiece vocabulary")
        added.append({"id": n + j, "content": tok, "single_word": False, "lstrip": True, "rstrip": True,
                      "normalized": False, "special": False})
        full_vocab[tok] = n + j
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        ]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
            "vocab": full_vocab,
            "merges": [f"{l} {r}" for (l, r, *_rest) in merges],
        },
    }


def tokenizer_config() -> dict:
    return {
        "tokenizer_class": "LlamaTokenizer",
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "</s>",
        "add_bos_token": False, "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 2048,
        "legacy": True,
    }


def write_tokenizer(sp_path: str, out_dir: str, writer=None) -> Dict[str, str]:
    """Write tokenizer.json + tokenizer_config.json; returns {role: filename}."""
    tj = build_tokenizer_json(sp_path)
    files = {"tokenizer": "tokenizer.json", "tokenizer_config": "tokenizer_config.json"}
    for fn, obj in (("tokenizer.json", tj), ("tokenizer_config.json", tokenizer_config())):
        data = json.dumps(obj, ensure_ascii=False, indent=None).encode("utf-8")
        if writer:
            writer(os.path.join(out_dir, fn), data)
        else:
            with open(os.path.join(out_dir, fn), "wb") as f:
                f.write(data)
    return files


# ----------------------------------------------------------------------------
# the reference (transformers 4.29 slow LlamaTokenizer, add_special_tokens=False)


def _split_re(tokens: List[str]):
    return re.compile("(" + "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)) + ")")


def reference_encode(sp, text: str) -> List[int]:
    n = sp.GetPieceSize()
    added = {t: n + i for i, t in enumerate(ADDED_TOKENS)}
    special = {sp.IdToPiece(i): i for i in (0, 1, 2)}
    parts = [p for p in _split_re(list(added) + list(special)).split(text)]
    # plain (non-AddedToken) added tokens strip whitespace on both sides
    for i, p in enumerate(parts):
        if p in added:
            if i > 0:
                parts[i - 1] = parts[i - 1].rstrip()
            if i + 1 < len(parts):
                parts[i + 1] = parts[i + 1].lstrip()
    ids: List[int] = []
    for i, p in enumerate(parts):
        if i % 2 == 1:  # a delimiter
            ids.append(added[p] if p in added else special[p])
        elif p:
            ids.extend(sp.EncodeAsIds(p))
    return ids


def token_id(sp, text: str) -> Optional[int]:
    ids = reference_encode(sp, text)
    return ids[0] if len(ids) == 1 else None

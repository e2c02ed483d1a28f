"""Projector (`llama_proj`) and β pre-LLM fusion graphs.

projector.onnx   embeddings float32 [batch, tokens, D]  ->  projected T [batch, tokens, H]
fusion.onnx (β)  inputs_embeds T [batch, seq, H], key_padding_mask bool [batch, seq] (true = padding)
                 -> fused T [batch, seq, H]

Weights are stored in the pack dtype; compute is fp32 (Casts in the graph), I/O in the
pack dtype.  The fusion graph is our own module with the exact eval-mode math of
nn.TransformerEncoder(TransformerEncoderLayer(d_model=H, nhead, dim_feedforward,
batch_first=True)) (post-norm, ReLU, LayerNorm eps 1e-5, dropout off).  It is
exported from explicit ops rather than from nn.TransformerEncoder so that torch's
"fast path" (_transformer_encoder_layer_fwd / nested tensors, which zero padded
rows) can never leak into the trace; tests check it against nn.TransformerEncoder.
Padded keys get an additive finfo(float32).min (not -inf) so a fully padded row
cannot produce NaN; rows at padded positions are unspecified and must be dropped,
as the reference does (it slices them off).
"""
from __future__ import annotations

import math
import os
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F

from llama import ConvertError

OPSET = 17


class Projector(nn.Module):
    """llama_proj; weights stored in the pack dtype, computed in fp32, I/O in the pack dtype."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, store=torch.float32):
        super().__init__()
        self.register_buffer("weight", weight.detach().to(store).clone())
        self.register_buffer("bias", bias.detach().to(store).clone())
        self.io = store

    def forward(self, embeddings):
        # input: the encoders' float32 embeddings; output in the pack dtype
        return F.linear(embeddings.float(), self.weight.float(), self.bias.float()).to(self.io)


_PARTS = ("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
          "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
          "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")


class FusionLayer(nn.Module):
    def __init__(self, sd: Dict[str, torch.Tensor], prefix: str, nhead: int, store=torch.float32):
        super().__init__()
        self.nhead = nhead
        self.H = int(sd[prefix + "norm1.weight"].shape[0])
        for k in _PARTS:
            self.register_buffer(k.replace(".", "_"), sd[prefix + k].detach().to(store).clone())

    def w(self, name):
        return getattr(self, name).float()

    def forward(self, x, neg_bias):
        B, S, H = x.shape[0], x.shape[1], self.H
        nh = self.nhead
        hd = H // nh
        qkv = F.linear(x, self.w("self_attn_in_proj_weight"), self.w("self_attn_in_proj_bias"))
        q, k, v = qkv.chunk(3, dim=-1)
        q = q.reshape(B, S, nh, hd).transpose(1, 2)
        k = k.reshape(B, S, nh, hd).transpose(1, 2)
        v = v.reshape(B, S, nh, hd).transpose(1, 2)
        s = torch.matmul(q * (1.0 / math.sqrt(hd)), k.transpose(2, 3)) + neg_bias
        p = torch.softmax(s, dim=-1)
        a = torch.matmul(p, v).transpose(1, 2).reshape(B, S, H)
        a = F.linear(a, self.w("self_attn_out_proj_weight"), self.w("self_attn_out_proj_bias"))
        x = F.layer_norm(x + a, (H,), self.w("norm1_weight"), self.w("norm1_bias"), 1e-5)
        f = F.linear(F.relu(F.linear(x, self.w("linear1_weight"), self.w("linear1_bias"))),
                     self.w("linear2_weight"), self.w("linear2_bias"))
        return F.layer_norm(x + f, (H,), self.w("norm2_weight"), self.w("norm2_bias"), 1e-5)


class Fusion(nn.Module):
    """Pre-LLM fusion; weights stored in the pack dtype, computed in fp32, I/O in the pack dtype."""

    def __init__(self, sd: Dict[str, torch.Tensor], n_layers: int, nhead: int, store=torch.float32):
        super().__init__()
        self.io = store
        self.layers = nn.ModuleList([FusionLayer(sd, f"layers.{n}.", nhead, store) for n in range(n_layers)])

    def forward(self, inputs_embeds, key_padding_mask):
        neg = torch.where(key_padding_mask, torch.tensor(torch.finfo(torch.float32).min), torch.tensor(0.0))
        neg = neg[:, None, None, :]
        x = inputs_embeds.float()
        for layer in self.layers:
            x = layer(x, neg)
        return x.to(self.io)


def torch_fusion_reference(sd: Dict[str, torch.Tensor], n_layers: int, nhead: int, ff: int) -> nn.TransformerEncoder:
    """The reference module itself (nn.TransformerEncoder), weights loaded; eval mode."""
    H = sd["layers.0.norm1.weight"].shape[0]
    layer = nn.TransformerEncoderLayer(d_model=H, nhead=nhead, dim_feedforward=ff, dropout=0.1, batch_first=True)
    enc = nn.TransformerEncoder(layer, num_layers=n_layers, enable_nested_tensor=False)
    missing, unexpected = enc.load_state_dict({k: v.float() for k, v in sd.items()}, strict=True), None
    enc.eval()
    return enc


def _export(module: nn.Module, args, path: str, input_names, output_names, dynamic_axes, fold: bool) -> None:
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=fold)
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def export_projector(weight: torch.Tensor, bias: torch.Tensor, path: str, dtype: str = "fp32") -> None:
    t = torch.float16 if dtype == "fp16" else torch.float32
    m = Projector(weight, bias, t)
    _export(m, (torch.zeros(1, 3, weight.shape[1]),), path, ["embeddings"], ["projected"],
            {"embeddings": {0: "batch", 1: "tokens"}, "projected": {0: "batch", 1: "tokens"}}, fold=(dtype == "fp32"))


def export_fusion(sd: Dict[str, torch.Tensor], n_layers: int, nhead: int, path: str, dtype: str = "fp32") -> None:
    H = sd["layers.0.norm1.weight"].shape[0]
    if H % nhead:
        raise ConvertError(f"fusion d_model {H} not divisible by nhead {nhead}")
    t = torch.float16 if dtype == "fp16" else torch.float32
    m = Fusion(sd, n_layers, nhead, t)
    args = (torch.zeros(1, 4, H, dtype=t), torch.zeros(1, 4, dtype=torch.bool))
    _export(m, args, path, ["inputs_embeds", "key_padding_mask"], ["fused"],
            {"inputs_embeds": {0: "batch", 1: "sequence"}, "key_padding_mask": {0: "batch", 1: "sequence"},
             "fused": {0: "batch", 1: "sequence"}}, fold=(dtype == "fp32"))

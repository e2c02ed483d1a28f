"""ImageBind (vision + audio towers) for the DeepResonance converter.

An independent PyTorch implementation of the parts of ImageBind that
DeepResonance uses, with parameter names identical to the official
``imagebind_huge.pth`` state dict so that the checkpoint loads as-is.

Semantics (matching the ImageBind fork shipped with DeepResonance):

* vision: input video clips ``[.., 3, T=2, 224, 224]`` (an image is a video
  whose single frame is repeated to T=2, ImageBind's ``PadIm2Video(repeat)``),
  Conv3d patch stem kernel=stride=(2,14,14) without bias -> 256 patches,
  a CLS token, learnable positional embedding (257 tokens), a LayerNorm
  (eps 1e-6) before the trunk, pre-norm transformer blocks (LayerNorm eps 1e-6,
  ``nn.MultiheadAttention`` semantics with bias, MLP ratio 4 with exact GELU),
  head = LayerNorm(eps 1e-6) -> CLS token -> Linear(no bias) -> L2 normalise.
* audio: input fbank ``[.., 1, 128, 204]``, Conv2d stem kernel 16 stride 10
  without bias -> 12 x 19 = 228 patches, LayerNorm (eps 1e-5) on the patch
  tokens, CLS token, learnable positional embedding (229 tokens), no pre-trunk
  LayerNorm, attention with ``add_bias_kv=True`` (a learnt key/value appended
  to every sequence), same head as vision -> L2 normalise.  DeepResonance's
  fork applies only the ``Normalize`` of the audio postprocessor, NOT the
  x20 logit scale; neither do we.
* Multi-sampled embeddings: every clip (and every spatial crop) keeps its own
  embedding; nothing is averaged.

Public API (used by convert.py / make_tiny.py):

    load_config(path_or_None) -> dict
    huge_config() -> dict
    tiny_config() -> dict
    build_imagebind(config) -> ImageBind (nn.Module, eval mode)
    load_imagebind(pth_path, config=None) -> ImageBind   (strict, clear errors)
    write_random_checkpoint(config, path, seed=0) -> dict (the state dict)
    encode_audio(model, fbank_clips)  [B, C, 1, 128, 204] -> [B, C, out]
    encode_vision(model, x)           [B, 3, 224, 224] -> [B, 1, out]
                                      [B, N, 3, 2, 224, 224] -> [B, N, out]
    export_audio_encoder(model, out_path, dtype="fp32") -> dict (info)
    export_vision_encoder(model, out_path, dtype="fp32") -> dict (info)

ONNX graphs (see MANIFEST-encoders.md):

    audio encoder : input  "fbank"        float32 [batch, clips, 1, 128, 204]
                    output "embeddings"   float32 [batch, clips, out_dim]
    vision encoder: input  "pixel_values" float32 [batch, n, 3, 2, 224, 224]
                    output "embeddings"   float32 [batch, n, out_dim]
      (one graph: an image is passed as n=1 with its frame repeated on the
       time axis, which is exactly what PadIm2Video does; a video is passed as
       n = clips x crops = 15.)

Config dict keys (JSON file for ``--imagebind-config``; any missing key takes
the imagebind_huge value):

    vision_embed_dim, vision_num_blocks, vision_num_heads,
    audio_embed_dim, audio_num_blocks, audio_num_heads,
    out_embed_dim, video_frames (2), kernel_size ([2,14,14]),
    audio_kernel_size (16), audio_stride (10), audio_num_mel_bins (128),
    audio_target_len (204), image_size (224)
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import warnings
import zipfile
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = [
    "load_config",
    "huge_config",
    "tiny_config",
    "build_imagebind",
    "load_imagebind",
    "write_random_checkpoint",
    "encode_audio",
    "encode_vision",
    "export_audio_encoder",
    "export_vision_encoder",
    "ImageBindError",
    "VISION_PREFIXES",
    "AUDIO_PREFIXES",
    "image_to_pixel_values",
]

ONNX_OPSET = 17
EXTERNAL_DATA_THRESHOLD = 2_000_000_000  # bytes; protobuf's hard limit is 2 GiB


class ImageBindError(ValueError):
    """A checkpoint or config that cannot be used (clear, user-facing message)."""


# ---------------------------------------------------------------------------
# config

_HUGE = {
    "vision_embed_dim": 1280,
    "vision_num_blocks": 32,
    "vision_num_heads": 16,
    "audio_embed_dim": 768,
    "audio_num_blocks": 12,
    "audio_num_heads": 12,
    "out_embed_dim": 1024,
    "video_frames": 2,
    "kernel_size": [2, 14, 14],
    "audio_kernel_size": 16,
    "audio_stride": 10,
    "audio_num_mel_bins": 128,
    "audio_target_len": 204,
    "image_size": 224,
}


def huge_config() -> dict:
    """The imagebind_huge constructor arguments (vision/audio/out only)."""
    return json.loads(json.dumps(_HUGE))


def tiny_config() -> dict:
    """A small config for tests: real input sizes and patch geometry, tiny widths."""
    cfg = huge_config()
    cfg.update(
        vision_embed_dim=32,
        vision_num_blocks=2,
        vision_num_heads=2,
        audio_embed_dim=32,
        audio_num_blocks=2,
        audio_num_heads=2,
        out_embed_dim=16,
    )
    return cfg


def _validate_config(cfg: dict) -> dict:
    unknown = sorted(set(cfg) - set(_HUGE))
    if unknown:
        raise ImageBindError(f"ImageBind config: unknown keys {unknown}; known keys: {sorted(_HUGE)}")
    out = huge_config()
    out.update(cfg)
    for key in out:
        if key == "kernel_size":
            ks = out[key]
            if not (isinstance(ks, (list, tuple)) and len(ks) == 3 and all(isinstance(k, int) and k > 0 for k in ks)):
                raise ImageBindError(f"ImageBind config: kernel_size must be 3 positive ints, got {ks!r}")
            out[key] = [int(k) for k in ks]
        elif not isinstance(out[key], int) or isinstance(out[key], bool) or out[key] <= 0:
            raise ImageBindError(f"ImageBind config: {key} must be a positive integer, got {out[key]!r}")
    for mod in ("vision", "audio"):
        d, h = out[f"{mod}_embed_dim"], out[f"{mod}_num_heads"]
        if d % h:
            raise ImageBindError(f"ImageBind config: {mod}_embed_dim {d} is not divisible by {mod}_num_heads {h}")
    if out["kernel_size"][0] != out["video_frames"]:
        raise ImageBindError("ImageBind config: kernel_size[0] must equal video_frames (one temporal patch per clip)")
    return out


def load_config(path: Optional[str] = None) -> dict:
    """Read a JSON config (ImageBindModel constructor args). None -> imagebind_huge."""
    if path is None:
        return huge_config()
    try:
        with open(path, "r", encoding="utf-8") as fh:
            cfg = json.load(fh)
    except FileNotFoundError:
        raise ImageBindError(f"ImageBind config not found: {path}") from None
    except json.JSONDecodeError as e:
        raise ImageBindError(f"ImageBind config {path} is not valid JSON: {e}") from None
    if not isinstance(cfg, dict):
        raise ImageBindError(f"ImageBind config {path} must be a JSON object")
    # constructor args of other modalities are accepted and ignored
    ignored_prefixes = ("text_", "depth_", "thermal_", "imu_")
    cfg = {k: v for k, v in cfg.items() if not k.startswith(ignored_prefixes) and k != "audio_drop_path"}
    return _validate_config(cfg)


# ---------------------------------------------------------------------------
# modules (attribute names mirror the official state dict keys)


class _Attention(nn.Module):
    """Self-attention with nn.MultiheadAttention's parameters and semantics."""

    def __init__(self, dim: int, heads: int, add_bias_kv: bool):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * dim, dim))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * dim))
        self.out_proj = nn.Linear(dim, dim, bias=True)
        if add_bias_kv:
            self.bias_k = nn.Parameter(torch.zeros(1, 1, dim))
            self.bias_v = nn.Parameter(torch.zeros(1, 1, dim))
        else:
            self.bias_k = None
            self.bias_v = None
        nn.init.xavier_uniform_(self.in_proj_weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: [B, L, D]
        b, l, d = x.shape
        h = self.heads
        hd = d // h
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        q, k, v = qkv.chunk(3, dim=-1)
        if self.bias_k is not None:
            k = torch.cat([k, self.bias_k.expand(b, 1, d)], dim=1)
            v = torch.cat([v, self.bias_v.expand(b, 1, d)], dim=1)
        q = q.reshape(b, l, h, hd).transpose(1, 2) * (1.0 / math.sqrt(hd))
        k = k.reshape(b, -1, h, hd).transpose(1, 2)
        v = v.reshape(b, -1, h, hd).transpose(1, 2)
        attn = torch.softmax(q @ k.transpose(-2, -1), dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, l, d)
        return self.out_proj(out)


class _Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class _Block(nn.Module):
    def __init__(self, dim: int, heads: int, add_bias_kv: bool):
        super().__init__()
        self.attn = _Attention(dim, heads, add_bias_kv)
        self.norm_1 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = _Mlp(dim, 4 * dim)
        self.norm_2 = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x):
        x = x + self.attn(self.norm_1(x))
        return x + self.mlp(self.norm_2(x))


class _Trunk(nn.Module):
    def __init__(self, dim: int, blocks: int, heads: int, pre_ln: bool, add_bias_kv: bool):
        super().__init__()
        # official: Sequential(LayerNorm | Identity, EinOpsRearrange) -> key "pre_transformer_layer.0.*"
        self.pre_transformer_layer = nn.Sequential(nn.LayerNorm(dim, eps=1e-6) if pre_ln else nn.Identity())
        self.blocks = nn.Sequential(*[_Block(dim, heads, add_bias_kv) for _ in range(blocks)])

    def forward(self, x):  # batch-first throughout (the official l,b,d layout is equivalent)
        return self.blocks(self.pre_transformer_layer(x))


class _VisionStem(nn.Module):
    def __init__(self, dim: int, kernel):
        super().__init__()
        # official: PatchEmbedGeneric(proj=Sequential(PadIm2Video, Conv3d)) -> "proj.1.weight"
        self.proj = nn.Sequential(nn.Identity(), nn.Conv3d(3, dim, kernel_size=kernel, stride=kernel, bias=False))

    def forward(self, x):  # [N, 3, T, H, W]
        return self.proj(x).flatten(2).transpose(1, 2)


class _AudioStem(nn.Module):
    def __init__(self, dim: int, kernel: int, stride: int):
        super().__init__()
        self.proj = nn.Conv2d(1, dim, kernel_size=kernel, stride=stride, bias=False)
        self.norm_layer = nn.LayerNorm(dim)  # default eps 1e-5, as in the official stem

    def forward(self, x):  # [N, 1, 128, 204]
        return self.norm_layer(self.proj(x).flatten(2).transpose(1, 2))


class _PosEmbed(nn.Module):
    def __init__(self, tokens: int, dim: int):
        super().__init__()
        self.pos_embed = nn.Parameter(torch.randn(1, tokens, dim) * dim ** -0.5)


class _Preprocessor(nn.Module):
    def __init__(self, stem: nn.Module, num_patches: int, dim: int):
        super().__init__()
        self.rgbt_stem = stem
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * dim ** -0.5)
        self.pos_embedding_helper = _PosEmbed(num_patches + 1, dim)

    def forward(self, x):
        tokens = self.rgbt_stem(x)
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1)
        return tokens + self.pos_embedding_helper.pos_embed


class _Head(nn.Module):
    """Sequential(LayerNorm, SelectElement(0), Linear) with the official indices 0 and 2."""

    def __init__(self, dim: int, out_dim: int):
        super().__init__()
        self.add_module("0", nn.LayerNorm(dim, eps=1e-6))
        self.add_module("2", nn.Linear(dim, out_dim, bias=False))

    def forward(self, x):
        x = getattr(self, "0")(x)[:, 0, :]
        return getattr(self, "2")(x)


class _AudioPost(nn.Module):
    """Official Sequential(Normalize, LearnableLogitScaling(20, learnable=False)).

    Only holds the (persistent) buffer so the checkpoint key matches; the scale
    is never applied (DeepResonance uses postprocessors.audio[0] only).
    """

    def __init__(self):
        super().__init__()
        self.add_module("1", _LogitScale(20.0))


class _LogitScale(nn.Module):
    def __init__(self, init: float):
        super().__init__()
        self.register_buffer("log_logit_scale", torch.ones([]) * math.log(init))


class ImageBind(nn.Module):
    """ImageBind vision + audio towers; state dict keys == official keys for these towers."""

    def __init__(self, config: dict):
        super().__init__()
        cfg = _validate_config(dict(config))
        self.config = cfg
        vd, ad, od = cfg["vision_embed_dim"], cfg["audio_embed_dim"], cfg["out_embed_dim"]
        k = tuple(cfg["kernel_size"])
        img = cfg["image_size"]
        t_p = cfg["video_frames"] // k[0]
        v_patches = t_p * (img // k[1]) * (img // k[2])
        ak, ast = cfg["audio_kernel_size"], cfg["audio_stride"]
        a_h = (cfg["audio_num_mel_bins"] - ak) // ast + 1
        a_w = (cfg["audio_target_len"] - ak) // ast + 1
        self.vision_tokens = v_patches + 1
        self.audio_tokens = a_h * a_w + 1
        self.modality_preprocessors = nn.ModuleDict(
            {
                "vision": _Preprocessor(_VisionStem(vd, k), v_patches, vd),
                "audio": _Preprocessor(_AudioStem(ad, ak, ast), a_h * a_w, ad),
            }
        )
        self.modality_trunks = nn.ModuleDict(
            {
                "vision": _Trunk(vd, cfg["vision_num_blocks"], cfg["vision_num_heads"], pre_ln=True, add_bias_kv=False),
                "audio": _Trunk(ad, cfg["audio_num_blocks"], cfg["audio_num_heads"], pre_ln=False, add_bias_kv=True),
            }
        )
        self.modality_heads = nn.ModuleDict({"vision": _Head(vd, od), "audio": _Head(ad, od)})
        self.modality_postprocessors = nn.ModuleDict({"audio": _AudioPost()})
        self.eval()

    # flat batches --------------------------------------------------------
    def embed_vision_clips(self, x: torch.Tensor) -> torch.Tensor:
        """[M, 3, T, 224, 224] (or [M, 3, 224, 224]) -> [M, out] L2-normalised."""
        if x.dim() == 4:  # Im2Video + PadIm2Video(repeat)
            x = x.unsqueeze(2)
        if x.shape[2] == 1:
            x = x.repeat(1, 1, self.config["video_frames"], 1, 1)
        return self._embed_vision_frames(x)

    def _embed_vision_frames(self, x: torch.Tensor) -> torch.Tensor:
        """[M, 3, T=video_frames, 224, 224] -> [M, out] (no shape branching; used by the export)."""
        tokens = self.modality_preprocessors["vision"](x)
        tokens = self.modality_trunks["vision"](tokens)
        return F.normalize(self.modality_heads["vision"](tokens), dim=-1, p=2)

    def embed_audio_clips(self, x: torch.Tensor) -> torch.Tensor:
        """[M, 1, 128, 204] -> [M, out] L2-normalised (no logit scale)."""
        tokens = self.modality_preprocessors["audio"](x)
        tokens = self.modality_trunks["audio"](tokens)
        return F.normalize(self.modality_heads["audio"](tokens), dim=-1, p=2)


class _AudioEncoder(nn.Module):
    def __init__(self, model: ImageBind):
        super().__init__()
        self.model = model

    def forward(self, fbank):  # [B, C, 1, H, W]
        b, c = fbank.shape[0], fbank.shape[1]
        flat = fbank.reshape(b * c, fbank.shape[2], fbank.shape[3], fbank.shape[4])
        return self.model.embed_audio_clips(flat).reshape(b, c, self.model.config["out_embed_dim"])


class _VisionEncoder(nn.Module):
    def __init__(self, model: ImageBind):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):  # [B, N, 3, T, H, W]
        b, n = pixel_values.shape[0], pixel_values.shape[1]
        s = pixel_values.shape
        flat = pixel_values.reshape(b * n, s[2], s[3], s[4], s[5])
        return self.model._embed_vision_frames(flat).reshape(b, n, self.model.config["out_embed_dim"])


# ---------------------------------------------------------------------------
# building / loading

VISION_PREFIXES = (
    "modality_preprocessors.vision.",
    "modality_trunks.vision.",
    "modality_heads.vision.",
    "modality_postprocessors.vision.",
)
AUDIO_PREFIXES = (
    "modality_preprocessors.audio.",
    "modality_trunks.audio.",
    "modality_heads.audio.",
    "modality_postprocessors.audio.",
)


def build_imagebind(config: Optional[dict] = None) -> ImageBind:
    """A randomly initialised ImageBind (vision + audio) in eval mode."""
    return ImageBind(config if config is not None else huge_config())


def _read_state_dict(pth_path: str) -> Dict[str, torch.Tensor]:
    if not os.path.isfile(pth_path):
        raise ImageBindError(f"ImageBind checkpoint not found: {pth_path}")
    size = os.path.getsize(pth_path)
    if zipfile.is_zipfile(pth_path):
        try:
            with zipfile.ZipFile(pth_path) as zf:
                bad = zf.testzip()
            if bad is not None:
                raise ImageBindError(f"ImageBind checkpoint {pth_path} is corrupt (bad CRC in {bad})")
        except zipfile.BadZipFile as e:
            raise ImageBindError(f"ImageBind checkpoint {pth_path} is truncated or corrupt ({size} bytes): {e}") from None
    try:
        sd = torch.load(pth_path, map_location="cpu")
    except ImageBindError:
        raise
    except Exception as e:  # truncated legacy pickles, zip errors, EOF ...
        raise ImageBindError(
            f"ImageBind checkpoint {pth_path} could not be read ({size} bytes) - truncated or not a "
            f"torch state dict: {type(e).__name__}: {e}"
        ) from None
    if isinstance(sd, dict) and "model" in sd and isinstance(sd["model"], dict) and not any(
        isinstance(v, torch.Tensor) for v in sd.values()
    ):
        sd = sd["model"]
    if not isinstance(sd, dict) or not all(isinstance(v, torch.Tensor) for v in sd.values()):
        raise ImageBindError(f"ImageBind checkpoint {pth_path} is not a state dict of tensors")
    return sd


def load_imagebind(pth_path: str, config: Optional[dict] = None, *, report: Optional[dict] = None) -> ImageBind:
    """Load the official ImageBind state dict (vision + audio towers), strictly.

    Keys of other modalities (text/depth/thermal/imu) are ignored and listed in
    ``report["ignored_keys"]`` if a dict is passed (also ``report["ignored_modalities"]``).
    Raises ImageBindError on a missing/truncated file, a missing vision/audio key,
    an unexpected vision/audio key, or a shape that disagrees with the config.
    """
    cfg = _validate_config(dict(config) if config is not None else huge_config())
    sd = _read_state_dict(pth_path)
    model = ImageBind(cfg)
    own = model.state_dict()
    wanted = {k: v for k, v in sd.items() if k.startswith(VISION_PREFIXES + AUDIO_PREFIXES)}
    ignored = sorted(k for k in sd if k not in wanted)
    missing = sorted(k for k in own if k not in wanted)
    unexpected = sorted(k for k in wanted if k not in own)
    problems = []
    if missing:
        problems.append(f"{len(missing)} missing key(s), e.g. {missing[:5]}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected vision/audio key(s), e.g. {unexpected[:5]}")
    mism = [
        f"{k}: checkpoint {tuple(wanted[k].shape)} vs config {tuple(own[k].shape)}"
        for k in own
        if k in wanted and tuple(wanted[k].shape) != tuple(own[k].shape)
    ]
    if mism:
        problems.append(f"{len(mism)} shape mismatch(es) (does the config match the weights?): " + "; ".join(mism[:5]))
    if problems:
        raise ImageBindError(f"ImageBind checkpoint {pth_path} does not fit the config: " + " | ".join(problems))
    model.load_state_dict({k: wanted[k].float() for k in own}, strict=True)
    model.eval()
    if report is not None:
        report["ignored_keys"] = ignored
        report["ignored_modalities"] = sorted({k.split(".")[1] for k in ignored if k.count(".") >= 2})
        report["loaded_keys"] = len(own)
        report["config"] = cfg
    return model


def _official_extra_keys(cfg: dict, gen: torch.Generator) -> Dict[str, torch.Tensor]:
    """A minimal set of keys of the other modalities, so random checkpoints look official.

    (The real file holds full text/depth/thermal/imu towers; a loader must ignore them.)
    """
    td = 8
    return {
        "modality_preprocessors.text.pos_embed": torch.randn(1, 77, td, generator=gen),
        "modality_preprocessors.text.mask": torch.full((77, 77), float("-inf")).triu_(1),
        "modality_preprocessors.text.token_embedding.weight": torch.randn(16, td, generator=gen),
        "modality_trunks.text.blocks.0.norm_1.weight": torch.ones(td),
        "modality_heads.text.proj.1.weight": torch.randn(cfg["out_embed_dim"], td, generator=gen),
        "modality_postprocessors.text.1.log_logit_scale": torch.tensor(math.log(1 / 0.07)),
        "modality_preprocessors.depth.cls_token": torch.randn(1, 1, td, generator=gen),
        "modality_postprocessors.depth.1.log_logit_scale": torch.tensor(math.log(5.0)),
        "modality_preprocessors.thermal.cls_token": torch.randn(1, 1, td, generator=gen),
        "modality_postprocessors.thermal.1.log_logit_scale": torch.tensor(math.log(10.0)),
        "modality_preprocessors.imu.cls_token": torch.randn(1, 1, td, generator=gen),
        "modality_postprocessors.imu.1.log_logit_scale": torch.tensor(math.log(5.0)),
    }


def write_random_checkpoint(config: Optional[dict], path: str, seed: int = 0) -> Dict[str, torch.Tensor]:
    """torch.save a random state dict with the official key names (+ a few text/depth/... keys).

    Weights are drawn so that activations stay well-conditioned (LayerNorm
    weights near 1, linear weights ~ N(0, 1/fan_in)). Returns the state dict.
    """
    cfg = _validate_config(dict(config) if config is not None else huge_config())
    gen = torch.Generator().manual_seed(int(seed))
    model = ImageBind(cfg)
    sd = {}
    for name, t in model.state_dict().items():
        if name.endswith("log_logit_scale"):
            v = torch.tensor(math.log(20.0))
        elif t.dim() == 1 and ("norm" in name or name.endswith((".0.weight", ".0.bias"))):
            base = 1.0 if name.endswith("weight") else 0.0
            v = base + 0.1 * torch.randn(t.shape, generator=gen)
        elif t.dim() == 1:  # biases
            v = 0.02 * torch.randn(t.shape, generator=gen)
        elif name.endswith(("cls_token", "pos_embed", "bias_k", "bias_v")):
            v = 0.5 * torch.randn(t.shape, generator=gen)
        else:
            fan_in = t[0].numel()
            v = torch.randn(t.shape, generator=gen) / math.sqrt(fan_in)
        sd[name] = v.contiguous()
    sd.update(_official_extra_keys(cfg, gen))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.save(sd, path)
    return sd


# ---------------------------------------------------------------------------
# encoding (PyTorch reference path)


@torch.no_grad()
def encode_audio(model: ImageBind, fbank_clips: torch.Tensor) -> torch.Tensor:
    """[B, clips, 1, 128, 204] normalised fbank -> [B, clips, out] L2-normalised (no x20)."""
    if fbank_clips.dim() != 5:
        raise ValueError(f"encode_audio expects [B, clips, 1, mel, frames], got {tuple(fbank_clips.shape)}")
    return _AudioEncoder(model)(fbank_clips.float())


@torch.no_grad()
def encode_vision(model: ImageBind, x: torch.Tensor) -> torch.Tensor:
    """Image [B, 3, 224, 224] -> [B, 1, out]; video [B, N, 3, 2, 224, 224] -> [B, N, out].

    Per clip/crop embeddings are kept (multi-sampled, no averaging).  Also
    accepts [B, N, 3, 1, 224, 224] (frames repeated, as PadIm2Video does).
    """
    x = x.float()
    if x.dim() == 4:
        x = x.unsqueeze(1).unsqueeze(3)  # [B, 1, 3, 1, H, W]
    if x.dim() != 6:
        raise ValueError(f"encode_vision expects [B,3,H,W] or [B,N,3,T,H,W], got {tuple(x.shape)}")
    if x.shape[3] == 1:
        x = x.repeat(1, 1, 1, model.config["video_frames"], 1, 1)
    return _VisionEncoder(model)(x)


def image_to_pixel_values(image: torch.Tensor, frames: int = 2) -> torch.Tensor:
    """[B, 3, H, W] -> [B, 1, 3, frames, H, W]: the vision graph's input for an image."""
    return image.unsqueeze(1).unsqueeze(3).repeat(1, 1, 1, frames, 1, 1).contiguous()


# ---------------------------------------------------------------------------
# ONNX export


def _to_fp16_storage(model_proto):
    """Store float32 initializers as float16, each followed by a Cast back to float32.

    Computation (and graph inputs/outputs) stay float32: ORT folds the casts at
    session creation. This halves the file size without changing the op set,
    so every execution provider runs it; results differ from fp32 only by the
    weight rounding.
    """
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    g = model_proto.graph
    new_inits, cast_nodes = [], []
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and len(init.dims) > 0 and int(np.prod(init.dims)) >= 16:
            arr = numpy_helper.to_array(init).astype(np.float16)
            name = init.name
            half = numpy_helper.from_array(arr, name + "__fp16")
            new_inits.append(half)
            cast_nodes.append(helper.make_node("Cast", [half.name], [name], to=TensorProto.FLOAT, name=name + "__cast"))
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(cast_nodes + nodes)
    return model_proto


def _export(module: nn.Module, example: torch.Tensor, input_name: str, dyn_axes: dict, out_path: str, dtype: str) -> dict:
    import time

    import onnx

    if dtype not in ("fp32", "fp16"):
        raise ValueError(f"dtype must be 'fp32' or 'fp16', got {dtype!r}")
    t0 = time.time()
    out_path = os.path.abspath(out_path)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="ib-export-", dir=os.path.dirname(out_path))
    try:
        tmp_file = os.path.join(tmp, "model.onnx")
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer / shape-inference chatter
            torch.onnx.export(
                module,
                (example,),
                tmp_file,
                input_names=[input_name],
                output_names=["embeddings"],
                dynamic_axes={input_name: dyn_axes, "embeddings": {0: "batch", 1: dyn_axes[1]}},
                opset_version=ONNX_OPSET,
                do_constant_folding=True,
            )
        proto = onnx.load(tmp_file, load_external_data=True)
        if dtype == "fp16":
            proto = _to_fp16_storage(proto)
        proto.producer_name = "resonance-studio/tools/convert/imagebind.py"
        weight_bytes = sum(len(t.raw_data) if t.raw_data else 0 for t in proto.graph.initializer)
        data_name = os.path.basename(out_path) + ".data"
        for stale in (out_path, out_path + ".data"):
            if os.path.exists(stale):
                os.remove(stale)
        external = weight_bytes > EXTERNAL_DATA_THRESHOLD
        if external:
            onnx.save_model(
                proto,
                out_path,
                save_as_external_data=True,
                all_tensors_to_one_file=True,
                location=data_name,
                size_threshold=1024,
            )
            onnx.checker.check_model(out_path)
        else:
            onnx.save_model(proto, out_path)
            onnx.checker.check_model(proto)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    files = [out_path] + ([os.path.join(os.path.dirname(out_path), data_name)] if external else [])
    return {
        "path": out_path,
        "files": files,
        "external_data": external,
        "bytes": sum(os.path.getsize(f) for f in files),
        "dtype": dtype,
        "seconds": time.time() - t0,
    }


def export_audio_encoder(model: ImageBind, out_path: str, dtype: str = "fp32") -> dict:
    """Write the audio encoder ONNX graph.

    input  "fbank"      float32 [batch, clips, 1, 128, 204] (normalised fbank)
    output "embeddings" float32 [batch, clips, out_dim] (L2-normalised, no x20)
    dtype "fp16" stores the weights as float16 (compute and I/O stay float32).
    Returns {"path", "files", "external_data", "bytes", "dtype", "seconds"}.
    """
    cfg = model.config
    ex = torch.zeros(1, 2, 1, cfg["audio_num_mel_bins"], cfg["audio_target_len"])
    return _export(_AudioEncoder(model).eval(), ex, "fbank", {0: "batch", 1: "clips"}, out_path, dtype)


def export_vision_encoder(model: ImageBind, out_path: str, dtype: str = "fp32") -> dict:
    """Write the vision encoder ONNX graph (one graph for images and videos).

    input  "pixel_values" float32 [batch, n, 3, 2, 224, 224]
           video: n = 15 (5 clips x 3 spatial crops, clip-major), 2 frames per clip;
           image: n = 1, the image repeated on the frame axis (== PadIm2Video).
    output "embeddings"   float32 [batch, n, out_dim] (L2-normalised)
    dtype "fp16" stores the weights as float16 (compute and I/O stay float32).
    """
    cfg = model.config
    s = cfg["image_size"]
    ex = torch.zeros(1, 2, 3, cfg["video_frames"], s, s)
    return _export(_VisionEncoder(model).eval(), ex, "pixel_values", {0: "batch", 1: "n"}, out_path, dtype)

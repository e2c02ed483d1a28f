"""Reference preprocessing for DeepResonance's ImageBind inputs (a test oracle).

Mirrors the semantics of ImageBind's ``data.py`` as used by DeepResonance, with
pytorchvideo 0.1.5 clip sampling and the quirks the released checkpoints were
trained with (see ../../../shared/DESIGN.md and MANIFEST-encoders.md):

Audio  ``load_and_transform_audio(path_or_(waveform, sr), clips=3, clip_duration=2, sample_rate=16000)``
    -> float32 [clips, 1, 128, 204]
    torchaudio.load (all channels) -> torchaudio.functional.resample to 16 kHz
    -> clip i = [i*max(D-2,0)/clips, +2 s) (exact fractions; sample index =
    int(t*16000)) -> per clip, in order: subtract the mean over ALL channels of
    that clip, IN PLACE on the shared waveform (overlapping clips get
    subtracted again) -> kaldi.fbank of the FIRST channel (htk_compat,
    hanning, 25/10 ms, 128 mel, no dither, no energy) -> [128, frames] ->
    zero-pad / crop to 204 frames -> (x - (-4.268)) / 9.138 (divides by std,
    torchvision Normalize semantics; not 2*std).
    With ``return_intermediates=True`` returns (features, info) where info has
    "clip_samples" [(start, end) sample indices], "clip_times" [(start, end)
    as Fractions of seconds], "waveforms" (per clip, all channels, exactly as
    fbank saw it), "fbank" (per clip [1, 128, 204] before normalisation),
    "waveform" (the whole resampled waveform after all in-place subtractions).

Image  ``load_and_transform_image(path_or_PIL)`` -> float32 [3, 224, 224]
    PIL RGB -> resize shorter side to 224 with PIL bicubic (torchvision
    Resize(224, BICUBIC) on a PIL image; long side int(224*long/short),
    untouched if the short side is already 224) -> centre crop 224 (offsets
    int(round((size-224)/2)), Python rounding) -> /255 -> CLIP mean/std.

Video  ``load_and_transform_video(path, clips=5, clip_duration=2, return_info=False)``
    -> float32 [clips*3, 3, 2, 224, 224] (clip-major, then crop left/centre/right
    or top/centre/bottom).  Frames decoded with ffmpeg at the frame indices the
    reference (pytorchvideo 0.1.5 + decord) reads; see frame_plan().
"""

from __future__ import annotations

import json
import math
import subprocess
from fractions import Fraction
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

AUDIO_MEAN = -4.268
AUDIO_STD = 9.138
NUM_MEL_BINS = 128
TARGET_LENGTH = 204
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGE_SIZE = 224

__all__ = [
    "clip_timepoints",
    "waveform_to_fbank",
    "load_and_transform_audio",
    "load_and_transform_image",
    "load_and_transform_video",
    "frame_plan",
    "probe_video",
    "AUDIO_MEAN",
    "AUDIO_STD",
    "CLIP_MEAN",
    "CLIP_STD",
]


# ---------------------------------------------------------------------------
# clip sampling (pytorchvideo 0.1.5 ConstantClipsPerVideoSampler, before the April 2022 fix)


def clip_timepoints(duration: float, clips: int, clip_duration: float = 2) -> List[Tuple[Fraction, Fraction]]:
    """[(start, end)] in seconds as exact Fractions, as pytorchvideo 0.1.5 yields them.

    start_i = i * max(duration - clip_duration, 0) / clips  (so the end is never sampled),
    end_i = start_i + clip_duration.  The sampler's early-stop condition never
    triggers for i < clips, so exactly ``clips`` clips are returned.
    """
    max_start = Fraction(max(duration - clip_duration, 0))
    step = Fraction(max_start, clips)
    out = []
    for i in range(clips):
        start = step * i
        out.append((start, start + clip_duration))
        if i + 1 < clips and step * (i + 1) > max_start:  # never true; kept for fidelity
            break
    return out


# ---------------------------------------------------------------------------
# audio


def waveform_to_fbank(clip: torch.Tensor, sample_rate: int = 16000, target_length: int = TARGET_LENGTH) -> torch.Tensor:
    """kaldi fbank of the first channel of ``clip`` [C, n] -> [1, 128, target_length] (not normalised).

    Does NOT subtract the mean (the caller does, in place, like the reference).
    """
    import torchaudio

    fb = torchaudio.compliance.kaldi.fbank(
        clip[0:1],
        htk_compat=True,
        sample_frequency=sample_rate,
        use_energy=False,
        window_type="hanning",
        num_mel_bins=NUM_MEL_BINS,
        dither=0.0,
        frame_length=25,
        frame_shift=10,
    ).transpose(0, 1)
    p = target_length - fb.shape[1]
    if p > 0:
        fb = F.pad(fb, (0, p), mode="constant", value=0.0)
    elif p < 0:
        fb = fb[:, :target_length]
    return fb.unsqueeze(0)


def _load_waveform(src) -> Tuple[torch.Tensor, int]:
    if isinstance(src, (tuple, list)) and len(src) == 2:
        wav, sr = src
        wav = torch.as_tensor(wav, dtype=torch.float32)
        if wav.dim() == 1:
            wav = wav.unsqueeze(0)
        return wav.clone(), int(sr)
    import torchaudio

    wav, sr = torchaudio.load(str(src))
    return wav, int(sr)


def load_and_transform_audio(
    path_or_waveform_sr,
    clips: int = 3,
    clip_duration: float = 2,
    sample_rate: int = 16000,
    return_intermediates: bool = False,
):
    """Audio file path, or (waveform [C, n] / [n], sr) -> [clips, 1, 128, 204] float32.

    See the module docstring for the exact steps and quirks.  A clip shorter
    than 25 ms of samples cannot produce a frame and raises ValueError.
    """
    import torchaudio

    wav, sr = _load_waveform(path_or_waveform_sr)
    if sr != sample_rate:
        wav = torchaudio.functional.resample(wav, orig_freq=sr, new_freq=sample_rate)
    duration = wav.shape[1] / sample_rate
    times = clip_timepoints(duration, clips, clip_duration)
    feats, waves, fbanks, spans = [], [], [], []
    for start, end in times:
        a, b = int(start * sample_rate), int(end * sample_rate)
        view = wav[:, a:b]
        if view.shape[1] < int(0.025 * sample_rate):
            raise ValueError(f"audio too short: clip {a}:{b} holds {view.shape[1]} samples (< 25 ms)")
        view -= view.mean()  # writes through to the shared waveform (reference quirk)
        fb = waveform_to_fbank(view, sample_rate)
        spans.append((a, b))
        waves.append(view.clone())
        fbanks.append(fb)
        feats.append((fb - AUDIO_MEAN) / AUDIO_STD)
    out = torch.stack(feats, dim=0)
    if not return_intermediates:
        return out
    return out, {
        "clip_times": times,
        "clip_samples": spans,
        "waveforms": waves,
        "fbank": fbanks,
        "waveform": wav,
        "duration": duration,
    }


# ---------------------------------------------------------------------------
# image


def _normalise_chw(x: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor(CLIP_MEAN, dtype=torch.float32).view(-1, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=torch.float32).view(-1, 1, 1)
    return (x - mean) / std


def load_and_transform_image(path_or_image) -> torch.Tensor:
    """Image path or PIL image -> [3, 224, 224] float32 (torchvision semantics, PIL bicubic)."""
    from PIL import Image

    if isinstance(path_or_image, Image.Image):
        img = path_or_image
    else:
        with open(path_or_image, "rb") as fh:
            img = Image.open(fh)
            img.load()
    img = img.convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    if short != IMAGE_SIZE:
        new_long = int(IMAGE_SIZE * long / short)
        size = (IMAGE_SIZE, new_long) if w <= h else (new_long, IMAGE_SIZE)
        img = img.resize(size, Image.BICUBIC)
    w, h = img.size
    top = int(round((h - IMAGE_SIZE) / 2.0))
    left = int(round((w - IMAGE_SIZE) / 2.0))
    img = img.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))
    arr = np.asarray(img, dtype=np.uint8).copy()
    x = torch.from_numpy(arr).permute(2, 0, 1).float().div(255.0)
    return _normalise_chw(x)


# ---------------------------------------------------------------------------
# video


def probe_video(path: str, ffprobe: str = "ffprobe") -> dict:
    """{"fps", "frames", "width", "height"} as decord would report them.

    fps = the stream's avg_frame_rate; frames = number of video packets
    (decord indexes every packet), falling back to nb_frames, then to
    fps * container duration.
    """
    cmd = [
        ffprobe, "-v", "error", "-select_streams", "v:0", "-count_packets",
        "-show_entries", "stream=avg_frame_rate,nb_frames,nb_read_packets,width,height:format=duration",
        "-of", "json", str(path),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"ffprobe failed on {path}: {res.stderr.strip()}")
    info = json.loads(res.stdout)
    if not info.get("streams"):
        raise ValueError(f"no video stream in {path}")
    st = info["streams"][0]
    num, den = (int(v) for v in st["avg_frame_rate"].split("/"))
    if num <= 0 or den <= 0:
        raise ValueError(f"{path}: unknown frame rate {st['avg_frame_rate']}")
    fps = num / den
    frames = 0
    for key in ("nb_read_packets", "nb_frames"):
        try:
            frames = int(st.get(key, 0))
        except (TypeError, ValueError):
            frames = 0
        if frames > 0:
            break
    if frames <= 0:
        frames = int(fps * float(info.get("format", {}).get("duration", 0)))
    if frames <= 0:
        raise ValueError(f"{path}: cannot determine the frame count")
    return {"fps": fps, "frames": frames, "width": int(st["width"]), "height": int(st["height"])}


def frame_plan(fps: float, frames: int, clips: int = 5, clip_duration: float = 2, num_samples: int = 2) -> List[List[int]]:
    """Frame indices (0-based, presentation order) the reference reads per clip.

    duration = frames / fps (decord); clip start/end from clip_timepoints();
    pytorchvideo 0.1.5 EncodedVideoDecord.get_clip reads frames
    [ceil(fps*start), min(ceil(fps*end), frames)); UniformTemporalSubsample(2)
    keeps indices linspace(0, t-1, 2).long() of those, i.e. the first and the
    last frame of the clip.
    """
    duration = float(frames) / float(fps)
    plan = []
    for start, end in clip_timepoints(duration, clips, clip_duration):
        if start > duration:
            raise ValueError("clip starts after the end of the video")
        s = math.ceil(fps * start)
        e = min(math.ceil(fps * end), frames)
        idx = list(range(s, e))
        if not idx:
            raise ValueError(f"no frames in clip [{float(start)}, {float(end)}) s")
        t = len(idx)
        sel = torch.clamp(torch.linspace(0, t - 1, num_samples), 0, t - 1).long().tolist()
        plan.append([idx[i] for i in sel])
    return plan


def _decode_frames(path: str, indices: Sequence[int], width: int, height: int, ffmpeg: str = "ffmpeg") -> dict:
    wanted = sorted(set(indices))
    expr = "+".join(f"eq(n\\,{i})" for i in wanted)
    cmd = [
        ffmpeg, "-v", "error", "-nostdin", "-i", str(path), "-map", "0:v:0",
        "-vf", f"select={expr}", "-fps_mode", "passthrough",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]
    res = subprocess.run(cmd, capture_output=True)
    if res.returncode != 0:
        # older ffmpeg: -vsync instead of -fps_mode
        cmd[cmd.index("-fps_mode")] = "-vsync"
        res = subprocess.run(cmd, capture_output=True)
    if res.returncode != 0:
        raise RuntimeError(f"ffmpeg failed on {path}: {res.stderr.decode(errors='replace').strip()}")
    fsize = width * height * 3
    got = len(res.stdout) // fsize
    if got != len(wanted):
        raise RuntimeError(f"ffmpeg returned {got} of {len(wanted)} requested frames from {path}")
    arr = np.frombuffer(res.stdout, dtype=np.uint8).reshape(got, height, width, 3)
    return {i: arr[k] for k, i in enumerate(wanted)}


def _short_side_scale(x: torch.Tensor, size: int) -> torch.Tensor:
    """pytorchvideo short_side_scale: x [C, T, H, W] float, bilinear, align_corners=False, no antialias."""
    c, t, h, w = x.shape
    if w < h:
        new_h, new_w = int(math.floor((float(h) / w) * size)), size
    else:
        new_h, new_w = size, int(math.floor((float(w) / h) * size))
    return F.interpolate(x, size=(new_h, new_w), mode="bilinear", align_corners=False)


def _uniform_crop(x: torch.Tensor, size: int, spatial_idx: int) -> torch.Tensor:
    """ImageBind uniform_crop on [C, T, H, W] (0/1/2 = left/centre/right or top/centre/bottom)."""
    h, w = x.shape[2], x.shape[3]
    y = int(math.ceil((h - size) / 2))
    xo = int(math.ceil((w - size) / 2))
    if h > w:
        if spatial_idx == 0:
            y = 0
        elif spatial_idx == 2:
            y = h - size
    else:
        if spatial_idx == 0:
            xo = 0
        elif spatial_idx == 2:
            xo = w - size
    return x[:, :, y : y + size, xo : xo + size]


def load_and_transform_video(path: str, clips: int = 5, clip_duration: float = 2, return_info: bool = False):
    """Video path -> [clips*3, 3, 2, 224, 224] float32 (the vision graph's pixel_values for one video).

    Steps: frame_plan() indices decoded by ffmpeg to RGB24 -> float /255 ->
    per clip [C, T=2, H, W] -> short side 224 (bilinear, no antialias) ->
    CLIP normalise -> 3 spatial crops of 224 -> stack clip-major.
    ``return_info=True`` also returns {"fps", "frames", "duration", "plan", "clip_times"}.
    """
    meta = probe_video(path)
    plan = frame_plan(meta["fps"], meta["frames"], clips, clip_duration)
    decoded = _decode_frames(path, [i for p in plan for i in p], meta["width"], meta["height"])
    mean = torch.tensor(CLIP_MEAN, dtype=torch.float32).view(-1, 1, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=torch.float32).view(-1, 1, 1, 1)
    out = []
    for p in plan:
        frames = torch.from_numpy(np.stack([decoded[i] for i in p])).float()  # [T, H, W, C] 0..255
        clip = frames.permute(3, 0, 1, 2) / 255.0  # [C, T, H, W]
        clip = _short_side_scale(clip, IMAGE_SIZE)
        clip = (clip - mean) / std
        for k in range(3):
            out.append(_uniform_crop(clip, IMAGE_SIZE, k))
    video = torch.stack(out, dim=0).contiguous()
    if not return_info:
        return video
    duration = meta["frames"] / meta["fps"]
    return video, {
        "fps": meta["fps"],
        "frames": meta["frames"],
        "duration": duration,
        "plan": plan,
        "clip_times": clip_timepoints(duration, clips, clip_duration),
    }

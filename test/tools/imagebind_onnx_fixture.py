"""Export the tiny ImageBind encoders and PyTorch reference outputs for imagebind-onnx.test.ts.

usage: /usr/bin/python3 test/tools/imagebind_onnx_fixture.py OUT_DIR

Writes into OUT_DIR: audio.onnx, vision.onnx, vision-fp16.onnx, tiny.pth, and
for every case NAME: NAME.in.bin / NAME.out.bin (raw little-endian float32)
plus meta.json {"cases": [{"name", "graph", "input", "in_shape", "out_shape"}],
"exports": {...}, "config": {...}}.
"""

import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "convert"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import imagebind as ib  # noqa: E402
from preprocess import load_and_transform_audio  # noqa: E402


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    cfg = ib.tiny_config()
    ckpt = os.path.join(out_dir, "tiny.pth")
    ib.write_random_checkpoint(cfg, ckpt, seed=7)
    model = ib.load_imagebind(ckpt, cfg)

    exports = {}
    t = time.time()
    exports["audio"] = ib.export_audio_encoder(model, os.path.join(out_dir, "audio.onnx"))
    exports["vision"] = ib.export_vision_encoder(model, os.path.join(out_dir, "vision.onnx"))
    exports["vision-fp16"] = ib.export_vision_encoder(model, os.path.join(out_dir, "vision-fp16.onnx"), "fp16")
    export_seconds = time.time() - t

    # audio: real preprocessing of two synthetic signals (stereo 44.1 kHz, mono 16 kHz short)
    sr = 44100
    n = int(sr * 7.3)
    tt = torch.arange(n) / sr
    stereo = torch.stack([0.4 * torch.sin(2 * math.pi * 440 * tt) + 0.05, 0.3 * torch.sin(2 * math.pi * 97 * tt)])
    a1 = load_and_transform_audio((stereo, sr))
    g = torch.Generator().manual_seed(3)
    a2 = load_and_transform_audio((0.2 * torch.randn(1, 24000, generator=g), 16000))
    audio_in = torch.stack([a1, a2])  # [2, 3, 1, 128, 204]
    audio_out = ib.encode_audio(model, audio_in)

    image = torch.randn(2, 3, 224, 224, generator=g)
    image_out = ib.encode_vision(model, image)  # [2, 1, out]
    image_in = ib.image_to_pixel_values(image)  # [2, 1, 3, 2, 224, 224]

    video_in = torch.randn(1, 15, 3, 2, 224, 224, generator=g)
    video_out = ib.encode_vision(model, video_in)

    cases = []
    for name, graph, inp, x, y in [
        ("audio", "audio.onnx", "fbank", audio_in, audio_out),
        ("image", "vision.onnx", "pixel_values", image_in, image_out),
        ("video", "vision.onnx", "pixel_values", video_in, video_out),
        ("image16", "vision-fp16.onnx", "pixel_values", image_in, image_out),
    ]:
        x = x.contiguous().float().numpy()
        y = y.contiguous().float().numpy()
        x.astype("<f4").tofile(os.path.join(out_dir, f"{name}.in.bin"))
        y.astype("<f4").tofile(os.path.join(out_dir, f"{name}.out.bin"))
        cases.append({"name": name, "graph": graph, "input": inp, "in_shape": list(x.shape), "out_shape": list(y.shape)})

    meta = {
        "cases": cases,
        "exports": {k: {"bytes": v["bytes"], "seconds": v["seconds"], "dtype": v["dtype"]} for k, v in exports.items()},
        "export_seconds": export_seconds,
        "config": cfg,
        "unit_norm_max_dev": float(np.abs(np.linalg.norm(video_out.numpy(), axis=-1) - 1).max()),
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])

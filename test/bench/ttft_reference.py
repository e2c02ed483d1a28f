#!/usr/bin/python3
"""PyTorch reference embeddings of the random ImageBind-huge checkpoint (test/bench/ttft.ts --parity).

  flock /work/locks/bigmem nice /usr/bin/python3 test/bench/ttft_reference.py SRC_DIR OUT_DIR

Loads SRC_DIR/imagebind-huge.pth with tools/convert/imagebind.py (the module the tests
check against the official code), draws a seeded fbank [1, 3, 1, 128, 204] and
pixel values [1, 2, 3, 2, 224, 224], and writes them and the audio/vision
embeddings as .npy files to OUT_DIR. ~6 GB peak RSS (checkpoint + model).
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "convert"))
import imagebind  # noqa: E402


def main() -> int:
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(2)
    model = imagebind.load_imagebind(os.path.join(src, "imagebind-huge.pth"), imagebind.load_config(os.path.join(src, "imagebind-huge.json")))
    g = torch.Generator().manual_seed(13)
    fbank = torch.randn(1, 3, 1, 128, 204, generator=g)
    pixels = torch.randn(1, 2, 3, 2, 224, 224, generator=g)
    np.save(os.path.join(out, "fbank.npy"), fbank.numpy())
    np.save(os.path.join(out, "pixels.npy"), pixels.numpy())
    np.save(os.path.join(out, "audio_embeddings.npy"), imagebind.encode_audio(model, fbank).numpy())
    np.save(os.path.join(out, "vision_embeddings.npy"), imagebind.encode_vision(model, pixels).numpy())
    return 0


if __name__ == "__main__":
    sys.exit(main())

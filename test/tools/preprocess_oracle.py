"""Reference preprocessing for the TypeScript parity tests, via the toolchain's
PyTorch oracle (tools/convert/preprocess.py).

usage: preprocess_oracle.py audio IN.f32 SR CHANNELS OUT.f32
       preprocess_oracle.py audiofile IN.wav OUT.f32   (torchaudio.load, as the reference reads a file)
       preprocess_oracle.py imagefile IN OUT.f32       (PIL Image.open, as the reference reads a file)
       preprocess_oracle.py image IN.rgb W H OUT.f32
Inputs are raw little-endian float32 interleaved samples / rgb24 bytes.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "convert"))
from preprocess import load_and_transform_audio, load_and_transform_image  # noqa: E402


def main():
    kind = sys.argv[1]
    if kind == "audio":
        src, sr, ch, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        x = np.fromfile(src, dtype="<f4").reshape(-1, ch).T.copy()
        y = load_and_transform_audio((x, sr))
        y.numpy().astype("<f4").tofile(out)
    elif kind == "audiofile":
        src, out = sys.argv[2], sys.argv[3]
        y = load_and_transform_audio(src)
        y.numpy().astype("<f4").tofile(out)
    elif kind == "imagefile":
        from PIL import Image

        src, out = sys.argv[2], sys.argv[3]
        y = load_and_transform_image(Image.open(src).convert("RGB"))
        y.numpy().astype("<f4").tofile(out)
    elif kind == "image":
        from PIL import Image

        src, w, h, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        a = np.fromfile(src, dtype=np.uint8).reshape(h, w, 3)
        y = load_and_transform_image(Image.fromarray(a, "RGB"))
        y.numpy().astype("<f4").tofile(out)
    else:
        raise SystemExit(f"unknown kind {kind}")


if __name__ == "__main__":
    main()

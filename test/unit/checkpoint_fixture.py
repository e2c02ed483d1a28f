"""Checkpoints for test/unit/checkpoint.test.ts, written by PyTorch 1.13 the way the official code
writes them, plus the expected values (float32 little-endian, and the raw contiguous bytes).

  /usr/bin/python3 test/unit/checkpoint_fixture.py OUT_DIR
"""
import json
import os
import sys
import zipfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "convert"))

import torch  # noqa: E402

import checkpoint  # noqa: E402

out = os.path.abspath(sys.argv[1])
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(0)
expected = {}


def record(fn, sd):
    exp = {}
    for k, v in sd.items():
        v = v.detach()
        base = f"{fn}.{len(exp)}"
        with open(os.path.join(out, base + ".f32"), "wb") as f:
            f.write(v.float().contiguous().numpy().tobytes())
        with open(os.path.join(out, base + ".raw"), "wb") as f:
            f.write(checkpoint._raw_bytes(v))
        exp[k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "f32": base + ".f32",
                  "raw": base + ".raw", "requires_grad": bool(sd[k].requires_grad),
                  "parameter": isinstance(sd[k], torch.nn.Parameter)}
    expected[fn] = exp


# 1. the DeepResonance delta as agent.save_model writes it: OrderedDict of fp16 Parameters
delta = OrderedDict()
delta["llama_proj.weight"] = torch.nn.Parameter(torch.randn(16, 8, generator=g).half())
delta["llama_proj.bias"] = torch.nn.Parameter(torch.randn(16, generator=g).half())
delta["llama_model.base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight"] = torch.nn.Parameter(torch.randn(4, 16, generator=g).half())
delta["llama_model.base_model.model.model.embed_tokens.weight"] = torch.nn.Parameter(torch.randn(37, 16, generator=g).half())
delta["special"] = torch.nn.Parameter(torch.tensor([0.0, -0.0, 65504.0, 6.1e-5, 5.96e-8, float("inf"), -float("inf"), 1 / 3]).half())
torch.save(delta, os.path.join(out, "delta.pt"))
record("delta.pt", delta)

# 2. bf16 / fp32 / fp64 / ints
mixed = OrderedDict([("bf16", torch.randn(3, 5, generator=g).bfloat16()), ("f32", torch.randn(2, 3, 4, generator=g)),
                     ("f64", torch.randn(5, generator=g).double()), ("i64", torch.arange(-3, 9)),
                     ("u8", torch.arange(0, 250, 7).to(torch.uint8)), ("scalar", torch.tensor(1.5)),
                     ("empty", torch.zeros(0, 3))])
torch.save(mixed, os.path.join(out, "mixed.bin"))
record("mixed.bin", mixed)

# 3. shared storages and non-contiguous views
base = torch.randn(6, 8, generator=g)
shared = OrderedDict([("base", base), ("row", base[2]), ("rows", base[1:4]), ("t", base.t()),
                      ("step", base[:, 1::3]), ("corner", base.t()[2:5, 1:3]), ("expanded", base[0:1, 0:2].expand(3, 2))])
torch.save(shared, os.path.join(out, "shared.pt"))
record("shared.pt", shared)
# the same, legacy (non-zip) format
torch.save(shared, os.path.join(out, "legacy.pt"), _use_new_zipfile_serialization=False)
record("legacy.pt", shared)


# 4. a HF-style state_dict(): OrderedDict with _metadata, a persistent inv_freq buffer
class Attn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = torch.nn.Linear(8, 8, bias=False)
        self.register_buffer("inv_freq", 1.0 / (10000 ** (torch.arange(0, 4, 2).float() / 4)))


m = torch.nn.Sequential(Attn(), torch.nn.LayerNorm(8)).half()
hf = m.state_dict()
torch.save(hf, os.path.join(out, "hf.bin"))
record("hf.bin", hf)

# 5. DeepSpeed-style wrapper
torch.save({"module": delta, "global_steps": 7, "ds_version": "0.9.2", "optimizer": None, "dp_world_size": 1},
           os.path.join(out, "deepspeed.pt"))
record("deepspeed.pt", delta)

# 6. safetensors and sharded folders
st = OrderedDict([("a", torch.randn(4, 3, generator=g)), ("b", torch.randn(7, generator=g).half()),
                  ("c", torch.randn(2, 2, generator=g).bfloat16())])
checkpoint.write_safetensors(os.path.join(out, "model.safetensors"), st, {"format": "pt"})
record("model.safetensors", st)
big = OrderedDict((f"model.layers.{i}.w", torch.randn(3, i + 2, generator=g).half()) for i in range(5))
big["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch.arange(2).float()
checkpoint.save_sharded(os.path.join(out, "sharded-bin"), big, 2, "bin")
checkpoint.save_sharded(os.path.join(out, "sharded-st"), big, 3, "safetensors")
record("sharded", big)


# 6b. zip64: the delta re-packed with every zip64 record a > 4 GB checkpoint has (zip64 extras with
# 0xFFFFFFFF placeholders in local and central headers, zip64 end-of-central-directory record and
# locator) — zipfile's limits lowered so a small file needs them
_limits = (zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT)
zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 1, 1
try:
    with zipfile.ZipFile(os.path.join(out, "delta.pt")) as src, \
            zipfile.ZipFile(os.path.join(out, "zip64.pt"), "w", zipfile.ZIP_STORED, allowZip64=True) as dst:
        for info in src.infolist():
            with src.open(info) as r, dst.open(info.filename, "w", force_zip64=True) as w:
                w.write(r.read())
finally:
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = _limits
z64 = open(os.path.join(out, "zip64.pt"), "rb").read()
assert b"PK\x06\x06" in z64 and b"PK\x06\x07" in z64, "no zip64 end-of-central-directory record"
record("zip64.pt", delta)

# 7. hostile and broken files
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + os.path.join(out, "PWNED"),))


torch.save({"x": torch.zeros(2), "y": Evil()}, os.path.join(out, "evil.pt"))
import pickle  # noqa: E402
with open(os.path.join(out, "evil.pkl"), "wb") as f:
    pickle.dump(Evil(), f, protocol=2)
data = open(os.path.join(out, "delta.pt"), "rb").read()
with open(os.path.join(out, "truncated.pt"), "wb") as f:
    f.write(data[: len(data) // 2])
data = open(os.path.join(out, "legacy.pt"), "rb").read()
with open(os.path.join(out, "truncated-legacy.pt"), "wb") as f:
    f.write(data[: len(data) - 40])
data = open(os.path.join(out, "model.safetensors"), "rb").read()
with open(os.path.join(out, "truncated.safetensors"), "wb") as f:
    f.write(data[:-5])
with zipfile.ZipFile(os.path.join(out, "garbage.pt"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", bytes([0x80, 0x02, 0x7D, 0x71, 0x00, 0xFF, 0xFE]))
with zipfile.ZipFile(os.path.join(out, "nopickle.zip"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("readme.txt", b"hello")
torch.save([torch.zeros(1)], os.path.join(out, "list.pt"))

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)

"""Checkpoints as PyTorch / DeepSpeed / Hugging Face / FastChat actually write them (issue 9).

The regression: a DeepResonance delta of fp16 `torch.nn.Parameter`s (requires_grad=True) in an
OrderedDict — what the official agent.save_model writes — made convert.py stop with
"Can't call numpy() on Tensor that requires grad".
"""
import json
import os
import shutil
import struct
import sys
import tempfile
import unittest
from collections import OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _tiny import tiny_sources, run_convert, copy_llm  # noqa: E402

import torch  # noqa: E402

import checkpoint  # noqa: E402
import delta as delta_mod  # noqa: E402
import imagebind as ib  # noqa: E402
import llama  # noqa: E402
import pack as pack_mod  # noqa: E402


class CheckpointFilesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ckpt-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_safetensors_round_trip_all_dtypes(self):
        g = torch.Generator().manual_seed(0)
        sd = OrderedDict([("a.f32", torch.randn(3, 5, generator=g)), ("b.f16", torch.randn(7, generator=g).half()),
                          ("c.bf16", torch.randn(2, 2, 3, generator=g).bfloat16()), ("d.i64", torch.arange(6)),
                          ("e.scalar", torch.tensor(2.5)), ("f.empty", torch.zeros(0, 4)),
                          ("g.view", torch.randn(4, 6, generator=g).t()[1:3])])  # non-contiguous view
        p = os.path.join(self.tmp, "m.safetensors")
        checkpoint.write_safetensors(p, sd, {"format": "pt"})
        with open(p, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(n))
        self.assertEqual(n % 8, 0)
        self.assertEqual(header["__metadata__"], {"format": "pt"})
        self.assertEqual(header["c.bf16"]["dtype"], "BF16")
        back = checkpoint.load_state_dict(p)
        self.assertEqual(list(back), list(sd))
        for k, v in sd.items():
            self.assertEqual(back[k].dtype, v.dtype, k)
            self.assertTrue(torch.equal(back[k], v), k)

    def test_truncated_and_corrupt_safetensors(self):
        p = os.path.join(self.tmp, "m.safetensors")
        checkpoint.write_safetensors(p, {"w": torch.randn(64, 64)})
        with open(p, "rb") as f:
            data = f.read()
        with open(p, "wb") as f:
            f.write(data[:-100])
        with self.assertRaisesRegex(checkpoint.CheckpointError, "truncated"):
            checkpoint.load_state_dict(p)
        with open(p, "wb") as f:
            f.write(struct.pack("<Q", 1 << 40) + data[8:])
        with self.assertRaisesRegex(checkpoint.CheckpointError, "does not fit"):
            checkpoint.load_state_dict(p)
        with open(p, "wb") as f:
            f.write(data[:8] + b"x" + data[9:])
        with self.assertRaisesRegex(checkpoint.CheckpointError, "not valid JSON"):
            checkpoint.load_state_dict(p)

    def test_parameters_legacy_pickle_and_wrappers(self):
        params = OrderedDict((k, torch.nn.Parameter(torch.randn(4, 3).half(), requires_grad=True)) for k in "xy")
        for name, obj, kw in (("zip.pt", params, {}), ("legacy.pt", params, {"_use_new_zipfile_serialization": False}),
                              ("ds.pt", {"module": params, "global_steps": 10, "ds_version": "0.9.2",
                                         "optimizer": None}, {}),
                              ("bf16.bin", OrderedDict((k, v.detach().bfloat16()) for k, v in params.items()), {})):
            p = os.path.join(self.tmp, name)
            torch.save(obj, p, **kw)
            sd = checkpoint.load_state_dict(p)
            with self.subTest(name=name):
                self.assertEqual(list(sd), ["x", "y"])
                for k, v in sd.items():
                    self.assertFalse(v.requires_grad)
                    self.assertNotIsInstance(v, torch.nn.Parameter)
                    self.assertTrue(torch.equal(v, params[k].detach().to(v.dtype)))
                    v.float().numpy()  # the call that used to fail
        torch.save({"a": torch.zeros(1), "b": "text"}, os.path.join(self.tmp, "bad.pt"))
        with self.assertRaisesRegex(checkpoint.CheckpointError, "not a state dict of tensors"):
            checkpoint.load_state_dict(os.path.join(self.tmp, "bad.pt"))

    def test_sharded_indexes(self):
        sd = OrderedDict((f"w{i}", torch.randn(2, i + 1)) for i in range(5))
        for fmt in ("bin", "safetensors"):
            d = os.path.join(self.tmp, fmt)
            checkpoint.save_sharded(d, sd, 3, fmt)
            self.assertEqual(len(checkpoint.list_weight_files(d)), 3)
            got = OrderedDict(checkpoint.iter_folder(d))
            self.assertEqual(sorted(got), sorted(sd))
            for k in sd:
                self.assertTrue(torch.equal(got[k], sd[k]))
            os.remove(checkpoint.list_weight_files(d)[1])
            with self.assertRaisesRegex(checkpoint.CheckpointError, "do not exist"):
                checkpoint.list_weight_files(d)
        with self.assertRaisesRegex(checkpoint.CheckpointError, "no model.safetensors.index.json"):
            checkpoint.list_weight_files(self.tmp)


class OfficialFormatsTest(unittest.TestCase):
    def setUp(self):
        self.s = tiny_sources()
        self.tmp = tempfile.mkdtemp(prefix="ckpt-conv-")
        self.out = os.path.join(self.tmp, "pack")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_tiny_delta_is_written_as_agent_save_model_does(self):
        raw = torch.load(self.s["delta_beta"])
        self.assertIsInstance(raw, OrderedDict)
        for k, v in raw.items():
            self.assertIsInstance(v, torch.nn.Parameter, k)
            self.assertTrue(v.requires_grad, k)
            self.assertEqual(v.dtype, torch.float16, k)
        self.assertTrue(any(".lora_A.default.weight" in k for k in raw))
        self.assertEqual(raw["llama_model.base_model.model.lm_head.weight"].shape[0], self.s["vocab"])

    def test_parameter_delta_converts(self):
        # the reported crash, end to end: Parameter fp16 deltas through every LLM quantisation path
        for variant in ("delta_alpha", "delta_beta"):
            for quant in ("none", "int4"):
                out = os.path.join(self.tmp, f"{variant}-{quant}")
                rc, _, err = run_convert("--llm-quant", quant, delta=self.s[variant], out=out)
                with self.subTest(variant=variant, quant=quant):
                    self.assertEqual(rc, 0, err)
                    self.assertNotIn("requires grad", err)
                    pack_mod.verify_pack(out)

    def test_delta_in_other_containers_gives_the_same_pack(self):
        raw = torch.load(self.s["delta_alpha"])
        plain = OrderedDict((k, v.detach()) for k, v in raw.items())
        variants = {
            "bf16.pt": (lambda p: torch.save(OrderedDict((k, v.bfloat16()) for k, v in plain.items()), p)),
            "fp32-legacy.pt": (lambda p: torch.save(OrderedDict((k, v.float()) for k, v in plain.items()), p,
                                                    _use_new_zipfile_serialization=False)),
            "deepspeed.pt": (lambda p: torch.save({"module": raw, "global_steps": 3, "optimizer": None}, p)),
            "engine-prefix.pt": (lambda p: torch.save(OrderedDict(("module." + k, v) for k, v in raw.items()), p)),
            "legacy-lora.pt": (lambda p: torch.save(OrderedDict((k.replace(".default.", "."), v)
                                                                for k, v in raw.items()), p)),
            "delta.safetensors": (lambda p: checkpoint.write_safetensors(p, plain)),
        }
        ref = delta_mod.load_delta(self.s["delta_alpha"], self.s["cfg"], self.s["vocab"])
        for name, write in variants.items():
            p = os.path.join(self.tmp, name)
            write(p)
            with self.subTest(name=name):
                d = delta_mod.load_delta(p, self.s["cfg"], self.s["vocab"])
                tol = 1e-2 if name.startswith("bf16") else 0
                self.assertTrue(torch.allclose(d.proj_weight.float(), ref.proj_weight.float(), atol=tol, rtol=tol))
                self.assertTrue(torch.allclose(d.lora[(1, "v")][1].float(), ref.lora[(1, "v")][1].float(), atol=tol, rtol=tol))
                self.assertEqual(d.embed_tokens.shape[0], self.s["vocab"])
        rc, _, err = run_convert(delta=os.path.join(self.tmp, "bf16.pt"), out=self.out)
        self.assertEqual(rc, 0, err)

    def test_vicuna_assembled_as_fastchat_does(self):
        s = self.s
        llm = s["llm"]
        base = OrderedDict(checkpoint.iter_folder(llm + "-base"))
        dlt = OrderedDict(checkpoint.iter_folder(llm + "-vicuna-delta"))
        vic = OrderedDict(checkpoint.iter_folder(llm))
        self.assertTrue(os.path.isfile(os.path.join(llm + "-base", "model.safetensors.index.json")))
        self.assertTrue(os.path.isfile(os.path.join(llm, "pytorch_model.bin.index.json")))
        V = s["vocab"] - 6
        self.assertEqual(base["model.embed_tokens.weight"].shape[0], V)
        self.assertEqual(vic["model.embed_tokens.weight"].shape[0], V + 1)    # the [PAD] row
        self.assertEqual(s["cfg"].vocab_size, V + 1)
        self.assertTrue(torch.equal(vic["model.embed_tokens.weight"][V], dlt["model.embed_tokens.weight"][V]))
        for k in ("model.layers.1.mlp.up_proj.weight", "lm_head.weight", "model.norm.weight"):
            b = base[k]
            if b.shape[0] < vic[k].shape[0]:
                b = torch.cat([b, torch.zeros(1, b.shape[1], dtype=b.dtype)])
            self.assertEqual(vic[k].dtype, torch.float16)
            self.assertTrue(torch.equal(vic[k], b + dlt[k]), k)   # element-wise fp16 sum
        self.assertIn("model.layers.0.self_attn.rotary_emb.inv_freq", vic)
        rc, out, err = run_convert(out=self.out)
        self.assertEqual(rc, 0, err)
        self.assertIn("[PAD] row", out)

    def test_llm_as_safetensors_shards_with_inv_freq(self):
        llm = copy_llm(os.path.join(self.tmp, "llm"))
        sd = OrderedDict(checkpoint.iter_folder(llm))
        for fn in os.listdir(llm):
            if fn.startswith("pytorch_model"):
                os.remove(os.path.join(llm, fn))
        checkpoint.save_sharded(llm, sd, 3, "safetensors")
        rc, _, err = run_convert(llm=llm, out=self.out)
        self.assertEqual(rc, 0, err)
        ref = os.path.join(self.tmp, "ref")
        rc, _, err = run_convert(out=ref)
        self.assertEqual(rc, 0, err)
        for fn in ("decoder.onnx", "decoder.onnx.data", "embed_tokens.bin"):
            if os.path.exists(os.path.join(ref, fn)):
                with open(os.path.join(ref, fn), "rb") as a, open(os.path.join(self.out, fn), "rb") as b:
                    self.assertEqual(a.read(), b.read(), fn)

    def test_imagebind_with_parameters(self):
        sd = torch.load(self.s["ib_pth"])
        p = os.path.join(self.tmp, "ib.pth")
        torch.save(OrderedDict((k, torch.nn.Parameter(v.half().float(), requires_grad=True)) for k, v in sd.items()), p)
        m = ib.load_imagebind(p, ib.load_config(self.s["ib_json"]))
        self.assertFalse(any(t.requires_grad for t in m.state_dict().values()))


if __name__ == "__main__":
    unittest.main()

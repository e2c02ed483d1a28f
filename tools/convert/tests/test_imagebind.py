"""Tests for tools/convert/imagebind.py (run: /usr/bin/python3 -m unittest discover -s tools/convert/tests -p 'test_*.py')."""

import json
import math
import os
import sys
import tempfile
import unittest
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import imagebind as ib  # noqa: E402

warnings.filterwarnings("ignore")


class TinyCheckpointMixin:
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cfg = ib.tiny_config()
        cls.ckpt = os.path.join(cls.tmp.name, "tiny.pth")
        cls.sd = ib.write_random_checkpoint(cls.cfg, cls.ckpt, seed=1)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()


class TestKeysAndConfig(unittest.TestCase):
    def test_official_key_names_and_shapes(self):
        cfg = ib.tiny_config()
        sd = ib.build_imagebind(cfg).state_dict()
        d, od = 32, 16
        expect = {
            "modality_preprocessors.vision.cls_token": (1, 1, d),
            "modality_preprocessors.vision.rgbt_stem.proj.1.weight": (d, 3, 2, 14, 14),
            "modality_preprocessors.vision.pos_embedding_helper.pos_embed": (1, 257, d),
            "modality_trunks.vision.pre_transformer_layer.0.weight": (d,),
            "modality_trunks.vision.blocks.1.attn.in_proj_weight": (3 * d, d),
            "modality_trunks.vision.blocks.1.attn.out_proj.weight": (d, d),
            "modality_trunks.vision.blocks.0.mlp.fc1.weight": (4 * d, d),
            "modality_trunks.vision.blocks.0.norm_2.bias": (d,),
            "modality_heads.vision.0.weight": (d,),
            "modality_heads.vision.2.weight": (od, d),
            "modality_preprocessors.audio.rgbt_stem.proj.weight": (d, 1, 16, 16),
            "modality_preprocessors.audio.rgbt_stem.norm_layer.weight": (d,),
            "modality_preprocessors.audio.pos_embedding_helper.pos_embed": (1, 229, d),
            "modality_trunks.audio.blocks.1.attn.bias_k": (1, 1, d),
            "modality_trunks.audio.blocks.1.attn.bias_v": (1, 1, d),
            "modality_heads.audio.2.weight": (od, d),
            "modality_postprocessors.audio.1.log_logit_scale": (),
        }
        for k, shape in expect.items():
            self.assertIn(k, sd)
            self.assertEqual(tuple(sd[k].shape), shape, k)
        self.assertNotIn("modality_trunks.vision.blocks.0.attn.bias_k", sd)
        self.assertNotIn("modality_trunks.audio.pre_transformer_layer.0.weight", sd)
        self.assertEqual(len(sd), 69)  # 2+2 blocks: every vision/audio key of the official model

    def test_load_config(self):
        self.assertEqual(ib.load_config(None), ib.huge_config())
        self.assertEqual(ib.huge_config()["vision_embed_dim"], 1280)
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "c.json")
            cfg = dict(ib.tiny_config(), text_embed_dim=8)  # other modalities' args are ignored
            with open(p, "w") as fh:
                json.dump(cfg, fh)
            got = ib.load_config(p)
            self.assertEqual(got, ib.tiny_config())
            with open(p, "w") as fh:
                json.dump({"vision_embed_dims": 3}, fh)
            with self.assertRaisesRegex(ib.ImageBindError, "unknown keys"):
                ib.load_config(p)
            with open(p, "w") as fh:
                json.dump({"vision_embed_dim": 30, "vision_num_heads": 4}, fh)
            with self.assertRaisesRegex(ib.ImageBindError, "divisible"):
                ib.load_config(p)
            with open(p, "w") as fh:
                fh.write("{nope")
            with self.assertRaisesRegex(ib.ImageBindError, "not valid JSON"):
                ib.load_config(p)


class TestAttention(unittest.TestCase):
    def test_matches_torch_multihead_attention(self):
        torch.manual_seed(0)
        for bias_kv in (False, True):
            ours = ib._Attention(24, 3, add_bias_kv=bias_kv)
            ref = nn.MultiheadAttention(24, 3, bias=True, add_bias_kv=bias_kv).eval()
            with torch.no_grad():
                for p in ours.parameters():
                    p.normal_(std=0.3)
                ref.in_proj_weight.copy_(ours.in_proj_weight)
                ref.in_proj_bias.copy_(ours.in_proj_bias)
                ref.out_proj.weight.copy_(ours.out_proj.weight)
                ref.out_proj.bias.copy_(ours.out_proj.bias)
                if bias_kv:
                    ref.bias_k.copy_(ours.bias_k)
                    ref.bias_v.copy_(ours.bias_v)
                x = torch.randn(2, 7, 24)
                want = ref(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), need_weights=False)[0].transpose(0, 1)
                self.assertLess((ours(x) - want).abs().max().item(), 1e-5)


class TestCheckpoint(TinyCheckpointMixin, unittest.TestCase):
    def test_round_trip(self):
        report = {}
        m = ib.load_imagebind(self.ckpt, self.cfg, report=report)
        own = m.state_dict()
        for k, v in own.items():
            self.assertTrue(torch.equal(v, self.sd[k]), k)
        self.assertEqual(report["ignored_modalities"], ["depth", "imu", "text", "thermal"])
        self.assertEqual(report["loaded_keys"], len(own))

    def test_truncated_checkpoint_fails_clearly(self):
        data = open(self.ckpt, "rb").read()
        for cut in (len(data) // 2, 100):
            p = os.path.join(self.tmp.name, f"cut{cut}.pth")
            with open(p, "wb") as fh:
                fh.write(data[:cut])
            with self.assertRaisesRegex(ib.ImageBindError, "truncated|corrupt"):
                ib.load_imagebind(p, self.cfg)

    def test_missing_file(self):
        with self.assertRaisesRegex(ib.ImageBindError, "not found"):
            ib.load_imagebind(os.path.join(self.tmp.name, "nope.pth"), self.cfg)

    def test_config_disagreeing_with_weights_fails_clearly(self):
        cfg = dict(self.cfg, vision_embed_dim=64)
        with self.assertRaisesRegex(ib.ImageBindError, r"shape mismatch.*vision.*\(1, 1, 32\) vs config \(1, 1, 64\)"):
            ib.load_imagebind(self.ckpt, cfg)
        cfg = dict(self.cfg, audio_num_blocks=3)
        with self.assertRaisesRegex(ib.ImageBindError, r"missing key.*modality_trunks\.audio\.blocks\.2"):
            ib.load_imagebind(self.ckpt, cfg)
        cfg = dict(self.cfg, out_embed_dim=8)
        with self.assertRaisesRegex(ib.ImageBindError, "does the config match"):
            ib.load_imagebind(self.ckpt, cfg)

    def test_missing_key_fails(self):
        sd = dict(self.sd)
        del sd["modality_trunks.audio.blocks.0.attn.bias_k"]
        p = os.path.join(self.tmp.name, "missing.pth")
        torch.save(sd, p)
        with self.assertRaisesRegex(ib.ImageBindError, "missing key.*bias_k"):
            ib.load_imagebind(p, self.cfg)

    def test_encoders(self):
        m = ib.load_imagebind(self.ckpt, self.cfg)
        g = torch.Generator().manual_seed(0)
        a = ib.encode_audio(m, torch.randn(2, 3, 1, 128, 204, generator=g))
        self.assertEqual(tuple(a.shape), (2, 3, 16))
        # L2-normalised, and no x20 logit scale
        self.assertLess((a.norm(dim=-1) - 1).abs().max().item(), 1e-5)
        img = torch.randn(2, 3, 224, 224, generator=g)
        e = ib.encode_vision(m, img)
        self.assertEqual(tuple(e.shape), (2, 1, 16))
        # an image == a one-clip video whose frame is repeated (PadIm2Video)
        e2 = ib.encode_vision(m, ib.image_to_pixel_values(img))
        self.assertLess((e - e2).abs().max().item(), 1e-6)
        vid = torch.randn(1, 15, 3, 2, 224, 224, generator=g)
        v = ib.encode_vision(m, vid)
        self.assertEqual(tuple(v.shape), (1, 15, 16))
        self.assertLess((v.norm(dim=-1) - 1).abs().max().item(), 1e-5)
        # per clip/crop embeddings kept: each equals encoding that clip alone
        v3 = ib.encode_vision(m, vid[:, 3:4])
        self.assertLess((v[:, 3] - v3[:, 0]).abs().max().item(), 1e-5)
        self.assertGreater((v[0, 0] - v[0, 1]).abs().max().item(), 1e-3)
        # batch independence
        b = ib.encode_audio(m, torch.cat([torch.zeros(1, 3, 1, 128, 204), torch.ones(1, 3, 1, 128, 204)]))
        b1 = ib.encode_audio(m, torch.ones(1, 3, 1, 128, 204))
        self.assertLess((b[1] - b1[0]).abs().max().item(), 1e-5)


class TestExport(TinyCheckpointMixin, unittest.TestCase):
    def _check(self, path, input_name, dims):
        import onnx

        onnx.checker.check_model(path)
        mp = onnx.load(path, load_external_data=False)
        self.assertEqual([i.name for i in mp.graph.input], [input_name])
        self.assertEqual([o.name for o in mp.graph.output], ["embeddings"])
        self.assertEqual(mp.opset_import[0].version, 17)
        got = [d.dim_param or d.dim_value for d in mp.graph.input[0].type.tensor_type.shape.dim]
        self.assertEqual(got, dims)
        out = [d.dim_param or d.dim_value for d in mp.graph.output[0].type.tensor_type.shape.dim]
        self.assertEqual(out, [dims[0], dims[1], 16])
        self.assertEqual(mp.graph.input[0].type.tensor_type.elem_type, onnx.TensorProto.FLOAT)

    def test_export_tiny(self):
        m = ib.load_imagebind(self.ckpt, self.cfg)
        d = self.tmp.name
        a = ib.export_audio_encoder(m, os.path.join(d, "audio.onnx"))
        v = ib.export_vision_encoder(m, os.path.join(d, "vision.onnx"))
        v16 = ib.export_vision_encoder(m, os.path.join(d, "vision16.onnx"), dtype="fp16")
        self._check(a["path"], "fbank", ["batch", "clips", 1, 128, 204])
        self._check(v["path"], "pixel_values", ["batch", "n", 3, 2, 224, 224])
        self._check(v16["path"], "pixel_values", ["batch", "n", 3, 2, 224, 224])
        self.assertFalse(a["external_data"])
        self.assertLess(v16["bytes"], v["bytes"])
        with self.assertRaises(ValueError):
            ib.export_audio_encoder(m, os.path.join(d, "x.onnx"), dtype="int8")

    def test_external_data_when_large(self):
        m = ib.load_imagebind(self.ckpt, self.cfg)
        old = ib.EXTERNAL_DATA_THRESHOLD
        ib.EXTERNAL_DATA_THRESHOLD = 1000  # force the > 2 GB path on the tiny graph
        try:
            with tempfile.TemporaryDirectory() as d:
                info = ib.export_audio_encoder(m, os.path.join(d, "audio.onnx"))
                self.assertTrue(info["external_data"])
                self.assertEqual(sorted(os.listdir(d)), ["audio.onnx", "audio.onnx.data"])
                self._check(info["path"], "fbank", ["batch", "clips", 1, 128, 204])
                self.assertGreater(os.path.getsize(os.path.join(d, "audio.onnx.data")), 100_000)
        finally:
            ib.EXTERNAL_DATA_THRESHOLD = old


if __name__ == "__main__":
    unittest.main()

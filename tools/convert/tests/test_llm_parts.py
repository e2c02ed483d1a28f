"""llama.py, delta.py, projector.py, tokenizer.py units."""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _tiny import tiny_sources  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

import llama  # noqa: E402
from llama import ConvertError  # noqa: E402
import delta as delta_mod  # noqa: E402
import projector  # noqa: E402
import tokenizer as tok_mod  # noqa: E402


class LlamaTest(unittest.TestCase):
    def setUp(self):
        self.s = tiny_sources()
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_config_errors(self):
        for bad, msg in (({"model_type": "gpt2"}, "expected 'llama'"), ({"num_key_value_heads": 1}, "grouped-query"),
                         ({"hidden_size": 65}, "not divisible")):
            d = os.path.join(self.tmp, "c")
            os.makedirs(d, exist_ok=True)
            cfg = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=10)
            cfg.update(bad)
            with open(os.path.join(d, "config.json"), "w") as f:
                json.dump(cfg, f)
            with self.assertRaisesRegex(ConvertError, msg):
                llama.load_config(d)

    def test_sharded_index_missing_shard(self):
        d = os.path.join(self.tmp, "llm")
        shutil.copytree(self.s["llm"], d)
        os.remove(os.path.join(d, "pytorch_model-00002-of-00002.bin"))
        with self.assertRaisesRegex(ConvertError, "do not exist"):
            llama.list_shards(d)

    def test_kv_cache_matches_full_forward(self):
        cfg = self.s["cfg"]
        sd = llama.load_state_dict(self.s["llm"], cfg)
        m = llama.TorchLlama(cfg, sd)
        x = torch.randn(1, 7, cfg.hidden_size)
        full, _ = m.forward(x)
        a, past = m.forward(x[:, :5])
        b, _ = m.forward(x[:, 5:], attention_mask=torch.ones(1, 7, dtype=torch.long),
                         position_ids=torch.tensor([[5, 6]]), past=past)
        self.assertLess(float((torch.cat([a, b], 1) - full).abs().max()), 1e-4)

    def test_quantize_roundtrip(self):
        w = torch.randn(48, 70)
        for bits, tol in ((8, 0.01), (4, 0.2)):
            p, s = llama.quantize_nbits(w, bits)
            self.assertEqual(p.shape, (48, 3, 32 * bits // 8))
            back = llama.dequantize_nbits(p, s, bits, 70)
            self.assertLess(np.abs(back - w.numpy()).max() / w.abs().max().item(), tol)

    def test_quantize_int4_schemes(self):
        # q4_0 (the default): the value of largest magnitude is exact (code 0, scale max/-8 in fp16);
        # symmetric: scale amax/7, codes 1..15; both decode as (code - 8) * scale
        w = torch.zeros(2, 32)
        w[0] = torch.linspace(-0.5, 0.5, 32)
        w[0, 5] = 1.5
        w[1, 9] = -0.75
        p, s = llama.quantize_nbits(w, 4)
        self.assertEqual(s[0, 0], -0.1875)
        self.assertEqual(s[1, 0], 0.09375)
        self.assertEqual(p[0, 0, 2] >> 4, 0)  # element 5: the high nibble of byte 2
        back = llama.dequantize_nbits(p, s, 4, 32)
        self.assertEqual(back[0, 5], 1.5)
        self.assertEqual(back[1, 9], -0.75)
        self.assertLessEqual(np.abs(back - w.numpy()).max(), 0.1875 / 2 + 1e-7)
        ps, ss = llama.quantize_nbits(w, 4, int4_scheme="symmetric")
        self.assertAlmostEqual(float(ss[0, 0]), 1.5 / 7, places=7)
        self.assertGreaterEqual(int((ps & 0x0F).min()), 1)
        with self.assertRaises(ValueError):
            llama.quantize_nbits(w, 4, int4_scheme="q4_1")

    def test_export_missing_and_misshaped(self):
        cfg = llama.LlamaConfig(hidden_size=32, intermediate_size=48, num_hidden_layers=1, num_attention_heads=2, vocab_size=20)
        shapes = llama.expected_shapes(cfg)
        sd = {k: torch.randn(s) for k, s in shapes.items()}
        d = os.path.join(self.tmp, "x")
        os.makedirs(d)
        part = {k: v for k, v in sd.items() if "mlp.up_proj" not in k}
        with self.assertRaisesRegex(ConvertError, "missing"):
            llama.export_decoder(cfg, iter(part.items()), d, vocab=20, log=lambda s: None)
        bad = dict(sd)
        bad["model.layers.0.mlp.up_proj.weight"] = torch.randn(40, 32)
        with self.assertRaisesRegex(ConvertError, "disagree"):
            llama.export_decoder(cfg, iter(bad.items()), d, vocab=20, log=lambda s: None)

    def test_external_data_for_large_graphs(self):
        cfg = llama.LlamaConfig(hidden_size=32, intermediate_size=48, num_hidden_layers=1, num_attention_heads=2, vocab_size=20)
        sd = {k: torch.randn(s) for k, s in llama.expected_shapes(cfg).items()}
        d = os.path.join(self.tmp, "x")
        os.makedirs(d)
        files = llama.export_decoder(cfg, iter(sd.items()), d, vocab=20, external_threshold=0, log=lambda s: None)
        self.assertIn("decoder_data", files)
        import onnx
        m = onnx.load(os.path.join(d, "decoder.onnx"), load_external_data=False)
        self.assertTrue(any(t.data_location == onnx.TensorProto.EXTERNAL for t in m.graph.initializer))
        onnx.checker.check_model(os.path.join(d, "decoder.onnx"))


class DeltaTest(unittest.TestCase):
    def setUp(self):
        self.s = tiny_sources()
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _save(self, sd):
        p = os.path.join(self.tmp, "d.pt")
        torch.save(sd, p)
        return p

    def test_variants_and_merge(self):
        a = delta_mod.load_delta(self.s["delta_alpha"], self.s["cfg"], self.s["vocab"])
        b = delta_mod.load_delta(self.s["delta_beta"], self.s["cfg"], self.s["vocab"])
        self.assertEqual((a.variant, b.variant), ("alpha", "beta"))
        self.assertEqual((a.lora_r, a.lora_scale()), (4, 8.0))
        self.assertEqual(b.fusion_layers, 1)
        w = torch.randn(64, 64)
        A, B = a.lora[(1, "k")]
        self.assertTrue(torch.allclose(a.merged("model.layers.1.self_attn.k_proj.weight", w), w + 8.0 * B.float() @ A.float(), atol=1e-5))
        self.assertIs(a.merged("model.layers.1.mlp.up_proj.weight", w), w)

    def test_legacy_lora_keys(self):
        sd = torch.load(self.s["delta_alpha"])
        legacy = {k.replace(".default.", "."): v for k, v in sd.items()}
        d = delta_mod.load_delta(self._save(legacy), self.s["cfg"], self.s["vocab"])
        ref = delta_mod.load_delta(self.s["delta_alpha"], self.s["cfg"], self.s["vocab"])
        self.assertEqual(d.lora_key_style, "peft-legacy")
        self.assertTrue(torch.equal(d.lora[(0, "q")][0], ref.lora[(0, "q")][0]))

    def test_remapped_embed_names_accepted(self):
        sd = torch.load(self.s["delta_alpha"])
        sd["llama_model.model.embed_tokens.weight"] = sd.pop("llama_model.base_model.model.model.embed_tokens.weight")
        d = delta_mod.load_delta(self._save(sd), self.s["cfg"], self.s["vocab"])
        self.assertEqual(d.embed_tokens.shape[0], self.s["vocab"])

    def test_errors(self):
        base = torch.load(self.s["delta_alpha"])
        cases = []
        sd = dict(base); sd["something.else"] = torch.zeros(1); cases.append((sd, "unexpected keys"))
        sd = dict(base); del sd["llama_proj.bias"]; cases.append((sd, "llama_proj"))
        sd = {k: v for k, v in base.items() if "layers.0.self_attn.q_proj" not in k}; cases.append((sd, r"missing .* \[0\]"))
        sd = dict(base); k = "llama_model.base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight"
        sd[k] = torch.zeros(8, 64); cases.append((sd, "shape mismatch|rank differs"))
        sd = dict(base); sd["llama_model.base_model.model.lm_head.weight"] = torch.zeros(700, 64); cases.append((sd, "different vocabulary"))
        bb = torch.load(self.s["delta_beta"])
        sd = dict(bb); del sd["preencoding.layers.0.norm2.bias"]; cases.append((sd, "lacks norm2.bias"))
        for sd, msg in cases:
            with self.subTest(msg=msg), self.assertRaisesRegex(ConvertError, msg):
                delta_mod.load_delta(self._save(sd), self.s["cfg"], self.s["vocab"])


class FusionTest(unittest.TestCase):
    def test_matches_nn_transformer_encoder(self):
        s = tiny_sources()
        d = delta_mod.load_delta(s["delta_beta"], s["cfg"], s["vocab"])
        ref = projector.torch_fusion_reference(d.fusion, d.fusion_layers, 4, d.fusion_ff)
        ours = projector.Fusion(d.fusion, d.fusion_layers, 4)
        x = torch.randn(2, 9, 64)
        mask = torch.zeros(2, 9, dtype=torch.bool)
        mask[1, 6:] = True
        with torch.enable_grad():
            want = ref(x, src_key_padding_mask=mask).detach()
        with torch.no_grad():
            got = ours(x, mask)
        self.assertLess(float((got[0] - want[0]).abs().max()), 1e-5)
        self.assertLess(float((got[1, :6] - want[1, :6]).abs().max()), 1e-5)
        # fp16 storage: close to fp32
        ours16 = projector.Fusion(d.fusion, d.fusion_layers, 4, torch.float16)
        with torch.no_grad():
            got16 = ours16(x.half(), mask).float()
        self.assertLess(float((got16[0] - want[0]).abs().max()), 2e-2)


class TokenizerTest(unittest.TestCase):
    def test_added_tokens_and_json(self):
        self.assertEqual(tok_mod.ADDED_TOKENS, ["<Img>", "</Img>", "{'<Vid>'}", "{'</Vid>'}", "{'<Aud>'}", "{'</Aud>'}"])
        s = tiny_sources()
        sp_path = os.path.join(s["llm"], "tokenizer.model")
        tj = tok_mod.build_tokenizer_json(sp_path)
        added = {a["content"]: a["id"] for a in tj["added_tokens"]}
        self.assertEqual(added["{'<Vid>'}"], 702)
        self.assertEqual(added["<s>"], 1)
        self.assertTrue(tj["model"]["byte_fallback"])
        self.assertGreater(len(tj["model"]["merges"]), 100)

    def test_reference_encode_strips_around_added_tokens(self):
        s = tiny_sources()
        sp = tok_mod.load_sp(os.path.join(s["llm"], "tokenizer.model"))
        self.assertEqual(tok_mod.reference_encode(sp, "a <Img> b"),
                         sp.EncodeAsIds("a") + [700] + sp.EncodeAsIds("b"))
        self.assertEqual(tok_mod.reference_encode(sp, "x<s> y"), sp.EncodeAsIds("x") + [1] + sp.EncodeAsIds(" y"))

    def test_rejects_non_llama_sentencepiece(self):
        from sentencepiece import sentencepiece_model_pb2 as pb
        s = tiny_sources()
        tmp = tempfile.mkdtemp()
        try:
            m = pb.ModelProto()
            with open(os.path.join(s["llm"], "tokenizer.model"), "rb") as f:
                m.ParseFromString(f.read())
            m.trainer_spec.model_type = 1  # unigram
            m.normalizer_spec.remove_extra_whitespaces = True
            bad = os.path.join(tmp, "u.model")
            with open(bad, "wb") as f:
                f.write(m.SerializeToString())
            with self.assertRaisesRegex(ConvertError, "not a LLaMA-style.*model_type.*remove_extra"):
                tok_mod.check_llama_style(bad)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()

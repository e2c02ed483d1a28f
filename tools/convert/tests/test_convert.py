"""convert.py end to end on tiny checkpoints, and every bad-input case of issue 4."""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _tiny import tiny_sources, run_convert, copy_llm  # noqa: E402

import torch  # noqa: E402

import pack as pack_mod  # noqa: E402


class ConvertTest(unittest.TestCase):
    def setUp(self):
        self.s = tiny_sources()
        self.tmp = tempfile.mkdtemp(prefix="convert-test-")
        self.out = os.path.join(self.tmp, "pack")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assertNoPack(self, rc, err):
        self.assertEqual(rc, 2, err)
        self.assertTrue(err.startswith("convert: error:"), err)
        self.assertFalse(os.path.exists(os.path.join(self.out, "manifest.json")))
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".pack.")], [], "temp folder left behind")

    def test_alpha_and_beta_report_and_manifest(self):
        rc, out, err = run_convert(out=self.out)
        self.assertEqual(rc, 0, err)
        self.assertIn("DeepResonance-α (alpha)", out)
        self.assertIn("layers 2", out)
        self.assertIn("vocab 700 + 6 added = 706", out)
        man = pack_mod.verify_pack(self.out)
        self.assertEqual(man["variant"], "alpha")
        self.assertIsNone(man["fusion"])
        self.assertNotIn("fusion", man["graphs"])
        self.assertEqual(man["generation"], {"temperature": 0.1, "top_p": 1.0, "max_new_tokens": 512, "do_sample": True})
        self.assertEqual(man["tokens"]["added"]["<Img>"], 700)
        self.assertEqual(man["tokens"]["added"]["{'</Aud>'}"], 705)
        self.assertEqual(os.path.getsize(os.path.join(self.out, "embed_tokens.bin")), 706 * 64 * 4)
        out_b = os.path.join(self.tmp, "beta")
        rc, out, err = run_convert("--dtype", "fp16", "--llm-quant", "int8", delta=self.s["delta_beta"], out=out_b)
        self.assertEqual(rc, 0, err)
        self.assertIn("DeepResonance-β (beta)", out)
        self.assertIn("pre-LLM fusion: 1 layer(s)", out)
        man = pack_mod.verify_pack(out_b)
        self.assertEqual((man["variant"], man["dtype"], man["llm_quant"]), ("beta", "fp16", "int8"))
        self.assertEqual(man["fusion"]["nhead"], 4)
        self.assertIn("fusion", man["graphs"])
        self.assertEqual(os.path.getsize(os.path.join(out_b, "embed_tokens.bin")), 706 * 64 * 2)

    def test_truncated_llm_shard(self):
        llm = copy_llm(os.path.join(self.tmp, "llm"))
        p = os.path.join(llm, "pytorch_model-00002-of-00002.bin")
        with open(p, "r+b") as f:
            f.truncate(os.path.getsize(p) // 2)
        rc, _, err = run_convert(llm=llm, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("truncated or corrupt", err)

    def test_truncated_delta(self):
        d = os.path.join(self.tmp, "delta.pt")
        with open(self.s["delta_alpha"], "rb") as f:
            data = f.read()
        with open(d, "wb") as f:
            f.write(data[: len(data) * 2 // 3])
        rc, _, err = run_convert(delta=d, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("delta checkpoint", err)

    def test_missing_lora_for_some_layers(self):
        sd = torch.load(self.s["delta_alpha"])
        for k in [k for k in sd if ".layers.1.self_attn.v_proj.lora" in k]:
            del sd[k]
        d = os.path.join(self.tmp, "delta.pt")
        torch.save(sd, d)
        rc, _, err = run_convert(delta=d, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("LoRA weights missing", err)
        self.assertIn("[1]", err)

    def test_delta_from_other_vocab(self):
        sd = torch.load(self.s["delta_alpha"])
        for k in list(sd):
            if k.endswith(("embed_tokens.weight", "lm_head.weight")):
                sd[k] = torch.cat([sd[k], torch.zeros(3, sd[k].shape[1])])
        d = os.path.join(self.tmp, "delta.pt")
        torch.save(sd, d)
        rc, _, err = run_convert(delta=d, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("different vocabulary size", err)

    def test_config_dims_disagree_with_weights(self):
        llm = copy_llm(os.path.join(self.tmp, "llm"))
        cp = os.path.join(llm, "config.json")
        with open(cp) as f:
            cfg = json.load(f)
        cfg["intermediate_size"] = 96
        with open(cp, "w") as f:
            json.dump(cfg, f)
        rc, _, err = run_convert(llm=llm, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("config dims disagree with the weights", err)

    def test_llm_with_extra_added_tokens_refused(self):
        llm = copy_llm(os.path.join(self.tmp, "llm"))
        with open(os.path.join(llm, "added_tokens.json"), "w") as f:
            json.dump({"[PAD]": 700}, f)
        rc, _, err = run_convert(llm=llm, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("already has added tokens", err)

    def test_hidden_size_disagrees_with_delta(self):
        sd = torch.load(self.s["delta_alpha"])
        sd["llama_proj.weight"] = torch.zeros(32, sd["llama_proj.weight"].shape[1])
        d = os.path.join(self.tmp, "delta.pt")
        torch.save(sd, d)
        rc, _, err = run_convert(delta=d, out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("shape mismatch", err)

    def test_out_holds_different_pack(self):
        rc, _, err = run_convert(out=self.out)
        self.assertEqual(rc, 0, err)
        before = pack_mod.verify_pack(self.out)
        # same inputs and options: the same pack, rewriting is allowed
        rc, _, err = run_convert(out=self.out)
        self.assertEqual(rc, 0, err)
        # a different pack (other delta) is refused without --force, and left intact
        rc, _, err = run_convert(delta=self.s["delta_beta"], out=self.out)
        self.assertEqual(rc, 2)
        self.assertIn("already holds a different pack", err)
        self.assertEqual(pack_mod.verify_pack(self.out)["variant"], before["variant"])
        rc, _, err = run_convert("--force", delta=self.s["delta_beta"], out=self.out)
        self.assertEqual(rc, 0, err)
        self.assertEqual(pack_mod.verify_pack(self.out)["variant"], "beta")

    def test_out_not_empty_foreign_files(self):
        os.makedirs(self.out)
        with open(os.path.join(self.out, "notes.txt"), "w") as f:
            f.write("mine")
        rc, _, err = run_convert(out=self.out)
        self.assertEqual(rc, 2)
        self.assertIn("not empty", err)
        self.assertTrue(os.path.isfile(os.path.join(self.out, "notes.txt")))

    def test_disk_full_mid_write(self):
        # first a good pack at --out, then a --force conversion whose decoder write fails
        rc, _, err = run_convert(out=self.out)
        self.assertEqual(rc, 0, err)
        good = pack_mod.verify_pack(self.out)
        os.environ["STUDIO_CONVERT_FAIL_AFTER_BYTES"] = "20000"
        try:
            rc, _, err = run_convert("--force", delta=self.s["delta_beta"], out=self.out)
        finally:
            del os.environ["STUDIO_CONVERT_FAIL_AFTER_BYTES"]
        self.assertEqual(rc, 2)
        self.assertIn("No space left on device", err)
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".")], [], "temp folder left behind")
        self.assertEqual(pack_mod.verify_pack(self.out)["source"], good["source"], "old pack must be untouched")
        # and into an empty --out: nothing that looks like a pack
        out2 = os.path.join(self.tmp, "fresh")
        os.environ["STUDIO_CONVERT_FAIL_AFTER_BYTES"] = "20000"
        try:
            rc, _, err = run_convert(out=out2)
        finally:
            del os.environ["STUDIO_CONVERT_FAIL_AFTER_BYTES"]
        self.assertEqual(rc, 2)
        self.assertFalse(os.path.exists(out2))

    def test_missing_inputs(self):
        rc, _, err = run_convert(llm=os.path.join(self.tmp, "nope"), out=self.out)
        self.assertNoPack(rc, err)
        self.assertIn("does not exist", err)


if __name__ == "__main__":
    unittest.main()

"""Tests for tools/convert/preprocess.py (run: /usr/bin/python3 -m unittest discover -s tools/convert/tests -p 'test_*.py')."""

import math
import os
import subprocess
import sys
import tempfile
import unittest
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchaudio  # noqa: E402
from PIL import Image  # noqa: E402

import preprocess as pp  # noqa: E402


def direct_fbank(wave_1ch):
    """torchaudio's kaldi fbank called directly, [1, n] -> [128, frames]."""
    return torchaudio.compliance.kaldi.fbank(
        wave_1ch,
        htk_compat=True,
        sample_frequency=16000,
        use_energy=False,
        window_type="hanning",
        num_mel_bins=128,
        dither=0.0,
        frame_length=25,
        frame_shift=10,
    ).transpose(0, 1)


class TestClipTimes(unittest.TestCase):
    def test_pytorchvideo_015_starts(self):
        t = pp.clip_timepoints(10.0, 3)
        self.assertEqual([s for s, _ in t], [0, Fraction(8, 3), Fraction(16, 3)])
        self.assertEqual([e for _, e in t], [2, Fraction(14, 3), Fraction(22, 3)])  # last 2.67 s never sampled
        t = pp.clip_timepoints(12.0, 5)
        self.assertEqual([s for s, _ in t], [0, 2, 4, 6, 8])
        # shorter than the clip: every clip starts at 0
        self.assertEqual(pp.clip_timepoints(1.5, 3), [(0, 2)] * 3)
        self.assertEqual(pp.clip_timepoints(2.0, 5), [(0, 2)] * 5)


class TestAudio(unittest.TestCase):
    def setUp(self):
        g = torch.Generator().manual_seed(0)
        self.stereo = 0.3 * torch.randn(2, 16000 * 9 + 123, generator=g) + torch.tensor([[0.2], [-0.05]])

    def test_oracle_against_direct_torchaudio(self):
        feats, info = pp.load_and_transform_audio((self.stereo, 16000), return_intermediates=True)
        self.assertEqual(tuple(feats.shape), (3, 1, 128, 204))
        self.assertEqual(feats.dtype, torch.float32)
        w = self.stereo.clone()
        dur = w.shape[1] / 16000
        step = max(dur - 2, 0) / 3
        for i in range(3):
            a, b = int(Fraction(step * i) * 16000), int((Fraction(step * i) + 2) * 16000)
            # clips do not overlap here (9 s audio): plain per-clip mean over both channels
            clip = w[:, a:b] - w[:, a:b].mean()
            fb = direct_fbank(clip[0:1])[:, :204]
            self.assertEqual(fb.shape[1], 198)  # 1 + (32000 - 400) // 160
            fb = torch.nn.functional.pad(fb, (0, 204 - fb.shape[1]))
            self.assertEqual(info["clip_samples"][i], (a, b))
            self.assertTrue(torch.allclose(info["fbank"][i][0], fb, atol=1e-5), i)
            want = (fb - (-4.268)) / 9.138  # divides by std (not 2*std)
            self.assertLess((feats[i, 0] - want).abs().max().item(), 1e-5)
            # padding region: (0 - mean) / std
            self.assertAlmostEqual(feats[i, 0, 0, 203].item(), 4.268 / 9.138, places=5)

    def test_stereo_uses_first_channel_after_all_channel_mean(self):
        feats, info = pp.load_and_transform_audio((self.stereo, 16000), return_intermediates=True)
        a, b = info["clip_samples"][0]
        clip = self.stereo[:, a:b]
        first = clip[0:1] - clip.mean()  # mean over both channels
        own_mean = clip[0:1] - clip[0:1].mean()
        downmix = clip.mean(0, keepdim=True)
        fb = direct_fbank(first)
        self.assertTrue(torch.allclose(info["fbank"][0][0, :, :198], fb, atol=1e-5))
        # the waveform fbank saw had the mean over BOTH channels removed (not its own channel's);
        # kaldi.fbank removes each frame's DC offset anyway, so this barely shows in the features
        self.assertTrue(torch.allclose(info["waveforms"][0], clip - clip.mean(), atol=1e-6))
        self.assertGreater((info["waveforms"][0][0:1] - own_mean).abs().max().item(), 0.05)
        self.assertFalse(torch.allclose(info["fbank"][0][0, :, :198], direct_fbank(downmix - downmix.mean()), atol=1e-3))

    def test_short_audio_overlap_subtracted_repeatedly(self):
        g = torch.Generator().manual_seed(1)
        w = 0.2 * torch.randn(2, 24000, generator=g) + 0.5  # 1.5 s
        feats, info = pp.load_and_transform_audio((w, 16000), return_intermediates=True)
        # slice bounds as the reference computes them (the slice stops at the 24000 samples there are)
        self.assertEqual(info["clip_samples"], [(0, 32000)] * 3)
        # all three clips are the whole waveform; the mean is subtracted three times in place
        x = w.clone()
        seen = []
        for _ in range(3):
            x = x - x.mean()
            seen.append(x.clone())
        for i in range(3):
            self.assertTrue(torch.allclose(info["waveforms"][i], seen[i], atol=1e-6))
            fb = direct_fbank(seen[i][0:1])
            self.assertEqual(fb.shape[1], 148)
            self.assertTrue(torch.allclose(info["fbank"][i][0, :, :148], fb, atol=1e-4))
            self.assertTrue(torch.all(info["fbank"][i][0, :, 148:] == 0))  # zero padded to 204
        self.assertTrue(torch.allclose(info["waveform"], seen[2], atol=1e-6))
        # the caller's tensor is not modified
        self.assertAlmostEqual(w.mean().item(), 0.5, delta=0.01)

    def test_overlapping_clips_write_through(self):
        # 3 s: clips [0,2), [1/3,7/3), [2/3,8/3) overlap; clip 2 sees clip 1's subtraction
        g = torch.Generator().manual_seed(2)
        w = 0.1 * torch.randn(1, 48000, generator=g) + 0.3
        _, info = pp.load_and_transform_audio((w, 16000), return_intermediates=True)
        self.assertEqual(info["clip_samples"], [(0, 32000), (5333, 37333), (10666, 42666)])
        x = w.clone()
        for i, (a, b) in enumerate(info["clip_samples"]):
            x[:, a:b] -= x[:, a:b].mean()
            self.assertTrue(torch.allclose(info["waveforms"][i], x[:, a:b], atol=1e-6))

    def test_resample_and_file_path(self):
        sr = 44100
        t = torch.arange(int(sr * 4.2)) / sr
        w = torch.stack([0.5 * torch.sin(2 * math.pi * 330 * t), 0.25 * torch.sin(2 * math.pi * 1000 * t)])
        feats = pp.load_and_transform_audio((w, sr))
        want = pp.load_and_transform_audio((torchaudio.functional.resample(w, orig_freq=sr, new_freq=16000), 16000))
        self.assertTrue(torch.equal(feats, want))
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.wav")
            torchaudio.save(p, w, sr, encoding="PCM_F", bits_per_sample=32)
            loaded, _ = torchaudio.load(p)
            self.assertLess((loaded - w).abs().max().item(), 1e-6)
            from_file = pp.load_and_transform_audio(p)
            # pure tones leave near-empty mel bins whose log amplifies the 1e-8 round-trip error
            self.assertLess((from_file - feats).abs().max().item(), 5e-3)

    def test_too_short_raises(self):
        with self.assertRaises(ValueError):
            pp.load_and_transform_audio((torch.zeros(1, 100), 16000))


class TestImage(unittest.TestCase):
    def _img(self, w, h, seed=0):
        rng = np.random.RandomState(seed)
        return Image.fromarray(rng.randint(0, 256, size=(h, w, 3), dtype=np.uint8), "RGB")

    def _expected(self, img, size, box):
        x = img.resize(size, Image.BICUBIC) if size != img.size else img
        arr = np.asarray(x.crop(box), dtype=np.float32) / 255.0
        mean = np.array(pp.CLIP_MEAN, dtype=np.float32)
        std = np.array(pp.CLIP_STD, dtype=np.float32)
        return torch.from_numpy(((arr - mean) / std).transpose(2, 0, 1).copy())

    def test_landscape_resize_and_centre_crop(self):
        img = self._img(300, 200)
        out = pp.load_and_transform_image(img)
        self.assertEqual(tuple(out.shape), (3, 224, 224))
        # short side 200 -> 224, long int(224*300/200) = 336; left = round(56) = 56
        self.assertLess((out - self._expected(img, (336, 224), (56, 0, 280, 224))).abs().max().item(), 1e-5)

    def test_portrait_truncation_and_rounding(self):
        img = self._img(150, 301, seed=1)
        # long = int(224*301/150) = 449; top = round(225/2 = 112.5) = 112 (round half to even)
        out = pp.load_and_transform_image(img)
        self.assertLess((out - self._expected(img, (224, 449), (0, 112, 224, 336))).abs().max().item(), 1e-5)

    def test_no_resize_when_short_side_is_224(self):
        img = self._img(224, 227, seed=2)
        out = pp.load_and_transform_image(img)
        # untouched; top = round(1.5) = 2
        self.assertLess((out - self._expected(img, (224, 227), (0, 2, 224, 226))).abs().max().item(), 1e-5)

    def test_path_rgba(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "x.png")
            rgba = Image.fromarray(np.random.RandomState(3).randint(0, 256, (240, 320, 4), dtype=np.uint8), "RGBA")
            rgba.save(p)
            out = pp.load_and_transform_image(p)
            self.assertTrue(torch.equal(out, pp.load_and_transform_image(rgba.convert("RGB"))))


class TestVideo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def _make_video(self, name, frames, fps, w=320, h=240):
        """Lossless video: frame k has left half level 3k, right half 255-3k (all channels)."""
        data = np.zeros((frames, h, w, 3), dtype=np.uint8)
        for k in range(frames):
            data[k, :, : w // 2] = 3 * k
            data[k, :, w // 2 :] = 255 - 3 * k
        p = os.path.join(self.tmp.name, name)
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps),
             "-i", "-", "-c:v", "ffv1", "-pix_fmt", "bgr0", p],
            input=data.tobytes(), check=True,
        )
        return p

    def test_frame_plan(self):
        # 7 s at 10 fps: starts 0,1,2,3,4 s; frames [10i, 10i+20) -> first and last
        self.assertEqual(pp.frame_plan(10.0, 70), [[0, 19], [10, 29], [20, 39], [30, 49], [40, 59]])
        # shorter than 2 s: every clip is the whole video
        self.assertEqual(pp.frame_plan(10.0, 15), [[0, 14]] * 5)
        # NTSC rate: ceil(fps * start) with float fps, Fraction start
        fps = 30000 / 1001
        plan = pp.frame_plan(fps, 300)
        dur = 300 / fps
        for i, (a, b) in enumerate(plan):
            s = Fraction(max(dur - 2, 0)) / 5 * i
            self.assertEqual(a, math.ceil(fps * s))
            self.assertEqual(b, min(math.ceil(fps * (s + 2)), 300) - 1)

    def test_video_frames_scale_and_crops(self):
        p = self._make_video("v.mkv", 70, 10)
        video, info = pp.load_and_transform_video(p, return_info=True)
        self.assertEqual(tuple(video.shape), (15, 3, 2, 224, 224))
        self.assertEqual(info["frames"], 70)
        self.assertAlmostEqual(info["fps"], 10.0)
        self.assertEqual(info["plan"], [[0, 19], [10, 29], [20, 39], [30, 49], [40, 59]])
        mean = torch.tensor(pp.CLIP_MEAN).view(3, 1)
        std = torch.tensor(pp.CLIP_STD).view(3, 1)
        for c, frames in enumerate(info["plan"]):
            for t, k in enumerate(frames):
                left = (torch.full((3, 1), 3.0 * k) / 255 - mean) / std
                right = (torch.full((3, 1), 255.0 - 3 * k) / 255 - mean) / std
                # 320x240 -> 298x224; crop 0 = x 0..224 (mostly left half, boundary at 149)
                crop0 = video[3 * c + 0, :, t]
                self.assertTrue(torch.allclose(crop0[:, :, 0], left.expand(3, 224), atol=1e-5))
                crop2 = video[3 * c + 2, :, t]  # x 74..298
                self.assertTrue(torch.allclose(crop2[:, :, -1], right.expand(3, 224), atol=1e-5))
                crop1 = video[3 * c + 1, :, t]  # x 37..261, boundary at column 149-37 = 112
                self.assertTrue(torch.allclose(crop1[:, :, 100], left.expand(3, 224), atol=1e-5))
                self.assertTrue(torch.allclose(crop1[:, :, 125], right.expand(3, 224), atol=1e-5))

    def test_scale_matches_pytorchvideo_semantics(self):
        p = self._make_video("g.mkv", 25, 10, w=200, h=150)
        video = pp.load_and_transform_video(p)
        self.assertEqual(tuple(video.shape), (15, 3, 2, 224, 224))
        # short clip (2.5 s): starts 0, 0.1, 0.2, 0.3, 0.4 s -> first frames 0,1,2,3,4; last frames min(ceil(10*(s+2)),25)-1
        rgb = np.zeros((150, 200, 3), dtype=np.float32)
        rgb[:, :100] = 3 * 4 / 255.0
        rgb[:, 100:] = (255 - 3 * 4) / 255.0
        x = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(1)  # [C, 1, H, W]
        x = torch.nn.functional.interpolate(x, size=(224, 298), mode="bilinear", align_corners=False)
        x = (x - torch.tensor(pp.CLIP_MEAN).view(3, 1, 1, 1)) / torch.tensor(pp.CLIP_STD).view(3, 1, 1, 1)
        self.assertLess((video[3 * 4 + 1, :, 0] - x[:, 0, :, 37:261]).abs().max().item(), 1e-5)


if __name__ == "__main__":
    unittest.main()

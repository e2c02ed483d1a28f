/**
 * Drum grooves with known tempo changes (issue 10 kind 4), rendered at test
 * time with numpy the way the tester's renders were made: a decaying 60 Hz
 * sine kick and a noise hi-hat on every beat, a softer hi-hat on the off-beat;
 * 22.05 kHz mono 16-bit WAV under test/output/media (kept between runs).
 */
import { numpyWav } from './media';

/**
 * `parts`: [bpm at its start, bpm at its end, seconds] each, in order; the
 * tempo moves linearly in between (equal ends: a steady part). Returns the
 * WAV's path (made once per name). @throws Error when python3/numpy fail
 */
export function tempoRender(name: string, parts: [number, number, number][]): string {
  return numpyWav(
    name,
    `
rng = np.random.default_rng(7)
t = np.arange(int(0.25 * sr)) / sr
kick = np.sin(2 * np.pi * 60 * t) * np.exp(-t * 18)
hat = rng.standard_normal(int(0.05 * sr)) * np.exp(-np.arange(int(0.05 * sr)) / sr * 90) * 0.3
parts = []
for b0, b1, sec in arg:
    n = int(sec * sr); x = np.zeros(n); tb = 0.0
    while tb < sec:
        p = 60.0 / (b0 + (b1 - b0) * tb / sec)
        for off, gain, src in ((0, 1.0, kick), (0, 1.0, hat), (0.5, 0.6, hat)):
            j = int((tb + off * p) * sr)
            if j < n:
                seg = src[: n - j]; x[j : j + len(seg)] += seg * gain
        tb += p
    parts.append(x)
y = np.concatenate(parts)
`,
    parts,
  );
}

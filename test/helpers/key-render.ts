/**
 * Chord progressions with known keys (issue 10 kind 4: a key that changes),
 * synthesised at test time with numpy the way the tester's modulation render
 * was made: decaying harmonic tones, a bass an octave below, each chord 2 s (a
 * bar at 120 BPM); 22.05 kHz mono 16-bit WAV under test/output/media (kept
 * between runs). Moved here from test/unit/analysis-key-change.test.ts.
 */
import { numpyWav } from './media';

/**
 * `sections`: [chords as [root pitch class, minor?][], seconds]…; each chord lasts 2 s (a bar at 120 BPM).
 * `hatBpm`: also a noise hi-hat (no pitch: it leaves the key alone) on every beat at this tempo, so the
 * track has a sure tempo of its own; without it the only onsets are the chord changes every 2 s, whose
 * tempo is rightly uncertain. Returns the WAV's path (made once per name). @throws Error when python3/numpy fail
 */
export function keyProgression(name: string, sections: [[number, boolean][], number][], hatBpm = 0): string {
  return numpyWav(
    name,
    `
def tone(f, n):
    t = np.arange(n) / sr
    return sum(np.sin(2 * np.pi * f * h * t) / h for h in range(1, 7)) * np.exp(-t * 1.5)
sections, hat_bpm = arg
parts = []
for chords, sec in sections:
    n = int(sec * sr); x = np.zeros(n); bar = int(2 * sr); k = 0
    while k * bar < n:
        root, minor = chords[k % len(chords)]
        m = min(bar, n - k * bar)
        for p in (root + 48, root + 48 + (3 if minor else 4), root + 48 + 7, root + 60):
            x[k * bar : k * bar + m] += tone(440 * 2 ** ((p + 12 - 69) / 12), m) * 0.3
        x[k * bar : k * bar + m] += tone(440 * 2 ** ((root + 36 - 69) / 12), m) * 0.5
        k += 1
    parts.append(x)
y = np.concatenate(parts)
if hat_bpm:
    rng = np.random.default_rng(7)
    hat = rng.standard_normal(int(0.04 * sr)) * np.exp(-np.arange(int(0.04 * sr)) / sr * 120) * 1.5
    step = 60.0 / hat_bpm; b = 0
    while int(b * step * sr) < len(y):
        j = int(b * step * sr); seg = hat[: len(y) - j]; y[j : j + len(seg)] += seg; b += 1
`,
    [sections, hatBpm],
  );
}
/** I–IV–V–I in a major key whose tonic is pitch class `t` */
export const cadence = (t: number): [number, boolean][] => [[t, false], [(t + 5) % 12, false], [(t + 7) % 12, false], [t, false]];

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
 * Returns the WAV's path (made once per name). @throws Error when python3/numpy fail
 */
export function keyProgression(name: string, sections: [[number, boolean][], number][]): string {
  return numpyWav(
    name,
    `
def tone(f, n):
    t = np.arange(n) / sr
    return sum(np.sin(2 * np.pi * f * h * t) / h for h in range(1, 7)) * np.exp(-t * 1.5)
parts = []
for chords, sec in arg:
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
`,
    sections,
  );
}
/** I–IV–V–I in a major key whose tonic is pitch class `t` */
export const cadence = (t: number): [number, boolean][] => [[t, false], [(t + 5) % 12, false], [(t + 7) % 12, false], [t, false]];

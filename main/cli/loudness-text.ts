import type { LibraryTrack } from '@contract';

/**
 * The loudness as `studio analyze` prints it: "-9.8 LUFS, range 4.2 LU, true peak -0.5 dBTP". Where no integrated
 * loudness was measured it says why instead of "? LUFS, range 0 LU": under 0.4 s there is no 400 ms block for
 * BS.1770's gate to keep; longer, nothing was above its −70 LUFS gate (silence, or all but). Digital silence has no
 * true peak. A loudness range that was never measured (null: under 3 s there is no 3 s short-term window for EBU
 * Tech 3342's gates, or none passed them) is said to be absent, never "0 LU". `durationSec`: seconds; the rest as stored in the library (LUFS, LU, dBTP).
 */
export function loudnessText(t: Pick<LibraryTrack, 'lufs' | 'loudnessRange' | 'truePeak' | 'durationSec'>): string {
  const peak = t.truePeak === null ? 'none (digital silence)' : `${t.truePeak} dBTP`;
  if (t.lufs !== null) {
    const range = t.loudnessRange !== null ? `${t.loudnessRange} LU`
      : t.durationSec !== null && t.durationSec < 3 ? 'none (under 3 s: no short-term window)' : 'none (nothing passed the gates)';
    return `${t.lufs} LUFS, range ${range}, true peak ${peak}`;
  }
  if (t.truePeak === null) return 'none (digital silence)';
  const why = t.durationSec !== null && t.durationSec < 0.4 ? 'too short to measure: under 0.4 s, the block BS.1770 gates' : 'too quiet: nothing above the −70 LUFS gate';
  return `none (${why}), true peak ${peak}`;
}

import type { LibraryTrack } from '@contract';

/**
 * The loudness as `studio analyze` prints it: "-9.8 LUFS, range 4.2 LU, true peak -0.5 dBTP". Where no integrated
 * loudness was measured it says why instead of "? LUFS, range 0 LU": under 0.4 s there is no 400 ms block for
 * BS.1770's gate to keep; longer, nothing was above its −70 LUFS gate (silence, or all but). Digital silence has no
 * true peak. `durationSec`: seconds; the rest as stored in the library (LUFS, LU, dBTP).
 */
export function loudnessText(t: Pick<LibraryTrack, 'lufs' | 'loudnessRange' | 'truePeak' | 'durationSec'>): string {
  const peak = t.truePeak === null ? 'none (digital silence)' : `${t.truePeak} dBTP`;
  if (t.lufs !== null) return `${t.lufs} LUFS, range ${t.loudnessRange ?? '?'} LU, true peak ${peak}`;
  if (t.truePeak === null) return 'none (digital silence)';
  const why = t.durationSec !== null && t.durationSec < 0.4 ? 'too short to measure: under 0.4 s, the block BS.1770 gates' : 'too quiet: nothing above the −70 LUFS gate';
  return `none (${why}), true peak ${peak}`;
}

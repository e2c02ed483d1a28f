/**
 * Where the bars start in a beat grid (issue 12: downbeats drawn on the
 * waveform). The tempo analyser gives beats and the meter (beatsPerBar) but
 * not the bar's phase; as in DJ software's beat grids (Mixxx, rekordbox mark
 * bar 1 where the kick and bass land), the downbeat is taken as the phase
 * whose beats carry the most low-band energy: per beat, the largest low-band
 * (< 600 Hz) amplitude of the waveform's peaks within ±30 ms; per phase
 * k = 0 … beatsPerBar − 1, the mean over beats k, k + bpb, …; the phase with
 * the highest mean wins (the earliest on a tie).
 */

/**
 * `beats`: beat times (s); `beatsPerBar`: 3 or 4; `bands`: the peaks' band
 * maxima (Uint8, [low, mid, high] per peak, PeaksData.bands); `peaksPerSec`:
 * sample rate / samples per peak. Returns the index (0 … beatsPerBar − 1) of
 * the first downbeat in `beats`; 0 when there are fewer beats than one bar or
 * no band data.
 */
export function downbeatPhase(beats: readonly number[], beatsPerBar: number, bands: Uint8Array, peaksPerSec: number): number {
  const peaks = Math.floor(bands.length / 3);
  if (beatsPerBar < 2 || beats.length < beatsPerBar || !peaks || !(peaksPerSec > 0)) return 0;
  const w = Math.max(0, Math.round(0.03 * peaksPerSec));
  const sum = new Float64Array(beatsPerBar);
  const count = new Float64Array(beatsPerBar);
  for (let i = 0; i < beats.length; i++) {
    const c = Math.round(beats[i] * peaksPerSec);
    let low = 0;
    for (let j = Math.max(0, c - w); j <= Math.min(peaks - 1, c + w); j++) low = Math.max(low, bands[3 * j]);
    sum[i % beatsPerBar] += low;
    count[i % beatsPerBar]++;
  }
  let best = 0;
  let bestMean = -1;
  for (let k = 0; k < beatsPerBar; k++) {
    const mean = count[k] ? sum[k] / count[k] : 0;
    if (mean > bestMean + 1e-9) {
      bestMean = mean;
      best = k;
    }
  }
  return best;
}

/**
 * downbeatPhase on a track's peaks as each holder keeps them: `bands` a Uint8Array (the analyser's PeaksData, in a
 * scan) or base64 (the media cache's and the contract's Peaks); none: no band data (0, as downbeatPhase gives).
 * `peaks.sampleRate / peaks.samplesPerPeak` is the peak rate. The one way the scan (stored with the tempo,
 * TempoResult.downbeat), the track view's grid (media:beats) and the rekordbox export find bar 1.
 */
export function peaksDownbeat(beats: readonly number[], beatsPerBar: number, peaks: { bands?: Uint8Array | string; sampleRate: number; samplesPerPeak: number }): number {
  const bands = typeof peaks.bands === 'string' ? Buffer.from(peaks.bands, 'base64') : (peaks.bands ?? new Uint8Array(0));
  return downbeatPhase(beats, beatsPerBar, bands, peaks.sampleRate / peaks.samplesPerPeak);
}

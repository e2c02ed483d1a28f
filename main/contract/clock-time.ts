/** The one rule for a time or length shown (no zod here: the analysis worker threads read it, BENCHMARKS.md "Throughput (speed37)"). */
/**
 * seconds → "1:02" (minutes:seconds; "1:02:03" from an hour), with `decimals` digits of the second ("1:02.4") — the
 * one rule for a time or length shown anywhere (the track header, transport, library, `studio probe`/`analyze`):
 * CUT to the precision shown, never rounded up (players cut elapsed time), so one length reads the same at every
 * precision (3700.96 s: "1:01:40", "1:01:40.9", "1:01:40.96") and no seconds field reads 60. A float a hair under a
 * step (0.3 × 10 = 2.9999…) counts as the step. Negative or not finite → 0.
 */
export function clockTime(sec: number, decimals = 0): string {
  const unit = 10 ** decimals;
  const steps = Number.isFinite(sec) && sec > 0 ? Math.floor(sec * unit + 1e-6) : 0;
  const s = Math.floor(steps / unit);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0') + (decimals > 0 ? `.${String(steps % unit).padStart(decimals, '0')}` : '');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

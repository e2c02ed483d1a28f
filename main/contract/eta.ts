/**
 * Time left, as text: the one ETA formatter of the CLI (`studio model get`'s
 * progress line), the model panel and the library scan's progress. Shared here
 * because main/contract/ is the one place both hosts may import.
 *
 * Styles (input in seconds; null, undefined, NaN and ±Infinity are "unknown"):
 * - `clock`:   "1:02:05", "2:05", "0:00" (negative → "0:00"); unknown → "--:--" (CLI progress line, fixed width)
 * - `precise`: "1 h 2 min", "2 min 5 s", "5 s" (negative → "0 s"); unknown → "" (model panel)
 * - `rounded`: to the minute from a minute on: "1 h 2 min", "3 min"; under a minute "12 s"
 *              (at least "1 s"); unknown → "" (library scan)
 */
export type EtaStyle = 'clock' | 'precise' | 'rounded';

export function fmtEta(sec: number | null | undefined, style: EtaStyle): string {
  const known = sec !== null && sec !== undefined && Number.isFinite(sec);
  if (style === 'clock') {
    if (!known) return '--:--';
    const s = Math.max(0, Math.round(sec));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
  }
  if (!known) return '';
  if (style === 'precise') {
    const s = Math.max(0, Math.round(sec));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
  }
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  const m = Math.round(sec / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

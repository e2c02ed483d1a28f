import { MIN_CONFIDENCE, type LibraryTrack, type ScanState } from '@contract';
import { fmtTime } from './format';

/** Cell texts of the library table (and the detail panel). Missing values read as an em dash. */
const DASH = '—';

export const fmtDur = (s: number | null) => (s === null ? DASH : fmtTime(s));
export const fmtBpm = (b: number | null) => (b === null ? DASH : b.toFixed(1));
export const fmtConf = (c: number | null) => (c === null ? '' : `${Math.round(c * 100)}%`);
export const fmtDb = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? DASH : v.toFixed(digits));
export const fmtRate = (hz: number | null) => (hz === null ? DASH : hz % 1000 ? `${(hz / 1000).toFixed(1)} kHz` : `${hz / 1000} kHz`);

/** "A minor" with its Camelot and Open Key codes: "8A · 1m". */
export function keyCodes(r: Pick<LibraryTrack, 'camelot' | 'openKey'>): string {
  return [r.camelot, r.openKey].filter(Boolean).join(' · ');
}

export function titleOf(r: LibraryTrack): string {
  return r.title?.trim() || r.fileName;
}

/** seconds → "3 min", "1 h 20 min", "12 s" */
export function fmtEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '';
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  const m = Math.round(sec / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * How a tempo or key reads: `none` (the analysis found none), `uncertain`
 * (calibrated confidence under MIN_CONFIDENCE: a best guess, left out of the
 * features line, never shown as a fact) or `sure`.
 */
export type Certainty = 'none' | 'uncertain' | 'sure';
export function certainty(value: unknown, confidence: number | null): Certainty {
  if (value === null || value === undefined) return 'none';
  return confidence !== null && confidence >= MIN_CONFIDENCE ? 'sure' : 'uncertain';
}

/** The tooltip of a tempo or key cell: what the value means at its confidence. */
export function certaintyNote(what: 'tempo' | 'key', shown: string | null, confidence: number | null, reason?: string | null): string {
  const c = certainty(shown, confidence);
  if (c === 'none') return `No ${what}${reason ? `: ${reason}` : ' found'}.`;
  if (c === 'uncertain')
    return `Uncertain ${what}: best guess ${shown} at ${fmtConf(confidence) || '0%'} confidence (a stated confidence is how often such a value is right). Left out of the features line.`;
  return `${what === 'tempo' ? 'Tempo' : 'Key'} ${shown}, confidence ${fmtConf(confidence)}: right about ${fmtConf(confidence)} of the time.`;
}

/** What the scan left out, grouped by kind, in words: "2 could not be read · 1 gone (deleted, or a broken link)". */
export function problemsSummary(problems: ScanState['problems']): string {
  const groups = new Map<string, number>();
  for (const p of problems) {
    const what =
      p.code === 'UNREADABLE' ? 'could not be read'
      : p.code === 'NOT_FOUND' ? 'gone (deleted, or a broken link)'
      : p.code === 'FILE_CHANGED' ? 'changed or deleted while analysed'
      : p.code === 'BAD_ARGS' ? 'not a file or folder'
      : p.code === 'CANCELLED' ? 'not finished (cancelled)'
      : 'other errors';
    groups.set(what, (groups.get(what) ?? 0) + 1);
  }
  return [...groups].map(([what, n]) => `${n.toLocaleString()} ${what}`).join(' · ');
}

/** The reasons files were skipped, counted: "5 not audio (.txt file) · 1 not a regular file (named pipe)". */
export function skippedSummary(files: { reason: string }[]): string {
  const groups = new Map<string, number>();
  for (const f of files) groups.set(f.reason, (groups.get(f.reason) ?? 0) + 1);
  return [...groups].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n.toLocaleString()} ${why}`).join(' · ');
}

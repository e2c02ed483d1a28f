import { clockTime, countWords } from '@contract';

/**
 * A time in seconds as m:ss or h:mm:ss, or with tenths (m:ss.s): cut to the precision shown, as players show it
 * (contract clockTime, the one rule: 59.96 s is 0:59 and 0:59.9, never 1:00.0 beside 0:59).
 */
export function fmtTime(sec: number, withTenths = false): string {
  return clockTime(sec, withTenths ? 1 : 0);
}

/** A file's length (s): m:ss, with tenths under one second (a one-shot sample is "0:00.3", not "0:00"). */
export const fmtLength = (sec: number): string => fmtTime(sec, sec < 1);

/** A size in bytes: the contract's one rule (bytes.ts: decimal kB/MB/GB, "754 kB"; "—" for none), for every size the page shows. */
export { fmtBytes } from '@contract';

export function fmtHz(hz: number | undefined): string {
  if (!hz) return '—';
  return hz >= 1000 ? `${(hz / 1000).toFixed(hz % 1000 ? 1 : 0)} kHz` : `${hz} Hz`;
}

export function fmtChannels(n: number | undefined, layout?: string): string {
  if (!n) return '—';
  const name = n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} ch`;
  return layout && layout !== name ? `${name} (${layout})` : name;
}

/** Ctrl on Linux/Windows, ⌘ on macOS. */
// read through globalThis so this module also type-checks (and loads) in the Node unit tests, which have no DOM lib
export const isMac = /Mac|iPhone|iPad/.test((globalThis as { navigator?: { platform?: string } }).navigator?.platform ?? '');
export const MOD = isMac ? '⌘' : 'Ctrl';

/**
 * A file's creation time (Tags.created: ISO 8601 as its container states it) as shown: date and time to the second,
 * its zone as stated — "2024-05-01 10:00:00 UTC" for "2024-05-01T10:00:00.000000Z", "2024-05-01 12:00:00 +02:00" for
 * Apple's "2024-05-01T12:00:00+0200". Not converted to this computer's zone (the stated zone is where it was made);
 * text it cannot read is shown as written.
 */
export function fmtCreated(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(iso.trim());
  if (!m) return iso;
  const zone = m[3] === undefined ? '' : m[3] === 'Z' ? ' UTC' : ` ${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  return `${m[1]}${m[2] ? ` ${m[2]}` : ''}${zone}`;
}


/** The page's one number format for counts: the browser's locale, as the library count has always used it. */
const COUNT_FORMAT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/**
 * A count as every button, menu, dialog and toast shows it: an integer with the locale's grouping ("12,345" in
 * en-US, "12.345" in de-DE, "12 345" in fr-FR) — the library's "12,345 tracks" and "Write tags (12,345)…" alike.
 * @param n a count (a non-negative integer; a fraction is rounded as Intl.NumberFormat rounds it)
 */
export const fmtCount = (n: number): string => COUNT_FORMAT.format(n);

/**
 * A count with its noun: "1 track", "12,345 tracks" (fmtCount's grouping).
 * @param n the count; @param one the noun for exactly 1; @param many the noun for any other count (0 included)
 */
export const countOf = (n: number, one: string, many: string): string => countWords(n, one, many, fmtCount);

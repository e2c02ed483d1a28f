const UNITS = ['kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * The one rule for a size shown (file sizes, model downloads and packs, memory): decimal SI units — 1 kB = 1000 bytes,
 * 1 MB = 1000 kB — as Linux and macOS file managers, `studio model list` and the model catalogue count; one decimal
 * under 100 ("4.8 GB", "12.3 MB"), none from 100 ("754 kB"); a value that rounds to 1000 of a unit is the next unit's
 * ("1.0 MB", never "1000 kB"). The renderer (lib/format.ts), the models' state and the CLI all use it (tester20: the
 * track view said "754 KB" for 754 KiB). "—" for no value.
 */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (Math.abs(n) < 1000) return `${Math.round(n)} B`;
  let v = n / 1000;
  let i = 0;
  for (;;) {
    const text = Math.abs(v) < 99.95 ? v.toFixed(1) : v.toFixed(0);
    if (Math.abs(Number(text)) < 1000 || i === UNITS.length - 1) return `${text} ${UNITS[i]}`;
    v /= 1000;
    i++;
  }
}

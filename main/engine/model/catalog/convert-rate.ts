// How long a Get's conversion will take, for its ETA (ui35: the ETA covered the downloads only, and a Get said
// "2 min left" before a conversion of half an hour). The rate is pack bytes written per second, measured: this
// computer's last conversion at the precision (kept in the models folder), else the benchmark's.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Precision } from '@contract';

/**
 * Pack bytes per second of the TypeScript converter in BENCHMARKS.md "In-engine conversion in TypeScript (issue 9)":
 * a 0.92 GB int4 α pack in 312.6 s on the shared 2-core machine at load average 17–19 (test/bench/convert.bench.ts).
 */
export const BENCH_CONVERT_BYTES_PER_SECOND = 0.92e9 / 312.6;
/** the words beside an estimate from the benchmark's rate */
export const BENCH_CONVERT_SOURCE = 'as measured on a busy 2-core machine; most computers are faster';
/** a conversion smaller than this is not kept as this computer's rate: its fixed costs (start, hashing) dominate */
export const MIN_MEASURED_PACK_BYTES = 100e6;
const FILE = '.convert-rate.json';

type Rates = Partial<Record<Precision, { bytesPerSecond: number; packBytes: number; seconds: number; at: string }>>;

function readRates(modelsDir: string): Rates {
  try {
    const r = JSON.parse(readFileSync(join(modelsDir, FILE), 'utf8')) as unknown;
    return r && typeof r === 'object' ? (r as Rates) : {};
  } catch {
    return {};
  }
}

/**
 * The conversion of a pack of `packBytes` (the plan's estimate) at `precision`: seconds, and where the rate comes from
 * in words — this computer's last conversion at that precision (`<modelsDir>/.convert-rate.json`, written by
 * recordConvertRate), else the benchmark's (BENCH_CONVERT_BYTES_PER_SECOND). null when packBytes is not known (≤ 0).
 */
export function convertEstimate(modelsDir: string, precision: Precision, packBytes: number): { seconds: number; from: string } | null {
  if (!(packBytes > 0)) return null;
  const mine = readRates(modelsDir)[precision];
  if (mine && mine.bytesPerSecond > 0 && Number.isFinite(mine.bytesPerSecond)) return { seconds: packBytes / mine.bytesPerSecond, from: `as this computer's last ${precision} conversion` };
  return { seconds: packBytes / BENCH_CONVERT_BYTES_PER_SECOND, from: BENCH_CONVERT_SOURCE };
}

/**
 * Keep a finished conversion's rate (pack bytes written, seconds it took) as this computer's for `precision`; a pack
 * under MIN_MEASURED_PACK_BYTES is not kept. A folder that cannot be written keeps nothing (the estimate stays the
 * benchmark's).
 */
export function recordConvertRate(modelsDir: string, precision: Precision, packBytes: number, seconds: number): void {
  if (packBytes < MIN_MEASURED_PACK_BYTES || !(seconds > 0)) return;
  const rates = readRates(modelsDir);
  rates[precision] = { bytesPerSecond: packBytes / seconds, packBytes, seconds, at: new Date().toISOString() };
  try {
    writeFileSync(join(modelsDir, FILE), JSON.stringify(rates, null, 1));
  } catch {
    // not kept
  }
}

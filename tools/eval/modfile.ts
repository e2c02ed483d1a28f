/**
 * Tempo truth of a ProTracker MOD file (the 4-channel "M.K." family and its
 * 2–32 channel variants), read from the score itself: the row rate a player
 * must use. A row lasts `speed` ticks and a tick 2.5 / `bpm` seconds (ProTracker
 * CIA timing; defaults speed 6, bpm 125), so rows per minute = 24·bpm / speed.
 *
 * Only a module whose patterns in play order never change the rate is given a
 * truth: every Fxx effect must restate the same speed (xx < 0x20) or the same
 * bpm (xx ≥ 0x20), and no EEx (pattern delay) may stretch a row. The beat is
 * taken as 4 rows (the trackers' default row highlight); the file does not say
 * whether the composer counted 4 or 8 rows a beat, so only the tempo octave-free
 * scores (Acc2) may use it.
 *
 * Format: 20-byte title, 31 sample headers of 30 bytes, song length (byte 950),
 * restart (951), order table (952–1079), signature (1080–1083), then patterns of
 * 64 rows × channels × 4 bytes (effect command: low nibble of byte 2, parameter: byte 3).
 */
export interface ModTruth {
  channels: number;
  speed: number;
  bpm: number;
  rowsPerMinute: number;
  /** seconds the orders take to play once (pattern breaks and jumps ignored: an upper bound) */
  lengthSec: number;
}

const CHANNELS: Record<string, number> = { 'M.K.': 4, 'M!K!': 4, FLT4: 4, '4CHN': 4, '6CHN': 6, '8CHN': 8, FLT8: 8, OCTA: 8, CD81: 8 };

export function modTruth(b: Uint8Array): ModTruth | { reason: string } {
  if (b.length < 1084) return { reason: 'too short for a MOD' };
  const sig = String.fromCharCode(b[1080], b[1081], b[1082], b[1083]);
  const ch = CHANNELS[sig] ?? (/^\d\dCH$/.test(sig) ? Number(sig.slice(0, 2)) : /^\dCHN$/.test(sig) ? Number(sig[0]) : 0);
  if (!ch) return { reason: `not a 31-sample MOD (signature ${JSON.stringify(sig)})` };
  const songLen = b[950];
  if (!songLen || songLen > 128) return { reason: 'bad song length' };
  const orders = Array.from(b.subarray(952, 952 + songLen));
  const patBytes = 64 * ch * 4;
  let speed = 6;
  let bpm = 125;
  const speeds = new Set<number>();
  const bpms = new Set<number>();
  let rows = 0;
  for (const p of orders) {
    const base = 1084 + p * patBytes;
    if (base + patBytes > b.length) return { reason: `pattern ${p} past the end of the file` };
    for (let r = 0; r < 64; r++) {
      rows++;
      for (let c = 0; c < ch; c++) {
        const o = base + (r * ch + c) * 4;
        const cmd = b[o + 2] & 0x0f;
        const prm = b[o + 3];
        if (cmd === 0x0f && prm > 0) {
          if (prm < 0x20) speeds.add(prm);
          else bpms.add(prm);
        }
        if (cmd === 0x0e && prm >> 4 === 0x0e && (prm & 0x0f) > 0) return { reason: 'pattern delay (EEx) stretches rows' };
      }
    }
  }
  if (speeds.size > 1) return { reason: `${speeds.size} different speeds` };
  if (bpms.size > 1) return { reason: `${bpms.size} different bpm` };
  if (speeds.size) speed = [...speeds][0];
  if (bpms.size) bpm = [...bpms][0];
  const rowsPerMinute = (24 * bpm) / speed;
  return { channels: ch, speed, bpm, rowsPerMinute, lengthSec: (rows / rowsPerMinute) * 60 };
}

/**
 * Windows-1252, the legacy 8-bit text of ID3v1 tags, WAV LIST/INFO chunks and
 * AIFF text chunks written by old Windows and Mac software: Latin-1 with
 * printable characters (“ ” – ™ € …) in 0x80–0x9F. The table is the WHATWG
 * Encoding Standard's index-windows-1252 for those 32 bytes (five are
 * undefined there and map to the C1 control of the same number, as WHATWG
 * decoders do). Own code because Node 20's TextDecoder('windows-1252') drops
 * those bytes (it takes its Latin-1 fast path).
 */
const C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Bytes as Windows-1252 text (every byte is one character). */
export function decodeCp1252(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    const part = bytes.subarray(i, i + 4096);
    s += String.fromCharCode(...Array.from(part, (b) => (b >= 0x80 && b <= 0x9f ? C1[b - 0x80] : b)));
  }
  return s;
}

/**
 * Text bytes as UTF-8 where they are valid UTF-8, else as Windows-1252 (the "ANSI" code page old Windows software
 * saved plain text in: a Winamp .m3u/.pls, an old LRC editor's .lrc). A UTF-8 byte-order mark is kept (callers drop
 * it). Used by library/m3u8.ts playlistText and media/lyrics.ts decodeLrc.
 */
export function decodeUtf8OrCp1252(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeCp1252(bytes);
  }
}


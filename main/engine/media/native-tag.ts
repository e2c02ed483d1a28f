/**
 * The name of a native tag as music-metadata lists it (IAudioMetadata.native[format][i].id), without the target a
 * Matroska tag is listed under: "track:BPM", "album:LYRICS", "segment:title" → "BPM", "LYRICS", "title" (Matroska
 * tags carry a target level, 50 album / 30 track …, which music-metadata puts before the name). Other formats' ids are
 * kept whole (an iTunes "----:com.apple.iTunes:initialkey", an ID3 "TXXX:BPM"). Pure.
 */
export function nativeTagName(format: string, id: string): string {
  return format === 'matroska' ? id.slice(id.lastIndexOf(':') + 1) : id;
}

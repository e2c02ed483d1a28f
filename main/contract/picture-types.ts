/* No zod here: the analysis worker threads read PICTURE_TYPES (media/probe.ts; BENCHMARKS.md "Throughput (speed37)"). */

/**
 * The picture types of ID3v2 APIC (ID3v2.4 native frames §4.14), which FLAC's METADATA_BLOCK_PICTURE and Vorbis
 * comments share, by code (index) and standard name — the names ffmpeg states as an attached picture's comment
 * (libavformat id3v2.c ff_id3v2_picture_types) and music-metadata as IPicture.type. `studio probe` shows the code
 * beside the name.
 */
export const PICTURE_TYPES = [
  'Other', "32x32 pixels 'file icon'", 'Other file icon', 'Cover (front)', 'Cover (back)', 'Leaflet page', 'Media (e.g. label side of CD)',
  'Lead artist/lead performer/soloist', 'Artist/performer', 'Conductor', 'Band/Orchestra', 'Composer', 'Lyricist/text writer',
  'Recording Location', 'During recording', 'During performance', 'Movie/video screen capture', 'A bright coloured fish',
  'Illustration', 'Band/artist logotype', 'Publisher/Studio logotype',
] as const;

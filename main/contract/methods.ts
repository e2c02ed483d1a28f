import { z } from 'zod';
import { ErrorCode } from './error-schemas';
import { BpmRange } from './bpm-range';
import { TempoSection } from './tempo-sections';
import { KeySection } from './key-sections';

/**
 * The one IPC contract. Every method the renderer (or CLI) can call is listed
 * here once, with the schema of its arguments (validated by the receiver) and
 * of its result. Names follow `domain:verb-noun`.
 *
 * - `host: 'engine'` — handled by the engine process (forwarded by main or by
 *   `studio serve`); `host: 'shell'` — handled by the Electron shell itself
 *   (native dialogs), unavailable in web mode.
 * - `progress: true` — the handler may emit progress events for the call.
 * - `tokens: true` — the handler streams answer text (WireToken messages,
 *   `onToken` on the calling side) before the result arrives.
 * - `cancellable: true` — the caller may cancel; the handler stops its work and
 *   the call rejects with CANCELLED.
 * - `exposed: false` — internal to the hosts (main / serve), never callable
 *   from the renderer.
 */

/**
 * An absolute file path: POSIX (`/…`), Windows drive (`C:\…`, `C:/…`) or UNC
 * (`\\server\share`). Relative paths are refused here, at the channel, since
 * the engine's working folder is not the caller's (issue 15). Checked by
 * shape, not with node:path, because the renderer parses the contract too.
 * A path holding a NUL byte is refused too.
 */
const AbsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || /^\\\\[^\\]/.test(p), {
    message: 'must be an absolute path (such as /home/me/Music/song.flac or C:\\Music\\song.flac); relative paths are refused: resolve them against your own working folder first',
  })
  // A NUL byte ends a path for the OS, so no file or folder has one in its name: refused here with a message that
  // says so, not by node:fs deep in a handler with its raw ERR_INVALID_ARG_VALUE text (tester14)
  .refine((p) => !p.includes('\0'), { message: 'contains a NUL byte (\\0), which no file or folder name can hold: send the path without it' });
const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed id');

/** A UTF-16 surrogate without its partner: no Unicode character, written to UTF-8 (SQLite, the tokenizer) as U+FFFD or worse. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Text for the model (the input text with placeholders): valid Unicode, at most 8000 characters (code points). A lone
 * surrogate (JSON `"\ud800"` from a client) was stored in the thread as three U+FFFD and tokenised as
 * something else again (tester18): refused here, at the channel.
 */
/**
 * The longest question (and input text) the channel takes, in characters: Unicode code points (textLength), what the
 * chat pane counts too — it counted UTF-16 units and called them characters, so 5000 emoji were "10000 characters"
 * (tester25).
 */
export const MAX_INSTRUCTION_CHARS = 8000;

/** A text's length in characters: Unicode code points (an emoji outside the BMP is one, not JavaScript's two units). */
export function textLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const ModelText = z
  .string()
  // a code point is one or two units: a string of at most MAX units is short enough, one of more than twice is not
  .refine((s) => s.length <= MAX_INSTRUCTION_CHARS || (s.length <= 2 * MAX_INSTRUCTION_CHARS && textLength(s) <= MAX_INSTRUCTION_CHARS), {
    message: `is longer than ${MAX_INSTRUCTION_CHARS} characters: shorten it`,
  })
  .refine((s) => !LONE_SURROGATE.test(s), {
    message: 'is not valid Unicode: it holds a lone surrogate (\\uD800–\\uDFFF without its pair); send the text as UTF-8',
  });
/** The question: ModelText with something in it — an empty or all-blank one is refused before it is stored in the thread. */
const Instruction = ModelText.refine((s) => s.trim() !== '', { message: 'is empty: ask something' });

// ---- shared shapes ---------------------------------------------------------

/** one version of a track's lyrics (Tags.lyrics; main/engine/media/lyrics.ts) */
const LyricsVersion = z.object({
  text: z.string(),
  lines: z.array(z.object({ startSec: z.number(), text: z.string() })).optional(),
  language: z.string().optional(),
  description: z.string().optional(),
  source: z.enum(['tags', 'lrc']),
  lrcFile: z.string().optional(),
});

export const Tags = z.object({
  title: z.string().optional(),
  artist: z.string().optional(),
  album: z.string().optional(),
  albumArtist: z.string().optional(),
  year: z.number().optional(),
  genre: z.array(z.string()).optional(),
  trackNo: z.number().optional(),
  comment: z.string().optional(),
  /**
   * the tempo another program wrote into the file (ID3v2 TBPM, a Vorbis comment's or APEv2's BPM, MP4's tmpo atom), in
   * BPM as written ("128.00" → 128); absent when there is none or it is not a positive number. Not the studio's analysis
   */
  bpm: z.number().optional(),
  /**
   * the key another program wrote (ID3v2 TKEY, a Vorbis comment's or APEv2's INITIALKEY, iTunes' initialkey), as the
   * studio names keys ("A minor", analysis/keys.ts keyName): parsed from Camelot ("8A"), Open Key ("1m") or a
   * standard name ("Am", "F minor"); absent when the text is no key the studio reads (keyText keeps it)
   */
  key: z.string().optional(),
  /** that key tag's text exactly as written ("8A", "1m", "Am", "Energy 6"), whether or not it parsed */
  keyText: z.string().optional(),
  /**
   * when the file was created, as its container states it (ISO 8601, exactly as written): Apple's
   * com.apple.quicktime.creationdate (local time with its UTC offset: iPhone videos and recordings), else the
   * container's creation_time as ffmpeg reads it (MP4/MOV mvhd: phones, cameras, encoders; Matroska DateUTC: the muxing
   * time). When a phone or camera recorded it — or when a program wrote the file. Absent when not stated, not a date, or
   * before 1971 (a zeroed clock)
   */
  created: z.string().optional(),
  /**
   * a WAV's Broadcast Wave chunk (EBU Tech 3285 "bext": field recorders, DAWs), the fields that are not blank, their
   * text exact (CR/LF kept): ffprobe names them comment (the description), encoded_by (originator),
   * originator_reference, date, creation_time, time_reference, umid, coding_history. `timeReference`: the first
   * sample's count since midnight (divide by the sample rate for the time of day); `umid` in hex ("0x…")
   */
  broadcast: z
    .object({
      description: z.string().optional(),
      originator: z.string().optional(),
      originatorReference: z.string().optional(),
      originationDate: z.string().optional(),
      originationTime: z.string().optional(),
      timeReference: z.number().optional(),
      umid: z.string().optional(),
      codingHistory: z.string().optional(),
    })
    .optional(),
  /**
   * ReplayGain as another program wrote it (replay-gain.ts TaggedReplayGain: REPLAYGAIN_TRACK_GAIN / _PEAK, _ALBUM_
   * GAIN / _PEAK and REPLAYGAIN_REFERENCE_LOUDNESS in ID3v2 TXXX, APEv2, Vorbis comments or MP4 freeform atoms; an Opus
   * file's R128_TRACK_GAIN / R128_ALBUM_GAIN, and its Opus header's output gain where not 0, `opusOutputGainDb`, which
   * every decoder applies and the R128 gains are on top of): gains in dB, peaks as a fraction of full scale. Absent
   * when none is written; a value that is not a number is left out
   */
  replayGain: z
    .object({
      trackGainDb: z.number().optional(),
      trackPeak: z.number().optional(),
      albumGainDb: z.number().optional(),
      albumPeak: z.number().optional(),
      reference: z.string().optional(),
      r128TrackGainDb: z.number().optional(),
      r128AlbumGainDb: z.number().optional(),
      opusOutputGainDb: z.number().optional(),
    })
    .optional(),
  /**
   * the track's lyrics (main/engine/media/lyrics.ts): `text` line by line (\n), the timed `lines` where they are
   * synchronised (ID3v2 SYLT, LRC: `startSec` seconds from the audio's start, in time order), `language` as the tag or
   * LRC names it ("eng"), `description` the frame's content descriptor where not blank, `source` the file's own tags
   * or an LRC file beside it (`lrcFile` its name). `others`: the versions not shown, in the same shape — another
   * language's USLT frame (a file tagged eng + deu + jpn), plain lyrics beside timed ones, the tags' beside the LRC
   * file shown. Absent when none
   */
  lyrics: LyricsVersion.extend({ others: z.array(LyricsVersion).optional() }).optional(),
});
export type Tags = z.infer<typeof Tags>;

export const StreamInfo = z.object({
  index: z.number(),
  type: z.enum(['audio', 'video', 'subtitle', 'data', 'attachment']),
  codec: z.string(),
  /** audio: the file's sample rate (DSD: the 1-bit rate, 2 822 400 Hz for DSD64) */
  sampleRate: z.number().optional(),
  /** audio where it differs from sampleRate: the PCM rate it is decoded and analysed at (DSD: ffmpeg's dsd decoders give rate / 8) */
  decodedSampleRate: z.number().optional(),
  channels: z.number().optional(),
  channelLayout: z.string().optional(),
  /** video */
  width: z.number().optional(),
  height: z.number().optional(),
  fps: z.number().optional(),
  /** display-matrix rotation in degrees as ffmpeg states it (phone video): players show it turned, the stored pixels are width × height */
  rotation: z.number().optional(),
  /** sample (pixel) aspect ratio where it is not 1 (anamorphic video: DV, DVD, HDV): players show width × sampleAspect wide; the stored pixels are width × height */
  sampleAspect: z.number().optional(),
  /** an attached picture (cover art) stored as a video stream */
  attachedPic: z.boolean().optional(),
  /**
   * an attached picture's type as the file states it: the ID3v2 APIC / FLAC METADATA_BLOCK_PICTURE picture type,
   * by its standard name (PICTURE_TYPES: "Cover (front)" is 3, "Cover (back)" 4); absent where the container has
   * none (MP4 covr, a Matroska attachment)
   */
  pictureType: z.string().optional(),
  bitrateKbps: z.number().optional(),
  /** the display matrix mirrors the picture (a flip, with or without `rotation`; MP4/MOV tkhd): players show it flipped — ffmpeg states only a rotation */
  mirrored: z.boolean().optional(),
  /** disposition as ffmpeg states it: "(default)", and "(hearing impaired)" / "(visual impaired)" — what av_find_best_stream ranks by (media/probe.ts bestStream) */
  isDefault: z.boolean().optional(),
  impaired: z.boolean().optional(),
  /**
   * audio that a tracker module's demuxer renders (ffmpeg's libopenmpt: .mod, .xm, .it, .s3m …): the module's format
   * ("ProTracker MOD", "FastTracker 2 XM"; media/tags.ts trackerModule), shown for the codec — `codec` is then the PCM
   * libopenmpt renders ("pcm_f32le"), which the proxy and the decoders go by
   */
  module: z.string().optional(),
});
export type StreamInfo = z.infer<typeof StreamInfo>;

/**
 * A stream's codec as shown (`studio probe`, the track's details): the codec ffmpeg names, or for a tracker module's
 * rendered audio (`module`) the module's format with the PCM it is rendered as — "ProTracker MOD (rendered as pcm_f32le)".
 */
export function codecText(s: Pick<StreamInfo, 'codec' | 'module'>): string {
  return s.module ? `${s.module} (rendered as ${s.codec})` : s.codec;
}

/**
 * A chapter as the container states it (MP4/M4B chapter track or Nero chpl, Matroska Chapters, ID3v2 CHAP frames of
 * an MP3 podcast, Vorbis comments CHAPTERxxx): seconds from the start, as ffmpeg reads them (`ffmpeg -i`: "Chapter
 * #0:N: start S, end E" and its title).
 */
export const Chapter = z.object({
  startSec: z.number(),
  endSec: z.number(),
  /** the chapter's title tag, if it has one */
  title: z.string().optional(),
});
export type Chapter = z.infer<typeof Chapter>;

export const ProbeResult = z.object({
  path: z.string(),
  sizeBytes: z.number(),
  container: z.string(),
  durationSec: z.number(),
  /** true when durationSec is the container's estimate (from the first frames' bitrate) and nothing better could be measured */
  durationEstimated: z.boolean().optional(),
  /**
   * seconds the video's picture runs to (the container's Duration, the longest stream's), present only where it runs
   * past the audio (durationSec: the track's length, what is analysed): a phone clip or an export with a shorter
   * soundtrack. The player and the filmstrip show the picture to this length, in silence after durationSec.
   */
  videoDurationSec: z.number().optional(),
  /**
   * seconds the file's header states where that is not what decodes (durationSec): a download cut short whose
   * Xing/STREAMINFO/WAV header still counts the whole, a wrong header, an MP3 with no frame count whose length ffmpeg
   * estimated from the first frames' bitrate. Present only then, beside the warning that says so. A player that
   * believes the header (Chromium) runs to this length, so such a file plays from a proxy (media/playable.ts).
   */
  statedDurationSec: z.number().optional(),
  /** the audio's bitrate (kb/s), without embedded cover art; measured over every frame where the stream's header only gives the first frames' */
  bitrateKbps: z.number().optional(),
  /** the whole file's bitrate (kb/s): its size over the duration — video, cover art and tags included */
  overallBitrateKbps: z.number().optional(),
  streams: z.array(StreamInfo),
  /**
   * the audio stream read (codec, sample rate, channels), if any: the one libavformat's av_find_best_stream picks
   * (bestStream: the first audio stream, unless a later one is flagged default) — what analysis, waveform, playback and the model read
   */
  audio: StreamInfo.optional(),
  /** the video stream players show (not an attached picture): the one libavformat's av_find_best_stream picks (bestStream), if any */
  video: StreamInfo.optional(),
  tags: Tags,
  hasCoverArt: z.boolean(),
  /** the file's chapters in order of their start (an audiobook's, a DJ mix's, a podcast's), present only where it has some */
  chapters: z.array(Chapter).optional(),
  /**
   * non-fatal findings, one sentence each: where music-metadata and ffmpeg disagreed and
   * which was taken (tags misread, an extension that names another container, an estimated
   * duration, a bitrate that counted the cover art), "duration unknown", "tags unreadable"
   */
  warnings: z.array(z.string()),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

export const Track = z.object({
  id: Id,
  path: z.string(),
  fileName: z.string(),
  kind: MediaKind,
  probe: ProbeResult,
  /** where the cover shown beside the track comes from */
  cover: z.enum(['none', 'embedded', 'attached']),
  /** the id to use with the media URL for the cover image ("cover/<id>") */
  coverVersion: z.number(),
  openedAt: z.number(),
});
export type Track = z.infer<typeof Track>;

export const Peaks = z.object({
  trackId: Id,
  durationSec: z.number(),
  sampleRate: z.number(),
  /** samples of the decoded mono signal per peak */
  samplesPerPeak: z.number(),
  /** base64 of little-endian Float32: interleaved [min0, max0, min1, max1, …] in −1…1 */
  minMax: z.string(),
  /** base64 of Uint8 per peak [low, mid, high]: each band's largest |amplitude| (0…255 = 0…full scale); WaveBands */
  bands: z.string().optional(),
  /** decoding stopped early (truncated / corrupt data); the peaks cover what decoded */
  warning: z.string().optional(),
});
export type Peaks = z.infer<typeof Peaks>;

export const Spectrogram = z.object({
  trackId: Id,
  durationSec: z.number(),
  sampleRate: z.number(),
  /** columns (time) × rows (frequency bins, low → high) */
  columns: z.number(),
  rows: z.number(),
  /** the highest frequency of the top row (Hz) */
  maxFreqHz: z.number(),
  /** frequency axis scale */
  scale: z.enum(['mel']),
  /** base64 of Uint8 magnitudes (0 = floor dB … 255 = 0 dB), column-major: column c, row r at c*rows + r */
  data: z.string(),
  floorDb: z.number(),
});
export type Spectrogram = z.infer<typeof Spectrogram>;

/**
 * Detail of a time range of the waveform at the zoom's resolution (issue 12
 * defect 7): peaks and mel spectrogram columns of the same 16 kHz mono signal
 * as the overview (`Peaks`, `Spectrogram`), on sample boundaries:
 * peak j = min/max of samples [startSample + j·samplesPerPeak, …),
 * column j = the frame whose window starts at startSample + j·hop.
 */
export const WaveRange = z.object({
  trackId: Id,
  /** Hz of the signal (16000) */
  sampleRate: z.number(),
  /** the range computed, widened to whole peaks/columns and cut at the end of the track (samples; end exclusive) */
  startSample: z.number(),
  endSample: z.number(),
  /** the same in seconds (startSample / sampleRate, …) */
  startSec: z.number(),
  endSec: z.number(),
  /** samples per min/max pair (a power of two) */
  samplesPerPeak: z.number(),
  /** base64 of little-endian Float32: interleaved [min0, max0, …] in −1…1 */
  minMax: z.string(),
  /** per peak [low, mid, high] as Peaks.bands */
  bands: z.string().optional(),
  spectrogram: z.object({
    /** samples between columns (a power of two) */
    hop: z.number(),
    fftSize: z.number(),
    columns: z.number(),
    rows: z.number(),
    maxFreqHz: z.number(),
    scale: z.enum(['mel']),
    floorDb: z.number(),
    /** base64 of Uint8 (0 = floorDb … 255 = 0 dB), column-major, as Spectrogram.data */
    data: z.string(),
  }),
});
export type WaveRange = z.infer<typeof WaveRange>;

export const FilmstripFrame = z.object({
  timeSec: z.number(),
  /** use with the media URL: "frame/<frameId>" */
  frameId: z.string(),
});
export const Filmstrip = z.object({
  trackId: Id,
  width: z.number(),
  height: z.number(),
  frames: z.array(FilmstripFrame),
});
export type Filmstrip = z.infer<typeof Filmstrip>;

export const RecentEntry = z.object({
  trackId: Id,
  path: z.string(),
  fileName: z.string(),
  kind: MediaKind,
  title: z.string().optional(),
  artist: z.string().optional(),
  lastOpenedAt: z.number(),
  missing: z.boolean(),
});
export type RecentEntry = z.infer<typeof RecentEntry>;

export const DirEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['dir', 'file']),
  /** a file whose extension the studio opens */
  openable: z.boolean(),
  sizeBytes: z.number().optional(),
});
export const DirListing = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(DirEntry),
  /** entries left out: not readable (permission, a broken link), a name that is not UTF-8, not a file or folder (a named pipe) */
  skipped: z.number(),
  /** the first of those (at most 50), each with why, in words with what to do ("a broken link: its target is gone") */
  skippedEntries: z.array(z.object({ name: z.string(), reason: z.string() })).max(50).optional(),
  /**
   * web mode (`studio serve`): the folders it may reach (each --root, or the music folder and the library's), which the
   * browser offers where Up stops — the second root was reachable only by typing its path (tester33). Absent in the
   * desktop app and the CLI, which reach every folder
   */
  roots: z.array(z.string()).optional(),
});
export type DirListing = z.infer<typeof DirListing>;

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  homeDir: z.string(),
  ffmpeg: z.object({
    path: z.string().nullable(),
    source: z.enum(['env', 'ffmpeg-static', 'path', 'missing']),
    version: z.string().nullable(),
    error: z.string().optional(),
  }),
  engine: z.object({ pid: z.number(), restarts: z.number(), startedAt: z.number() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const ProviderName = z.enum(['cuda', 'webgpu', 'dml', 'coreml', 'cpu']);
export const ProviderChoice = z.enum(['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu']);
export type ProviderChoice = z.infer<typeof ProviderChoice>;
export const Fallback = z.object({ provider: z.string(), reason: z.string() });

export const ModelStatus = z.object({
  installed: z.boolean(),
  /** shown plainly in the chat pane */
  message: z.string(),
  /**
   * the heading `message` starts with, where the chat pane shows the rest under it (no pack chosen: "No DeepResonance
   * model pack is installed."); absent: `message` is shown whole. A field, so no reader cuts the text at a ". "
   */
  messageHead: z.string().optional(),
  packPath: z.string().nullable(),
  /**
   * the chosen pack's folder is gone (moved or deleted) while a model loaded from it is in memory: it still answers,
   * until unloaded; these words say so and what to do (model40). Absent otherwise; once unloaded, `installed` is false
   * and `message` says the folder is gone
   */
  packGone: z.string().optional(),
  pack: z
    .object({ name: z.string(), model: z.string(), variant: z.enum(['alpha', 'beta']), dtype: z.string(), llmQuant: z.string() })
    .nullable(),
  provider: z.object({
    requested: ProviderChoice,
    /** what runs the model now (null until loaded) */
    active: z.string().nullable(),
    /** providers tried first and why they were not used (announced, never silent) */
    fallbacks: z.array(Fallback),
  }),
});
export type ModelStatus = z.infer<typeof ModelStatus>;

/**
 * The model's memory (issue 12, "the model's memory use shown"), read by `model:memory`.
 * Bytes throughout. onnxruntime-node reports no allocation figures, so the
 * engine process's own counters stand for "resident", and the weights are the
 * pack manifest's sizes of the graph files (plus external data) of the loaded sessions.
 */
export const ModelMemory = z.object({
  /** the engine process (process.memoryUsage): resident set, V8 heap in use, memory outside the V8 heap that V8 knows of (ArrayBuffers); onnxruntime's own buffers count in rss only */
  engine: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), externalBytes: z.number(), pid: z.number() }),
  /** the loaded pack's sessions; null when none is loaded (never loaded, or unloaded) */
  loaded: z
    .object({
      packPath: z.string(),
      name: z.string(),
      provider: z.string(),
      /** one per onnxruntime session: the graph and its weights' bytes on disk (graph file + external data) */
      sessions: z.array(z.object({ graph: z.string(), weightBytes: z.number() })),
      /** sum of sessions[].weightBytes */
      weightBytes: z.number(),
      /** embed_tokens.bin: read from disk per token, not held in memory */
      embedTableBytes: z.number(),
      /** projected media kept for follow-up questions (the embedding cache) */
      mediaCacheBytes: z.number(),
      /** engine rss just before the load began, and just after it ended */
      rssBeforeLoadBytes: z.number(),
      rssAfterLoadBytes: z.number(),
      loadedAt: z.number(),
    })
    .nullable(),
});
export type ModelMemory = z.infer<typeof ModelMemory>;

export const Region = z.tuple([z.number().min(0), z.number().min(0)]).refine(([a, b]) => b > a, 'a region ends after it starts');

/** What the model sees with a question, as chosen in the chat pane. */
export const ChatAttachments = z
  .object({
    /** the track's audio: whole (no region) or the selected region in seconds */
    audio: z.object({ region: Region.optional() }).strict().nullable(),
    /** the cover shown beside the track, or an image file */
    image: z.union([z.literal('cover'), z.object({ path: AbsPath }).strict()]).nullable(),
    /** the track's video (video tracks only) */
    video: z.boolean(),
    /** input text (Any2T style, e.g. the analysis' textual features); media placeholders are added after it */
    inputText: z.string().max(4000).optional(),
  })
  .strict();
export type ChatAttachments = z.infer<typeof ChatAttachments>;

export const GenerationOptions = z
  .object({
    greedy: z.boolean().optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    maxNewTokens: z.number().int().min(1).max(2048).optional(),
    /**
     * Hugging Face generate()'s min_new_tokens, in model tokens (not characters or words):
     * the pack's EOS and single-token stop ids are not picked before this many new tokens
     * (default 0). max_new_tokens, the model's last position, Stop, and the answer terminator
     * ("\n###") spelled over several tokens still end an answer, so it can be shorter.
     */
    minNewTokens: z.number().int().min(0).max(2048).optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().gt(0).max(1).optional(),
  })
  .strict();

/**
 * The question and media were longer than the model reads (`prompt.max_length` embeddings, 512 in the
 * reference): `tokens` is the prompt's length before it was cut to `maxLength` as the reference cuts it
 * (its end, the instruction's last words and "### Assistant:", is what goes). See promptCutText().
 */
export const PromptCut = z.object({ tokens: z.number().int(), maxLength: z.number().int() });
export type PromptCut = z.infer<typeof PromptCut>;

/** What the user is told when the prompt was cut (the chat pane's note, `studio ask`'s). */
export function promptCutText(c: PromptCut): string {
  return `The question and its media came to ${c.tokens} tokens but DeepResonance reads ${c.maxLength}, so the last ${c.tokens - c.maxLength} were cut (as the reference code does) and the answer may not follow the question: ask a shorter question.`;
}

/**
 * Why an answer ended: 'stop' (a stop id or the answer terminator "\n###"), 'eos', 'max_new_tokens' (the
 * answer reached the Max new tokens asked for: more would let it go on), 'context' (the model's context
 * window, the pack's llm.max_position_embeddings, is full with the prompt and the answer: the answer can be
 * no longer, whatever Max new tokens says), 'cancelled' (Stop).
 */
export const StoppedBy = z.enum(['stop', 'eos', 'max_new_tokens', 'context', 'cancelled']);
export type StoppedBy = z.infer<typeof StoppedBy>;

export const AnswerStats = z.object({
  provider: z.string(),
  firstTokenMs: z.number(),
  tokensPerSec: z.number(),
  tokens: z.number(),
  stoppedBy: StoppedBy,
  timings: z.record(z.string(), z.number()),
  /** set when the prompt was longer than the model reads and was cut */
  promptCut: PromptCut.optional(),
});

export const ChatMessage = z.object({
  id: Id,
  trackId: Id,
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: z.number(),
  /** user messages: what went in (input text, media with regions) */
  inputs: z
    .object({
      input: z.string(),
      media: z.array(z.object({ kind: z.enum(['audio', 'image', 'video']), source: z.string(), region: Region.optional(), tokens: z.number() })),
      /** the video's frames and the audio heard cover different spans: which each covers (AskResult inputs.spanNote) */
      spanNote: z.string().optional(),
    })
    .optional(),
  attachments: ChatAttachments.optional(),
  /** assistant messages: the id of the question answered */
  replyTo: Id.optional(),
  /**
   * 'streaming': being written (also after the page that asked went away: the
   * engine finishes it); 'interrupted': the engine stopped while writing it
   * (`text` is what was written, `error` says why)
   */
  status: z.enum(['streaming', 'done', 'stopped', 'error', 'interrupted']).optional(),
  error: z.string().optional(),
  stats: AnswerStats.optional(),
  pack: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/**
 * The reasons kept with an answer marked 'interrupted' (ChatMessage.error), written by the engine when it starts and
 * finds answers still 'streaming' (main/engine/chat/service.ts): `restarted` — the engine host started it again after
 * it stopped (a crash, a kill) while the app or `studio serve` ran on; `appStopped` — the app or `studio serve` itself
 * stopped and was started again; `unstated` — what 'interrupted' means where a record states no reason
 * (interruptedNote). Each is a whole sentence, shown after "Interrupted: ".
 */
export const ANSWER_INTERRUPTED = {
  restarted: 'The engine stopped while this answer was being written and was restarted; ask again.',
  appStopped: 'Resonance Studio stopped while this answer was being written; ask again.',
  unstated: 'The engine stopped while this answer was being written; ask again.',
} as const;

/** The note under an 'interrupted' answer (the chat pane's "Interrupted: …"): its recorded reason, else ANSWER_INTERRUPTED.unstated. Pure. */
export function interruptedNote(m: Pick<ChatMessage, 'error'>): string {
  return m.error?.trim() ? m.error : ANSWER_INTERRUPTED.unstated;
}

/**
 * What the model was given of one attached file, as the media processors read it (main/engine/model/processors.ts),
 * not a second decode. Each field is present where it applies to the kind:
 * - audio (also a video's soundtrack): container, seconds, sampleRate, channels, clips
 * - image: container, width, height
 * - video: container, width, height, frames, videoFrames, seconds
 */
export const AskMediaFacts = z.object({
  /** the container as `studio probe` names it (ProbeResult.container: "mp3", "flac", "m4a", "webp_pipe", …); absent where no ffmpeg demuxer read the file (a PNM or Sun raster read here) */
  container: z.string().optional(),
  /** audio: seconds of audio decoded and given to the model (the --region's, when one was chosen), frames ÷ sampleRate; video: the frames the stream holds ÷ its frame rate */
  seconds: z.number().optional(),
  /** audio: the decoded sample rate (Hz) before the model's resample to 16 kHz */
  sampleRate: z.number().optional(),
  /** audio: channels decoded (all of them: the clip mean is over all, the fbank of the first, as the reference reads) */
  channels: z.number().optional(),
  /** audio: the 2 s ImageBind clips cut from it (the pack's media.audio.clips, 3 in DeepResonance) */
  clips: z.number().optional(),
  /** image/video: pixels across and down of the frames the model's preprocessing reads (a video's stored size, unrotated, as decord reads it; an image's first frame as Pillow reads it), before the 224 × 224 resize/crop */
  width: z.number().optional(),
  height: z.number().optional(),
  /** video: frames the model is given (5 clips × 2 frames) */
  frames: z.number().optional(),
  /** video: frames the video stream holds (counted as decoded) */
  videoFrames: z.number().optional(),
});
export type AskMediaFacts = z.infer<typeof AskMediaFacts>;

export const AskResult = z.object({
  answer: z.string(),
  tokenIds: z.array(z.number()),
  stoppedBy: StoppedBy,
  provider: z.string(),
  fallbacks: z.array(Fallback),
  inputs: z.object({
    /** the input text with its <Audio>/<Image>/<Video> placeholders, as given or defaulted (one placeholder per medium, in that order) */
    input: z.string(),
    /** the text the model reads around the media: `input` with each placeholder filled by the medium it stands for, "<Audio: song.mp3>", and an empty input as the pack's empty_input_replacement */
    inputText: z.string(),
    instruction: z.string(),
    /** each attachment in prompt (placeholder) order; `path` the file read; `tokens` its rows in the prompt; `cached`: the rows came from the media cache (the facts too, as stored with them; absent for an entry cached before they were stored) */
    media: z.array(
      z.object({ kind: z.enum(['audio', 'image', 'video']), source: z.string(), path: z.string(), region: Region.optional(), tokens: z.number(), cached: z.boolean() }).merge(AskMediaFacts),
    ),
    /** where a video's frames and the audio heard of it cover different spans (its audio ends first, or a region): which each covers (media-spans.ts mediaSpanNote); absent where they agree */
    spanNote: z.string().optional(),
  }),
  timings: z.record(z.string(), z.number()),
  /** set when the prompt was longer than the model reads and was cut (promptCutText() says so) */
  promptCut: PromptCut.optional(),
});


export const ResolvedMedia = z.object({
  path: z.string(),
  mime: z.string(),
  /** realpath recorded when the file was opened; the server re-checks it */
  realPath: z.string(),
  /** size (bytes) and mtime (ms) pinned when the file was opened or attached (cache files: when resolved); the server refuses a file that differs */
  size: z.number(),
  mtimeMs: z.number(),
  /** inode pinned with them, where known */
  ino: z.number().optional(),
});
export type ResolvedMedia = z.infer<typeof ResolvedMedia>;


// ---- library (folders, scan, analysis) -------------------------------------

export const LibraryFolder = z.object({
  id: Id,
  path: z.string(),
  addedAt: z.number(),
  /** missing or unreadable folders are kept (and reported) until removed */
  status: z.enum(['ok', 'missing', 'unreadable']),
  trackCount: z.number(),
  watching: z.boolean(),
});
export type LibraryFolder = z.infer<typeof LibraryFolder>;

/** One row of the library table: tags, format and the analysis summary. */
export const LibraryTrack = z.object({
  id: Id,
  path: z.string(),
  fileName: z.string(),
  folderId: Id.nullable(),
  /**
   * the folder the file is in, relative to its library folder ("" directly in it, "Artist/Album" below it, the path's
   * own separators), or the whole folder outside any library folder: the table's Folder column. Rows read from the
   * library (query, detail, export); absent in rows made otherwise
   */
  folder: z.string().optional(),
  title: z.string().nullable(),
  artist: z.string().nullable(),
  album: z.string().nullable(),
  genre: z.string().nullable(),
  year: z.number().nullable(),
  durationSec: z.number().nullable(),
  sampleRate: z.number().nullable(),
  channels: z.number().nullable(),
  codec: z.string().nullable(),
  bitrateKbps: z.number().nullable(),
  sizeBytes: z.number(),
  bpm: z.number().nullable(),
  /**
   * the whole-track tempo (BPM) as analysed, sent only where `bpm` is it folded into the BPM range (half/double: the
   * library setting) and so differs: the table's tooltip names it, as the detail's `storedBpm` does (dj33). (Nullable
   * for the export's rows, ExportRow, which always carry it: null with no tempo)
   */
  analysedBpm: z.number().nullable().optional(),
  /** calibrated probability (0..1) that bpm is right; null exactly when bpm is null (no tempo). Below MIN_CONFIDENCE the tempo is uncertain */
  bpmConfidence: z.number().nullable(),
  /** e.g. "A minor" */
  key: z.string().nullable(),
  /** calibrated probability (0..1) that key is right; below MIN_CONFIDENCE the key (and its chords) is uncertain */
  keyConfidence: z.number().nullable(),
  camelot: z.string().nullable(),
  openKey: z.string().nullable(),
  lufs: z.number().nullable(),
  loudnessRange: z.number().nullable(),
  truePeak: z.number().nullable(),
  /** the textual-features line (DeepResonance input text) */
  features: z.string().nullable(),
  status: z.enum(['pending', 'analysed', 'failed']),
  /** why analysis failed (status 'failed') */
  error: z.string().nullable(),
  /** status 'failed' only: the error's code (DECODE_FAILED, NOT_MEDIA, …; `studio analyze --json` prints it as `code`) */
  errorCode: ErrorCode.optional(),
  analysedAt: z.number().nullable(),
  /** what the cross-check of the file's readers found (ProbeResult.warnings of the analysed file): misread tags, a lying extension, an estimated duration, a bitrate that counted the cover */
  warnings: z.array(z.string()),
  /** other paths in the library folders that are symlinks to this same file (realpath); the library shows one row per file */
  aliases: z.array(z.string()),
  /**
   * Rows read from the library (query, detail, export) whose library folder is not there now: `path` the library
   * folder (LibraryFolder.path), `status` its LibraryFolder.status — `missing` (an unplugged drive, renamed or deleted)
   * or `unreadable`. The row is kept with its analysis, crates, cues and chat (a scan keeps it), but its file cannot be
   * played, previewed or analysed until the folder is back: the table mutes the row and marks it, as Mixxx and
   * rekordbox mark a missing track, and opening it says why (lib40). Absent while the folder is there.
   */
  folderAbsent: z.object({ path: z.string(), status: z.enum(['missing', 'unreadable']) }).optional(),
  /** issue 10 kind 4, rows of library:query and the export only (absent elsewhere): a tempo that changes (as TrackDetail.tempoSections, in the BPM range) / a key that changes (as TrackDetail.keySections); null when steady. `bpm` and `key` stay the whole-track estimates */
  tempoSections: z.array(TempoSection).nullable().optional(),
  keySections: z.array(KeySection).nullable().optional(),
});
export type LibraryTrack = z.infer<typeof LibraryTrack>;

export const LibrarySortColumn = z.enum([
  'title', 'artist', 'album', 'genre', 'year', 'durationSec', 'sampleRate', 'channels', 'codec', 'bitrateKbps', 'sizeBytes',
  'bpm', 'bpmConfidence', 'key', 'keyConfidence', 'camelot', 'lufs', 'loudnessRange', 'truePeak', 'status', 'fileName', 'path', 'analysedAt',
  /** LibraryTrack.folder, names by value ("Disc 2" before "Disc 10"); a library folder's own files first */
  'folder',
  /** the crate's own order (with LibraryFilter.crateId; the path otherwise) */
  'crate',
]);

const Range = z.tuple([z.number(), z.number()]);
export const LibraryFilter = z
  .object({
    /** words matched against title, artist, album, genre, file name */
    text: z.string().max(200).optional(),
    bpm: Range.optional(),
    lufs: Range.optional(),
    /** "A minor", "Am", "8A" (Camelot) or "1m" (Open Key); several with commas or spaces: "8A 9A", "8A, 9A" */
    key: z.string().max(200).optional(),
    status: z.enum(['pending', 'analysed', 'failed']).optional(),
    folderId: Id.optional(),
    /** only the tracks of this crate (Crate.id); an unknown crate has none */
    crateId: Id.optional(),
  })
  .strict();
export type LibraryFilter = z.infer<typeof LibraryFilter>;

/**
 * What kind of problem a ScanProblem is, where the message alone would have to be read to know (set where the
 * problem is made, walk.ts): `folder-seen` — a folder reached again through a second link (or a link back up):
 * its files are read through the first path, so nothing was left out; `link-loop` — a folder path whose links
 * loop (ELOOP): it names no folder at all. The scan bar groups both as "links to folders already scanned (or
 * loops)"; `studio analyze` does not count `folder-seen` as a failure; `folder-missing` — a library folder itself is
not there (an unplugged drive, renamed or deleted; job.ts): its tracks are kept, marked missing, and the scan bar says
so apart from files that are gone; its message also counts the files gone from the other folders that keep their
rows while it is not there (they may have moved onto it: job.ts leaveGone). Absent for every other problem.
 */
export const ScanProblemKind = z.enum(['folder-seen', 'link-loop', 'folder-missing']);
export type ScanProblemKind = z.infer<typeof ScanProblemKind>;

/**
 * A path the scan left out: `path` (absolute), `message` (for people, ends with what was done: "Skipped."),
 * `code` (ErrorCode: UNREADABLE, NOT_FOUND, FILE_CHANGED, BAD_ARGS, CANCELLED, DB_WRITE_FAILED, …), `kind`
 * (ScanProblemKind; absent for problems of no particular kind). Stored as made in scan_jobs.problems_json.
 */
export const ScanProblem = z.object({ path: z.string(), message: z.string(), code: ErrorCode.optional(), kind: ScanProblemKind.optional() });
export type ScanProblem = z.infer<typeof ScanProblem>;

/**
 * The order of the states one engine's job reports, both as events and as call answers (ScanState, GetState): `seq`
 * grows by one with every state its maker makes, and `engineRun` names that maker (a random id per engine start; ''
 * for a state no engine made). A call's answer can reach a page after events the engine sent later — each hop
 * (engine → serve → page) relays an event as it comes and an answer after its handler's await, so two messages read in
 * one chunk leave in the other order — and a late "running" answer would undo the "finished" already shown (ci35: a
 * Rescan's bar stuck at "Scanning"). Made by main/engine/state-order.ts; read with isStaleState.
 */
export const StateOrder = z.object({ seq: z.number().int().nonnegative(), engineRun: z.string() });
export type StateOrder = z.infer<typeof StateOrder>;

/**
 * Whether `incoming` is older than `held`: both made by the same maker (same non-empty engineRun) and `incoming.seq`
 * below `held.seq`. A state of another engine run (the engine restarted, or serve did) is never stale: it is the new
 * engine's. For every reader of both a job's events and its answers (the scan bar, the model panel's Get).
 */
export function isStaleState(held: StateOrder, incoming: StateOrder): boolean {
  return incoming.engineRun !== '' && incoming.engineRun === held.engineRun && incoming.seq < held.seq;
}

export const ScanState = z.object({
  /** null when no scan has run since the engine started (and none was left paused before it) */
  jobId: z.string().nullable(),
  /**
   * `paused`: paused in this engine, or paused before it started (kept in the database: the last state until
   * library:scan-control resume — or library:scan — takes it up where it stopped, or cancel ends it; its rate, ETA and
   * current file are null)
   */
  state: z.enum(['idle', 'running', 'paused', 'cancelled', 'finished']),
  /** files found so far / analysed or skipped / failed */
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  currentFile: z.string().nullable(),
  /** seconds of audio analysed per wall-clock second */
  rate: z.number().nullable(),
  etaSec: z.number().nullable(),
  startedAt: z.number().nullable(),
  /** folders that could not be read, symlink loops skipped, files that vanished, …; `code` says what kind */
  problems: z.array(ScanProblem),
  /**
   * paths left out by choice (not audio, not a regular file, a hidden or system folder, the studio's own data folder):
   * `count` all of them, `folders` how many of those are folders (left unwalked; absent: none), `files` the first 500
   * paths with their reason (`folder` set on a folder), `groups` every reason counted over the whole scan (SkipGroup of
   * scan-text.ts: its plural words, whether folders; absent from a state made before scan40). Said by skippedText.
   */
  skipped: z
    .object({
      count: z.number(),
      folders: z.number().int().min(0).optional(),
      files: z.array(z.object({ path: z.string(), reason: z.string(), folder: z.boolean().optional() })),
      groups: z.array(z.object({ reason: z.string(), many: z.string().optional(), count: z.number().int().min(1), folder: z.boolean().optional() })).optional(),
    })
    .optional(),
  /**
   * This job took up a scan that ended without finishing (the engine, the app, `studio serve` or `studio analyze --db`
   * running it was killed or crashed, the power went; not one the user paused): of the `total` files it had found,
   * `done` were finished (analysed, unchanged or failed: kept, not analysed again). Absent for any other job. The
   * library's scan bar and `studio analyze --db` say it (resumedText).
   */
  resumed: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }).optional(),
  /**
   * How many of the library's rows this job matched as moved or renamed files (a file new to the library with the size
   * and mtime, ms, of a row whose file is gone, job.ts matchMoves): each kept its id, analysis, crates, cues, chat and
   * notes, its old path recorded (lib_moved_from). Absent when none. The scan bar and `studio analyze` say it (movedText).
   */
  moved: z.number().int().min(1).optional(),
  ...StateOrder.shape,
});
export type ScanState = z.infer<typeof ScanState>;

export const TrackDetail = z.object({
  track: LibraryTrack,
  beats: z.array(z.number()),
  /** meter of the beat grid: 3 or 4 beats per bar (4 for every duple meter); null when unknown (issue 11) */
  beatsPerBar: z.union([z.literal(3), z.literal(4)]).nullable().optional(),
  /** local tempo over time (BPM per beat interval) */
  tempoCurve: z.array(z.object({ t: z.number(), bpm: z.number() })),
  keyStrengths: z.array(z.object({ key: z.string(), strength: z.number() })),
  /** short-term loudness, LUFS (null: silent): values[i] measures the EBU R128 3 s window from i·stepSec on */
  loudnessCurve: z.object({ stepSec: z.number(), values: z.array(z.number().nullable()) }),
  chords: z.object({ progression: z.array(z.string()), segments: z.array(z.object({ start: z.number(), end: z.number(), chord: z.string() })) }),
  /** what the cross-check of the file's readers found (ProbeResult.warnings of the analysed file); empty when they agreed */
  warnings: z.array(z.string()),
  /** why an analysed track has no tempo (bpm and bpmConfidence null), e.g. "no onsets: too few to have a beat, as in a steady tone, a drone, silence or a lone hit"; null when it has one */
  tempoReason: z.string().nullable(),
  /** why an analysed track has no key (key null), e.g. "no pitched content: too few partials, as in drums or noise"; null when it has one, or when it was analysed before the key said why (tonal analyser results without KeyResult.reason) */
  keyReason: z.string().nullable(),
  /** issue 10 kind 4: the sections of a track whose tempo changes (TempoSection, tempo-sections.ts), in time order; null for a steady track (or none). `track.bpm` stays the whole-track estimate */
  tempoSections: z.array(TempoSection).nullable(),
  /** issue 10 kind 4: the two sections of a track whose key changes (KeySection, key-sections.ts), in time order; null for a track in one key (or none). `track.key` stays the whole-track estimate */
  keySections: z.array(KeySection).nullable(),
  /** the tempo and key the file's own tags state (Tags.bpm, key, keyText, as probed when the file was scanned); null when it states neither */
  tagged: z.object({ bpm: z.number().optional(), key: z.string().optional(), keyText: z.string().optional() }).nullable().optional(),
  /** the whole-track tempo (BPM) as the analysis stored it, where `track.bpm` is folded into the BPM range (set only then): what a tagged tempo is compared with (detailTagged) */
  storedBpm: z.number().nullable().optional(),
  /**
   * the ReplayGain the file's own tags state (Tags.replayGain, as probed when the file was scanned), set beside the
   * studio's loudness (`track.lufs`) by replay-gain.ts replayGainAgreementText; null when it states none (or for a
   * probe stored before tags held it, until the file is scanned again)
   */
  taggedReplayGain: Tags.shape.replayGain.unwrap().nullable().optional(),
});
export type TrackDetail = z.infer<typeof TrackDetail>;

/**
 * The row of one track and why it has no tempo or key: what the track view's header shows of the library's analysis
 * (library:track-summary), without the beats, key strengths, loudness and chords of TrackDetail that only the
 * library's detail panel draws. The same fields as TrackDetail's, read the same way (the tempo in the BPM range).
 */
export const TrackSummary = TrackDetail.pick({ track: true, tempoReason: true, keyReason: true, storedBpm: true });
export type TrackSummary = z.infer<typeof TrackSummary>;
/**
 * A crate: the DJ's playlist, a named list of library tracks in the DJ's order (a track may be in several crates, once
 * in each). `trackCount` library tracks, `durationSec` their analysed lengths summed (seconds), `createdAt` ms since
 * the epoch. Names are unique without regard to case: two names are one when their crateNameKey is.
 */
export const Crate = z.object({ id: Id, name: z.string(), trackCount: z.number().int().min(0), durationSec: z.number().min(0), createdAt: z.number() });
export type Crate = z.infer<typeof Crate>;
/**
 * A crate's name: 1–100 characters after trimming, one line of text without control characters (C0, DEL, C1: a name
 * made in a browser is printed by `studio crate list` in a terminal, where ESC would start an escape sequence), valid
 * Unicode (stored trimmed).
 */
export const CrateName = z
  .string()
  .trim()
  .min(1, 'is empty: name the crate')
  .max(100, 'is longer than 100 characters: shorten it')
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s), { message: 'holds a line break or another control character (tab, escape, NUL): a crate name is one line of text' })
  .refine((s) => !LONE_SURROGATE.test(s), { message: 'is not valid Unicode: it holds a lone surrogate' });
/**
 * The key that makes crate names unique and finds a crate by name: Unicode NFC, then lower case by the full Unicode
 * case mapping (the library search's folding, engine db/search-key.ts foldSearch, before it dropped accents), so "Été",
 * "été" and "été" written with a combining accent are one name. Accents are not folded away: "Ete" is another crate.
 */
export function crateNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}
/**
 * Playlists a crate is imported from (crates:import): extended M3U (.m3u, .m3u8), PLS (.pls) and XSPF (.xspf), as
 * other DJ and media software writes them; offered by the file browser and the Open dialog for "Import playlist…".
 */
export const PLAYLIST_EXTENSIONS = ['m3u', 'm3u8', 'pls', 'xspf'] as const;
/**
 * One entry of an imported playlist that added no track (crates:import): `entry` as the playlist wrote it (a path, a
 * URL), its `line` in the playlist file (1-based), and `reason`, one sentence: not in the library (the file is there:
 * add its folder), no such file, a URL, a Windows path on another system, outside web mode's allowed folders.
 */
export const ImportMissing = z.object({ entry: z.string(), line: z.number().int().min(0), reason: z.string() });
export type ImportMissing = z.infer<typeof ImportMissing>;
/**
 * A playlist entry found by the path its track's file had before the library saw it moved or renamed (crates:import):
 * the entry as written, its line (1-based), and `path`, the track's path now
 */
export const ImportMoved = z.object({ entry: z.string(), line: z.number().int().min(0), path: z.string() });
export type ImportMoved = z.infer<typeof ImportMoved>;
/** The tracks a crate call acts on: 1–100,000 library track ids (a select-all of a big library) */
const CrateTrackIds = z.array(Id).min(1).max(100_000);

/**
 * Extensions the studio offers to open (the file browser, the desktop dialog, files handed to the app); the library scan
 * takes them without sniffing. electron-builder.yml's fileAssociations list exactly these and VIDEO_EXTENSIONS
 * (test/unit/builder-config.test.ts).
 */
export const AUDIO_EXTENSIONS = [
  'mp3', 'flac', 'wav', 'ogg', 'oga', 'm4a', 'aac', 'aif', 'aiff', 'opus', 'wma', 'alac',
  // also decoded by ffmpeg (the library scan sniffs any other file's content too)
  'aifc', 'wv', 'm4b', 'mka', 'w64', 'mp2', 'mpa', 'ape', 'tta', 'caf', 'ac3', 'eac3', 'dts', 'amr', 'au', 'mpc', 'dsf', 'spx',
  // a phone's voice recorder (Samsung's 3GPP audio)
  '3ga',
] as const;
/**
 * Video containers offered to open. Beyond the common four: phone recordings (3GPP), camcorder clips (AVCHD .MTS /
 * .m2ts), DVD and TV captures (MPEG-PS), older web and Windows video (FLV, WMV, Ogg Theora) — the library scan took
 * them by content all along, so the file browser and the desktop dialog must not grey them out (tester28). Not "ts":
 * TypeScript sources share it.
 */
export const VIDEO_EXTENSIONS = ['mp4', 'mkv', 'webm', 'mov', 'm4v', 'avi', '3gp', '3g2', 'mts', 'm2ts', 'mpg', 'mpeg', 'vob', 'flv', 'wmv', 'ogv'] as const;
/**
 * Tracker modules, which ffmpeg renders through its libopenmpt demuxer (ProTracker .mod, FastTracker 2 .xm, Impulse
 * Tracker .it, Scream Tracker 3 .s3m, OpenMPT .mptm): offered to open beside AUDIO_EXTENSIONS (the file browser, the
 * Open… dialog's audio filters, files handed to the app), as `studio probe` and the library read them. Not taken at
 * their word by the library scan (library/sniff.ts sniffs them like any other file): ".it" is also an Italian text's
 * name, and an ffmpeg built without libopenmpt reads none.
 */
export const MODULE_EXTENSIONS = ['mod', 'xm', 'it', 's3m', 'mptm'] as const;
/** What the app offers to open as a track (the file browser, Open…, files handed to the app): audio, tracker modules, video. */
export const OPENABLE_EXTENSIONS = [...AUDIO_EXTENSIONS, ...MODULE_EXTENSIONS, ...VIDEO_EXTENSIONS] as const;
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] as const;

// ---- getting DeepResonance: the model catalogue, Get, verify, convert (issue 9) ----

export const ModelVariant = z.enum(['alpha', 'beta']);
export const Precision = z.enum(['int4', 'int8', 'fp16', 'fp32']);
export type Precision = z.infer<typeof Precision>;

/** One source a variant is built from, and how much of it is on this machine. */
export const CatalogPart = z.object({
  id: z.enum(['delta', 'imagebind', 'vicuna-delta', 'llm']),
  label: z.string(),
  /** where it comes from: a URL, `hf:dataset/…`, or what the user must point to */
  source: z.string(),
  /** bytes of the whole part; `estimated` until the source (Hub tree API) answered */
  bytes: z.number().nullable(),
  estimated: z.boolean(),
  /** present: complete and verified; partial: an interrupted download (resumable); missing: to download; user: the user must point to it */
  state: z.enum(['present', 'partial', 'missing', 'user']),
  presentBytes: z.number(),
  path: z.string().nullable(),
  /** what is checked: the published SHA-256 (Hub), or size + the converter's key/shape check (Meta publishes no checksum) */
  verifiedBy: z.enum(['sha256', 'size+keys', 'user']),
});
export type CatalogPart = z.infer<typeof CatalogPart>;

export const InstalledPack = z.object({ variant: ModelVariant, precision: z.string(), name: z.string(), path: z.string(), bytes: z.number() });
export type InstalledPack = z.infer<typeof InstalledPack>;

/**
 * A pack folder under the models folder's `packs/` whose manifest.json is not JSON (damaged in place): there, but not
 * usable. `variant` as its folder name states it (`deepresonance-beta-int4`), null where it does not; `problem` the
 * refusal loading it gives, with what to do (a Get of that pack builds it again).
 */
export const DamagedPack = z.object({ variant: ModelVariant.nullable(), name: z.string(), path: z.string(), problem: z.string() });
export type DamagedPack = z.infer<typeof DamagedPack>;

export const CatalogEntry = z.object({
  variant: ModelVariant,
  model: z.string(),
  summary: z.string(),
  parts: z.array(CatalogPart),
  /** the pack's size per precision (estimated from the 7B shapes) */
  packBytes: z.record(z.string(), z.number()),
  /** bytes still to download (the LLM folder the user points to not counted) */
  downloadBytes: z.number(),
  packs: z.array(InstalledPack),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const GetStep = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.enum(['download', 'convert', 'check']),
  state: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
  bytes: z.number(),
  total: z.number().nullable(),
  bytesPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** the converter's current step, or 'hashing' / 'waiting' (backoff) for a download */
  detail: z.string().optional(),
});
export const GetState = z.object({
  jobId: z.string(),
  variant: ModelVariant,
  precision: Precision,
  state: z.enum(['running', 'paused', 'cancelled', 'failed', 'finished']),
  steps: z.array(GetStep),
  /** the whole job: bytes downloaded / to download, the running download's speed */
  bytes: z.number(),
  total: z.number(),
  bytesPerSecond: z.number().nullable(),
  /**
   * the whole job's time left, seconds: while downloading, what is left to download at the current speed plus the
   * conversion's estimate (convertSeconds); while converting, the conversion's (ui35: it was the downloads' alone)
   */
  etaSeconds: z.number().nullable(),
  /** the conversion's estimated seconds (left, once it runs): the pack's size at a measured rate; null unknown */
  convertSeconds: z.number().nullable().optional(),
  /** where that rate comes from, in words ("as this computer's last int4 conversion") */
  convertFrom: z.string().nullable().optional(),
  message: z.string(),
  error: z.object({ code: ErrorCode, message: z.string() }).nullable(),
  /** the finished pack */
  packPath: z.string().nullable(),
  startedAt: z.number(),
  ...StateOrder.shape,
});
export type GetState = z.infer<typeof GetState>;

/** Measured figures for one precision (main/engine/model/catalog/figures.ts; null where not measured) */
export const PrecisionFigures = z.object({
  /** drift of the decoder against fp32: next-token top-1 agreement (0–1) and mean logit cosine */
  drift: z.object({ top1Agreement: z.number(), logitCosine: z.number() }).nullable(),
  /** decode tokens per CPU-second ÷ llama.cpp Q4_0's on the same weights */
  decodeVsLlamaCpp: z.number().nullable(),
  /** where the figures come from, in words (shown beside them) */
  source: z.string(),
});
export type PrecisionFigures = z.infer<typeof PrecisionFigures>;

export const ModelCatalog = z.object({
  modelsDir: z.string(),
  freeBytes: z.number().nullable(),
  /**
   * bytes a Get keeps free on the models folder's disk beyond what it downloads and the pack (1 GB, or
   * STUDIO_DISK_RESERVE_BYTES): part of the disk it needs, as its refusal counts it — the panel and `studio model get`
   * said "disk needed" without it, then Get refused for want of 1 GB more (tester38)
   */
  reserveBytes: z.number(),
  entries: z.array(CatalogEntry),
  /** pack folders that are there but whose manifest cannot be read (not in any entry's `packs`): shown with why (model40) */
  damagedPacks: z.array(DamagedPack),
  /** why exact sizes are not known (the Hub could not be reached), if so */
  sourcesNote: z.string().nullable(),
  /**
   * why the folders given (llama, vicuna, from) cannot be used, if so — a LLaMA-7B folder without config.json, an
   * official ckpt/ folder that holds none of its files; the entries are then listed as if none were given. Get refuses
   * them with the same words (and the command line's option)
   */
  foldersProblem: z.string().nullable(),
  job: GetState.nullable(),
  /** the folders given last time (remembered for the panel's fields) */
  remembered: z.object({ llama: z.string().nullable(), vicuna: z.string().nullable(), from: z.string().nullable() }),
  /** measured drift and speed per precision */
  precisionFigures: z.record(z.string(), PrecisionFigures),
});
export type ModelCatalog = z.infer<typeof ModelCatalog>;

export const GetRequest = z
  .object({
    variant: ModelVariant,
    precision: Precision.default('int4'),
    /** a LLaMA-7B folder in Hugging Face format (lmsys/vicuna-7b-delta-v0 is downloaded and applied) */
    llama: AbsPath.optional(),
    /** an assembled Vicuna-7B v0 folder */
    vicuna: AbsPath.optional(),
    /** the official `ckpt/` tree (what is found there is not downloaded) */
    from: AbsPath.optional(),
  })
  .strict();
export type GetRequest = z.infer<typeof GetRequest>;

// ---- the waveform's beat grid, hot cues and named regions (issue 12) ----------

/** Hot cue slots, as Mixxx's and rekordbox's hot cues 1–8. */
export const CUE_SLOTS = 8;

/** The beat grid drawn on the waveform: the tempo analyser's beats and meter, with where the bars start. */
export const BeatGrid = z.object({
  trackId: Id,
  /** beat times, seconds from the start of the track */
  beats: z.array(z.number()),
  /** the tempo (BPM) as analysed; null when the track has no steady pulse (then `beats` is empty) */
  bpm: z.number().nullable(),
  /**
   * the calibrated confidence (0–1) of `bpm`, the number the library shows beside it; null with no tempo. Under
   * MIN_CONFIDENCE the tempo is a best guess, and the track view says "uncertain" as the library does and draws no
   * grid (its note says why)
   */
  bpmConfidence: z.number().min(0).max(1).nullable(),
  /** 3 or 4 beats per bar; null when no bar length stands out (no downbeats are drawn then) */
  beatsPerBar: z.union([z.literal(3), z.literal(4)]).nullable(),
  /** index in `beats` of the first downbeat (0 … beatsPerBar − 1): the phase whose beats carry the most low-band (< 600 Hz) energy; null without a meter */
  downbeat: z.number().int().nullable(),
  /** 'library': the library's stored analysis; 'analysed': the tempo analyser's run for the track view (cached); 'none': not analysed yet (asked without `analyse`) */
  source: z.enum(['library', 'analysed', 'none']),
  /**
   * a tempo that changes (issue 10 kind 4): its sections as analysed (TempoSection, as TrackDetail.tempoSections,
   * unfolded), in time order; null when steady, or not known (a grid cached before it was kept). `bpm` and `beats`
   * stay the whole-track estimate's: the grid keeps one tempo
   */
  tempoSections: z.array(TempoSection).nullable().optional(),
});
export type BeatGrid = z.infer<typeof BeatGrid>;

export const HotCue = z.object({ slot: z.number().int().min(1).max(CUE_SLOTS), timeSec: z.number().min(0) });
export type HotCue = z.infer<typeof HotCue>;
export const NamedRegion = z.object({ id: Id, name: z.string().min(1).max(100), startSec: z.number().min(0), endSec: z.number().min(0) });
export type NamedRegion = z.infer<typeof NamedRegion>;
/** The track's loop (I/O/L in the track view): its ends in seconds of the track, and whether it plays round. */
export const LoopMark = z.object({ startSec: z.number().min(0).max(1e6), endSec: z.number().min(0).max(1e6), on: z.boolean() });
export type LoopMark = z.infer<typeof LoopMark>;
/** A track's marks, kept in the library database: hot cues by slot, named regions by start, the loop (null: none). */
export const TrackMarks = z.object({ trackId: Id, cues: z.array(HotCue), regions: z.array(NamedRegion), loop: LoopMark.nullable() });
export type TrackMarks = z.infer<typeof TrackMarks>;

// ---- the methods -----------------------------------------------------------

interface Spec {
  input: z.ZodType;
  output: z.ZodType;
  host: 'engine' | 'shell';
  progress?: boolean;
  tokens?: boolean;
  cancellable?: boolean;
  exposed?: boolean;
  summary: string;
}

const spec = <I extends z.ZodType, O extends z.ZodType>(s: {
  input: I;
  output: O;
  host: 'engine' | 'shell';
  progress?: boolean;
  tokens?: boolean;
  cancellable?: boolean;
  exposed?: boolean;
  summary: string;
}) => s satisfies Spec;

const Empty = z.object({}).strict();
const TrackRef = z.object({ trackId: Id }).strict();

export const methods = {
  'app:get-info': spec({ input: Empty, output: AppInfo, host: 'engine', summary: 'Versions, mode, ffmpeg and engine status.' }),

  'media:probe': spec({
    input: z.object({ path: AbsPath }).strict(),
    output: ProbeResult,
    host: 'engine',
    summary: 'Read tags and streams of a file without opening it.',
  }),
  'media:open': spec({
    input: z.object({ path: AbsPath }).strict(),
    output: Track,
    host: 'engine',
    summary: 'Open an audio or video file: probe it, register it for the media protocol, add it to recent files.',
  }),
  'media:get-track': spec({ input: TrackRef, output: Track, host: 'engine', summary: 'A track opened earlier.' }),
  'media:peaks': spec({
    input: TrackRef,
    output: Peaks,
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'Waveform peaks computed in the engine (cached).',
  }),
  'media:spectrogram': spec({
    input: TrackRef,
    output: Spectrogram,
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'Mel spectrogram computed in the engine (cached).',
  }),
  'media:wave-range': spec({
    input: z
      .object({
        trackId: Id,
        /** seconds; at most 600 s apart */
        startSec: z.number().min(0).max(1e6),
        endSec: z.number().min(0).max(1e6),
        /** device pixels per second the range is drawn at: at least one peak per pixel (16 kHz at most) */
        pixelsPerSec: z.number().positive().max(1e6),
      })
      .strict(),
    output: WaveRange,
    host: 'engine',
    cancellable: true,
    summary: 'Peaks and spectrogram of a time range at a zoom\'s resolution, from a ranged decode of the pinned track (cached).',
  }),
  'media:filmstrip': spec({
    input: z.object({ trackId: Id, count: z.number().int().min(1).max(120) }).strict(),
    output: Filmstrip,
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'Thumbnails along the timeline of a video.',
  }),
  'media:set-cover': spec({
    input: z.object({ trackId: Id, imagePath: AbsPath.nullable() }).strict(),
    output: Track,
    host: 'engine',
    summary: 'Attach a cover image to a track (null: back to the embedded art).',
  }),
  'media:resolve': spec({
    input: z.object({ kind: z.enum(['track', 'playable', 'cover', 'frame']), id: z.string().max(200) }).strict(),
    output: ResolvedMedia,
    host: 'engine',
    exposed: false,
    summary: 'Map a media URL to the file behind it (hosts only).',
  }),

  // issue 12: the waveform's beat grid, hot cues and named regions (main/engine/media/marks.ts)
  'media:beats': spec({
    /** `analyse`: run the tempo analyser when neither the library nor the cache has the track's beats (else source 'none') */
    input: z.object({ trackId: Id, analyse: z.boolean().optional() }).strict(),
    output: BeatGrid,
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'The beat grid: the library\'s stored beats and meter, or (asked to analyse) the tempo analyser run on the track in a worker thread (cached); with the first downbeat.',
  }),
  'marks:list': spec({ input: TrackRef, output: TrackMarks, host: 'engine', summary: 'The track\'s hot cues, named regions and loop.' }),
  'marks:set-cue': spec({
    input: z.object({ trackId: Id, slot: z.number().int().min(1).max(CUE_SLOTS), timeSec: z.number().min(0).max(1e6) }).strict(),
    output: TrackMarks,
    host: 'engine',
    summary: 'Put hot cue 1–8 at a time (replacing that slot\'s cue); returns the track\'s marks.',
  }),
  'marks:delete-cue': spec({
    input: z.object({ trackId: Id, slot: z.number().int().min(1).max(CUE_SLOTS) }).strict(),
    output: TrackMarks,
    host: 'engine',
    summary: 'Delete a hot cue; returns the track\'s marks.',
  }),
  'marks:save-region': spec({
    /** without `id`: a new region; with it: rename or move that region */
    input: z.object({ trackId: Id, id: Id.optional(), name: z.string().trim().min(1).max(100), startSec: z.number().min(0).max(1e6), endSec: z.number().min(0).max(1e6) }).strict(),
    output: TrackMarks,
    host: 'engine',
    summary: 'Keep a named region of the track (new, or renamed/moved); returns the track\'s marks.',
  }),
  'marks:delete-region': spec({
    input: z.object({ trackId: Id, id: Id }).strict(),
    output: TrackMarks,
    host: 'engine',
    summary: 'Delete a named region; returns the track\'s marks.',
  }),
  'marks:set-loop': spec({
    /** null: forget the loop; a loop must end after it starts (else BAD_ARGS) */
    input: z.object({ trackId: Id, loop: LoopMark.strict().nullable() }).strict(),
    output: TrackMarks,
    host: 'engine',
    summary: 'Keep the track\'s loop (its ends and on/off; one per track), or forget it; returns the track\'s marks.',
  }),

  'recent:list': spec({ input: Empty, output: z.array(RecentEntry), host: 'engine', summary: 'Recently opened files.' }),
  'recent:remove': spec({ input: TrackRef, output: z.null(), host: 'engine', summary: 'Forget a recent file.' }),
  'recent:clear': spec({ input: Empty, output: z.null(), host: 'engine', summary: 'Forget all recent files.' }),

  'fs:list-dir': spec({
    /** `kind`: which files are marked openable — media (default), images, playlists (PLAYLIST_EXTENSIONS) */
    input: z.object({ path: AbsPath.optional(), kind: z.enum(['media', 'image', 'playlist']).optional() }).strict(),
    output: DirListing,
    host: 'engine',
    summary: 'List a folder for the in-app file browser.',
  }),

  'dialog:open-media': spec({
    input: z.object({ kind: z.enum(['media', 'image', 'playlist']) }).strict(),
    output: z.object({ paths: z.array(z.string()) }),
    host: 'shell',
    summary: 'Native open dialog (desktop only).',
  }),
  'dialog:open-folder': spec({
    input: z.object({ purpose: z.enum(['model-pack', 'library']) }).strict(),
    output: z.object({ paths: z.array(z.string()) }),
    host: 'shell',
    summary: 'Native folder dialog (desktop only): a model pack folder, or music folders for the library (several may be chosen).',
  }),

  'library:list-folders': spec({ input: Empty, output: z.array(LibraryFolder), host: 'engine', summary: 'Library folders.' }),
  'library:add-folder': spec({
    input: z.object({ path: AbsPath }).strict(),
    output: LibraryFolder,
    host: 'engine',
    summary: 'Add a folder to the library (watched; a scan starts).',
  }),
  'library:remove-folder': spec({ input: z.object({ folderId: Id }).strict(), output: z.null(), host: 'engine', summary: 'Remove a folder and its tracks from the library (files are not touched).' }),
  'library:scan': spec({
    /** `paths`: analyse these files/folders (e.g. `studio analyze`) without adding them as library folders */
    input: z.object({ folderId: Id.optional(), paths: z.array(AbsPath).min(1).max(10_000).optional() }).strict(),
    output: ScanState,
    host: 'engine',
    summary: 'Start (or resume) a scan of all folders, one, or the given files/folders; progress arrives as library:scan-state events.',
  }),
  'library:scan-control': spec({
    input: z.object({ action: z.enum(['pause', 'resume', 'cancel']) }).strict(),
    output: ScanState,
    host: 'engine',
    summary: 'Pause, resume or cancel the running scan.',
  }),
  'library:scan-state': spec({ input: Empty, output: ScanState, host: 'engine', summary: 'The current scan job.' }),
  'library:idle': spec({
    input: Empty,
    output: ScanState,
    host: 'engine',
    summary: 'Resolves when the library is at rest (no watched change pending, no scan running or queued; paused counts as at rest), with the last scan state.',
  }),
  'library:query': spec({
    input: z
      .object({
        filter: LibraryFilter.optional(),
        sort: z.object({ column: LibrarySortColumn, dir: z.enum(['asc', 'desc']) }).strict().optional(),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(2000),
      })
      .strict(),
    output: z.object({ total: z.number(), rows: z.array(LibraryTrack) }),
    host: 'engine',
    summary: 'A page of library rows, filtered and sorted in the database.',
  }),
  'library:ids': spec({
    input: z
      .object({
        filter: LibraryFilter.optional(),
        sort: z.object({ column: LibrarySortColumn, dir: z.enum(['asc', 'desc']) }).strict().optional(),
      })
      .strict(),
    /** `ids`: every row library:query would page through with this filter and sort, in its order; `total`: their count */
    output: z.object({ total: z.number(), ids: z.array(Id) }),
    host: 'engine',
    summary: 'The ids of all library rows in a filter and sort order, without the rows (select-all).',
  }),
  'library:track-detail': spec({ input: TrackRef, output: TrackDetail, host: 'engine', summary: 'Everything the analysis found for one track (for the plots).' }),
  'library:track-summary': spec({ input: TrackRef, output: TrackSummary, host: 'engine', summary: 'One track\'s library row and why it has no tempo or key (the track view\'s header; no plots).' }),
  'library:export': spec({
    input: z
      .object({
        /**
         * 'rekordbox': a rekordbox XML collection (DJ_PLAYLISTS 1.0.0: engine library/rekordbox-xml.ts) with the sure
         * tempos and keys, beat grids, hot cues, regions (memory cues) and loop; a crate's export is its playlist, the
         * whole library's takes every crate; failed files are left out (`count` the tracks written)
         */
        format: z.enum(['csv', 'json', 'rekordbox']),
        trackIds: z.array(Id).max(100_000).optional(),
        filter: LibraryFilter.optional(),
        /** the rows' order, as library:query's sort (the table's: a crate's own order with filter.crateId); default by path */
        sort: z.object({ column: LibrarySortColumn, dir: z.enum(['asc', 'desc']) }).strict().optional(),
      })
      .strict(),
    output: z.object({ fileName: z.string(), mime: z.string(), content: z.string(), count: z.number() }),
    host: 'engine',
    // every format: progress ("n of m tracks", engine library/service.ts exportEach) row by row; Cancel stops it between
    // rows, CANCELLED "Stopped after N of M tracks: nothing was written." once no row is in hand (cliui37: CSV and JSON
    // were one synchronous piece, 1.8 s at 30,000 rows with neither)
    progress: true,
    cancellable: true,
    summary: 'The library (or a selection / a filter) as CSV, JSON (failed files with their reason included) or a rekordbox XML collection, in the order asked (the table\'s).',
  }),
  // issue 11: the BPM range (main/contract/bpm-range.ts), applied to the rows of library:query and library:export
  'library:get-bpm-range': spec({ input: Empty, output: BpmRange.nullable(), host: 'engine', summary: 'The BPM range tempos are shown and exported in (null: as analysed).' }),
  'library:set-bpm-range': spec({
    input: z.object({ range: BpmRange.nullable() }).strict(),
    output: BpmRange.nullable(),
    host: 'engine',
    summary: 'Show and export every tempo doubled or halved into this range (null: as analysed); the analysis is not re-run.',
  }),
  // issue 12 (uilib): tempo and key written back into the file's own tags, on request (main/engine/library/tag-write.ts)
  'library:write-tags': spec({
    input: z
      .object({
        trackId: Id,
        /** how the key is written: "Am" / "Eb" (standard, the ID3 TKEY form), "A minor" (name), "8A" (Camelot), "1m" (Open Key) */
        keyNotation: z.enum(['standard', 'name', 'camelot', 'openkey']),
        /** which values to write (default both) */
        bpm: z.boolean().optional(),
        key: z.boolean().optional(),
        /**
         * where our value is not written because it is uncertain (below MIN_CONFIDENCE) and the file's own tag (another
         * tool's TBPM/TKEY, BPM/INITIALKEY, tmpo/initialkey) disagrees with our best guess, remove that tag (default
         * false: it is kept, and named in `kept`)
         */
        clearConflicting: z.boolean().optional(),
      })
      .strict(),
    /**
     * the tag family written, the values as written (null: not written, e.g. no tempo), what reading the
     * file again found (music-metadata), and the file's new size (bytes) and mtime (ms since the epoch)
     */
    output: z.object({
      trackId: z.string(),
      path: z.string(),
      format: z.enum(['id3v2', 'vorbis', 'mp4']),
      bpm: z.string().nullable(),
      key: z.string().nullable(),
      readBack: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }),
      sizeBytes: z.number(),
      mtimeMs: z.number(),
      /** issue 10 kind 4: why a value asked for was not written (null: written or not asked) — none found, uncertain, or "the tempo changes (variable 90–130 BPM: …)" / "the key changes (…)": one tag would be wrong for part of the track */
      notWritten: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }).optional(),
      /**
       * the file's own tag value (as stored: "128.00", "8A") left in place where ours was not written (null: none, or
       * ours was written, or it was removed); `conflicts`: it disagrees with our uncertain best guess; `agrees`: it
       * names that guess (the same key; a tempo within 4 % of ours, its double or half)
       */
      kept: z.object({ bpm: z.string().nullable(), key: z.string().nullable(), conflicts: z.object({ bpm: z.boolean(), key: z.boolean() }), agrees: z.object({ bpm: z.boolean(), key: z.boolean() }).optional() }).optional(),
      /** the file's own tag value removed (clearConflicting: it disagreed with our uncertain best guess), null: none removed */
      cleared: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }).optional(),
      /**
       * the file's own tag value (as stored: "96", "8A") that ours replaced where it named another tempo or key (another
       * program's: a DJ tagger's, a ripper's); null: none, ours not written, or it stated the value written ("120.00" for
       * 120, "8B" or "C" for C major: the same key in another notation)
       */
      replaced: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }).optional(),
      /**
       * another tag format in the file that states a BPM or key the written one does not (an ID3v2 tag prepended to a
       * FLAC, an APEv2 tag in an MP3; players of the format ignore it): its values as written (null: agrees or none),
       * `source` its format's name, `text` a sentence saying so. Never read back, changed nor removed by a write.
       */
      foreign: z.object({ bpm: z.string().nullable(), key: z.string().nullable(), source: z.string(), text: z.string() }).optional(),
    }),
    host: 'engine',
    summary: "Write the track's BPM (as shown, in the BPM range) and key into its file's tags (ID3v2 TBPM/TKEY, Vorbis BPM/INITIALKEY, MP4 tmpo/initialkey); refused when the file changed since analysis.",
  }),
  // tagplan33: what a Write tags… over a selection would write, decided by the code library:write-tags decides with
  'library:tag-plan': spec({
    input: z
      .object({
        trackIds: z.array(Id).max(100_000),
        /** which values would be written (default both), as library:write-tags' */
        bpm: z.boolean().optional(),
        key: z.boolean().optional(),
        /** as library:write-tags': a track with only a disagreeing tag of its own to remove is writable with it */
        clearConflicting: z.boolean().optional(),
      })
      .strict(),
    /**
     * `writable`: the tracks library:write-tags with these options would write (a file changed since its analysis,
     * read-only or gone is found only when written); `refused`: the others, each with the message its write would be
     * refused with (not analysed, a container whose tags are not written, no value sure enough, a tempo or key that
     * changes, a file layout the tag library would damage, an unknown id: `fileName` ''). Both in the order of `trackIds`, a repeated id once. `partial`: the
     * writable tracks where a value asked for would not be written, with why (library:write-tags' `notWritten`: the
     * tempo is uncertain, the key changes…; null for a value that is written or not asked for) and its file's name (the
     * Write tags… dialog names them before writing), in `writable`'s order.
     */
    output: z.object({
      writable: z.array(z.string()),
      /**
       * `layout`: true where the file's layout is what the write refuses (tags39: RF64, a WAV chunk without its pad byte,
       * AIFF-C, QuickTime metadata keys or fragments in an M4A, a chained or cut-short Ogg — found at the file, its
       * headers read as the write reads them before any copy); the dialog and `--dry-run` count these apart
       */
      refused: z.array(z.object({ trackId: z.string(), fileName: z.string(), reason: z.string(), layout: z.literal(true).optional() })),
      partial: z
        .array(
          z.object({
            trackId: z.string(),
            fileName: z.string(),
            notWritten: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }),
            /**
             * cliui37: with clearConflicting, the file's own BPM / key tag of a value not written that the write removes
             * (it disagrees with our uncertain value: library:write-tags' `cleared`), the text as the file states it; absent
             * where none is. A file whose every value asked for is in notWritten gets only these removals
             */
            removes: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }).optional(),
          }),
        )
        .optional(),
      /**
       * dj36: the writable tracks whose file's own BPM / key tag (another program's, as the scan read it: Tags.bpm,
       * keyText) the write would replace with another tempo or key — library:write-tags' `replaced`, foreseen from the
       * stored tags without reading the files; in `writable`'s order, only those with one
       */
      replaces: z.array(z.object({ trackId: z.string(), fileName: z.string(), replaced: z.object({ bpm: z.string().nullable(), key: z.string().nullable() }) })).optional(),
      /**
       * tester37: of the writable tracks whose key would be written, how many have an own key tag (as the scan read it:
       * Tags.keyText) in each notation (tag-write.ts keyNotationOf: "8A" camelot, "1m" openkey, "A minor" name, "Am"
       * standard; a text in none of them is not counted). A write replaces that text in the notation chosen — "8A"
       * becomes "Am" though the key agrees — so the Write tags… dialog starts in the files' own notation where the
       * user never chose one, and names the files whose notation the choice changes.
       */
      keyNotations: z.partialRecord(z.enum(['standard', 'name', 'camelot', 'openkey']), z.number().int()).optional(),
    }),
    host: 'engine',
    summary: 'Which of the tracks Write tags would write, and why each other one would be refused — nothing written (one call for a selection).',
  }),

  // crates, the DJ's playlists (main/engine/library/crates.ts; the table shows one with library:query's filter.crateId)
  'crates:list': spec({ input: Empty, output: z.array(Crate), host: 'engine', summary: 'The crates, by name, with their track counts and lengths.' }),
  'crates:create': spec({
    input: z.object({ name: CrateName }).strict(),
    output: Crate,
    host: 'engine',
    summary: 'Make an empty crate (BAD_ARGS when a crate of that name exists).',
  }),
  'crates:rename': spec({
    input: z.object({ crateId: Id, name: CrateName }).strict(),
    output: Crate,
    host: 'engine',
    summary: 'Rename a crate (BAD_ARGS when another crate has the name; NOT_FOUND for an unknown crate).',
  }),
  'crates:delete': spec({ input: z.object({ crateId: Id }).strict(), output: z.null(), host: 'engine', summary: 'Delete a crate; its tracks stay in the library and their files are not touched.' }),
  'crates:add-tracks': spec({
    input: z.object({ crateId: Id, trackIds: CrateTrackIds }).strict(),
    /** `added`: tracks new to the crate (at its end, in the order given); a track already in it keeps its place */
    output: z.object({ added: z.number().int().min(0), crate: Crate }),
    host: 'engine',
    summary: 'Add library tracks to the end of a crate; a track already in it is not added twice.',
  }),
  'crates:remove-tracks': spec({
    input: z.object({ crateId: Id, trackIds: CrateTrackIds }).strict(),
    output: z.object({ removed: z.number().int().min(0), crate: Crate }),
    host: 'engine',
    summary: 'Take tracks out of a crate (they stay in the library; files are never touched).',
  }),
  'crates:move-tracks': spec({
    /** `beforeId`: the crate track they go in front of (null: to the end); the moved keep their order among themselves */
    input: z.object({ crateId: Id, trackIds: CrateTrackIds, beforeId: Id.nullable() }).strict(),
    /** the crate's track ids in their new order */
    output: z.object({ order: z.array(Id) }),
    host: 'engine',
    summary: 'Reorder a crate: move tracks in front of another of its tracks, or to the end.',
  }),
  'crates:export': spec({
    /** `playlistDir`: the folder the playlist will be saved in; tracks below it are written relative to it (else every path is absolute) */
    input: z.object({ crateId: Id, playlistDir: AbsPath.optional() }).strict(),
    /** the extended M3U playlist (UTF-8 text, RFC 8216 tags), its file name ("<crate>.m3u8"), and how many tracks it lists */
    output: z.object({ fileName: z.string(), mime: z.string(), content: z.string(), count: z.number() }),
    host: 'engine',
    summary: 'A crate as an extended M3U8 playlist (#EXTM3U, #EXTINF with seconds and "Artist - Title", UTF-8 paths) in crate order.',
  }),

  'crates:import': spec({
    /**
     * `path`: the playlist file (M3U/M3U8, PLS, XSPF: library/playlists.ts), or `dropped`; `name`: the new crate's
     * (default: the playlist's file name without its extension). A name a crate has already (crateNameKey) is BAD_ARGS, as for
     * crates:create.
     */
    input: z
      .object({
        path: AbsPath.optional(),
        /**
         * a playlist dropped on a web page, which is not told the file's path: its name and its bytes (base64, a
         * playlist of at most 16 MiB); its entries relative to its folder cannot be found, and are listed so
         */
        dropped: z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(22_369_624) }).strict().optional(),
        name: CrateName.optional(),
      })
      .strict()
      .refine((a) => (a.path === undefined) !== (a.dropped === undefined), { message: 'give the playlist as `path` or as `dropped`, one of them' }),
    /**
     * `crate`: the new crate, its tracks in the playlist's order; `format`: the layout read; `listed`: the entries the
     * playlist holds; `added`: the library tracks put in the crate; `duplicates`: entries naming a track listed before
     * (added once); `missing`: every entry that added nothing, in the playlist's order, with why; `moved` (absent when
     * none): the entries added though no file is at their path, by the path their track's file had before the library
     * saw it moved or renamed, each with its path now (crate38)
     */
    output: z.object({
      crate: Crate,
      format: z.enum(['m3u', 'pls', 'xspf']),
      listed: z.number().int().min(0),
      added: z.number().int().min(0),
      duplicates: z.number().int().min(0),
      missing: z.array(ImportMissing),
      moved: z.array(ImportMoved).optional(),
    }),
    host: 'engine',
    summary:
      'Make a crate from a playlist file (M3U/M3U8, PLS, XSPF), by path or dropped (its bytes): its entries matched to library tracks by real path (symlinks resolved, Unicode NFC), in its order; the entries not in the library are listed with why. NOT_FOUND (no such file), BAD_ARGS (a name taken, not a playlist), FORBIDDEN (web mode: outside the allowed folders).',
  }),

  'model:status': spec({ input: Empty, output: ModelStatus, host: 'engine', summary: 'Whether a model pack is installed, and what runs it.' }),
  'model:choose-pack': spec({
    input: z.object({ path: AbsPath }).strict(),
    output: ModelStatus,
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'Use the model pack in this folder (verified and loaded; remembered).',
  }),
  'model:forget-pack': spec({ input: Empty, output: ModelStatus, host: 'engine', summary: 'Stop using the current pack.' }),
  'model:set-provider': spec({
    input: z.object({ provider: ProviderChoice }).strict(),
    output: ModelStatus,
    host: 'engine',
    progress: true,
    summary: 'Force an execution provider (or auto); reloads the model.',
  }),
  'model:diagnostics': spec({
    input: Empty,
    output: z.object({
      available: z.array(z.object({ name: z.string(), bundled: z.boolean() })),
      cudaInstalled: z.boolean(),
      autoOrder: z.array(z.string()),
      status: ModelStatus,
    }),
    host: 'engine',
    summary: 'Execution providers onnxruntime-node offers here and what loaded.',
  }),
  'model:memory': spec({ input: Empty, output: ModelMemory, host: 'engine', summary: "The engine's resident memory and the loaded pack's sessions and weight bytes." }),
  'model:unload': spec({ input: Empty, output: ModelStatus, host: 'engine', summary: 'Release the loaded model (its sessions and media cache); the pack stays chosen and loads again with the next question.' }),
  'model:ask': spec({
    input: z
      .object({
        packPath: AbsPath,
        provider: ProviderChoice.optional(),
        instruction: Instruction,
        input: ModelText.optional(),
        audio: z.object({ path: AbsPath, region: Region.optional() }).strict().optional(),
        image: z.object({ path: AbsPath }).strict().optional(),
        video: z.object({ path: AbsPath }).strict().optional(),
        options: GenerationOptions.optional(),
      })
      .strict(),
    output: AskResult,
    host: 'engine',
    progress: true,
    tokens: true,
    cancellable: true,
    summary: 'One DeepResonance turn from files (the `studio ask` command); the answer streams as tokens.',
  }),

  // getting DeepResonance (issue 9): progress of a Get arrives as model:get-state events
  'model:catalog': spec({
    /** refresh: look the sources up again; llama/vicuna/from: preview with these folders instead of the remembered ones */
    input: z.object({ refresh: z.boolean().optional(), llama: AbsPath.optional(), vicuna: AbsPath.optional(), from: AbsPath.optional() }).strict(),
    output: ModelCatalog,
    host: 'engine',
    summary: 'DeepResonance-α and -β: their sources, sizes, disk needed, what is present, installed packs and the Get job.',
  }),
  'model:get': spec({
    input: GetRequest,
    output: GetState,
    host: 'engine',
    summary: 'Start (or resume) getting a variant: download what is missing, verify, convert into a pack.',
  }),
  'model:get-control': spec({
    input: z.object({ action: z.enum(['pause', 'resume', 'cancel']) }).strict(),
    output: GetState,
    host: 'engine',
    summary: 'Pause, resume or cancel the Get job (pause keeps partial downloads; cancel removes them).',
  }),
  'model:get-state': spec({ input: Empty, output: GetState.nullable(), host: 'engine', summary: 'The Get job, if any since the engine started.' }),
  'model:verify-pack': spec({
    input: z.object({ path: AbsPath }).strict(),
    output: z.object({ path: z.string(), name: z.string(), files: z.number(), bytes: z.number() }),
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'Re-hash every file of a pack against its manifest (no cache).',
  }),
  'model:convert': spec({
    input: z
      .object({
        imagebind: AbsPath,
        imagebindConfig: AbsPath.optional(),
        llm: AbsPath,
        vicunaDelta: AbsPath.optional(),
        delta: AbsPath,
        out: AbsPath,
        precision: Precision.default('int4'),
      })
      .strict(),
    output: z.object({ dir: z.string(), manifest: z.string(), bytes: z.number() }),
    host: 'engine',
    progress: true,
    cancellable: true,
    summary: 'Convert checkpoints already on disk into a pack (the `studio model convert` command).',
  }),

  'chat:get-thread': spec({ input: TrackRef, output: z.array(ChatMessage), host: 'engine', summary: "A track's chat thread." }),
  'chat:ask': spec({
    input: z.object({ trackId: Id, instruction: Instruction, attachments: ChatAttachments, options: GenerationOptions.optional() }).strict(),
    output: z.object({ user: ChatMessage, assistant: ChatMessage }),
    host: 'engine',
    progress: true,
    tokens: true,
    cancellable: true,
    summary: 'Ask about a track; the answer streams as tokens and is kept in the thread.',
  }),
  'chat:regenerate': spec({
    input: z.object({ trackId: Id, messageId: Id, options: GenerationOptions.optional() }).strict(),
    output: z.object({ user: ChatMessage, assistant: ChatMessage }),
    host: 'engine',
    progress: true,
    tokens: true,
    cancellable: true,
    summary: 'Answer a question of the thread again: a new version of its answer, the earlier versions kept; the answer streams as tokens.',
  }),
  'chat:clear-thread': spec({ input: TrackRef, output: z.null(), host: 'engine', summary: "Delete a track's chat thread." }),
  'chat:stop': spec({
    input: TrackRef,
    output: z.boolean(),
    host: 'engine',
    summary: "Stop the answer being written about a track, also one whose page went away (it is kept as 'stopped'); false when none was.",
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
/** arguments as a handler receives them, after validation and defaults */
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>;

export const methodNames = Object.keys(methods) as MethodName[];
export const exposedMethodNames = methodNames.filter((m) => (methods[m] as Spec).exposed !== false);

export function isMethodName(v: unknown): v is MethodName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(methods, v);
}

export function methodSpec(m: MethodName): Spec {
  return methods[m] as Spec;
}

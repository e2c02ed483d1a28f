/**
 * One library track, one decode: tags and cover (music-metadata, parser by
 * content), then every
 * analyser — loudness, tempo, key/chords and the waveform (peaks +
 * spectrogram) — on the one ffmpeg stream of analysis/run.ts. The waveform
 * goes straight into the media cache, so opening the track later draws it
 * without decoding again. The two readings (music-metadata's and what
 * ffmpeg stated while decoding) are cross-checked (media/tags.ts): the
 * track's duration is what decoded, its bitrate the audio's, its tags the
 * better reading, with `warnings`. Runs in a worker thread (worker.ts) or inline.
 */
import type { IAudioMetadata } from 'music-metadata';
import { defaultAnalysers } from '../analysis';
import { analyzeFile } from '../analysis/run';
import type { Analyser } from '../analysis/types';
import { waveAnalysers, type PeaksData, type SpectrogramData } from '../analysis/waveform';
import { peaksDownbeat } from '../analysis/beat-grid';
import type { TempoResult } from '../analysis/tempo';
import { waveAnalysisOf, writeCachedAnalysis } from '../media/analysis';
import { fingerprintOf } from '../media/cache';
import { bestIfNotFirst, openMediaFile, realContainer, withMirrored, type parseFfmpegInfo } from '../media/probe';
import { readStructure, structureOf, type Structure } from '../media/structure';
import { crossCheck, durationShown, extensionFacts, packetsNeeded, readTagsByContent, tempoKeyTags } from '../media/tags';
import type { Tags } from '@contract';

export interface AnalyseRequest {
  path: string;
  cacheDir: string;
  /** run only these analysers (a better version of some); all when absent */
  only?: string[];
}

export interface LibraryAnalysis {
  path: string;
  file: { size: number; mtimeMs: number };
  durationSec: number;
  /** the container as `studio probe` names it (media/probe.ts realContainer: "m4a", "matroska", not ffmpeg's family) */
  container: string;
  source: ReturnType<typeof parseFfmpegInfo>;
  /** tags, cross-checked (media/tags.ts crossCheck) */
  tags: Tags;
  /** the audio's bitrate in kb/s (cover art not counted); undefined when unknown */
  bitrateKbps?: number;
  /** what the cross-check of music-metadata and ffmpeg found (ProbeResult.warnings) */
  warnings: string[];
  hasCoverArt: boolean;
  /** JSON-able result per analyser that ran; peaks/spectrogram: the media cache fingerprint */
  results: Record<string, unknown>;
  versions: Record<string, number>;
}

/** the longest codec frame whose end padding a decoder may leave in (AAC: 2048 samples with SBR, at 44.1 kHz) */
const CODEC_FRAME_SEC = 0.05;

/** Every analyser a library track gets (fresh instances: they hold one track's state); the one place the list is built. */
export function libraryAnalysers(expectedSec = 0): Analyser[] {
  return [...defaultAnalysers(), ...waveAnalysers(expectedSec)];
}

/** Versions of the library's analysers, by name. */
export function libraryVersions(): Record<string, number> {
  return Object.fromEntries(libraryAnalysers().map((a) => [a.name, a.version]));
}

/** The library analysers' `sameAs` (Analyser.sameAs: a bump that changed only short tracks' results), by name. */
export function librarySameAs(): Record<string, { version: number; minSec: number }> {
  return Object.fromEntries(libraryAnalysers().flatMap((a) => (a.sameAs ? [[a.name, a.sameAs]] : [])));
}

/**
 * The analysers whose stored result (`stored`: version by name) is not the current one's (`versions`): of another
 * version, unless the analyser's `sameAs` (`same`) says the stored version's result is the current one's for a track
 * as long as this one (`durationSec`, the row's; unknown: run again). [] when every stored result stands.
 */
export function staleAnalysers(stored: Record<string, number>, versions: Record<string, number>, same: Record<string, { version: number; minSec: number }>, durationSec: number | null): string[] {
  return Object.keys(versions).filter((n) => stored[n] !== versions[n] && !(same[n] && stored[n] === same[n].version && durationSec !== null && durationSec >= same[n].minSec));
}

/** "loudness:1,peaks:1,…" — a track whose key equals this is analysed by the current analysers. */
export function versionsKey(v: Record<string, number>): string {
  return Object.keys(v)
    .sort()
    .map((k) => `${k}:${v[k]}`)
    .join(',');
}

/**
 * The version of the library's tag reading, in a row's lib_versions beside the analysers' (scanKey): 2 since the
 * probe's tags hold the tempo and key a file's tags state (Tags.bpm, key, keyText: 9a6de8b). A row stored without it
 * has a probe whose tags lack those fields; the scan re-reads its tags alone (readTempoKeyTags), no analysis.
 * 3 since the container's own tag format states them first (a FLAC's Vorbis BPM before a prepended ID3 TBPM: tester26).
 * 4 since a lower-case tonic is a minor key ("a" = A minor, parseTaggedKey: media20), so a stored `key` read by the old
 * rule is read again (the detail's probeTempoKey already re-reads it from `keyText`; the export and filters then agree).
 * 5 since a Matroska file's BPM and key, listed under their target ("track:BPM": media/native-tag.ts), are read (tester34).
 */
export const TAGS_READ = 5;

/** A scan's lib_versions key: the analysers' versionsKey and the tag reading's version (TAGS_READ) — "…,tags:2". */
export function scanKey(v: Record<string, number>): string {
  return `${versionsKey(v)},tags:${TAGS_READ}`;
}

/** whether a row's lib_versions (scanKey) was written by the current tag reading (TAGS_READ) */
export function tagsReadCurrent(libVersions: string | null): boolean {
  return (libVersions ?? '').split(',').includes(`tags:${TAGS_READ}`);
}

/**
 * The tempo and key the file's tags state (Tags.bpm, key, keyText), read as a scan reads them (music-metadata by
 * content, media/tags.ts tempoKeyTags) and nothing else: no ffmpeg, no decode — the re-probe of a row stored before
 * they were read. {} when the tags state neither or cannot be read. @throws what openMediaFile throws (NOT_FOUND…)
 */
export async function readTempoKeyTags(path: string): Promise<Pick<Tags, 'bpm' | 'key' | 'keyText'>> {
  const file = await openMediaFile(path);
  try {
    const { meta } = await readTagsByContent(file.fh, path, file.size);
    return tempoKeyTags(meta);
  } finally {
    await file.fh.close();
  }
}

/**
 * Analyse one library track. The file is opened once (openMediaFile: regular,
 * non-empty, readable; a named pipe is refused, never waited on): the cache
 * fingerprint and the tags are read from that handle, and ffmpeg's decode is
 * the only other open. @throws StudioError NOT_FOUND, UNREADABLE, EMPTY_FILE,
 * NOT_MEDIA, DECODE_FAILED, FILE_CHANGED, CANCELLED.
 */
export async function analyseForLibrary(req: AnalyseRequest, signal?: AbortSignal, onProgress?: (doneSec: number) => void): Promise<LibraryAnalysis> {
  const { path } = req;
  const want = (name: string) => !req.only || req.only.includes(name);
  const wave = want('peaks') || want('spectrogram');
  const file = await openMediaFile(path);
  let meta: IAudioMetadata | null = null;
  let metaError: string | undefined;
  let metaRepaired: string | undefined;
  let metaAppended: number | undefined;
  let fp: string | null = null;
  let structure: Structure | null = null;
  try {
    fp = wave ? await fingerprintOf(file.fh, file).catch(() => null) : null;
    // unreadable tags are not a failure: the decode decides, and ffmpeg's reading stands in
    structure = await readStructure(file.fh, file.size);
    ({ meta, error: metaError, repaired: metaRepaired, appendedBytes: metaAppended } = await readTagsByContent(file.fh, path, file.size));
  } finally {
    await file.fh.close();
  }
  let hasCoverArt = Boolean(meta?.common.picture?.length);
  const statedSec = meta?.format.duration ?? 0;
  // peaks and spectrogram go together (one cache entry): both or neither
  const analysers = libraryAnalysers(statedSec).filter((a) => (a.name === 'peaks' || a.name === 'spectrogram' ? wave : want(a.name)));
  const run = await analyzeFile(path, analysers, { signal, onProgress: onProgress ? (s) => onProgress(s) : undefined, file: { size: file.size, mtimeMs: file.mtimeMs } });
  const results: Record<string, unknown> = {};
  for (const a of analysers) if (a.name !== 'peaks' && a.name !== 'spectrogram') results[a.name] = run.results[a.name];
  // the beat grid's first downbeat (beat-grid.ts downbeatPhase on these peaks' low band, as the track view finds it), kept
  // with the tempo: the rekordbox export then places bar 1 without reading the cached waveform
  const tempo = results.tempo as TempoResult | undefined;
  const peaks = run.results.peaks as PeaksData | undefined;
  if (tempo && tempo.bpm !== null && tempo.beatsPerBar && tempo.beats.length && peaks?.bands) {
    results.tempo = { ...tempo, downbeat: peaksDownbeat(tempo.beats, tempo.beatsPerBar, peaks) } satisfies TempoResult;
  }
  if (wave && fp) {
    await writeCachedAnalysis(req.cacheDir, fp, waveAnalysisOf(run.results.peaks as PeaksData, run.results.spectrogram as SpectrogramData)).catch(() => undefined);
    results.peaks = { cache: fp };
    results.spectrogram = { cache: fp };
  }
  if (run.source.streams.some((s) => s.type === 'video' && s.attachedPic)) hasCoverArt = true;
  // an Ogg file that decodes far longer or shorter than ffmpeg states, and whose ends did not show it chained (links that
  // reuse a serial number, against RFC 3533 §4): its pages are walked for its links — only then, not on every Ogg file
  const stated = run.source.durationSec;
  if (structure && !structure.ogg && !structure.truncated && run.source.container.split(',').includes('ogg') && stated !== null && Math.abs(run.durationSec - stated) > Math.max(0.5, 0.02 * run.durationSec)) {
    const walked = await structureOf(path, { oggPages: true });
    if (walked.ogg) structure = walked;
  }
  // where what the file states is in doubt (the probe's rule, packetsNeeded), the audio's bytes are the packets the decode read
  const covers = (meta?.common.picture ?? []).reduce((n, p) => n + p.data.length, 0);
  // the audio stream decoded where it is not the first (a later one flagged default: pcm.ts readPcmOutputs, bestStream)
  const readStream = bestIfNotFirst(run.source.streams, 'audio');
  const doubt = readStream !== null || packetsNeeded({ ff: run.source, sizeBytes: file.size, coverBytes: covers, structure, mmDurationSec: meta?.format.duration });
  const checked = crossCheck({
    path, sizeBytes: file.size, ff: run.source, mm: meta, mmError: metaError, mmRepaired: metaRepaired, mmAppendedBytes: metaAppended,
    measured: { durationSec: run.durationSec, audioBytes: doubt ? run.audioPacketBytes : null, damage: run.damage }, structure,
    extension: await extensionFacts(path, run.source.container, req.cacheDir),
    readStream,
  });
  // One duration, what decodes — the probe's too. Where the decode runs past an exact stated length
  // (an edit list's or a LAME tag's gapless end) by less than one codec frame, that is the codec's end padding,
  // which ffmpeg 5.1 leaves in for AAC in MP4: the stated, gapless length is what the track holds.
  // Matroska/WebM states no exact count: Info's Duration is a float that ffmpeg prints to 10 ms (AAC in Matroska:
  // 20.02 stated, 20.032 decodes), so there the decode stands (Opus: ffmpeg's decoder already drops its trims)
  const exactStated = !/^matroska/.test(run.source.container);
  const over = exactStated && checked.durationSec !== null && !checked.durationEstimated ? run.durationSec - checked.durationSec : -1;
  const durationSec = durationShown(over > 0 && over < CODEC_FRAME_SEC ? checked.durationSec! : run.durationSec);
  return {
    path, file: run.file, durationSec, container: realContainer(run.source, path), source: { ...run.source, streams: withMirrored(checked.streams, structure) }, tags: checked.tags, bitrateKbps: checked.bitrateKbps,
    warnings: checked.warnings, hasCoverArt, results, versions: run.versions,
  };
}

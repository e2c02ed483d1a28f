/**
 * One library track, one decode: tags and cover (music-metadata), then every
 * analyser — loudness, tempo, key/chords and the waveform (peaks +
 * spectrogram) — on the one ffmpeg stream of analysis/run.ts. The waveform
 * goes straight into the media cache, so opening the track later draws it
 * without decoding again. Runs in a worker thread (worker.ts) or inline.
 */
import type { FileHandle } from 'node:fs/promises';
import { parseFile, parseFromTokenizer, type IAudioMetadata } from 'music-metadata';
import * as strtok3 from 'strtok3';
import { defaultAnalysers } from '../analysis';
import { analyzeFile } from '../analysis/run';
import type { Analyser } from '../analysis/types';
import { waveAnalysers, type PeaksData, type SpectrogramData } from '../analysis/waveform';
import { waveAnalysisOf, writeCachedAnalysis } from '../media/analysis';
import { fingerprintOf } from '../media/cache';
import { openMediaFile, tagsOf, type parseFfmpegInfo } from '../media/probe';
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
  source: ReturnType<typeof parseFfmpegInfo>;
  tags: Tags;
  hasCoverArt: boolean;
  /** JSON-able result per analyser that ran; peaks/spectrogram: the media cache fingerprint */
  results: Record<string, unknown>;
  versions: Record<string, number>;
}

/** Every analyser a library track gets (fresh instances: they hold one track's state); the one place the list is built. */
export function libraryAnalysers(expectedSec = 0): Analyser[] {
  return [...defaultAnalysers(), ...waveAnalysers(expectedSec)];
}

/** Versions of the library's analysers, by name. */
export function libraryVersions(): Record<string, number> {
  return Object.fromEntries(libraryAnalysers().map((a) => [a.name, a.version]));
}

/** "loudness:1,peaks:1,…" — a track whose key equals this is analysed by the current analysers. */
export function versionsKey(v: Record<string, number>): string {
  return Object.keys(v)
    .sort()
    .map((k) => `${k}:${v[k]}`)
    .join(',');
}

type HandleTokenizerClass = new (fh: FileHandle, options: { fileInfo: { path: string; size: number } }) => strtok3.ITokenizer;
/**
 * strtok3's FileTokenizer (what music-metadata's parseFile uses) over a handle
 * that is already open; closing the tokenizer closes the handle. It is in
 * strtok3's Node entry (the type-checker reads its platform-neutral typings).
 */
const HandleTokenizer = (strtok3 as unknown as { FileTokenizer?: HandleTokenizerClass }).FileTokenizer;

/** Tags from the open file (one open for tags and fingerprint); by path where the tokenizer class is not there. */
function readTags(fh: FileHandle, path: string, size: number): Promise<IAudioMetadata> {
  const opts = { duration: false, skipCovers: false };
  return HandleTokenizer ? parseFromTokenizer(new HandleTokenizer(fh, { fileInfo: { path, size } }), opts) : parseFile(path, opts);
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
  let tags: Tags = {};
  let hasCoverArt = false;
  let statedSec = 0;
  let fp: string | null = null;
  try {
    fp = wave ? await fingerprintOf(file.fh, file).catch(() => null) : null;
    const meta = await readTags(file.fh, path, file.size);
    const c = meta.common;
    tags = tagsOf(meta);
    hasCoverArt = Boolean(c.picture?.length);
    statedSec = meta.format.duration ?? 0;
  } catch {
    tags = {}; // unreadable tags are not a failure: the decode decides
  } finally {
    await file.fh.close();
  }
  // peaks and spectrogram go together (one cache entry): both or neither
  const analysers = libraryAnalysers(statedSec).filter((a) => (a.name === 'peaks' || a.name === 'spectrogram' ? wave : want(a.name)));
  const run = await analyzeFile(path, analysers, { signal, onProgress: onProgress ? (s) => onProgress(s) : undefined, file: { size: file.size, mtimeMs: file.mtimeMs } });
  const results: Record<string, unknown> = {};
  for (const a of analysers) if (a.name !== 'peaks' && a.name !== 'spectrogram') results[a.name] = run.results[a.name];
  if (wave && fp) {
    await writeCachedAnalysis(req.cacheDir, fp, waveAnalysisOf(run.results.peaks as PeaksData, run.results.spectrogram as SpectrogramData)).catch(() => undefined);
    results.peaks = { cache: fp };
    results.spectrogram = { cache: fp };
  }
  if (run.source.streams.some((s) => s.type === 'video' && s.attachedPic)) hasCoverArt = true;
  return { path, file: run.file, durationSec: run.durationSec, source: run.source, tags, hasCoverArt, results, versions: run.versions };
}

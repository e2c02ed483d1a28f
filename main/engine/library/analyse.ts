/**
 * One library track, one decode: tags and cover (music-metadata), then every
 * analyser — loudness, tempo, key/chords and the waveform (peaks +
 * spectrogram) — on the one ffmpeg stream of analysis/run.ts. The waveform
 * goes straight into the media cache, so opening the track later draws it
 * without decoding again. Runs in a worker thread (worker.ts) or inline.
 */
import { parseFile } from 'music-metadata';
import { defaultAnalysers } from '../analysis';
import { analyzeFile } from '../analysis/run';
import type { Analyser } from '../analysis/types';
import { waveAnalysers, type PeaksData, type SpectrogramData } from '../analysis/waveform';
import { waveAnalysisOf, writeCachedAnalysis } from '../media/analysis';
import { fingerprint } from '../media/cache';
import { tagsOf, type parseFfmpegInfo } from '../media/probe';
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

export async function analyseForLibrary(req: AnalyseRequest, signal?: AbortSignal, onProgress?: (doneSec: number) => void): Promise<LibraryAnalysis> {
  const { path } = req;
  let tags: Tags = {};
  let hasCoverArt = false;
  let statedSec = 0;
  try {
    const meta = await parseFile(path, { duration: false, skipCovers: false });
    const c = meta.common;
    tags = tagsOf(meta);
    hasCoverArt = Boolean(c.picture?.length);
    statedSec = meta.format.duration ?? 0;
  } catch {
    tags = {}; // unreadable tags are not a failure: the decode decides
  }
  const want = (name: string) => !req.only || req.only.includes(name);
  const wave = want('peaks') || want('spectrogram');
  // peaks and spectrogram go together (one cache entry): both or neither
  const analysers = libraryAnalysers(statedSec).filter((a) => (a.name === 'peaks' || a.name === 'spectrogram' ? wave : want(a.name)));
  const fp = wave ? await fingerprint(path).catch(() => null) : null;
  const run = await analyzeFile(path, analysers, { signal, onProgress: onProgress ? (s) => onProgress(s) : undefined });
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

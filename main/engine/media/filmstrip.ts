import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StudioError, quarterTurns, type ProbeResult } from '@contract';
import { FP_RE } from './cache';
import { ffmpegReason, runFfmpegProgress } from './ffmpeg';

export const THUMB_HEIGHT = 160;

export interface FilmstripResult {
  width: number;
  height: number;
  frames: { timeSec: number; frameId: string }[];
}

/** Thumbnail size: THUMB_HEIGHT high (or the video's own, if smaller), even dimensions, the display aspect kept (rotation and sample aspect applied). */
export function thumbSize(probe: ProbeResult): { width: number; height: number } {
  // ffmpeg turns rotated (phone) video upright when decoding for display: a quarter turn swaps the sides (a tilted
  // matrix, 45°, is drawn turned inside the stored frame: the sides stay)
  const quarter = (quarterTurns(probe.video?.rotation) ?? 0) % 2 === 1;
  // non-square pixels (anamorphic DV/DVD/HDV): the display width is the stored width × the sample aspect ratio
  const sar = probe.video?.sampleAspect ?? 1;
  const sw = (probe.video?.width ?? 16) * sar;
  const w = quarter ? (probe.video?.height ?? 9) : sw;
  const h = quarter ? sw : (probe.video?.height ?? 9);
  const height = Math.max(2, Math.min(THUMB_HEIGHT, h - (h % 2)));
  const width = Math.max(2, Math.round((w * height) / h / 2) * 2);
  return { width, height };
}

/** frame ids: "<fingerprint>.<count>.<index>" — only [0-9a-f.], no "..". */
export const frameId = (fp: string, count: number, i: number) => `${fp}.${count}.${i}`;
const FRAME_RE = /^([0-9a-f]{32})\.(\d{1,3})\.(\d{1,3})$/;

export function filmstripDir(cacheDir: string, fp: string, count: number): string {
  return join(cacheDir, 'filmstrip', `${fp}.${count}`);
}

/** The JPEG behind a frame id, or null when the id is malformed or not in the cache. */
export function framePath(cacheDir: string, id: string): string | null {
  const m = FRAME_RE.exec(id);
  if (!m || !FP_RE.test(m[1])) return null;
  const count = Number(m[2]);
  const i = Number(m[3]);
  if (count < 1 || count > 999 || i >= count) return null;
  const p = join(filmstripDir(cacheDir, m[1], count), `${String(i + 1).padStart(3, '0')}.jpg`);
  return existsSync(p) ? p : null;
}

/**
 * `count` thumbnails at the centres of `count` equal slices of the video, from
 * one ffmpeg run (select the first frame at or after each target time),
 * cached per file fingerprint and count. The video stream is the probe's
 * (`probe.video`: the one av_find_best_stream picks, as players and the model
 * do — not necessarily the first), shown upright (ffmpeg's autorotation).
 */
export async function makeFilmstrip(
  path: string,
  probe: ProbeResult,
  cacheDir: string,
  fp: string,
  count: number,
  signal: AbortSignal,
  onProgress: (f: number) => void,
): Promise<FilmstripResult> {
  const { width, height } = thumbSize(probe);
  // the picture's length: past the audio's (durationSec) where the soundtrack ends first (videoDurationSec)
  const dur = probe.videoDurationSec ?? (probe.durationSec > 0 ? probe.durationSec : 1);
  const step = dur / count;
  const dir = filmstripDir(cacheDir, fp, count);
  const result = (n: number): FilmstripResult => ({
    width,
    height,
    frames: Array.from({ length: n }, (_, i) => ({ timeSec: Math.min(dur, (i + 0.5) * step), frameId: frameId(fp, count, i) })),
  });
  if (existsSync(dir)) {
    const n = (await readdir(dir)).filter((f) => f.endsWith('.jpg')).length;
    if (n > 0) return result(n);
  }
  await mkdir(join(cacheDir, 'filmstrip'), { recursive: true });
  const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(tmp, { recursive: true });
  try {
    const filter = `select='gte(t\\,${step.toFixed(6)}*(selected_n+0.5))',scale=${width}:${height}:flags=bilinear,setsar=1`;
    const r = await runFfmpegProgress(
      ['-v', 'error', '-y', '-i', path, '-map', probe.video ? `0:${probe.video.index}` : '0:v:0', '-an', '-sn', '-dn', '-vf', filter, '-fps_mode', 'vfr', '-frames:v', String(count), '-q:v', '5', join(tmp, '%03d.jpg')],
      { durationSec: dur, signal, onProgress },
    );
    let n = (await readdir(tmp)).filter((f) => f.endsWith('.jpg')).length;
    if (n === 0 && r.code === 0) {
      // a clip shorter than its frames' spacing (a one-frame video): no frame starts at or after the first slice's
      // centre, though a frame is shown there; the first frame stands for it (one thumbnail)
      await runFfmpegProgress(
        ['-v', 'error', '-y', '-i', path, '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', `scale=${width}:${height}:flags=bilinear,setsar=1`, '-frames:v', '1', '-q:v', '5', join(tmp, '%03d.jpg')],
        { durationSec: dur, signal, onProgress },
      );
      n = (await readdir(tmp)).filter((f) => f.endsWith('.jpg')).length;
    }
    if (n === 0) {
      throw new StudioError('DECODE_FAILED', `No frames could be read from the video of "${basename(path)}" (ffmpeg: ${ffmpegReason(r.stderr)}).`);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    onProgress(1);
    return result(n);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeResult } from '@contract';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** git-ignored folder for everything tests generate (media, screenshots, data dirs) */
export const OUTPUT = join(ROOT, 'test', 'output');
export const MEDIA_DIR = join(OUTPUT, 'media');

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Generate (once) a media file from ffmpeg's lavfi sources; returns its path. */
export function media(name: string, args: string[]): string {
  mkdirSync(MEDIA_DIR, { recursive: true });
  const out = join(MEDIA_DIR, name);
  if (!existsSync(out)) ffmpeg([...args, out]);
  return out;
}

/** A musical test tone: a chord with a beat, `sec` long, tagged. */
export function toneFile(name: string, sec = 6, extra: string[] = []): string {
  return media(name, [
    '-f', 'lavfi', '-i', `sine=f=220:d=${sec}`,
    '-f', 'lavfi', '-i', `sine=f=330:d=${sec}`,
    '-f', 'lavfi', '-i', `sine=f=880:d=${sec}:beep_factor=4`,
    '-filter_complex', '[0][1][2]amix=inputs=3,volume=2,aformat=channel_layouts=stereo',
    '-metadata', 'title=Test Tone', '-metadata', 'artist=Resonance Tests', '-metadata', 'album=Fixtures',
    ...extra,
  ]);
}

/** A short music video: test pattern + tone. */
export function videoFile(name = 'clip.mp4', sec = 6): string {
  return media(name, [
    '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=25:d=${sec}`,
    '-f', 'lavfi', '-i', `sine=f=440:d=${sec}:beep_factor=2`,
    '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
  ]);
}

/** An image file (cover art). */
export function imageFile(name = 'cover.png'): string {
  return media(name, ['-f', 'lavfi', '-i', 'testsrc=s=300x300:d=1', '-frames:v', '1']);
}

/** ffmpeg quietly (errors only), overwriting; throws with ffmpeg's stderr on failure. */
export function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Seconds that decode: the samples of a full decode of the first audio stream (mono f32le at 48 kHz) over 48 kHz. */
export function decodedSec(path: string): number {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  return r.stdout.length / 4 / 48000;
}

/** Samples per channel of a full decode of the first audio stream at its own rate (mono f32le, no resampling). */
export function decodedFrames(path: string): number {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-ac', '1', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  return r.stdout.length / 4;
}

/** The first audio stream's packets in kb/s over the decoded duration (bytes from ffmpeg's own framecrc count). */
export function audioKbps(path: string): number {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-i', path, '-map', '0:a:0', '-c', 'copy', '-f', 'framecrc', '-'], { encoding: 'latin1', maxBuffer: 1 << 28 });
  let bytes = 0;
  for (const m of out.matchAll(/^0,\s*-?\d+,\s*-?\d+,\s*\d+,\s*(\d+),/gm)) bytes += Number(m[1]);
  return (bytes * 8) / decodedSec(path) / 1000;
}

/**
 * Every file probed once up front (the media-truth suites): `load` probes each path, keeping the
 * ProbeResult or the error it threw; `probe(p)` is the result (rethrowing its error), `probed` the raw map.
 */
export function probeTable(probeFile: (path: string) => Promise<ProbeResult>) {
  const probed = new Map<string, ProbeResult | Error>();
  return {
    probed,
    probe(p: string): ProbeResult {
      const r = probed.get(p);
      if (r instanceof Error) throw r;
      if (!r) throw new Error(`${p} was not probed`);
      return r;
    },
    async load(paths: Iterable<string>): Promise<void> {
      for (const p of paths) probed.set(p, await probeFile(p).catch((e: Error) => e));
    },
  };
}

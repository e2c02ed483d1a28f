import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageFile, OUTPUT, toneFile, videoFile } from '../helpers/media';

/** The files the end-to-end tests open, in their own folder so listings stay small. */
export interface E2eMedia {
  dir: string;
  tone: string;
  video: string;
  cover: string;
  textAsMp3: string;
  empty: string;
  /** a folder and file name with spaces and non-ASCII characters */
  oddPath: string;
}

export function e2eMedia(): E2eMedia {
  const dir = join(OUTPUT, 'e2e', 'media');
  mkdirSync(dir, { recursive: true });
  const put = (src: string, name: string) => {
    const to = join(dir, name);
    if (!existsSync(to)) copyFileSync(src, to);
    return to;
  };
  const tone = put(toneFile('e2e-tone.mp3', 8), 'tone.mp3');
  const video = put(videoFile('e2e-clip.mp4', 6), 'clip.mp4');
  const cover = put(imageFile('e2e-cover.png'), 'cover.png');
  const textAsMp3 = join(dir, 'not really audio.mp3');
  writeFileSync(textAsMp3, 'This is a text file, not an MP3.\n'.repeat(40));
  const empty = join(dir, 'empty.mp3');
  writeFileSync(empty, '');
  const oddDir = join(dir, 'Música del año – ünï');
  mkdirSync(oddDir, { recursive: true });
  const oddPath = join(oddDir, 'Björk & Sigur Rós — «sång» 01.mp3');
  if (!existsSync(oddPath)) copyFileSync(tone, oddPath);
  return { dir, tone, video, cover, textAsMp3, empty, oddPath };
}

export function cleanE2eMedia(): void {
  rmSync(join(OUTPUT, 'e2e'), { recursive: true, force: true });
}

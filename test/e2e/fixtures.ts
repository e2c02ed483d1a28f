import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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
  // e2e files run two at a time (tools/run-tests.mjs): a file is written under a private name and renamed into place,
  // once, so no test reads another's half-written (or just truncated) copy, nor lists the private one
  const place = (to: string, write: (tmp: string) => void) => {
    if (existsSync(to)) return to;
    const tmp = join(OUTPUT, 'e2e', `.tmp-${process.pid}-${basename(to)}`); // beside the folder, never listed in it
    write(tmp);
    renameSync(tmp, to);
    return to;
  };
  const put = (src: string, name: string) => place(join(dir, name), (tmp) => copyFileSync(src, tmp));
  const tone = put(toneFile('e2e-tone.mp3', 8), 'tone.mp3');
  const video = put(videoFile('e2e-clip.mp4', 6), 'clip.mp4');
  const cover = put(imageFile('e2e-cover.png'), 'cover.png');
  const textAsMp3 = place(join(dir, 'not really audio.mp3'), (tmp) => writeFileSync(tmp, 'This is a text file, not an MP3.\n'.repeat(40)));
  const empty = place(join(dir, 'empty.mp3'), (tmp) => writeFileSync(tmp, ''));
  const oddDir = join(dir, 'Música del año – ünï');
  mkdirSync(oddDir, { recursive: true });
  const oddPath = place(join(oddDir, 'Björk & Sigur Rós — «sång» 01.mp3'), (tmp) => copyFileSync(tone, tmp));
  return { dir, tone, video, cover, textAsMp3, empty, oddPath };
}

export function cleanE2eMedia(): void {
  rmSync(join(OUTPUT, 'e2e'), { recursive: true, force: true });
}

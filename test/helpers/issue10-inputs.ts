// The numbered inputs of issue 10 ("Real libraries, real files"), built at test time as the issue
// describes them (ffmpeg's lavfi sources and muxers, fluidsynth renders), and the reference readings
// the tests compare against (ffprobe, a full ffmpeg decode, ffmpeg's ebur128). One builder per
// input, shared by the suites that check one surface each (media-crosscheck, media-rotation,
// model-preprocess, analysis-loudness, analysis-confidence, library) and by
// test/integration/issue10-done.test.ts, which checks every surface of every input.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ff, media } from './media';
import { renderSong, type SmfNote } from './smf';

// ——— references ———

export interface FfprobeOut {
  format: { format_name: string; duration?: string; bit_rate?: string; tags?: Record<string, string> };
  streams: { codec_type: string; bit_rate?: string; channels?: number; width?: number; height?: number; tags?: Record<string, string> }[];
}
/** ffprobe's JSON reading of a file (the reference for tags, container and streams) */
export function ffprobe(path: string): FfprobeOut {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path], { encoding: 'utf8' })) as FfprobeOut;
}
/** ffprobe's format tags with lower-case keys */
export const probeTags = (p: string): Record<string, string> =>
  Object.fromEntries(Object.entries(ffprobe(p).format.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
/** seconds that decode: the last `time=` of a full decode of the first audio stream to the null muxer */
export function decodedTimeSec(path: string): number {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-i', path, '-map', '0:a:0', '-f', 'null', '-'], { encoding: 'utf8' });
  const all = [...r.stderr.matchAll(/time=(\d+):(\d+):(\d+\.\d+)/g)];
  const m = all[all.length - 1];
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
/** the audio's own bitrate (kb/s): the sizes of its packets, as ffprobe lists them, over the decoded duration */
export function packetKbps(path: string): number {
  const sizes = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=size', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  const bytes = sizes.split('\n').filter(Boolean).reduce((n, s) => n + Number(s), 0);
  return (bytes * 8) / decodedTimeSec(path) / 1000;
}
/** ffmpeg's own loudness measurement (`-af ebur128=peak=true`): integrated (LUFS), LRA (LU), true peak (dBFS), its 1-decimal summary */
export function ffmpegEbur128(path: string): { I: number; LRA: number; TP: number } {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' });
  const s = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const num = (re: RegExp) => Number(re.exec(s)![1]);
  return { I: num(/I:\s+(-?[\d.]+) LUFS/), LRA: num(/LRA:\s+(-?[\d.]+) LU/), TP: num(/True peak:\s+Peak:\s+(-?[\d.]+) dBFS/) };
}

// ——— kind 1 (items 1–4) ———

export const TITLE = 'Sœur Ünïcode';

/** Items 1–4 in `dir` (made anew): their paths, and the lying-extension files with ffprobe's format name and the label the warning uses. */
export function kind1Files(dir: string) {
  const F = {
    vbr: join(dir, 'vbr-no-xing.mp3'),
    aiff: join(dir, 'unicode.aiff'),
    aifc: join(dir, 'unicode-float.aifc'),
    m4aAsMp3: join(dir, 'really-m4a.mp3'),
    flacAsM4a: join(dir, 'really-flac.m4a'),
    mp3AsFlac: join(dir, 'really-mp3.flac'),
    wavAsMp3: join(dir, 'really-wav.mp3'),
    cover: join(dir, 'big-cover.flac'),
    coverless: join(dir, 'big-cover-audio-only.flac'),
  };
  const LYING: [path: string, real: RegExp, label: RegExp][] = [
    [F.m4aAsMp3, /mov,mp4,m4a/, /MPEG-4/],
    [F.flacAsM4a, /^flac$/, /FLAC/],
    [F.mp3AsFlac, /^mp3$/, /MP3/],
    [F.wavAsMp3, /^wav$/, /WAV/],
  ];
  return { F, LYING };
}

/** Build items 1–4 into `dir` (emptied first). */
export function buildKind1(dir: string): ReturnType<typeof kind1Files> {
  const files = kind1Files(dir);
  const { F } = files;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // 1. VBR MP3 (LAME V2) without a Xing/Info header: 2 s of silence (LAME's 32 kb/s frames), then 40 s of music-like tone
  ff(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo:d=2', '-f', 'lavfi', '-i', 'sine=f=440:d=40:r=44100:beep_factor=3',
    '-filter_complex', '[1]aformat=channel_layouts=stereo,volume=0.5[s];[0][s]concat=n=2:v=0:a=1',
    '-c:a', 'libmp3lame', '-q:a', '2', '-write_xing', '0', '-metadata', 'title=VBR, no header', F.vbr]);
  // 2. AIFF (16-bit) and AIFF-C (float fl32): ffmpeg writes NAME/AUTH/ANNO as UTF-8
  const aiffTags = ['-metadata', `title=${TITLE}`, '-metadata', 'author=Ärtist Ø', '-metadata', 'comment=ça va'];
  ff(['-f', 'lavfi', '-i', 'sine=f=330:d=3', ...aiffTags, F.aiff]);
  ff(['-f', 'lavfi', '-i', 'sine=f=330:d=3', '-c:a', 'pcm_f32be', '-f', 'aiff', ...aiffTags, F.aifc]);
  // 3. lying extensions, each tagged
  const tags = (k: string) => ['-metadata', `title=${k} title`, '-metadata', `artist=${k} ärtist`, '-metadata', `album=${k} album`];
  const src = ['-f', 'lavfi', '-i', 'sine=f=440:d=3:beep_factor=4'];
  ff([...src, '-c:a', 'aac', ...tags('M4A'), '-f', 'ipod', F.m4aAsMp3]);
  ff([...src, '-c:a', 'flac', ...tags('FLAC'), '-f', 'flac', F.flacAsM4a]);
  ff([...src, '-c:a', 'libmp3lame', ...tags('MP3'), '-f', 'mp3', F.mp3AsFlac]);
  ff([...src, ...tags('WAV'), '-f', 'wav', F.wavAsMp3]);
  // 4. 20 s FLAC (two independent noise channels, ≈ 800 kb/s) with a 12 MB PNG front cover
  const raw = join(dir, 'cover.rgb');
  writeFileSync(raw, randomBytes(2000 * 2000 * 3));
  const png = join(dir, 'cover.png');
  ff(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '2000x2000', '-i', raw, '-frames:v', '1', png]);
  rmSync(raw);
  const noise = ['-f', 'lavfi', '-i', 'anoisesrc=d=20:a=0.006:r=44100:c=white:seed=7', '-f', 'lavfi', '-i', 'anoisesrc=d=20:a=0.006:r=44100:c=white:seed=8'];
  ff([...noise, '-filter_complex', '[0][1]amerge=inputs=2[a]', '-map', '[a]', '-sample_fmt', 's16', '-c:a', 'flac', '-metadata', 'title=Big cover', F.coverless]);
  ff(['-i', F.coverless, '-i', png, '-map', '0:a', '-map', '1', '-c', 'copy', '-disposition:v', 'attached_pic', '-metadata:s:v', 'comment=Cover (front)', F.cover]);
  return files;
}

// ——— kind 2 (items 5, 6) ———

/** Item 5's layouts (ffmpeg's names) and their channel counts; 5.1 (which always worked) is not among them. */
export const ITEM5_LAYOUTS = [
  ['4.1', 5],
  ['7.0', 7],
  ['octagonal', 8],
] as const;

/** Item 5: a float WAV of `layout`, each channel its own sine (200 + 110·c Hz), `sec` long, 44.1 kHz (test/output/media, made once). */
export function layoutWav(layout: string, channels: number, sec = 5): string {
  const inputs = Array.from({ length: channels }, (_, c) => ['-f', 'lavfi', '-i', `sine=f=${200 + 110 * c}:d=${sec},volume=${0.2 + 0.05 * c}`]).flat();
  return media(`layout-${layout}${sec === 5 ? '' : `-${sec}s`}.wav`, [
    ...inputs,
    '-filter_complex', `${Array.from({ length: channels }, (_, c) => `[${c}]`).join('')}join=inputs=${channels}:channel_layout=${layout}`,
    '-ar', '44100', '-c:a', 'pcm_f32le',
  ]);
}

/** Item 6: the six formats music-metadata's allow-list left out, 2 s tones, as [file name, ffmpeg output options]. */
export const ITEM6_KINDS: [string, string[]][] = [
  ['k.wv', ['-c:a', 'wavpack']],
  ['k.m4b', ['-c:a', 'aac', '-f', 'ipod']],
  ['k.aifc', ['-c:a', 'pcm_f32be', '-f', 'aiff']],
  ['k.mka', ['-c:a', 'flac', '-f', 'matroska']],
  ['k.w64', ['-f', 'w64']],
  ['k.mp2', ['-c:a', 'mp2']],
];

/** Item 6: the six files copied into `dir` under `prefix` + their names; returns their paths. */
export function item6Files(dir: string, prefix = ''): string[] {
  mkdirSync(dir, { recursive: true });
  return ITEM6_KINDS.map(([name, args], i) => {
    const to = join(dir, prefix + name);
    copyFileSync(media(`lib-kind-${name}`, ['-f', 'lavfi', '-i', `sine=f=${300 + 40 * i}:d=2:beep_factor=4`, ...args]), to);
    return to;
  });
}

// ——— kind 3 (items 7–9) ———

/** Item 7: a 4 s 320×180 H.264 clip, and the same stream flagged as a portrait phone recording (display matrix 90°). */
export const plainClip = () => media('rot-0.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
export const rotatedClip = () => media('rot-90.mp4', ['-i', plainClip(), '-c', 'copy', '-metadata:s:v', 'rotate=90']);

/** Item 8: an animated (lossless, looping) WebP of 5 frames, 96×64. */
export const animatedWebp = () => media('anim.webp', ['-f', 'lavfi', '-i', 'testsrc=s=96x64:r=5:d=1', '-c:v', 'libwebp_anim', '-lossless', '1', '-loop', '0']);

/**
 * Item 9: a surround render, each channel its own signal: fronts pink noise and a pulsing tone, the LFE a loud
 * 50 Hz sine (it must not count), the surrounds loud noise (they weigh ×1.41). 48 kHz 24-bit WAV, 8 s.
 */
export const SURROUND_FRONT = ['anoisesrc=d=8:c=pink:a=0.2:s=1', 'anoisesrc=d=8:c=pink:a=0.15:s=2', "sine=f=330:d=8,volume='0.3*(1+sin(2*PI*t))/2':eval=frame"];
export const SURROUND_LFE = 'sine=f=50:d=8,volume=0.9';
export const SURROUND_BACK = ['anoisesrc=d=8:c=pink:a=0.35:s=3', 'anoisesrc=d=8:c=brown:a=0.5:s=4'];
export const surroundWav = (name: string, layout: string, chans: string[]) =>
  media(name, [
    ...chans.flatMap((c) => ['-f', 'lavfi', '-i', c]),
    '-filter_complex', `${chans.map((_, i) => `[${i}]`).join('')}join=inputs=${chans.length}:channel_layout=${layout}`,
    '-ar', '48000', '-c:a', 'pcm_s24le',
  ]);
/** Item 9's two renders: 5.1 (LFE included) and 5.0. */
export const surround51 = () => surroundWav('loud-5-1.wav', '5.1', [...SURROUND_FRONT, SURROUND_LFE, ...SURROUND_BACK]);
export const surround50 = () => surroundWav('loud-5-0.wav', '5.0', [...SURROUND_FRONT, ...SURROUND_BACK]);

// ——— kind 4 (items 10–12) ———

/** Item 10: a steady 220 Hz line-up tone, 20 s stereo WAV. */
export const lineupTone = () => media('lineup-220hz-20s.wav', ['-f', 'lavfi', '-i', 'sine=f=220:d=20', '-ac', '2']);

/** Item 11: a sustained A-major pad (four detuned-partial voices) breathing slowly at 0.07 Hz over quiet pink noise, 30 s. */
export function padDrone(): string {
  const voices = [110, 164.8, 220, 277.2]
    .map((f) => `sin(2*PI*${f}*t)+0.5*sin(2*PI*${f * 2.003}*t)+0.3*sin(2*PI*${f * 2.997}*t)`)
    .join('+');
  return media('pad-drone-30s.wav', [
    '-f', 'lavfi', '-i', `aevalsrc='0.04*(${voices})*(0.65+0.35*sin(2*PI*0.07*t))':s=44100:d=30`,
    '-f', 'lavfi', '-i', 'anoisesrc=c=pink:a=0.01:d=30:r=44100',
    '-filter_complex', '[0][1]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo',
  ]);
}

/** Item 12a: a 100 BPM rock groove on the GM drum kit only (fluidsynth): kick 1 & 3, snare 2 & 4, closed hi-hat eighths. */
export function drumGroove(): string {
  const notes: SmfNote[] = [];
  for (let bar = 0; bar < 12; bar++) {
    const b = bar * 4;
    for (const k of [0, 2, 2.5]) notes.push({ beat: b + k, len: 0.25, ch: 9, note: 36, vel: 110 });
    for (const s of [1, 3]) notes.push({ beat: b + s, len: 0.25, ch: 9, note: 38, vel: 100 });
    for (let e = 0; e < 8; e++) notes.push({ beat: b + e / 2, len: 0.25, ch: 9, note: 42, vel: e % 2 ? 60 : 85 });
    if (bar % 4 === 3) notes.push({ beat: b + 3.5, len: 0.5, ch: 9, note: 49, vel: 90 });
  }
  return renderSong('drums-100bpm.wav', { bpm: 100, notes });
}

/**
 * Item 12b: a twelve-tone piano piece (fluidsynth): one row (every pitch class once) and its
 * inversion, retrograde and transpositions, as a melody over three-note
 * chords cut from the row, in an uneven rhythm — no pitch class is favoured.
 */
export function twelveTone(): string {
  const row = [0, 11, 7, 8, 3, 1, 2, 10, 6, 5, 4, 9]; // Berg, Lyric Suite row
  const forms = [row, row.map((p) => (12 - p) % 12), [...row].reverse(), row.map((p) => (p + 6) % 12), row.map((p) => (p + 3) % 12), row.map((p) => (12 - p + 8) % 12)];
  const notes: SmfNote[] = [];
  const durs = [0.75, 0.5, 1, 0.25, 0.75, 1.25, 0.5, 0.5, 1, 0.75, 0.25, 1.5];
  let t = 0;
  for (let rep = 0; rep < 2; rep++)
    for (const f of forms) {
      for (let i = 0; i < 12; i++) {
        const d = durs[(i + rep * 5) % 12];
        notes.push({ beat: t, len: d, ch: 0, note: 60 + f[i] + (i % 3 === 2 ? 12 : 0), vel: 70 + ((i * 7) % 30) });
        if (i % 3 === 0) for (let k = 0; k < 3; k++) notes.push({ beat: t, len: 1.5, ch: 0, note: 43 + f[(i + 3 + k) % 12], vel: 55 });
        t += d;
      }
    }
  return renderSong('twelve-tone-piano.wav', { bpm: 84, notes, programs: { 0: 0 } });
}

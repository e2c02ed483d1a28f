import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StudioError, type ProbeResult } from '@contract';
import { sweepOnce } from './cache';
import { FFMPEG_MAX_CONVERT_CHANNELS, ffmpegReason, runFfmpeg, runFfmpegProgress, spawnFfmpeg, stalledError } from './ffmpeg';
import { meanMixFilter, readPcm, swrRemixable, wideStream } from './pcm';

/**
 * What Chromium (Electron, and Debian's Chromium for web mode: both built
 * with the proprietary codecs) plays natively, by container family.
 * Deliberately conservative: anything not listed gets a proxy, and a proxy
 * always plays. Not listed on purpose: AIFF, ALAC, WMA/ASF, AC3/E-AC3, DTS,
 * MP2, AMR, APE, WavPack, TTA, big-endian or A-law/µ-law PCM, PCM outside WAV,
 * HEVC (only with platform decoders), MPEG-4 Part 2/Xvid, MPEG-2, ProRes,
 * Theora (removed from Chromium), AVI, and Matroska carrying non-WebM codecs.
 */
export const CHROMIUM_PLAYS: Record<string, { audio: readonly string[]; video: readonly string[] }> = {
  mp3: { audio: ['mp3'], video: [] },
  aac: { audio: ['aac'], video: [] },
  flac: { audio: ['flac'], video: [] },
  wav: { audio: ['pcm_u8', 'pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_f32le'], video: [] },
  ogg: { audio: ['vorbis', 'opus', 'flac'], video: [] },
  mp4: { audio: ['aac', 'mp3', 'flac', 'opus'], video: ['h264', 'vp9', 'av1'] },
  webm: { audio: ['opus', 'vorbis'], video: ['vp8', 'vp9', 'av1'] },
};

/**
 * A container name → family above: ffmpeg's demuxer family ("mov,mp4,m4a,3gp,3g2,mj2",
 * "matroska,webm", …) or the one name probe reports (realContainer: "m4a", "mov", "3gp", …).
 */
export function containerFamily(container: string): string {
  const c = container.toLowerCase();
  if (/(^|,)(mp4|mov|m4a|m4b|3gp|3g2|mj2)(,|$)/.test(c)) return 'mp4';
  if (c.includes('matroska') || c.includes('webm')) return 'webm';
  if (/^(mp3|aac|flac|wav|ogg)$/.test(c)) return c;
  return c; // aiff, asf, avi, … : not playable
}

let losslessMemo: Promise<Set<string>> | undefined;
/**
 * The audio codecs ffmpeg itself calls lossless (`ffmpeg -codecs`: "S", lossless compression — FLAC, ALAC, every
 * PCM, WavPack, TAK, WMA Lossless, MPEG-4 ALS, RealAudio Lossless, DST, SMPTE 302M, ATRAC AL, …; DTS and WavPack are
 * marked lossy as well, having both modes). Their play proxy is FLAC (a FLAC of a lossy-coded stream loses nothing
 * more), every other codec's Opus: a short table missed WMA Lossless, ALS, RealAudio Lossless, DST, SMPTE 302M and
 * ATRAC AL, whose proxies were lossy. Asked once per process; ffmpeg missing or silent: an empty set (every proxy Opus).
 */
export function losslessAudioCodecs(): Promise<Set<string>> {
  losslessMemo ??= runFfmpeg(['-hide_banner', '-codecs'], { maxStdout: 1 << 20 })
    .then((r) => new Set([...r.stdout.toString('utf8').matchAll(/^ [D.][E.]A[I.][L.]S (\S+)/gm)].map((m) => m[1])))
    .catch(() => new Set<string>());
  return losslessMemo;
}
/** audio codecs copied as they are when remuxing a video into mp4 (FLAC/Opus in mp4 need ffmpeg ≥ 6: re-encoded instead) */
const MP4_AUDIO_COPY = ['aac', 'mp3'];

export type PlayPlan =
  | { kind: 'original' }
  /** `wide`: audio of more than FFMPEG_MAX_CONVERT_CHANNELS channels, which ffmpeg cannot mix: made by makeProxy's own mix (`args` unused) */
  | { kind: 'proxy'; ext: 'flac' | 'webm' | 'mp4' | 'mp3'; mime: string; args: string[]; reason: string; wide?: true };

/**
 * The file states a length other than what decodes (probe's warnings, tags.ts crossCheck: a download cut short whose
 * Xing/STREAMINFO/WAV header still counts the whole — "appears truncated … its header states 0:30.00"; a header that is
 * wrong; an MP3 with no frame count whose length ffmpeg estimated from the first frames' bitrate). Chromium believes the
 * header as ffmpeg's demuxer does: played as it is, the element runs to the stated length — the readout said
 * "0:00.0 / 0:30.0" for 6.2 s of audio, the waveform's cursor and clicks were scaled to 30 s, and playback jumped from
 * the audio's end to 0:30 and ended. A proxy written by ffmpeg states what it holds. The fact is the probe's
 * `statedDurationSec` (set by tags.ts crossCheck beside the warning that says it), not the warning's wording.
 */
export function lengthMisstated(probe: Pick<ProbeResult, 'statedDurationSec'>): boolean {
  return probe.statedDurationSec !== undefined;
}

/** Chromium's channel limit (media/base/limits.h kMaxChannels): a file of more channels does not play, whatever its codec. */
export const CHROMIUM_MAX_CHANNELS = 32;

/**
 * How a track is played: the original file when Chromium plays it, otherwise
 * a proxy made once by ffmpeg. The args are the ffmpeg arguments between
 * `-i <file>` and the output path.
 */
export function playPlan(probe: ProbeResult, lossless: ReadonlySet<string> = new Set()): PlayPlan {
  const am = audioMap(probe);
  // the stream read (probe.audio, what the waveform and analysis show) is not the first audio stream: Chromium plays
  // the original's FIRST audio track, whatever is flagged default, so the original is never played as is
  const picked = am !== '0:a:0';
  const fam = CHROMIUM_PLAYS[containerFamily(probe.container)];
  const a = probe.audio?.codec ?? '';
  const v = probe.video?.codec;
  const audioOk = !!fam && fam.audio.includes(a) && (probe.audio?.channels ?? 2) <= CHROMIUM_MAX_CHANNELS;
  if (!v) {
    const misstated = lengthMisstated(probe);
    if (audioOk && !picked && !misstated) return { kind: 'original' };
    const reason = `${a} in ${probe.container}${picked ? `, audio stream ${probe.audio?.index} (not the first)` : ''}${misstated ? ', its stated length is not what decodes' : ''}`;
    // a codec Chromium plays, in MP4: the picked stream copied alone into an MP4 (no re-encoding); so is raw ADTS AAC
    // whose length is only estimated (Chromium, like ffmpeg, guesses it from the first frames' bitrate: 20.89 s for 20.03)
    const family = containerFamily(probe.container);
    if (audioOk && MP4_AUDIO_COPY.includes(a) && (family === 'mp4' || (misstated && family === 'aac'))) {
      return { kind: 'proxy', ext: 'mp4', mime: 'audio/mp4', reason, args: ['-map', am, '-vn', '-sn', '-dn', '-c:a', 'copy', '-movflags', '+faststart', '-f', 'mp4'] };
    }
    // an MP3 whose header misstates its length: its frames copied as they are, under a new Xing header that counts them
    if (audioOk && family === 'mp3' && a === 'mp3') {
      return { kind: 'proxy', ext: 'mp3', mime: 'audio/mpeg', reason, args: ['-map', am, '-vn', '-sn', '-dn', '-c:a', 'copy', '-write_xing', '1', '-f', 'mp3'] };
    }
    return audioProxy(probe, reason, lossless);
  }
  const videoOk = !!fam && fam.video.includes(v);
  if (audioOk && videoOk && !picked) return { kind: 'original' };
  const reason = `${v} + ${a} in ${probe.container}${picked ? `, audio stream ${probe.audio?.index} (not the first)` : ''}`;
  if (CHROMIUM_PLAYS.mp4.video.includes(v)) {
    const audioArgs = MP4_AUDIO_COPY.includes(a) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k'];
    return {
      kind: 'proxy',
      ext: 'mp4',
      mime: 'video/mp4',
      reason,
      args: ['-map', '0:v:0', '-map', am, '-c:v', 'copy', ...audioArgs, '-movflags', '+faststart', '-f', 'mp4'],
    };
  }
  if (v === 'vp8') {
    const audioArgs = ['opus', 'vorbis'].includes(a) ? ['-c:a', 'copy'] : ['-c:a', 'libopus', '-b:a', '192k'];
    return { kind: 'proxy', ext: 'webm', mime: 'video/webm', reason, args: ['-map', '0:v:0', '-map', am, '-c:v', 'copy', ...audioArgs, '-f', 'webm'] };
  }
  // A video codec Chromium cannot decode: the soundtrack plays, the picture
  // does not (the filmstrip still shows it). Transcoding video is left to a later issue.
  return audioProxy(probe, reason, lossless);
}

/**
 * The `-map` of the audio stream a proxy holds: the one the probe states (probe.audio: the stream ffmpeg picks, which
 * the analysis and the model read — a later one flagged default), `0:a:0` where that is the first audio stream.
 */
export function audioMap(probe: Pick<ProbeResult, 'audio' | 'streams'>): string {
  const first = probe.streams.find((s) => s.type === 'audio');
  return probe.audio && first && probe.audio.index !== first.index ? `0:${probe.audio.index}` : '0:a:0';
}

function audioProxy(probe: ProbeResult, reason: string, lossless: ReadonlySet<string>): PlayPlan {
  const am = audioMap(probe);
  const a = probe.audio?.codec ?? '';
  const ch = probe.audio?.channels ?? 2;
  // more channels than ffmpeg mixes (an ADM/Atmos master): a stereo FLAC of every channel's mean, mixed by makeProxy
  if (ch > FFMPEG_MAX_CONVERT_CHANNELS) return { kind: 'proxy', ext: 'flac', mime: 'audio/flac', reason: `${reason}, ${ch} channels`, args: [], wide: true };
  // ffmpeg mixes down by channel position; channels it knows no positions for (it prints "12 channels" for the
  // layout: unmixableChannels in pcm.ts), or positions its resampler refuses to mix from (swrRemixable: a surround
  // pair alone, FL+LFE), are averaged into both sides instead of failing the mix
  const layout = probe.audio?.channelLayout;
  const unplaced = layout ? !swrRemixable(layout) : false;
  const toStereo = unplaced ? ['-af', meanMixFilter(ch, 2)] : ['-ac', '2'];
  const down = ch > 8 ? toStereo : [];
  if (lossless.has(a)) {
    return { kind: 'proxy', ext: 'flac', mime: 'audio/flac', reason, args: ['-map', am, '-vn', '-sn', '-dn', ...down, '-c:a', 'flac', '-f', 'flac'] };
  }
  return {
    kind: 'proxy',
    ext: 'webm',
    mime: 'audio/webm',
    reason,
    args: ['-map', am, '-vn', '-sn', '-dn', ...(ch > 2 ? toStereo : []), '-c:a', 'libopus', '-b:a', '192k', '-f', 'webm'],
  };
}

const flacFallback = (map: string) => ['-map', map, '-vn', '-sn', '-dn', '-ac', '2', '-c:a', 'flac', '-f', 'flac'];

/**
 * The proxy of a file (fingerprint `fp`): `<cacheDir>/playable/<fp>.s1.<ext>`. `s1`: the stream rule — the audio
 * stream ffmpeg picks (a later one flagged default, 5812d6a); proxies made before it (no `s1`) hold the first audio
 * stream and are not served.
 */
export function proxyPath(cacheDir: string, fp: string, ext: string): string {
  return join(cacheDir, 'playable', `${fp}.s1.${ext}`);
}

/**
 * A proxy's name before the stream rule (`<fp>.<ext>`, no `s1`): never served, so removed (sweepOldProxies).
 * Temporaries being made (`<fp>.<hex>.tmp.<ext>`) and current names are not.
 */
export function isOldProxyName(name: string): boolean {
  return /^[0-9a-f]{32}\.[a-z0-9]+$/.test(name);
}

/** how many old-named files one sweep removes at most (a cache holds one proxy per played file) */
export const SWEEP_MAX = 5000;

/** The proxies of old names removed from `<cacheDir>/playable`, once per process (cache.ts sweepOnce); resolves to the count. */
export function sweepOldProxies(cacheDir: string, max = SWEEP_MAX): Promise<number> {
  return sweepOnce(join(cacheDir, 'playable'), isOldProxyName, max);
}

/**
 * Make the proxy (once; callers dedupe) into the cache, atomically. The first proxy a process asks for sweeps the
 * folder of proxies of old names (sweepOldProxies), without waiting for it. If the
 * chosen encoder is missing from this ffmpeg build (libopus), falls back to
 * FLAC. Returns the path and mime of what was written.
 */
export async function makeProxy(
  path: string,
  probe: ProbeResult,
  plan: Extract<PlayPlan, { kind: 'proxy' }>,
  cacheDir: string,
  fp: string,
  signal?: AbortSignal,
): Promise<{ path: string; mime: string }> {
  const out = proxyPath(cacheDir, fp, plan.ext);
  void sweepOldProxies(cacheDir);
  if (existsSync(out)) return { path: out, mime: plan.mime };
  await mkdir(join(cacheDir, 'playable'), { recursive: true });
  const attempt = async (args: string[], ext: string): Promise<string | null> => {
    const tmp = join(cacheDir, 'playable', `${fp}.${randomBytes(4).toString('hex')}.tmp.${ext}`);
    const r = await runFfmpegProgress(['-v', 'error', '-y', '-i', path, ...args, tmp], { durationSec: probe.durationSec, signal });
    if (r.code === 0) {
      const final = proxyPath(cacheDir, fp, ext);
      await rename(tmp, final);
      return final;
    }
    await rm(tmp, { force: true });
    if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
    lastErr = ffmpegReason(r.stderr);
    return null;
  };
  let lastErr = '';
  if (plan.wide) {
    const tmp = join(cacheDir, 'playable', `${fp}.${randomBytes(4).toString('hex')}.tmp.flac`);
    try {
      await wideStereoFlac(path, tmp, signal, audioMap(probe) === '0:a:0' ? null : (probe.audio?.index ?? null));
      await rename(tmp, out);
      return { path: out, mime: plan.mime };
    } catch (err) {
      await rm(tmp, { force: true });
      if (err instanceof StudioError && err.code !== 'DECODE_FAILED') throw err;
      throw new StudioError('DECODE_FAILED', `"${basename(path)}" (${plan.reason}) cannot be played directly, and converting it to a playable copy failed (${(err as Error).message}).`);
    }
  }
  const made = await attempt(plan.args, plan.ext);
  if (made) return { path: made, mime: plan.mime };
  if (plan.mime.startsWith('audio/') && plan.ext !== 'flac') {
    const fb = await attempt(flacFallback(audioMap(probe)), 'flac');
    if (fb) return { path: fb, mime: 'audio/flac' };
  }
  throw new StudioError(
    'DECODE_FAILED',
    `"${basename(path)}" (${plan.reason}) cannot be played directly, and converting it to a playable copy failed (ffmpeg: ${lastErr}).`,
  );
}

/**
 * A stereo FLAC at `out` of the first audio stream of `path` (or `stream`, the absolute index of the one read) when it has more channels than ffmpeg converts
 * (wideStream): one ffmpeg decodes it in the decoder's own sample format (pcm.ts PcmOutput.native, no converter), the
 * mean of every channel goes to both sides (as meanMixFilter mixes channels without positions), and a second ffmpeg
 * encodes that float stereo from its standard input. Errors: DECODE_FAILED, CANCELLED.
 */
async function wideStereoFlac(path: string, out: string, signal?: AbortSignal, stream: number | null = null): Promise<void> {
  // the stream's format, from ffmpeg's own description of the input (no output asked: it describes it and exits)
  const head = (await runFfmpeg(['-i', path], { signal })).stderr;
  const wide = wideStream(head, stream);
  if (!wide) throw new StudioError('DECODE_FAILED', 'its audio stream is not one of more than 64 PCM channels');
  const enc = spawnFfmpeg(['-v', 'error', '-f', 'f32le', '-ar', String(wide.sampleRate), '-ac', '2', '-i', 'pipe:0', '-c:a', 'flac', '-f', 'flac', '-y', out], signal, 0, 0, true);
  let encErr = '';
  enc.stderr!.on('data', (b: Buffer) => {
    if (encErr.length < 10_000) encErr += b.toString('utf8');
  });
  const encoded = new Promise<number | null>((resolve, reject) => {
    enc.on('error', reject);
    enc.on('close', resolve);
  });
  enc.stdin!.on('error', () => undefined); // a failed encoder is reported by its exit code
  const n = wide.channels;
  const res = await readPcm(path, {
    native: wide.format,
    stream: `0:${wide.index}`,
    signal,
    onFrames: (f32, whole) => {
      const st = new Float32Array(2 * whole);
      for (let i = 0, k = 0; i < whole; i++) {
        let sum = 0;
        for (let c = 0; c < n; c++, k++) sum += f32[k]!;
        st[2 * i] = st[2 * i + 1] = sum / n;
      }
      enc.stdin!.write(Buffer.from(st.buffer));
    },
  }).finally(() => enc.stdin!.end());
  const code = await encoded;
  if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
  const stall = stalledError(enc);
  if (stall) throw stall;
  if (res.exitCode !== 0 || res.frames === 0) throw new StudioError('DECODE_FAILED', `ffmpeg: ${ffmpegReason(res.log)}`);
  if (code !== 0) throw new StudioError('DECODE_FAILED', `ffmpeg: ${ffmpegReason(encErr)}`);
}

/** Mime type of an opened file, by extension. */
export function mimeOfPath(path: string, kind: 'audio' | 'video'): string {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  const m: Record<string, string> = {
    mp3: 'audio/mpeg',
    flac: 'audio/flac',
    wav: 'audio/wav',
    ogg: 'audio/ogg',
    oga: 'audio/ogg',
    opus: 'audio/ogg',
    m4a: 'audio/mp4',
    alac: 'audio/mp4',
    aac: 'audio/aac',
    aif: 'audio/aiff',
    aiff: 'audio/aiff',
    wma: 'audio/x-ms-wma',
    mp4: kind === 'video' ? 'video/mp4' : 'audio/mp4',
    m4v: 'video/mp4',
    mov: 'video/quicktime',
    mkv: kind === 'video' ? 'video/x-matroska' : 'audio/x-matroska',
    webm: kind === 'video' ? 'video/webm' : 'audio/webm',
    avi: 'video/x-msvideo',
  };
  return m[ext] ?? 'application/octet-stream';
}

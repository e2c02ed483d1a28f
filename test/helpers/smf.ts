/**
 * Writing Standard MIDI Files (format 0) for test inputs that fluidsynth then
 * renders, the way real music is made: notes with channels, programs and
 * velocities, one tempo, an optional key signature.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEDIA_DIR } from './media';

export interface SmfNote {
  /** start, beats (quarter notes) */
  beat: number;
  /** length, beats */
  len: number;
  /** MIDI channel 0..15 (9 = General MIDI drums) */
  ch: number;
  /** MIDI note number */
  note: number;
  vel: number;
}

export interface SmfSong {
  bpm: number;
  notes: SmfNote[];
  /** General MIDI program per channel */
  programs?: Record<number, number>;
  /** key signature: sharps (+) / flats (−), minor */
  key?: { sf: number; minor: boolean };
}

const PPQ = 480;

function varLen(v: number): number[] {
  const out = [v & 0x7f];
  while ((v >>= 7)) out.unshift((v & 0x7f) | 0x80);
  return out;
}

/** The bytes of a format-0 Standard MIDI File for `song`. */
export function smfBytes(song: SmfSong): Uint8Array {
  const ev: { tick: number; order: number; bytes: number[] }[] = [];
  const us = Math.round(60e6 / song.bpm);
  ev.push({ tick: 0, order: 0, bytes: [0xff, 0x51, 3, (us >> 16) & 0xff, (us >> 8) & 0xff, us & 0xff] });
  if (song.key) ev.push({ tick: 0, order: 0, bytes: [0xff, 0x59, 2, song.key.sf & 0xff, song.key.minor ? 1 : 0] });
  for (const [ch, p] of Object.entries(song.programs ?? {})) ev.push({ tick: 0, order: 1, bytes: [0xc0 | Number(ch), p] });
  for (const n of song.notes) {
    const on = Math.round(n.beat * PPQ);
    ev.push({ tick: on, order: 3, bytes: [0x90 | n.ch, n.note, n.vel] });
    ev.push({ tick: on + Math.max(1, Math.round(n.len * PPQ)), order: 2, bytes: [0x80 | n.ch, n.note, 0] });
  }
  ev.sort((a, b) => a.tick - b.tick || a.order - b.order);
  const track: number[] = [];
  let last = 0;
  for (const e of ev) {
    track.push(...varLen(e.tick - last), ...e.bytes);
    last = e.tick;
  }
  track.push(0, 0xff, 0x2f, 0);
  const head = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, PPQ >> 8, PPQ & 0xff];
  const len = track.length;
  return Uint8Array.from([...head, 0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff, ...track]);
}

/** fluidsynth's General MIDI SoundFont (Debian fluid-soundfont-gm). */
export const GM_SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

/**
 * `song` rendered by fluidsynth with FluidR3_GM to a 44.1 kHz stereo WAV under test/output/media (cached by name).
 * `synth.dynamic-sample-loading`: only the samples the song's notes use are loaded from the 141 MB SoundFont, not all of
 * them — 0.89 → 0.32 s of CPU for an 8 s song (most of a short render is that load); the output differs from a full load
 * by at most 1 LSB in a few samples (fluidsynth 2.3; session 22, BENCHMARKS.md "Suite time: session 22"). No test pins a
 * render's bytes: each asserts what the analysis reads of it (a tempo, a key, a confidence bound).
 */
export function renderSong(name: string, song: SmfSong): string {
  mkdirSync(MEDIA_DIR, { recursive: true });
  const wav = join(MEDIA_DIR, name);
  if (existsSync(wav)) return wav;
  const mid = `${wav}.mid`;
  writeFileSync(mid, smfBytes(song));
  execFileSync('fluidsynth', ['-ni', '-q', '-o', 'synth.dynamic-sample-loading=1', '-F', `${wav}.tmp.wav`, '-T', 'wav', '-r', '44100', '-g', '0.5', GM_SOUNDFONT, mid], { stdio: 'ignore' });
  execFileSync('mv', [`${wav}.tmp.wav`, wav]);
  return wav;
}

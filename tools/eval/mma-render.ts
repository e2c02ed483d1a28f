// One MMA song rendered the way the tempo sets render them (synth-set.ts, octave-set.ts): an MMA
// file of one groove at one tempo with a chord per bar, MMA → MIDI, fluidsynth with one SoundFont
// → 32-bit float PCM at 44.1 kHz, cut to `sec` seconds and encoded as 192 kb/s MP3 by ffmpeg.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chordName } from '../../main/engine/analysis/keys';

/** The two SoundFonts the tempo sets alternate (Debian fluid-soundfont-gm, timgm6mb-soundfont). */
export const TEMPO_SET_SOUNDFONTS = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/TimGM6mb.sf2'] as const;

/** The progression of song `i` of a set: I – vi – IV – V from a tonic that moves by fourths from song to song. */
export function songProgression(i: number): string[] {
  const t = (i * 5) % 12;
  return [chordName(t, false), chordName(t + 9, true), chordName(t + 5, false), chordName(t + 7, false)];
}

/** The key of song `i`'s progression (songProgression: I – vi – IV – V of this major key); tools/eval/calibrate.ts scores the key confidence on it. */
export function songKey(i: number): { tonic: number; mode: 'major' } {
  return { tonic: (i * 5) % 12, mode: 'major' };
}

export interface MmaSong {
  /** file stem of the .mma / .mid in `work` */
  name: string;
  groove: string;
  /** MMA's Tempo (its beats per minute) */
  tempo: number;
  /** MMA beats per bar of the groove (its time signature's numerator in MMA's beats) */
  beatsPerBar: number;
  /** one chord per bar, repeated; null: rests ('z': the groove's drums only) */
  chords: string[] | null;
  soundfont: string;
  /** seconds of audio kept */
  sec: number;
  /** MMA's random seed (compileMma); default: the one of `name` (mmaSeed) */
  seed?: number;
  /** folder for the .mma and .mid */
  work: string;
  /** the MP3 to write */
  out: string;
}

/**
 * The MMA random seed of the song whose files are named `name`: FNV-1a (32-bit) of its UTF-8 bytes. MMA's grooves
 * vary timing and velocity and skip notes at random (RTime, RVolume, RSkip in /usr/share/mma/lib); unseeded, every
 * build of an eval set wrote different MIDI files, so a set rebuilt on a fresh machine was not the set its figures
 * were measured on (ci73's FolkRock test met a realisation ~1 in 26 whose first beat is weak).
 * A non-empty `salt` hashes "salt:name" instead: another, equally reproducible realisation of every song (build-set.ts
 * --mma-seed-salt; tools/eval/realisation-noise.ts measures how far a figure moves between realisations).
 */
export function mmaSeed(name: string, salt = ''): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(salt ? `${salt}:${name}` : name, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/**
 * Compiles MMA source `text` to work/name.mid, with `RndSeed seed` (default mmaSeed(name)) as its first line so the
 * MIDI file is the same on every run and machine (MMA 21.09's RndSeed: Python's random.seed). Writes work/name.mma
 * beside it; returns the .mid path. Throws when mma fails (execFileSync).
 */
export function compileMma(text: string, name: string, work: string, seed = mmaSeed(name)): string {
  const src = join(work, `${name}.mma`);
  const mid = join(work, `${name}.mid`);
  writeFileSync(src, `RndSeed ${seed}\n${text}`);
  execFileSync('mma', [src, '-f', mid], { stdio: 'ignore' });
  return mid;
}

/**
 * Writes song.work/song.name.mma (bars enough for `sec` + 4 s of audio, plus one) and MMA's MIDI of it beside
 * (compileMma: seeded); returns the .mid path. Throws when mma fails (execFileSync).
 */
export function mmaSongMidi(song: Omit<MmaSong, 'soundfont' | 'out'>): string {
  const bars = Math.ceil((song.sec + 4) / ((song.beatsPerBar * 60) / song.tempo)) + 1;
  const lines = [`Tempo ${song.tempo}`, `Groove ${song.groove}`];
  for (let b = 0; b < bars; b++) lines.push(`${b + 1} ${song.chords ? song.chords[b % song.chords.length] : 'z'}`);
  return compileMma(lines.join('\n') + '\n', song.name, song.work, song.seed);
}

/**
 * Renders `song` to song.out (mmaSongMidi, then fluidsynth and ffmpeg). Throws when mma, fluidsynth or
 * ffmpeg fails (execFileSync).
 */
export function renderMmaSong(song: MmaSong): void {
  const mid = mmaSongMidi(song);
  const raw = `${song.out}.raw`;
  execFileSync('bash', ['-c', `fluidsynth -ni -q -F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${song.soundfont}' '${mid}' 2>/dev/null | head -c ${(song.sec + 2) * 44100 * 8} > '${raw}'`]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', raw, '-t', String(song.sec), '-c:a', 'libmp3lame', '-b:a', '192k', song.out]);
  execFileSync('rm', ['-f', raw]);
}

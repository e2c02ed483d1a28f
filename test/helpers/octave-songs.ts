/**
 * The octave chooser's pinned songs (test/unit/analysis-tempo-octave-net.test.ts; read per net by
 * tools/eval/temponet-pin.ts): General-MIDI grooves rendered by fluidsynth (renderSong), 16-bit WAV under
 * test/output/media, made once per name. @throws Error when fluidsynth fails
 */
import { renderSong, type SmfNote } from './smf';

/** 16-beat at `bpm`: kick 1 and 3 (and the and of 3), snare 2 and 4, closed hi-hat sixteenths, bass in eighths, a chord per bar. */
export function sixteenBeat(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [45, 50, 43, 48];
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    const b0 = bar * 4;
    for (const k of [0, 2, 2.5]) notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 36, vel: 110 });
    for (const k of [1, 3]) notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 38, vel: 110 });
    for (let s = 0; s < 16; s++) notes.push({ beat: b0 + s / 4, len: 0.1, ch: 9, note: 42, vel: s % 2 ? 45 : 65 });
    for (let e = 0; e < 8; e++) notes.push({ beat: b0 + e / 2, len: 0.4, ch: 1, note: r - 12 + (e % 4 === 3 ? 7 : 0), vel: 90 });
    for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b0, len: 3.8, ch: 0, note: n, vel: 55 });
  }
  return renderSong(`octave-net-16beat-${bpm}.wav`, { bpm, notes, programs: { 0: 4, 1: 33 } });
}

/** Oom-pah at `bpm`: bass (tuba) on 1 and 3 alternating root and fifth, chord stabs (accordion) on 2 and 4, hi-hat eighths, kick on 1 and 3. */
export function oomPah(bpm: number, bars: number): string {
  const notes: SmfNote[] = [];
  const roots = [45, 50, 43, 48];
  for (let bar = 0; bar < bars; bar++) {
    const r = roots[bar % 4];
    const b0 = bar * 4;
    for (const k of [0, 2]) {
      notes.push({ beat: b0 + k, len: 0.8, ch: 1, note: r - 12 + (k ? 7 : 0), vel: 100 });
      notes.push({ beat: b0 + k, len: 0.2, ch: 9, note: 36, vel: 90 });
    }
    for (const k of [1, 3]) for (const n of [r + 12, r + 16, r + 19]) notes.push({ beat: b0 + k, len: 0.5, ch: 0, note: n, vel: 85 });
    for (let e = 0; e < 8; e++) notes.push({ beat: b0 + e / 2, len: 0.1, ch: 9, note: 42, vel: e % 2 ? 45 : 60 });
  }
  return renderSong(`octave-net-oompah-${bpm}.wav`, { bpm, notes, programs: { 0: 21, 1: 58 } });
}

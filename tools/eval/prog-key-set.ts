// keydata18 (session 18, issue 11; exploratory: nothing ships): a DEVELOPMENT key set whose chord progressions VARY.
// Every dev-side key render so far takes its chords from a handful of templates (build-set.ts progression(): four
// 4-bar progressions on dev, dev2, octave and synth; key-set.ts: 14), so a learned key model can memorise them and a
// family-grouped CV never holds one out (BENCHMARKS.md "keynet17"). Here each song's progression is DRAWN from a
// small functional-harmony grammar, seeded:
//
//  - regions: tonic (I / i, substitutes vi / VI, iii / III), predominant (IV ii ii7 / iv iiø VI, Neapolitan ♭II6 in
//    minor), dominant (V V7 vii° / V V7 vii°7 with the raised leading tone: harmonic minor in the dominants, natural
//    minor elsewhere, v and VII as natural-minor colour);
//  - secondary dominants (V/V, V/vi, V/ii, V/IV in major; V/iv, V/III, V/V in minor) followed by their target;
//  - borrowed chords / modal mixture (iv ♭VI ♭VII ♭III ii° in major; IV, and a Picardy I only as a final chord, in minor);
//  - deceptive (V → vi / VI), half (→ V), plagal (IV / iv → I) and authentic (V(7) → I) phrase endings, and "open" ones;
//  - inversions (first and second) chosen per chord;
//  - a quarter of the progressions in each of four kinds: {starts on the tonic, starts away from it} × {states a full
//    cadence (a dominant V / V7 / vii° straight to the tonic chord, counting the loop's wrap as heard), never does}
//    (rejection sampling; the kind is recomputed from the chords as played). Every progression has the tonic chord at
//    least once (not necessarily first or cadenced), at most one secondary dominant and at most one borrowed chord or Neapolitan.
//  A progression equal (up to rotation) to one of the old sets' templates (build-set's four, key-set's I–vi–IV–V and
//  I–IV–V7–I forms) is refused, so every progression here is unseen by training rows of the old sets.
//
// Each progression is rendered TWICE (two songs: another key, tempo, meter, SoundFont, instruments and texture). A song:
// the progression looped (1 chord per bar, or 2 in slow 4/4) for 15–30 s (at least one whole loop plus a chord), with
//  - a melody line (chord tones on strong beats, steps of the chord's scale between them: the key's scale with the
//    chord's tones put in, so the raised leading tone over minor dominants and the secondary dominants' chromatic tones;
//    rests), a bass line (the chord's bass note, inversions respected: whole notes, root–fifth, pulsing eighths or a walk
//    with an approach note), and an accompaniment texture: block chords, arpeggios, sustained pads, or pad + arpeggio;
//  - drums in about half of the songs;
//  - meter 4/4, 3/4 or 6/8 (6/8: two dotted-quarter beats), tempo 60–160 per listener beat;
//  - General MIDI programs drawn per part; one of four Debian SoundFonts (FluidR3_GM, TimGM6mb, MuseScore_General_Lite,
//    sf_GMbank).
// Written as a format-0 MIDI (test/helpers/smf.ts, key signature of the truth key), rendered by fluidsynth, cut to the
// song's length, 192 kb/s MP3 like the other sets.
//
// TRUTH: the key the generator composed in (tonic, mode); by construction, not by listening. Per file the manifest also
// records the progression as roman numerals, its id (sha1 of the exact chord sequence relative to the tonic: degree,
// quality, seventh, inversion, and the chords per bar) and its FAMILY (sha1 of the reduced sequence: degree and triad
// quality only, rotated to its smallest rotation, with the mode), which is the `source` (family-grouped folds group by
// it), and the kind flags (cadential, startsTonic), the ending, tempo, meter, SoundFont, programs and texture.
// No held-out set is read or touched; nothing here comes from any set.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small
//   nice -n 15 node --import tsx tools/eval/prog-key-set.ts [--out test/output/key-prog] [--songs 300] [--seed 18] [--jobs 1] [--limit N]
//
// Writes OUT/dev/*.mp3, OUT/work/*.mid and OUT/manifest.json (EvalItem rows, set "dev", plus the fields above); reruns
// skip files already rendered (the plan is the same for the same --songs and --seed).
//
// key23 (session 23, decision23 "Issue 11 key - arm K2"): --treat gives each song ONE seeded audio treatment after the
// fluidsynth render, drawn evenly (a seeded shuffle of songs/4 of each, so 75 each of 300) from {none, sox overdrive
// (gain 6–20 dB, colour 10–30), treble shelf +6..+12 dB at 2–4 kHz, overdrive then treble}: standard MIR audio
// augmentation (odd harmonics as on a distorted guitar; a bright EQ), so a key net sees spectra whose upper partials
// (the 3rd harmonic is the fifth) are loud. The treatments come from their own generator (seeded from --seed), so the
// song plan of a seed is the same with or without --treat (key-prog's seed 18 build is unchanged: no --treat). sox runs
// with -G (its gain guard: no clipping inside the chain) on the 32-bit float render; "none" is the plain render. The
// manifest row records `treatment` ({kind, overdriveGain, overdriveColour, trebleGain, trebleHz}) and the sox effects.
// The family id is computed as without --treat, so a family this seed shares with key-prog (seed 18) has key-prog's id
// and calibrate.ts' foldOf puts both sets' rows of it in one fold.
//   apt-get install -y sox
//   nice -n 10 node --import tsx tools/eval/prog-key-set.ts --out test/output/key-prog2 --seed 23 --songs 300 --treat --jobs 2
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { Key } from '../../main/engine/analysis/keys';
import { mulberry32 } from '../../test/helpers/prng';
import { smfBytes, type SmfNote } from '../../test/helpers/smf';
import type { EvalItem } from './build-set';

const run = promisify(execFile);

/** The four Debian SoundFonts drawn from (fluid-soundfont-gm, timgm6mb-soundfont, musescore-general-soundfont-small, and sf_GMbank). */
export const PROG_SOUNDFONTS = {
  fluidr3: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
  timgm6mb: '/usr/share/sounds/sf2/TimGM6mb.sf2',
  musescore: '/usr/share/sounds/sf3/MuseScore_General_Lite.sf3',
  gmbank: '/usr/share/sounds/sf2/sf_GMbank.sf2',
} as const;
type Font = keyof typeof PROG_SOUNDFONTS;

// ---- chords -------------------------------------------------------------------------------------------------------
type Quality = 'M' | 'm' | 'd';
type Seventh = '' | '7' | 'maj7' | 'm7' | 'hd7' | 'd7';
/** One chord relative to the tonic: root (semitones above the tonic), triad quality, seventh, inversion (0 root, 1 first, 2 second), roman label, function */
export interface Chord {
  root: number;
  q: Quality;
  sev: Seventh;
  inv: 0 | 1 | 2;
  label: string;
  fn: 'T' | 'T2' | 'PD' | 'D' | 'SD' | 'B';
}
const TRIAD: Record<Quality, number[]> = { M: [0, 4, 7], m: [0, 3, 7], d: [0, 3, 6] };
const SEV: Record<Seventh, number | null> = { '': null, '7': 10, maj7: 11, m7: 10, hd7: 10, d7: 9 };
/** pitch classes of a chord relative to the tonic, bass-first order is not implied (root first) */
export function chordTones(c: Chord): number[] {
  const t = TRIAD[c.q].map((i) => (c.root + i) % 12);
  const s = SEV[c.sev];
  if (s !== null) t.push((c.root + s) % 12);
  return t;
}
/** the bass pitch class of a chord (its inversion), relative to the tonic */
export const bassOf = (c: Chord): number => chordTones(c)[c.inv];

type Mode = 'major' | 'minor';
const ch = (root: number, q: Quality, label: string, fn: Chord['fn'], sev: Seventh = ''): Chord => ({ root, q, sev, inv: 0, label, fn });

/** The grammar's chord vocabulary per function and mode (relative to the tonic). */
const VOCAB: Record<Mode, Record<'T' | 'T2' | 'PD' | 'D' | 'B', Chord[]>> = {
  major: {
    T: [ch(0, 'M', 'I', 'T'), ch(0, 'M', 'Imaj7', 'T', 'maj7')],
    T2: [ch(9, 'm', 'vi', 'T2'), ch(9, 'm', 'vi7', 'T2', 'm7'), ch(4, 'm', 'iii', 'T2')],
    PD: [ch(5, 'M', 'IV', 'PD'), ch(5, 'M', 'IV', 'PD'), ch(2, 'm', 'ii', 'PD'), ch(2, 'm', 'ii7', 'PD', 'm7'), ch(5, 'M', 'IVmaj7', 'PD', 'maj7')],
    D: [ch(7, 'M', 'V', 'D'), ch(7, 'M', 'V7', 'D', '7'), ch(11, 'd', 'vii°', 'D')],
    B: [ch(5, 'm', 'iv', 'B'), ch(8, 'M', '♭VI', 'B'), ch(10, 'M', '♭VII', 'B'), ch(3, 'M', '♭III', 'B'), ch(2, 'd', 'ii°', 'B')],
  },
  minor: {
    T: [ch(0, 'm', 'i', 'T'), ch(0, 'm', 'i7', 'T', 'm7')],
    T2: [ch(8, 'M', 'VI', 'T2'), ch(3, 'M', 'III', 'T2'), ch(8, 'M', 'VImaj7', 'T2', 'maj7')],
    // (a chord listed twice is drawn twice as often; the Neapolitan once in 8)
    PD: [ch(5, 'm', 'iv', 'PD'), ch(5, 'm', 'iv', 'PD'), ch(5, 'm', 'iv', 'PD'), ch(2, 'd', 'ii°', 'PD'), ch(2, 'd', 'iiø7', 'PD', 'hd7'), ch(5, 'm', 'iv7', 'PD', 'm7'), ch(8, 'M', 'VI', 'PD'), ch(1, 'M', '♭II', 'PD')],
    D: [ch(7, 'M', 'V', 'D'), ch(7, 'M', 'V7', 'D', '7'), ch(11, 'd', 'vii°7', 'D', 'd7')],
    // natural-minor colour (v, VII) and the Dorian IV
    B: [ch(7, 'm', 'v', 'B'), ch(10, 'M', 'VII', 'B'), ch(5, 'M', 'IV', 'B')],
  },
};
/** secondary dominants: [target chord, label]; the dominant is the major triad (or V7) a fifth above the target's root */
const SECONDARY: Record<Mode, Chord[]> = {
  major: [ch(7, 'M', 'V', 'D'), ch(9, 'm', 'vi', 'T2'), ch(2, 'm', 'ii', 'PD'), ch(5, 'M', 'IV', 'PD')],
  minor: [ch(5, 'm', 'iv', 'PD'), ch(3, 'M', 'III', 'T2'), ch(7, 'M', 'V', 'D')],
};

type Rng = () => number;
const pick = <T>(r: Rng, a: readonly T[]): T => a[Math.floor(r() * a.length)];
const chance = (r: Rng, p: number) => r() < p;

function withInv(r: Rng, c: Chord, pInv = 0.3): Chord {
  if (!chance(r, pInv)) return { ...c };
  // the Neapolitan is a first-inversion chord; second inversion mostly for tonic/predominant colour
  const inv: 0 | 1 | 2 = c.label === '♭II' ? 1 : chance(r, 0.7) ? 1 : 2;
  return { ...c, inv };
}

/** a secondary dominant of `target` (V or V7 of it) followed by the target */
function secondaryPair(r: Rng, target: Chord): Chord[] {
  const sev: Seventh = chance(r, 0.5) ? '7' : '';
  const dom = ch((target.root + 7) % 12, 'M', `V${sev}/${target.label}`, 'SD', sev);
  return [withInv(r, dom, 0.25), withInv(r, target, 0.2)];
}

export type Ending = 'authentic' | 'half' | 'deceptive' | 'plagal' | 'open';

/** true when the chord sequence, played in a loop, has a dominant (V, V7 on degree 5; vii° / vii°7 on the leading tone) straight before the tonic chord in root position or first inversion (a cadential six-four is not one) */
export function isCadential(seq: Chord[]): boolean {
  const dom = (c: Chord) => c.fn === 'D' && (c.root === 7 || c.root === 11);
  const ton = (c: Chord) => c.root === 0 && c.fn === 'T' && c.inv !== 2;
  return seq.some((c, i) => dom(c) && ton(seq[(i + 1) % seq.length]));
}

/**
 * One progression of `len` chords in `mode`, drawn by the grammar: a start (tonic, or one of the other regions), a
 * Markov walk over functions T → {T2, PD, D, SD, B}, T2 → {PD, SD, B, T}, PD → {PD, D, SD}, D → {T, T2}, B → {D, T,
 * PD}, SD → its target, and the ending forced into the last chords.
 */
export function drawProgression(r: Rng, mode: Mode, len: number, startTonic: boolean, ending: Ending): Chord[] {
  const V = VOCAB[mode];
  const out: Chord[] = [];
  const from = (fn: 'T' | 'T2' | 'PD' | 'D' | 'B') => withInv(r, pick(r, V[fn]), fn === 'T' ? 0.2 : 0.3);
  // the cadence's chords (appended at the end)
  const tail: Chord[] = [];
  const dom = () => withInv(r, pick(r, V.D), 0.15);
  const tonic = () => ({ ...V.T[0] });
  if (ending === 'authentic') {
    tail.push(dom());
    tail.push(mode === 'minor' && chance(r, 0.15) ? ch(0, 'M', 'I (Picardy)', 'T') : tonic());
  } else if (ending === 'half') tail.push({ ...V.D[chance(r, 0.5) ? 0 : 1] });
  else if (ending === 'deceptive') tail.push({ ...V.D[chance(r, 0.5) ? 0 : 1] }, { ...V.T2[0] });
  else if (ending === 'plagal') tail.push(withInv(r, mode === 'major' && chance(r, 0.35) ? VOCAB.major.B[0] : V.PD[0], 0.1), tonic());
  else tail.push(from(pick(r, ['PD', 'T2', 'B'] as const)));
  // the start
  let state: 'T' | 'T2' | 'PD' | 'D' | 'B' | 'SD';
  if (startTonic) {
    out.push(withInv(r, pick(r, V.T), 0.1));
    state = 'T';
  } else {
    state = pick(r, ['PD', 'PD', 'T2', 'D', 'SD', 'B'] as const);
    if (state === 'SD') {
      out.push(...secondaryPair(r, pick(r, SECONDARY[mode])));
      state = out[out.length - 1].fn === 'T' ? 'T' : (out[out.length - 1].fn as 'T2' | 'PD' | 'D');
    } else out.push(from(state));
  }
  const next: Record<string, ('T' | 'T2' | 'PD' | 'D' | 'B' | 'SD')[]> = {
    T: ['T2', 'PD', 'PD', 'D', 'SD', 'B'],
    T2: ['PD', 'PD', 'SD', 'B', 'T'],
    PD: ['PD', 'D', 'D', 'SD'],
    D: ['T', 'T', 'T2'],
    B: ['D', 'T', 'PD'],
  };
  while (out.length < len - tail.length) {
    let s: 'T' | 'T2' | 'PD' | 'D' | 'B' | 'SD' = pick(r, next[state]);
    if (s === 'SD' && out.length + 2 > len - tail.length) s = 'PD';
    if (s === 'SD') {
      out.push(...secondaryPair(r, pick(r, SECONDARY[mode])));
      const f = out[out.length - 1].fn;
      state = f === 'SD' ? 'PD' : f;
    } else {
      const c = from(s);
      // no chord twice in a row
      if (out.length && out[out.length - 1].label === c.label && out[out.length - 1].inv === c.inv) continue;
      out.push(c);
      state = s;
    }
  }
  return [...out, ...tail].slice(0, len);
}

/** the reduced sequence (degree + triad quality), smallest rotation, with the mode: the progression's family key */
export function familyKey(mode: Mode, seq: Chord[]): string {
  const red = seq.map((c) => `${c.root}${c.q}`);
  // merge repeats (I I → I), cyclically
  const m = red.filter((x, i) => x !== red[(i - 1 + red.length) % red.length] || red.length === 1);
  const rots = m.map((_, i) => [...m.slice(i), ...m.slice(0, i)].join('-'));
  return `${mode}:${rots.sort()[0] ?? ''}`;
}
/** the old sets' templates (build-set.ts progression(), key-set.ts' forms of them), reduced as familyKey */
const OLD_TEMPLATES = new Set([
  familyKey('major', [0, 9, 5, 7].map((r, i) => ch(r, i === 1 ? 'm' : 'M', '', 'T'))),
  familyKey('major', [0, 5, 7].map((r) => ch(r, 'M', '', 'T'))),
  familyKey('minor', [ch(0, 'm', '', 'T'), ch(5, 'm', '', 'T'), ch(7, 'M', '', 'T')]),
  familyKey('minor', [ch(0, 'm', '', 'T'), ch(8, 'M', '', 'T'), ch(3, 'M', '', 'T'), ch(7, 'M', '', 'T')]),
  familyKey('minor', [ch(0, 'm', '', 'T'), ch(8, 'M', '', 'T'), ch(3, 'M', '', 'T'), ch(10, 'M', '', 'T')]),
  familyKey('major', [0, 7, 9, 5].map((r, i) => ch(r, i === 2 ? 'm' : 'M', '', 'T'))),
]);

const romanOf = (c: Chord) => c.label + (c.inv === 1 ? '⁶' : c.inv === 2 ? '⁶₄' : '');
const sha = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 10);

// ---- songs --------------------------------------------------------------------------------------------------------
type Texture = 'block' | 'arp' | 'pad' | 'pad+arp';
type BassStyle = 'whole' | 'root-fifth' | 'eighths' | 'walk';
const MELODY_PROGRAMS = [73, 40, 71, 56, 65, 68, 11, 80, 0, 24, 74, 22, 81, 52];
const ACC_PROGRAMS: Record<Texture, number[]> = { block: [0, 1, 4, 16, 19, 24, 25, 48], arp: [0, 4, 6, 24, 25, 46, 11, 8], pad: [48, 49, 88, 89, 91, 19, 52, 95], 'pad+arp': [0, 4, 24, 46] };
const BASS_PROGRAMS = [32, 33, 34, 35, 38, 42, 58, 43];

export interface ProgSong {
  file: string;
  key: Key;
  progId: string;
  family: string;
  /** the family's reduced sequence (familyKey), before hashing */
  familyText: string;
  roman: string[];
  chordsPerBar: 1 | 2;
  cadential: boolean;
  startsTonic: boolean;
  ending: Ending;
  bpm: number;
  meter: '4/4' | '3/4' | '6/8';
  sec: number;
  font: Font;
  texture: Texture;
  bass: BassStyle;
  drums: boolean;
  programs: { melody: number; acc: number; bass: number };
  notes: SmfNote[];
  /** MIDI quarter-note tempo */
  qpm: number;
  /** (key23, --treat) the audio treatment after the render */
  treatment?: Treatment;
}

/** the scale over chord `c` in `mode`: the key's scale (natural minor in minor) with the chord's tones put in for any scale step a semitone or less from one */
function chordScale(mode: Mode, c: Chord): number[] {
  const base = mode === 'major' ? [0, 2, 4, 5, 7, 9, 11] : [0, 2, 3, 5, 7, 8, 10];
  const tones = chordTones(c);
  const out = base.map((s) => tones.find((t) => t !== s && (((t - s + 12) % 12 === 1) || ((s - t + 12) % 12 === 1))) ?? s);
  for (const t of tones) if (!out.includes(t)) out.push(t);
  return [...new Set(out)].sort((a, b) => a - b);
}

/** the MIDI note in lo..hi nearest `around` whose pitch class (relative to `tonic`) is in `pcs`; `fallback` when none is */
function nearest(pcs: number[], tonic: number, around: number, lo: number, hi: number, fallback = around): number {
  let best = fallback, bd = 1e9;
  for (let n = lo; n <= hi; n++) if (pcs.includes((n - tonic + 120) % 12) && Math.abs(n - around) < bd) { bd = Math.abs(n - around); best = n; }
  return best;
}

/** Plans song `i` (progression `seq`, in `mode`) with the generator `r`; `font` the SoundFont. */
function planSong(r: Rng, i: number, seq: Chord[], mode: Mode, meta: { progId: string; family: string; familyText: string; ending: Ending }, font: Font, tonic: number): ProgSong {
  const meter = pick(r, ['4/4', '4/4', '3/4', '6/8'] as const);
  // beats per bar in quarter notes, beats a listener taps per bar, quarter notes per tapped beat
  const barQ = meter === '4/4' ? 4 : 3;
  const perBeat = meter === '6/8' ? 1.5 : 1;
  let bpm = 0, sec = 0, cpb: 1 | 2 = 1;
  for (let t = 0; t < 100; t++) {
    bpm = meter === '6/8' ? 50 + Math.floor(r() * 60) : 60 + Math.floor(r() * 101);
    sec = 15 + Math.floor(r() * 16);
    cpb = meter === '4/4' && bpm <= 100 && chance(r, 0.5) ? 2 : 1;
    const barSec = (barQ / perBeat) * (60 / bpm);
    const loopSec = (seq.length / cpb) * barSec;
    if (loopSec + barSec / cpb <= sec) break;
  }
  const qpm = bpm * perBeat;
  const barSec = (barQ * 60) / qpm;
  const bars = Math.ceil(sec / barSec) + 1;
  const texture = pick(r, ['block', 'arp', 'pad', 'pad+arp'] as const);
  const bassStyle = pick(r, ['whole', 'root-fifth', 'eighths', 'walk'] as const);
  const drums = chance(r, 0.5);
  const programs = { melody: pick(r, MELODY_PROGRAMS), acc: pick(r, ACC_PROGRAMS[texture]), bass: pick(r, BASS_PROGRAMS) };
  const notes: SmfNote[] = [];
  const vel = (v: number) => Math.max(30, Math.min(120, Math.round(v + (r() - 0.5) * 16)));
  const chordLen = barQ / cpb;
  let prevVoicing: number[] = [];
  let mel = 72;
  const nChords = bars * cpb;
  for (let k = 0; k < nChords; k++) {
    const c = seq[k % seq.length];
    const nextC = seq[(k + 1) % seq.length];
    const start = k * chordLen;
    const tones = chordTones(c).map((x) => (x + tonic) % 12);
    // accompaniment voicing: 3–4 notes in 52..76, the bass-most chosen near the previous voicing (voice leading)
    const voicing: number[] = [];
    const centre = prevVoicing.length ? prevVoicing.reduce((a, b) => a + b, 0) / prevVoicing.length : 62;
    for (const pc of tones) {
      let best = 0, bd = 1e9;
      for (let n = 52; n <= 76; n++) if (n % 12 === pc && Math.abs(n - centre) < bd) { bd = Math.abs(n - centre); best = n; }
      voicing.push(best);
    }
    voicing.sort((a, b) => a - b);
    prevVoicing = voicing;
    const tex = texture;
    if (tex === 'block') {
      const hits = chance(r, 0.5) ? [0] : Array.from({ length: Math.round(chordLen / perBeat) }, (_, b) => b * perBeat);
      for (const h of hits) for (const n of voicing) notes.push({ beat: start + h, len: (hits.length === 1 ? chordLen : perBeat) * 0.9, ch: 1, note: n, vel: vel(h === 0 ? 80 : 68) });
    }
    if (tex === 'pad' || tex === 'pad+arp') for (const n of voicing) notes.push({ beat: start, len: chordLen, ch: tex === 'pad' ? 1 : 3, note: n, vel: vel(tex === 'pad' ? 72 : 55) });
    if (tex === 'arp' || tex === 'pad+arp') {
      const step = meter === '6/8' ? 0.5 : chance(r, 0.7) ? 0.5 : 0.25;
      const up = [...voicing, voicing[0] + 12];
      const seqA = chance(r, 0.5) ? up : [...up, ...up.slice(1, -1).reverse()];
      for (let b = 0, j = 0; b < chordLen - 1e-6; b += step, j++) notes.push({ beat: start + b, len: step * 1.6, ch: 1, note: seqA[j % seqA.length], vel: vel(j === 0 ? 76 : 62) });
    }
    // bass: the chord's bass note (inversion) in 36..47
    const bpc = (bassOf(c) + tonic) % 12;
    const bn = 36 + ((bpc - 36 % 12 + 12) % 12);
    const fifth = bn + 7 <= 52 ? bn + 7 : bn - 5;
    if (bassStyle === 'whole') notes.push({ beat: start, len: chordLen * 0.95, ch: 2, note: bn, vel: vel(88) });
    else if (bassStyle === 'root-fifth') {
      const half = chordLen / 2;
      notes.push({ beat: start, len: half * 0.9, ch: 2, note: bn, vel: vel(88) }, { beat: start + half, len: half * 0.9, ch: 2, note: chance(r, 0.7) ? fifth : bn, vel: vel(76) });
    } else if (bassStyle === 'eighths') {
      for (let b = 0; b < chordLen - 1e-6; b += 0.5) notes.push({ beat: start + b, len: 0.45, ch: 2, note: bn, vel: vel(b === 0 ? 90 : 72) });
    } else {
      // walk: bass note, chord tones, then a step (or half step) into the next chord's bass
      const nb = 36 + ((((bassOf(nextC) + tonic) % 12) - 36 % 12 + 12) % 12);
      const beats = Math.max(1, Math.round(chordLen / perBeat));
      for (let b = 0; b < beats; b++) {
        let n = bn;
        if (b === beats - 1 && beats > 1) n = nb + (chance(r, 0.5) ? -1 : 1) * (chance(r, 0.5) ? 1 : 2);
        else if (b > 0) n = nearest(chordTones(c), tonic, bn + 3 * b, 36, 52);
        notes.push({ beat: start + b * perBeat, len: perBeat * 0.9, ch: 2, note: n, vel: vel(b === 0 ? 88 : 74) });
      }
    }
    // melody: strong beats a chord tone near the last note, steps of the chord scale between; rests now and then
    const scale = chordScale(mode, c);
    const ctRel = chordTones(c);
    const unit = meter === '6/8' ? 0.5 : pick(r, [0.5, 1, 1, 0.5]);
    for (let b = 0; b < chordLen - 1e-6; b += unit) {
      if (chance(r, 0.15)) continue;
      const strong = Math.abs((b / perBeat) - Math.round(b / perBeat)) < 1e-6;
      if (strong) mel = nearest(ctRel, tonic, mel + Math.round((r() - 0.5) * 8), 62, 86);
      else {
        // one or two steps of the chord's scale up or down (turning at the range's ends)
        const steps = (chance(r, 0.5) ? 1 : -1) * (chance(r, 0.75) ? 1 : 2);
        const dir = mel > 82 ? -1 : mel < 66 ? 1 : Math.sign(steps);
        for (let k2 = 0; k2 < Math.abs(steps); k2++) mel = nearest(scale, tonic, mel + dir, dir > 0 ? mel + 1 : 62, dir > 0 ? 86 : mel - 1, mel);
      }
      const len = chance(r, 0.2) && b + 2 * unit <= chordLen ? 2 * unit : unit;
      notes.push({ beat: start + b, len: len * 0.95, ch: 0, note: mel, vel: vel(strong ? 92 : 80) });
      if (len > unit) b += unit;
    }
    // drums: kick on the downbeat (and beat 3 in 4/4), snare on the back beats, hats on eighths
    if (drums) {
      for (let b = 0; b < chordLen - 1e-6; b += 0.5) {
        const pos = (start + b) % barQ;
        if (pos === 0 || (meter === '4/4' && pos === 2)) notes.push({ beat: start + b, len: 0.25, ch: 9, note: 36, vel: vel(96) });
        if ((meter === '4/4' && (pos === 1 || pos === 3)) || (meter === '3/4' && (pos === 1 || pos === 2)) || (meter === '6/8' && pos === 1.5)) notes.push({ beat: start + b, len: 0.25, ch: 9, note: 38, vel: vel(84) });
        notes.push({ beat: start + b, len: 0.2, ch: 9, note: 42, vel: vel(60) });
      }
    }
  }
  const name = `prog-${String(i).padStart(3, '0')}-${mode === 'major' ? 'maj' : 'min'}-${meta.progId.slice(0, 6)}-${font}`;
  return {
    file: `${name}.mp3`, key: { tonic, mode }, progId: meta.progId, family: meta.family, familyText: meta.familyText, roman: seq.map(romanOf), chordsPerBar: cpb,
    cadential: isCadential(seq), startsTonic: seq[0].root === 0 && seq[0].fn === 'T', ending: meta.ending, bpm, meter, sec, font, texture, bass: bassStyle, drums, programs, notes, qpm,
  };
}

/** key signature (sharps +, flats −) of a key, for the MIDI's key-signature event */
function keySig(k: Key): { sf: number; minor: boolean } {
  const major = k.mode === 'major' ? k.tonic : (k.tonic + 3) % 12;
  const sf = [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5][major];
  return { sf, minor: k.mode === 'minor' };
}

/** The whole set's plan: `songs` songs (two per progression) from seed `seed`. Deterministic. */
export function planSet(songs: number, seed: number): ProgSong[] {
  const r = mulberry32(seed);
  const out: ProgSong[] = [];
  const fonts = Object.keys(PROG_SOUNDFONTS) as Font[];
  const seenFam = new Set<string>();
  let p = 0;
  while (out.length < songs) {
    // the kind, in turn: {tonic start, away} × {cadential, not}; the mode alternates
    const wantTonic = p % 2 === 0;
    const wantCad = Math.floor(p / 2) % 2 === 0;
    const mode: Mode = Math.floor(p / 4) % 2 === 0 ? 'major' : 'minor';
    let seq: Chord[] = [];
    let ending: Ending = 'open';
    for (let t = 0; t < 500; t++) {
      const len = pick(r, [4, 4, 5, 6, 6, 8, 8]);
      ending = wantCad ? pick(r, ['authentic', 'authentic', 'plagal', 'deceptive', 'half', 'open'] as const) : pick(r, ['half', 'deceptive', 'plagal', 'open', 'open'] as const);
      seq = drawProgression(r, mode, len, wantTonic, ending);
      const fam = familyKey(mode, seq);
      const okKind = isCadential(seq) === wantCad && (seq[0].root === 0 && seq[0].fn === 'T') === wantTonic;
      // the tonic chord sounds at least once; at most one secondary dominant and one borrowed chord (the key stays the key)
      const okKey = seq.some((c) => c.root === 0 && c.fn === 'T') && seq.filter((c) => c.fn === 'SD').length <= 1 && seq.filter((c) => c.fn === 'B' || c.label === '♭II').length <= 1;
      if (!okKey) continue;
      if (okKind && !OLD_TEMPLATES.has(fam) && !seenFam.has(fam)) break;
    }
    const fam = familyKey(mode, seq);
    seenFam.add(fam);
    const cpbKey = seq.map((c) => `${c.root}${c.q}${c.sev}/${c.inv}`).join(' ');
    const progId = sha(`${mode} ${cpbKey}`);
    const family = sha(fam);
    for (let v = 0; v < 2 && out.length < songs; v++) {
      const tonic = Math.floor(r() * 12);
      const font = fonts[(p * 2 + v + Math.floor(p / 4)) % fonts.length];
      out.push(planSong(r, out.length, seq, mode, { progId, family, familyText: fam, ending }, font, tonic));
    }
    p++;
  }
  return out;
}

async function renderSong(s: ProgSong, outDir: string): Promise<void> {
  const mid = join(outDir, 'work', s.file.replace(/\.mp3$/, '.mid'));
  const programs: Record<number, number> = { 0: s.programs.melody, 1: s.programs.acc, 2: s.programs.bass, 3: 48 };
  writeFileSync(mid, smfBytes({ bpm: s.qpm, notes: s.notes, programs, key: keySig(s.key) }));
  const out = join(outDir, 'dev', s.file);
  const raw = `${out}.raw`;
  await run('bash', ['-c', `fluidsynth -ni -q -F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${PROG_SOUNDFONTS[s.font]}' '${mid}' 2>/dev/null | head -c ${(s.sec + 2) * 44100 * 8} > '${raw}'`]);
  // (key23) the song's audio treatment: sox on the float render, its gain guard on (-G: no clipping inside the chain)
  const fx = soxEffects(s.treatment);
  let src = raw;
  if (fx.length) {
    src = `${out}.fx.raw`;
    await run('sox', ['-q', '-G', '-t', 'f32', '-r', '44100', '-c', '2', raw, '-t', 'f32', src, ...fx]);
  }
  await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', src, '-t', String(s.sec), '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
  renameSync(`${out}.part`, out);
  rmSync(raw, { force: true });
  if (src !== raw) rmSync(src, { force: true });
}

// ---- audio treatments (key23) ---------------------------------------------------------------------------------------
export const TREATMENT_KINDS = ['none', 'overdrive', 'treble', 'overdrive+treble'] as const;
export type TreatmentKind = (typeof TREATMENT_KINDS)[number];
/** one song's audio treatment: sox overdrive (gain dB, colour) and / or a treble shelf (gain dB at trebleHz) */
export interface Treatment {
  kind: TreatmentKind;
  overdriveGain?: number;
  overdriveColour?: number;
  trebleGain?: number;
  trebleHz?: number;
}
/**
 * `n` treatments from seed `seed`, drawn evenly: kinds in turn (n/4 of each, the first n % 4 kinds once more),
 * shuffled (Fisher–Yates) by a generator of their own, then each one's parameters uniformly in decision23's ranges
 * (overdrive gain 6–20 dB, colour 10–30; treble +6..+12 dB at 2–4 kHz; one decimal, the frequency to 10 Hz).
 */
export function planTreatments(n: number, seed: number): Treatment[] {
  const r = mulberry32((Math.imul(seed, 0x9e3779b1) ^ 0x6b657932) >>> 0);
  const kinds: TreatmentKind[] = Array.from({ length: n }, (_, i) => TREATMENT_KINDS[i % TREATMENT_KINDS.length]);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const d1 = (v: number) => Math.round(v * 10) / 10;
  return kinds.map((kind) => {
    const t: Treatment = { kind };
    if (kind === 'overdrive' || kind === 'overdrive+treble') {
      t.overdriveGain = d1(6 + 14 * r());
      t.overdriveColour = d1(10 + 20 * r());
    }
    if (kind === 'treble' || kind === 'overdrive+treble') {
      t.trebleGain = d1(6 + 6 * r());
      t.trebleHz = Math.round((2000 + 2000 * r()) / 10) * 10;
    }
    return t;
  });
}
/** the sox effects of a treatment (empty for none): overdrive first, then the treble shelf (as a pedal into an EQ) */
export function soxEffects(t: Treatment | undefined): string[] {
  if (!t || t.kind === 'none') return [];
  const out: string[] = [];
  if (t.overdriveGain !== undefined) out.push('overdrive', String(t.overdriveGain), String(t.overdriveColour));
  if (t.trebleGain !== undefined) out.push('treble', `+${t.trebleGain}`, String(t.trebleHz));
  return out;
}
/** the plan with each song's treatment (planTreatments of the same seed, in the plan's order) */
export function treatPlan(plan: ProgSong[], seed: number): ProgSong[] {
  const ts = planTreatments(plan.length, seed);
  return plan.map((s, i) => ({ ...s, treatment: ts[i] }));
}

/** the manifest row of a song (EvalItem, set "dev", plus the progression's fields) */
export function itemOf(s: ProgSong): EvalItem & Record<string, unknown> {
  return {
    set: 'dev', file: s.file, source: `prog:${s.family}`, category: 'pop4', bpm: s.bpm, meter: s.meter === '4/4' ? 4 : s.meter === '3/4' ? 3 : 2,
    meterClass: s.meter === '4/4' ? '4/4' : s.meter === '3/4' ? '3/4' : '6/8', sourceKind: 'midi', key: s.key, keyTrusted: true, soundfont: null, stretch: 1, shift: 0, introSec: 0,
    progression: s.roman.join(' '), progId: s.progId, progFamily: s.family, chordsPerBar: s.chordsPerBar, cadential: s.cadential, startsTonic: s.startsTonic, ending: s.ending,
    sec: s.sec, font: s.font, texture: s.texture, bassStyle: s.bass, drums: s.drums, programs: s.programs,
    ...(s.treatment ? { treatment: s.treatment, soxEffects: soxEffects(s.treatment).join(' ') } : {}),
  } as unknown as EvalItem & Record<string, unknown>;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/key-prog' }, songs: { type: 'string', default: '300' }, seed: { type: 'string', default: '18' }, jobs: { type: 'string', default: '1' }, limit: { type: 'string' }, treat: { type: 'boolean', default: false } } });
  const OUT = args.out;
  mkdirSync(join(OUT, 'dev'), { recursive: true });
  mkdirSync(join(OUT, 'work'), { recursive: true });
  const plan = args.treat ? treatPlan(planSet(Number(args.songs), Number(args.seed)), Number(args.seed)) : planSet(Number(args.songs), Number(args.seed));
  const todo = args.limit ? plan.slice(0, Number(args.limit)) : plan;
  const t0 = performance.now();
  let next = 0, done = 0;
  const worker = async () => {
    while (next < todo.length) {
      const s = todo[next++];
      if (!existsSync(join(OUT, 'dev', s.file))) await renderSong(s, OUT);
      done++;
      if (done % 10 === 0) console.log(`${done}/${todo.length} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(args.jobs)) }, worker));
  const items = plan.filter((s) => existsSync(join(OUT, 'dev', s.file))).map(itemOf);
  writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ rule: 'tools/eval/prog-key-set.ts', seed: Number(args.seed), songs: Number(args.songs), ...(args.treat ? { treat: true } : {}), items }, null, 1));
  const n = (f: (x: Record<string, unknown>) => boolean) => items.filter(f).length;
  console.log(`${items.length} files in ${join(OUT, 'dev')} (${((performance.now() - t0) / 1000).toFixed(0)} s): ${n((x) => (x.key as Key).mode === 'major')} major, ${n((x) => (x.key as Key).mode === 'minor')} minor; ` +
    `${new Set(items.map((x) => x.progId)).size} progressions, ${new Set(items.map((x) => x.progFamily)).size} families; cadential ${n((x) => !!x.cadential)}, starts on the tonic ${n((x) => !!x.startsTonic)}` +
    (args.treat ? `; treatments ${TREATMENT_KINDS.map((k) => `${k} ${n((x) => (x.treatment as Treatment | undefined)?.kind === k)}`).join(', ')}` : ''));
}

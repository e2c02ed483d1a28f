// A FRESH HELD-OUT tempo/key set (issue 11): the test set of build-set.ts was consulted for two
// ship decisions in session 6, so this set is built from material that no other set uses and
// that nobody has tuned on: the lead runs our analyser on it once, at merge time. Nobody tunes on it.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont csound-soundfont opl3-soundfont \
//     mma abcmidi abcm2ps freedoom
//   nice node --import tsx tools/eval/heldout-set.ts [--out test/output/eval] [--jobs 2] [--plan-only] [--retruth]
//   (--retruth, the lead only: re-reads the built set's MMA key truth under modeHeard, dev2's rule; nothing rendered)
//
// Nothing here is shared with the dev and test sets (OUT/split.json) nor with the dev-side sets
// (tempo-synth, tempo-octave, key-set, whose manifests are read when present):
//  1. MMA songs on groove families that no set uses (refused at run time: usedMmaFamilies /
//     heldoutClash): the stdlib families no set touches (checked with split-families.ts'
//     relatedFamily, so "bluefolk" ~ "folk" is refused), and MMA's other groove libraries, which
//     no set has used at all — casio (Casio WK-3000 styles), yamaha, kara, alexis and zoom (Zoom
//     RhythmTrak drum patterns: drums only); a file there whose name IS a used family (casio/swing)
//     is refused too. Zoom's drum patterns carry a chord and bass part written here when the song
//     needs harmony (6/8; the two 3/4 ones are left out, see `leftOut`), and two odd-meter grooves
//     (5/4, 7/4) are written here whole.
//     Beatless intros are a sustained choir pad written here (dev/test use MMA's StringBalladVoice).
//     Truth as in build-set.ts: the groove's beat (MMA's tempo ÷ MMA beats per listener beat:
//     3 for the 6/8 grooves that count eighths), the progression's key (build-set's progression()),
//     no key for drums only.
//  2. MIDI files: Freedoom's music (Debian `freedoom`, a game: the MIDI lumps D_* of freedoom1.wad and
//     freedoom2.wad) and the folk tunes of the ABC examples of Debian `abcmidi` and `abcm2ps`,
//     made MIDI by abc2midi. Truth by build-set's rule (midiTruth: one tempo and one key signature,
//     compound x/8 in dotted quarters, C major untrusted, the mode confirmed by the notes) plus two
//     rules of this set: the notes must sit on the declared tempo's grid (≥ 90 % of note-ons within
//     1/48 of a quarter of a sixteenth or sixteenth-triplet position: a file played in live does
//     not, see LIVE_PLAYED_MIDI in build-set.ts), and an x/8 meter must be compound (3/8: the
//     quarter is no metrical level). None may be byte-identical to a MIDI file the other sets draw from.
//  3. Variants as in build-set.ts: an MMA song is rendered plain with two SoundFonts and once
//     time-stretched (ffmpeg atempo) and pitch-shifted (rubberband) with the first; a MIDI file
//     plain with the first and stretched + shifted with the second. The SoundFont pair rotates
//     over four fonts, two of which no set has used: csound's sf_GMbank (`csound-soundfont`) and
//     the OPL3 FM SoundFont (`opl3-soundfont`), next to FluidR3_GM and TimGM6mb — every pair has
//     at least one new font.
//  4. Beatless drones (no tempo, no key): build-set's makeDrone on chords and noise no set uses.
// No real recordings: no Debian package with ProTracker modules is left unused (tecnoballz-data and
// open-invaders-data are in dev/test).
//
// Writes OUT/heldout/*.mp3 and OUT/manifest-heldout.json ({ sec, items: EvalItem[] } with set
// "heldout"; test/bench/analysis-accuracy.ts --set heldout reads it). It is a separate manifest so
// that no tool that reads OUT/manifest.json (and takes "everything but test" as development data)
// ever sees a held-out file. Deterministic: the plan is fixed; MMA randomises its grooves' timing
// and velocity a little, so a rerender is not byte-identical (as for the other sets).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { keyName, type Key } from '../../main/engine/analysis/keys';
import { parseMidi, walkSmf, type MidiInfo } from '../../test/helpers/midi';
import { grooveFamily, makeDrone, maj, midiTruth, min, modeOf, progression, render, renderJobs, SONGS as DEVTEST_SONGS, tempoBand, type Category, type Drone, type EvalItem, type MeterClass, type SoundFont } from './build-set';
import { relatedFamily } from './split-families';
import { compileMma } from './mma-render';


// ---- the plan ------------------------------------------------------------------------------
/** One MMA song of the held-out set. */
export interface HeldoutSong {
  /** MMA library folder (/usr/share/mma/lib/<lib>) or "here" (a groove written in this file) */
  lib: 'stdlib' | 'casio' | 'yamaha' | 'kara' | 'alexis' | 'zoom' | 'pflib' | 'here';
  /** the groove file without .mma (its family), or the name of a groove written here */
  file: string;
  /** the groove's name in that file */
  groove: string;
  /** MMA's Tempo (MMA beats per minute) */
  tempo: number;
  /** MMA beats per listener beat (3: a 6/8 groove counting eighths) */
  per?: number;
  /** listener beats per bar */
  meter: number;
  key: Key;
  cat: Category;
  introBars?: number;
  /** a chord + bass part written here over a drums-only groove (zoom): overlayParts */
  overlay?: boolean;
  /**
   * why the song is left out (no files; it keeps its place so every later unit keeps its SoundFonts):
   * a truth the score does not support
   */
  leftOut?: string;
}

export const HELDOUT_SONGS: HeldoutSong[] = [
  { lib: 'casio', file: 'dancepop1', groove: 'DancePop1', tempo: 126, meter: 4, key: maj(4), cat: 'pop4' },
  { lib: 'casio', file: 'soulpop', groove: 'SoulPop', tempo: 100, meter: 4, key: min(7), cat: 'pop4' },
  { lib: 'casio', file: 'electricpop', groove: 'ElectricPop', tempo: 120, meter: 4, key: maj(11), cat: 'pop4' },
  { lib: 'casio', file: 'worldpop', groove: 'WorldPop', tempo: 108, meter: 4, key: min(5), cat: 'pop4' },
  { lib: 'casio', file: 'funk1', groove: 'Funk1', tempo: 104, meter: 4, key: min(2), cat: 'pop4' },
  { lib: 'casio', file: 'latinfusion', groove: 'LatinFusion', tempo: 116, meter: 4, key: maj(6), cat: 'pop4' },
  { lib: 'alexis', file: 'teamtechno', groove: 'TeamTechno', tempo: 140, meter: 4, key: min(1), cat: 'pop4' },
  { lib: 'yamaha', file: 'w-rock', groove: 'W-RockMainA', tempo: 136, meter: 4, key: maj(8), cat: 'pop4' },
  { lib: 'casio', file: 'popwaltz', groove: 'PopWaltz', tempo: 132, meter: 3, key: maj(5), cat: 'triple' },
  { lib: 'casio', file: 'popwaltz', groove: 'PopWaltz', tempo: 168, meter: 3, key: min(0), cat: 'triple' },
  // Zoom's "3/4" patterns accent 1 and 2.5 (kick on 1, snare / hat / tambourine on 2.5): a 6/8 feel of two dotted
  // quarters under a 3/4 signature, against the chords written here on 2 and 3 — no single beat to call the truth.
  // Every peer read the dotted quarter (72 for 108, 100 for 150) in the first build; left out.
  { lib: 'zoom', file: 'bald34', groove: 'BALD05', tempo: 108, meter: 3, key: maj(3), cat: 'triple', overlay: true, leftOut: 'BALD05 accents 1 and 2.5: 6/8 drums under 3/4' },
  { lib: 'zoom', file: 'rock34', groove: 'ROCK28', tempo: 150, meter: 3, key: min(6), cat: 'triple', overlay: true, leftOut: 'ROCK28 accents 1 and 2.5: 6/8 drums under 3/4' },
  { lib: 'casio', file: '68ballad', groove: '68Ballad', tempo: 174, per: 3, meter: 2, key: maj(9), cat: 'compound' },
  { lib: 'casio', file: '68ballad', groove: '68Ballad', tempo: 246, per: 3, meter: 2, key: min(11), cat: 'compound' },
  { lib: 'zoom', file: 'blues34', groove: 'BLUS04', tempo: 270, per: 3, meter: 2, key: min(4), cat: 'compound', overlay: true },
  { lib: 'kara', file: 'kwestballad', groove: 'kwestballadA', tempo: 92, meter: 4, key: maj(10), cat: 'swing' },
  { lib: 'casio', file: '16shuffle1', groove: '16Shuffle1', tempo: 96, meter: 4, key: maj(2), cat: 'swing' },
  { lib: 'casio', file: 'shufflerock', groove: 'ShuffleRock', tempo: 124, meter: 4, key: maj(9), cat: 'swing' },
  { lib: 'yamaha', file: 'jazzswing', groove: 'JazzSwingMainA', tempo: 144, meter: 4, key: maj(3), cat: 'swing' },
  { lib: 'kara', file: 'happyshuffle', groove: 'HappyshuffleA', tempo: 112, meter: 4, key: maj(0), cat: 'swing' },
  { lib: 'stdlib', file: 'gypsyjazz', groove: 'GypsyJazz', tempo: 156, meter: 4, key: min(9), cat: 'swing' },
  { lib: 'casio', file: 'fastbigband', groove: 'FastBigBand', tempo: 212, meter: 4, key: maj(10), cat: 'fast' },
  { lib: 'kara', file: 'fasttwist', groove: 'fasttwistA', tempo: 176, meter: 4, key: maj(4), cat: 'fast' },
  { lib: 'casio', file: 'poppolka', groove: 'PopPolka', tempo: 184, meter: 4, key: maj(7), cat: 'fast' },
  { lib: 'yamaha', file: 'western', groove: 'WesternMainA', tempo: 196, meter: 4, key: maj(9), cat: 'fast' },
  { lib: 'kara', file: '2beatp', groove: '2beatpA', tempo: 188, meter: 4, key: min(5), cat: 'fast' },
  { lib: 'stdlib', file: 'bwmarch', groove: 'BWMarch', tempo: 168, meter: 4, key: maj(3), cat: 'fast' },
  { lib: 'casio', file: '16beatballad1', groove: '16BeatBallad1', tempo: 66, meter: 4, key: maj(1), cat: 'soft' },
  { lib: 'casio', file: '8beatballad2', groove: '8BeatBallad2', tempo: 72, meter: 4, key: min(3), cat: 'soft' },
  { lib: 'casio', file: 'oldieballad', groove: 'OldieBallad', tempo: 76, meter: 4, key: maj(8), cat: 'soft' },
  { lib: 'casio', file: 'mellowrb', groove: 'MellowRB', tempo: 68, meter: 4, key: min(6), cat: 'soft' },
  { lib: 'casio', file: 'serenade', groove: 'Serenade', tempo: 80, meter: 4, key: maj(11), cat: 'soft' },
  { lib: 'casio', file: 'slow16beat', groove: 'Slow16Beat', tempo: 70, meter: 4, key: min(4), cat: 'soft' },
  { lib: 'zoom', file: 'rock', groove: 'ROCK01', tempo: 120, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'zoom', file: 'funk', groove: 'FUNK01', tempo: 96, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'zoom', file: 'hiphop', groove: 'HIP01', tempo: 88, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'zoom', file: 'techno', groove: 'TECH01', tempo: 134, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'zoom', file: 'dnb', groove: 'DnB01', tempo: 174, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'zoom', file: 'shuffle', groove: 'SHFL01', tempo: 118, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'stdlib', file: 'metronome3', groove: 'Metronome3', tempo: 144, meter: 3, key: maj(0), cat: 'percussion' },
  { lib: 'stdlib', file: 'metronome68', groove: 'Metronome68', tempo: 216, per: 3, meter: 2, key: maj(0), cat: 'percussion' },
  { lib: 'casio', file: '8beatpop2', groove: '8BeatPop2', tempo: 104, meter: 4, key: maj(2), cat: 'intro', introBars: 4 },
  { lib: 'casio', file: '80spop', groove: '80sPop', tempo: 118, meter: 4, key: min(9), cat: 'intro', introBars: 4 },
  { lib: 'casio', file: 'rock2', groove: 'Rock2', tempo: 128, meter: 4, key: maj(4), cat: 'intro', introBars: 6 },
  { lib: 'yamaha', file: 'jazzbossa', groove: 'JazzBossaA', tempo: 132, meter: 4, key: maj(5), cat: 'intro', introBars: 6 },
  { lib: 'here', file: 'odd54', groove: 'HeldoutOdd54', tempo: 150, meter: 5, key: maj(7), cat: 'odd' },
  { lib: 'here', file: 'odd74', groove: 'HeldoutOdd74', tempo: 126, meter: 7, key: min(11), cat: 'odd' },
];

/** Beatless drones on chords no other set uses (Eb, F# minor, Bb sus, C# minor…). */
export const HELDOUT_DRONES: Drone[] = [
  { hz: [77.8, 155.6, 196, 233.1], lfo: 0.07, noise: 'pink', amp: 0.012 },
  { hz: [92.5, 138.6, 185, 220], lfo: 0.045, noise: 'brown', amp: 0.025 },
  { hz: [58.3, 116.5, 155.6, 174.6], lfo: 0.1, noise: 'white', amp: 0.004 },
  { hz: [69.3, 103.8, 138.6, 164.8], lfo: 0.06, noise: 'pink', amp: 0.008 },
];

/** SoundFont pairs (slot 0, slot 1), one per unit in turn: every pair has a font no other set uses. */
export const FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['gmbank', 'opl3'],
  ['opl3', 'fluidr3'],
  ['gmbank', 'timgm6mb'],
  ['fluidr3', 'gmbank'],
  ['opl3', 'gmbank'],
  ['timgm6mb', 'opl3'],
];

/** The family of a held-out song: "<lib>/<file>" (a stdlib family is its grooveFamily, as in split.json). */
export const heldoutFamily = (s: Pick<HeldoutSong, 'lib' | 'file'>) => (s.lib === 'stdlib' ? grooveFamily(s.file) : `${s.lib}/${s.file}`);

/** the dev-side sets whose manifests name MMA families (usedMmaFamilies) */
export const SIDE_SETS = ['tempo-synth', 'tempo-octave', 'key-set'] as const;

/**
 * Each dev-side set's manifest.json, or null where it is not built: beside `evalDir` (test/output/tempo-synth, as
 * synth-set.ts and octave-set.ts write them) or inside it (a shared evaluation folder holding them all, linked as
 * test/output/eval). Pure of writes.
 */
export function sideSetManifests(evalDir: string): Record<(typeof SIDE_SETS)[number], string | null> {
  const found = {} as Record<(typeof SIDE_SETS)[number], string | null>;
  for (const side of SIDE_SETS) found[side] = [join(evalDir, '..', side, 'manifest.json'), join(evalDir, side, 'manifest.json')].find((m) => existsSync(m)) ?? null;
  return found;
}

/**
 * The MMA groove families that any other eval set uses: build-set.ts' SONGS (dev and test) and
 * its intro voice (stringballad), the "mma:" units of `evalDir`/split.json (all sets), and the
 * families in the manifests of the dev-side sets (sideSetManifests: beside or inside `evalDir`;
 * tempo-synth: "syn-<groove>-…" sources; tempo-octave and key-set: "mma:<family>" sources) where they exist.
 * Throws when split.json is missing: without it the rule cannot be checked.
 */
export function usedMmaFamilies(evalDir: string): Set<string> {
  const used = new Set<string>(DEVTEST_SONGS.map((s) => grooveFamily(s.groove)));
  used.add('stringballad');
  const split = JSON.parse(readFileSync(join(evalDir, 'split.json'), 'utf8')) as { units: Record<string, unknown> };
  for (const id of Object.keys(split.units)) if (id.startsWith('mma:')) used.add(id.slice(4));
  for (const m of Object.values(sideSetManifests(evalDir))) {
    if (m === null) continue;
    for (const it of (JSON.parse(readFileSync(m, 'utf8')) as { items: { source: string }[] }).items) {
      if (it.source.startsWith('mma:')) used.add(it.source.slice(4));
      else if (it.source.startsWith('syn-')) used.add(grooveFamily(it.source.slice(4).replace(/-\d+(-drums)?$/, '')));
    }
  }
  return used;
}

/**
 * Why `s` may not be in the held-out set, or undefined when it may: a stdlib family related to a
 * used one (split-families.ts relatedFamily: same, same stem, or one contains the other); a family
 * of another MMA library whose file name is a used family (casio/swing ~ swing). Grooves written
 * here are new by construction.
 */
export function heldoutClash(s: Pick<HeldoutSong, 'lib' | 'file'>, used: Set<string>): string | undefined {
  if (s.lib === 'here') return undefined;
  const fam = grooveFamily(s.file);
  if (s.lib === 'stdlib') {
    // both ways: split-families.ts' clashOf later checks the dev-side families against this one
    const r = relatedFamily(fam, used) ?? [...used].find((u) => relatedFamily(u, [fam]));
    return r ? `stdlib family ${fam} is related to used family ${r}` : undefined;
  }
  return used.has(fam) ? `${s.lib}/${s.file} has the name of used family ${fam}` : undefined;
}

// ---- grooves written here ------------------------------------------------------------------
/** A sustained choir pad, one chord a bar: the beatless intro (no onsets but chord changes). */
function padGroove(beatsPerBar: number): string[] {
  return ['SeqClear', `Time ${beatsPerBar}`, 'SeqSize 1', 'Begin Chord-HeldoutPad', ' Voice ChoirAahs', ' Octave 5', ' Volume mp', ' Articulate 100', ` Sequence {1 ${beatsPerBar * 192}t 80}`, 'End', 'DefGroove HeldoutPad'];
}

/**
 * Chord and bass parts over a drums-only groove: 3/4 (bass on 1, chords on 2 and 3), 6/8 counted in eighths (bass on 1
 * and 4) or 4/4 (dev2-set.ts: chords on 1 and 3, bass on 1 and 3).
 */
export function overlayParts(mmaBeats: number): string[] {
  const chord = mmaBeats === 3 ? '{2 4 70; 3 4 66}' : mmaBeats === 4 ? '{1 2 72; 3 2 64}' : '{1 4 72; 2 4 56; 3 4 56; 4 4 68; 5 4 56; 6 4 56}';
  const bass = mmaBeats === 3 ? '{1 2. 1 92}' : mmaBeats === 4 ? '{1 4 1 92; 3 4 5 84}' : '{1 2. 1 92; 4 2. 5 84}';
  return ['Begin Chord', ' Voice Piano1', ' Octave 5', ' Volume mp', ` Sequence ${chord}`, 'End', 'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Volume mf', ` Sequence ${bass}`, 'End'];
}

/** Odd-meter grooves written here: drums, chords and bass in 5/4 (3 + 2) and 7/4 (4 + 3). */
const ODD_GROOVES: Record<string, string[]> = {
  HeldoutOdd54: [
    'SeqClear', 'Time 5', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 100; 4 0 90}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {3 0 85; 5 0 85}', 'End',
    'Begin Drum-ClosedHiHat', ' Tone ClosedHiHat', ' Sequence {1 0 70; 2 0 60; 3 0 66; 4 0 70; 5 0 60}', 'End',
    'Begin Chord', ' Voice Piano2', ' Octave 5', ' Volume mp', ' Sequence {1 4 80; 2 8 60; 3 4 66; 4 4 76; 5 8 60}', 'End',
    'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Sequence {1 2. 1 92; 4 2 5 86}', 'End',
    'DefGroove HeldoutOdd54',
  ],
  HeldoutOdd74: [
    'SeqClear', 'Time 7', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 100; 5 0 92}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {3 0 86; 7 0 86}', 'End',
    'Begin Drum-RideCymbal1', ' Tone RideCymbal1', ' Sequence {1 0 72; 2 0 62; 3 0 68; 4 0 62; 5 0 72; 6 0 62; 7 0 66}', 'End',
    'Begin Chord', ' Voice EPiano', ' Octave 5', ' Volume mp', ' Sequence {1 2 78; 3 4 64; 5 2 74; 7 4 62}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 4 1 92; 2 4 3 80; 3 4 5 84; 5 4 1 90; 6 4 5 80; 7 4 3 80}', 'End',
    'DefGroove HeldoutOdd74',
  ],
};

/**
 * The MMA source of song `s` (song index `i` picks build-set's progression), `sec` seconds after its intro; a groove
 * of lib "here" is looked up in `grooves` (name → MMA lines defining it); `pad(beatsPerBar)` writes the intro's groove
 * (MMA lines ending with its DefGroove: padGroove, the held-out set's choir, unless a set brings its own).
 */
export function heldoutMmaSource(s: HeldoutSong, i: number, sec: number, grooves: Record<string, string[]> = ODD_GROOVES, pad: (beatsPerBar: number) => string[] = padGroove): { text: string; introSec: number } {
  const per = s.per ?? 1;
  const beatsPerBar = s.meter * per; // MMA beats
  const barSec = (beatsPerBar * 60) / s.tempo;
  const intro = s.introBars ?? 0;
  const bars = Math.ceil(sec / barSec) + 1;
  const lines = [`Tempo ${s.tempo}`, `KeySig ${keyName(s.key).split(' ')[0]} ${s.key.mode}`];
  const prog = progression(s.key, i);
  let bar = 1;
  if (intro) {
    const padLines = pad(beatsPerBar);
    lines.push(...padLines, `Groove ${padLines[padLines.length - 1].replace(/^DefGroove /, '')}`);
    for (let b = 0; b < intro; b++) lines.push(`${bar++} ${prog[b % 4]}`);
  }
  if (s.lib === 'here') lines.push(...grooves[s.groove], `Groove ${s.groove}`);
  else lines.push(`Groove ${s.lib}/${s.file}:${s.groove}`);
  if (s.overlay) lines.push(...overlayParts(beatsPerBar));
  for (let b = 0; b < bars; b++) lines.push(`${bar++} ${s.cat === 'percussion' ? 'z' : prog[b % 4]}`);
  return { text: lines.join('\n') + '\n', introSec: intro * barSec };
}

// ---- MIDI sources --------------------------------------------------------------------------
/** Note-on ticks (velocity > 0, every channel) of a Standard MIDI File, in file order (walkSmf). Throws on a malformed file. */
export function noteOnTicks(b: Uint8Array): number[] {
  const ticks: number[] = [];
  walkSmf(b, (e) => {
    if (e.kind === 'on') ticks.push(e.tick);
  });
  return ticks;
}

/** Share of `ticks` within division/48 of a sixteenth or sixteenth-triplet position (division: ticks per quarter). */
export function onGridShare(ticks: number[], division: number): number {
  if (!ticks.length) return 0;
  const tol = division / 48;
  const near = (t: number, step: number) => {
    const r = t % step;
    return Math.min(r, step - r) <= tol;
  };
  return ticks.filter((t) => near(t, division / 4) || near(t, division / 6)).length / ticks.length;
}

/** Freedoom's MIDI music lumps (D_*), in WAD order: [name, bytes]. */
export function freedoomMidis(): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const w of ['freedoom1', 'freedoom2']) {
    const path = `/usr/share/games/doom/${w}.wad`;
    if (!existsSync(path)) {
      console.error(`(${path} missing: install freedoom)`);
      continue;
    }
    const b = readFileSync(path);
    const n = b.readInt32LE(4);
    const dir = b.readInt32LE(8);
    for (let i = 0; i < n; i++) {
      const o = b.readInt32LE(dir + 16 * i);
      const size = b.readInt32LE(dir + 16 * i + 4);
      const name = b.toString('latin1', dir + 16 * i + 8, dir + 16 * i + 16).replace(/\0.*$/, '');
      if (name.startsWith('D_') && b.toString('latin1', o, o + 4) === 'MThd') out.push([`${w}-${name}`, b.subarray(o, o + size)]);
    }
  }
  return out;
}

/** Every tune of the ABC examples of abcmidi and abcm2ps, made MIDI by abc2midi into `work`: [name, bytes]. */
export function abcMidis(work: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const dir of ['/usr/share/doc/abcmidi/examples', '/usr/share/doc/abcm2ps/examples']) {
    if (!existsSync(dir)) {
      console.error(`(${dir} missing: install ${basename(join(dir, '..'))})`);
      continue;
    }
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.abc')).sort()) {
      const text = readFileSync(join(dir, f), 'latin1');
      for (const m of text.matchAll(/^X: *(\d+)/gm)) {
        const name = `${basename(join(dir, '..'))}-${f.replace(/\.abc$/, '')}-${m[1]}`;
        const mid = join(work, `${name}.mid`);
        if (!existsSync(mid)) {
          try {
            execFileSync('abc2midi', [join(dir, f), m[1], '-quiet', '-silent', '-o', mid], { stdio: 'ignore' });
          } catch {
            /* abc2midi exits non-zero on some warnings; the file decides */
          }
        }
        if (existsSync(mid)) out.push([name, readFileSync(mid)]);
      }
    }
  }
  return out;
}

/** sha256 of every MIDI file of these Debian packages (default: what the other sets draw from: build-set's game packages, MMA's examples for key-set). */
export function usedMidiHashes(packages = ['openttd-openmsx', 'planetblupi-music-midi', 'freedink-data', 'mma']): Set<string> {
  const hashes = new Set<string>();
  for (const p of packages) {
    let files: string[] = [];
    try {
      files = execFileSync('dpkg', ['-L', p], { encoding: 'utf8' }).split('\n').filter((l) => /\.midi?$/i.test(l) && existsSync(l));
    } catch {
      continue;
    }
    for (const f of files) hashes.add(createHash('sha256').update(readFileSync(f)).digest('hex'));
  }
  return hashes;
}

// ---- building ------------------------------------------------------------------------------
export interface HeldoutJob {
  /** the unit (family or source) every file of which shares material */
  unit: string;
  item: EvalItem;
  make: (out: string) => Promise<void>;
  /** an MMA song's MIDI (written by make) and its key before any shift: what modeHeard reads (retruthManifest) */
  song?: { mid: string; key: Key };
}

/**
 * Re-reads the key truth of a built set's MMA songs under modeHeard, without rendering: every item of the manifest at
 * `manifestPath` ({ items: EvalItem[] }) whose job in `jobs` has a song MIDI on disk and a key gets keyTrusted =
 * modeHeard(its MIDI's pcQuarters, the song's key); the manifest is written back. Returns the files whose keyTrusted
 * changed. Throws when the manifest is missing.
 */
export function retruthManifest(manifestPath: string, jobs: HeldoutJob[]): { file: string; trusted: boolean }[] {
  const man = JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: EvalItem[] };
  const byFile = new Map(jobs.map((j) => [j.item.file, j]));
  const changed: { file: string; trusted: boolean }[] = [];
  const heard = new Map<string, boolean>();
  for (const it of man.items) {
    const song = byFile.get(it.file)?.song;
    if (!song || !it.key || !existsSync(song.mid)) continue;
    if (!heard.has(song.mid)) heard.set(song.mid, modeHeard(parseMidi(readFileSync(song.mid)).pcQuarters, song.key));
    const trusted = heard.get(song.mid)!;
    if (trusted !== it.keyTrusted) changed.push({ file: it.file, trusted });
    it.keyTrusted = trusted;
  }
  writeFileSync(manifestPath, JSON.stringify(man, null, 1));
  return changed;
}

/** What planSongSet builds: the held-out set here, dev2 in dev2-set.ts. */
export interface SongSetPlan {
  set: 'heldout' | 'dev2' | 'heldout2' | 'heldout3' | 'heldout4' | 'heldout5' | 'compound' | 'soft';
  /** file name prefix ("ho") */
  prefix: string;
  songs: HeldoutSong[];
  /** grooves of lib "here": name → MMA lines */
  grooves: Record<string, string[]>;
  drones: Drone[];
  /** SoundFont pairs, one per unit in turn */
  fontPairs: [SoundFont, SoundFont][];
  /** why song `s` may not be in the set (logged and skipped), or undefined */
  clash: (s: HeldoutSong) => string | undefined;
  /** MIDI sources: kind (EvalItem.sourceKind and the unit's prefix), tag (in the file name), category and [name, bytes] */
  midi: { kind: 'game-midi' | 'abc' | 'midi' | 'score'; tag: string; category: Category; list: [string, Buffer][] }[];
  /** sha256 of MIDI files another set draws from: skipped */
  usedHashes: Set<string>;
  /**
   * score an MMA song's key only when its notes play the key's mode (modeHeard on the song's MIDI, checked once MMA has
   * written it): dev2 sets it; the held-out set does not (its truth is the lead's to change, with `--retruth`)
   */
  modeRule?: boolean;
  /**
   * a MIDI file must keep one time signature (oneMeter: a pickup bar under another signature is allowed and the
   * signature after it is the file's meter); heldout2 sets it (MuseScore's demos open with a 1/4 or 3/8 pickup bar,
   * which midiTruth, reading the first signature, would take for the meter)
   */
  meterRule?: boolean;
  /** the beatless intro's pad groove (heldoutMmaSource's `pad`): default padGroove, the held-out set's choir */
  pad?: (beatsPerBar: number) => string[];
}

/**
 * The one time signature of a MIDI file, or why it has none: `timeSigs` (test/helpers/midi.ts MidiInfo.timeSigs) with
 * a first signature that lasts less than one of its bars (a pickup) dropped, then every later one the same num/den.
 * Returns the signatures to read the meter from ([] when the file states none) or { reason }.
 */
export function oneMeter(timeSigs: MidiInfo['timeSigs'], division: number): MidiInfo['timeSigs'] | { reason: string } {
  let ts = [...timeSigs].sort((a, b) => a.tick - b.tick);
  if (ts.length > 1 && ts[1].tick - ts[0].tick <= (ts[0].num * 4 * division) / ts[0].den) ts = ts.slice(1);
  const kinds = new Set(ts.map((t) => `${t.num}/${t.den}`));
  return kinds.size > 1 ? { reason: `changes meter (${[...kinds].join(', ')})` } : ts;
}

/**
 * The least time the key's third sounds, as a share of the tonic's (modeHeard): an MMA groove that plays roots and
 * fifths only — a march bass, a rave riff — leaves the mode to the chord names (dev2's casio/germanmarch: no third in
 * 30 s; casio/march1: 2 % of the tonic's time). Every other dev2 groove plays its third at least 20 % of the tonic's time.
 */
export const MODE_THIRD_MIN = 0.1;

/**
 * Whether a piece's notes play the mode of `key`: the mode's third (4 semitones over the tonic for major, 3 for minor)
 * sounds longer than the other mode's third — midiTruth's rule for MIDI files — and at least MODE_THIRD_MIN of the
 * tonic's time. `pcq`: quarter notes each pitch class C..B sounds, drums left out (test/helpers/midi.ts pcQuarters).
 */
export function modeHeard(pcq: number[], key: Key): boolean {
  const at = (semis: number) => pcq[(key.tonic + semis) % 12];
  const [third, other] = key.mode === 'major' ? [at(4), at(3)] : [at(3), at(4)];
  return third > other && third >= MODE_THIRD_MIN * at(0);
}

/** a MIDI file refused by a rule of the plan (not unreadable) */
class Refusal extends Error {}

/** Plans every file (nothing rendered): MMA songs, MIDI sources, drones; refusals are logged. */
export function planHeldout(out: string, sec: number): HeldoutJob[] {
  const used = usedMmaFamilies(out);
  const work = join(out, 'work', 'heldout');
  mkdirSync(work, { recursive: true });
  return planSongSet(out, sec, {
    set: 'heldout',
    prefix: 'ho',
    songs: HELDOUT_SONGS,
    grooves: ODD_GROOVES,
    drones: HELDOUT_DRONES,
    fontPairs: FONT_PAIRS,
    clash: (s) => heldoutClash(s, used),
    midi: [
      { kind: 'game-midi', tag: 'midi', category: 'game-midi', list: freedoomMidis() },
      { kind: 'abc', tag: 'tune', category: 'tune-midi', list: abcMidis(work) },
    ],
    usedHashes: usedMidiHashes(),
  });
}

/**
 * Plans every file of a set of MMA songs, MIDI files and drones rendered the held-out way (nothing rendered; work files
 * in OUT/work/<set>): each MMA song plain with its unit's two SoundFonts and once stretched + shifted with the first;
 * each MIDI file that passes midiTruth, the x/8-is-compound rule and the ≥ 90 % on-grid rule plain with the first and
 * stretched + shifted with the second; drones. Refusals are logged.
 */
export function planSongSet(out: string, sec: number, plan: SongSetPlan): HeldoutJob[] {
  const work = join(out, 'work', plan.set);
  mkdirSync(work, { recursive: true });
  const jobs: HeldoutJob[] = [];
  let unitNo = 0;
  const unitFonts = new Map<string, [SoundFont, SoundFont]>();
  const fontsOf = (unit: string) => {
    if (!unitFonts.has(unit)) unitFonts.set(unit, plan.fontPairs[unitNo++ % plan.fontPairs.length]);
    return unitFonts.get(unit)!;
  };
  const base = { set: plan.set };

  // 1. MMA songs
  plan.songs.forEach((s, i) => {
    const clash = plan.clash(s);
    if (clash) {
      console.log(`refused ${s.lib}/${s.file}: ${clash}`);
      return;
    }
    const fam = heldoutFamily(s);
    const fonts = fontsOf(`mma:${fam}`);
    if (s.leftOut) {
      console.log(`left out ${s.lib}/${s.file}: ${s.leftOut}`);
      return;
    }
    const name = `${plan.prefix}-${s.cat}-${s.lib}-${s.file.toLowerCase().replace(/[^a-z0-9]/g, '')}-${s.tempo}`;
    const { text, introSec } = heldoutMmaSource(s, i, sec + 8, plan.grooves, plan.pad);
    const mid = join(work, `${name}.mid`);
    const bpm = s.tempo / (s.per ?? 1);
    const meterClass: MeterClass = s.cat === 'compound' || (s.per ?? 1) === 3 ? '6/8' : s.meter === 3 ? '3/4' : s.meter === 4 || s.meter === 2 ? '4/4' : 'odd';
    const variants: [0 | 1, number, number][] = [
      [0, 1, 0],
      [1, 1, 0],
      [0, [1.09, 0.91, 1.05, 0.95][i % 4], [3, -2, 1, -3, 2][i % 5]],
    ];
    for (const [slot, stretch, shift] of variants) {
      const sf = fonts[slot];
      const key = s.cat === 'percussion' ? null : { tonic: (((s.key.tonic + shift) % 12) + 12) % 12, mode: s.key.mode };
      const file = `${name}-${sf}${stretch !== 1 ? `-x${stretch}` : ''}${shift ? `-s${shift}` : ''}.mp3`;
      const item: EvalItem = { ...base, file, source: `mma:${fam}`, category: s.cat, bpm: Math.round(bpm * stretch * 100) / 100, meter: s.meter, meterClass, sourceKind: 'mma', key, keyTrusted: key !== null, soundfont: sf, stretch, shift, introSec: introSec / stretch };
      jobs.push({
        unit: `mma:${fam}`,
        item,
        song: { mid, key: s.key },
        make: async (o) => {
          if (!existsSync(mid)) compileMma(text, name, work);
          if (plan.modeRule && key) item.keyTrusted = modeHeard(parseMidi(readFileSync(mid)).pcQuarters, s.key);
          await render(mid, sf, o, sec + introSec, stretch, shift);
        },
      });
    }
  });

  // 2. MIDI sources
  const seen = new Set<string>();
  let g = 0;
  for (const { kind, tag, category, list } of plan.midi) {
    for (const [name, bytes] of list) {
      const hash = createHash('sha256').update(bytes).digest('hex');
      if (seen.has(hash) || plan.usedHashes.has(hash)) continue;
      let why = '';
      let truth: ReturnType<typeof midiTruth> | null = null;
      try {
        const info = parseMidi(bytes);
        const meter = plan.meterRule ? oneMeter(info.timeSigs, info.division) : info.timeSigs;
        if (!Array.isArray(meter)) throw new Refusal(meter.reason);
        info.timeSigs = meter;
        truth = midiTruth(info, sec);
        const ts = info.timeSigs[0];
        if ('reason' in truth) why = truth.reason;
        else if (ts && ts.den === 8 && truth.meterClass !== '6/8') why = `${ts.num}/8 is not compound: the quarter is no metrical level`;
        else {
          const share = onGridShare(noteOnTicks(bytes), info.division);
          if (share < 0.9) why = `only ${(share * 100).toFixed(0)} % of the notes on the declared tempo's grid (played in live?)`;
        }
      } catch (e) {
        why = e instanceof Refusal ? e.message : `unreadable (${String(e).slice(0, 60)})`;
      }
      if (why || !truth || 'reason' in truth) {
        console.log(`refused ${name}: ${why}`);
        continue;
      }
      seen.add(hash);
      const { bpm, meter, meterClass, key: t, trusted } = truth;
      const mid = join(work, `${name}.mid`);
      if (!existsSync(mid)) writeFileSync(mid, bytes);
      const stem = `${plan.prefix}-${tag}-${name}`.replace(/[^A-Za-z0-9._-]/g, '_');
      const unit = `${kind}:${name}`;
      const fonts = fontsOf(unit);
      const variants: [0 | 1, number, number][] = [
        [0, 1, 0],
        [1, [0.92, 1.08, 0.96, 1.04][g % 4], [-2, 3, -1, 2, 1][g % 5]],
      ];
      for (const [slot, stretch, shift] of variants) {
        const sf = fonts[slot];
        const file = `${stem}-${sf}${stretch !== 1 ? `-x${stretch}` : ''}${shift ? `-s${shift}` : ''}.mp3`;
        jobs.push({
          unit,
          item: { ...base, file, source: unit, category, bpm: Math.round(bpm * stretch * 100) / 100, meter, meterClass, sourceKind: kind, key: { tonic: (((t.tonic + shift) % 12) + 12) % 12, mode: t.mode }, keyTrusted: trusted, soundfont: sf, stretch, shift, introSec: 0 },
          make: (o) => render(mid, sf, o, sec, stretch, shift),
        });
      }
      g++;
    }
  }

  // 3. drones
  plan.drones.forEach((d, i) =>
    jobs.push({
      unit: `drone:${plan.set}-${i}`,
      item: { ...base, file: `${plan.prefix}-drone-${i}.mp3`, source: `drone ${d.hz.join('/')} Hz`, category: 'beatless', bpm: null, meter: 0, meterClass: 'none', sourceKind: 'drone', key: null, keyTrusted: false, soundfont: null, stretch: 1, shift: 0, introSec: 0 },
      make: (o) => makeDrone(d, o, sec),
    }),
  );
  return jobs;
}

/** Files per category and facet (key mode, meter class, tempo band, source, SoundFont), as split.json counts them. */
export function heldoutCounts(items: EvalItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const it of items)
    for (const k of [`category:${it.category}`, `mode:${modeOf(it)}`, `meter:${it.meterClass}`, `tempo:${tempoBand(it.bpm)}`, `source:${it.sourceKind}`, `soundfont:${it.soundfont ?? 'none'}`, 'all']) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string', default: 'test/output/eval' },
      sec: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '2' },
      'plan-only': { type: 'boolean', default: false },
      retruth: { type: 'boolean', default: false },
    },
  });
  const OUT = args.out;
  const SEC = Number(args.sec);
  const JOBS = Math.min(2, Math.max(1, Number(args.jobs))); // the machine is shared
  const jobs = planHeldout(OUT, SEC);
  if (args.retruth) {
    // the lead's call (session 9): the key truth of the built held-out set under dev2's modeHeard rule, nothing rendered
    const changed = retruthManifest(join(OUT, 'manifest-heldout.json'), jobs);
    console.log(`held-out --retruth: keyTrusted changed on ${changed.length} files (${changed.filter((c) => !c.trusted).length} now untrusted)`);
    return;
  }
  mkdirSync(join(OUT, 'heldout'), { recursive: true });
  const counts = heldoutCounts(jobs.map((j) => j.item));
  console.log(`held-out plan: ${jobs.length} files in ${new Set(jobs.map((j) => j.unit)).size} units`);
  for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${k.padEnd(22)} ${v}`);
  writeFileSync(join(OUT, 'heldout-units.json'), JSON.stringify({ rule: 'tools/eval/heldout-set.ts: families and sources no other set uses', counts, units: Object.fromEntries([...new Set(jobs.map((j) => j.unit))].map((u) => [u, jobs.filter((j) => j.unit === u).map((j) => j.item.file)])) }, null, 1));
  if (args['plan-only']) return;

  const t0 = Date.now();
  await renderJobs(
    jobs.map((j) => {
      const out = join(OUT, 'heldout', j.item.file);
      return { out, make: () => j.make(out) };
    }),
    JOBS,
    (done) => writeFileSync(join(OUT, 'manifest-heldout.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/heldout-set.ts', items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
  console.log(`heldout: ${jobs.length} files in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

/**
 * The command line of a held-out builder whose plan is `plan(out, sec)` (heldout4-set.ts, heldout5-set.ts): `--out DIR`
 * (test/output/eval), `--sec S` (30), `--jobs N` (1; at most 2: the machine is shared), `--plan-only` (counts and
 * `<name>-units.json`, nothing rendered). Writes `<name>-units.json` (its `rule` and the counts; split-families' clashOf
 * reads it), renders the files into OUT/<name>/ (renderJobs: kept files are not rendered again), rewrites
 * manifest-<name>.json as files finish and OUT/<name>/READY at the end.
 */
export async function runHeldoutBuilder(name: string, rule: string, plan: (out: string, sec: number) => HeldoutJob[]): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string', default: 'test/output/eval' },
      sec: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '1' },
      'plan-only': { type: 'boolean', default: false },
    },
  });
  const OUT = args.out;
  const SEC = Number(args.sec);
  const JOBS = Math.min(2, Math.max(1, Number(args.jobs))); // the machine is shared
  const jobs = plan(OUT, SEC);
  mkdirSync(join(OUT, name), { recursive: true });
  const counts = heldoutCounts(jobs.map((j) => j.item));
  console.log(`${name} plan: ${jobs.length} files in ${new Set(jobs.map((j) => j.unit)).size} units`);
  for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${k.padEnd(22)} ${v}`);
  const bpms = jobs.map((j) => j.item.bpm).filter((b): b is number => b != null);
  console.log(`  tempo ${Math.min(...bpms)}–${Math.max(...bpms)} BPM`);
  writeFileSync(join(OUT, `${name}-units.json`), JSON.stringify({ rule, counts, units: Object.fromEntries([...new Set(jobs.map((j) => j.unit))].map((u) => [u, jobs.filter((j) => j.unit === u).map((j) => j.item.file)])) }, null, 1));
  if (args['plan-only']) return;
  const t0 = Date.now();
  await renderJobs(
    jobs.map((j) => {
      const out = join(OUT, name, j.item.file);
      return { out, make: () => j.make(out) };
    }),
    JOBS,
    (done) => writeFileSync(join(OUT, `manifest-${name}.json`), JSON.stringify({ sec: SEC, rule: `tools/eval/${name}-set.ts`, items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
  writeFileSync(join(OUT, name, 'READY'), `${jobs.length} files, manifest-${name}.json\n`);
  console.log(`${name}: ${jobs.length} files in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

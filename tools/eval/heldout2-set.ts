// A SECOND FRESH HELD-OUT tempo/key set, "heldout2" (issue 11, session 10): the held-out set of heldout-set.ts has
// been consulted for five ship decisions, so the final word on issue 11's targets comes from material that NO other
// set uses — not dev/test (build-set.ts), dev2, key-set, tempo-synth, tempo-octave nor the held-out set — and,
// where it can, from synthesis no other set uses. Nobody runs our analysers on it before the lead does, once.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont csound-soundfont opl3-soundfont \
//     musescore-general-soundfont-small timidity freepats mma musescore3 musescore-common hydrogen liquidwar-data
//   nice node --import tsx tools/eval/heldout2-set.ts [--eval test/output/eval] [--out test/output/eval] [--jobs 2] [--plan-only]
//   (--eval: where split.json, dev2-units.json, heldout-units.json and the dev-side sets' manifests lie, for the
//    refusal rules; --out: where heldout2/, manifest-heldout2.json and heldout2-units.json are written)
//
// Material (heldout-set.ts' planSongSet renders it: same render, variant and truth code, modeHeard from the start):
//  1. MMA songs on the families of MMA's other groove libraries (casio, yamaha, kara, zoom, pflib) that neither the
//     held-out set (HELDOUT_SONGS) nor dev2 (DEV2_SONGS) nor any built set holds. Refused at run time
//     (`heldout2Clash`), more strictly than the held-out set's rule: a family whose file name is related
//     (split-families.ts relatedFamily: same, same stem, one contains the other at an end) to any MMA family used by
//     dev/test, a dev-side set or split.json (casio/slowswing ~ swing, casio/twist ~ twist); a family of a library
//     the held-out set or dev2 holds that is related to one of theirs in the same library (casio/16beatballad2 ~
//     casio/16beatballad1) or has the same file name in another library. Zoom's drum patterns stay drums only.
//     Grooves written here (new by construction): 3/4 (a waltz, a fast jazz waltz), 6/8 and 12/8 counted in eighths,
//     5/4 (3 + 2) and 7/4 (3 + 2 + 2), a choir ballad and a piano-and-strings ballad without drums; the beatless
//     intro is a warm synth pad (GM 89) swelling in on each bar (the held-out set's is a choir, dev/test's strings).
//  2. Hydrogen's demo songs (Debian `hydrogen-data`, `hydrogen-drumkits`): drums only, exported by h2cli with the
//     sampled kit each song names (GMRockKit, TR808EmulationKit) — a drum machine and sample
//     kits no set uses. Truth: the song's <bpm> (one per song; none uses a tempo timeline) and its patterns' size
//     (192 ticks at 48 a quarter: 4/4). A song shorter than the excerpt is cut to its whole bars and looped.
//     ColomboAcousticDrumkit's demo exported silence here: left out (HYDROGEN_LEFT_OUT).
//  3. MIDI files: MuseScore's demo scores (Debian `musescore3-common`, `musescore-common`) made MIDI by mscore3, and
//     Liquid War's music (`liquidwar-data`), under midiTruth, the held-out set's grid and x/8 rules, modeHeard's rule
//     for the key and one more rule (`oneMeter`): one time signature after an optional pickup bar.
//  4. Synthesis: TiMidity++ with the FreePats patches (`freepats`: another engine, not only other samples; build-set's
//     render and freepatsConfig) in every unit's pair, next to one of the SoundFonts the other sets use in turn.
//  5. Beatless drones on chords no other set uses.
// No real recordings: no Debian package with unused ProTracker modules or annotated audio is left.
//
// Writes OUT/heldout2/*.mp3, OUT/manifest-heldout2.json ({ sec, items: EvalItem[] } with set "heldout2";
// test/bench/analysis-accuracy.ts --set heldout2 reads it, peers cached in OUT/peers-heldout2*.json),
// OUT/heldout2-units.json (unit → files; split-families.ts' clashOf then refuses its families in every dev-side
// builder) and OUT/heldout2/READY once every file is there.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { grooveFamily, maj, min, renderJobs, type Drone, type EvalItem, type SoundFont } from './build-set';
import { DEV2_SONGS } from './dev2-set';
import { heldoutClash, heldoutCounts, heldoutFamily, HELDOUT_SONGS, planSongSet, usedMidiHashes, usedMmaFamilies, type HeldoutJob, type HeldoutSong } from './heldout-set';
import { relatedFamily } from './split-families';

const run = promisify(execFile);

// ---- the plan ------------------------------------------------------------------------------
export const HELDOUT2_SONGS: HeldoutSong[] = [
  // every groove is written here: every family of MMA's other libraries that no set holds is related to one that a
  // set holds (heldout2Clash; the first plan's 33 candidates were all refused), and the standard library is used up
  { lib: 'here', file: 'waltz34', groove: 'H2Waltz', tempo: 96, meter: 3, key: maj(7), cat: 'triple' },
  { lib: 'here', file: 'waltz34', groove: 'H2Waltz', tempo: 144, meter: 3, key: min(2), cat: 'triple' },
  { lib: 'here', file: 'jazzwaltz34', groove: 'H2JazzWaltz', tempo: 176, meter: 3, key: maj(3), cat: 'triple' },
  { lib: 'here', file: 'six8', groove: 'H2Six8', tempo: 288, per: 3, meter: 2, key: maj(4), cat: 'compound' },
  { lib: 'here', file: 'six8', groove: 'H2Six8', tempo: 186, per: 3, meter: 2, key: min(9), cat: 'compound' },
  { lib: 'here', file: 'twelve8', groove: 'H2Twelve8', tempo: 204, per: 3, meter: 4, key: min(7), cat: 'compound' },
  { lib: 'here', file: 'five32', groove: 'H2Odd54', tempo: 138, meter: 5, key: min(1), cat: 'odd' },
  { lib: 'here', file: 'seven322', groove: 'H2Odd74', tempo: 116, meter: 7, key: maj(11), cat: 'odd' },
  { lib: 'here', file: 'choir', groove: 'H2Choir', tempo: 72, meter: 4, key: maj(2), cat: 'soft' },
  { lib: 'here', file: 'pianostrings', groove: 'H2PianoStrings', tempo: 64, meter: 4, key: min(0), cat: 'soft' },
  { lib: 'here', file: 'choir', groove: 'H2Choir', tempo: 88, meter: 4, key: min(5), cat: 'soft' },
  // more grooves written here, one family each (lib "here"): pop, swing, fast, soft, drums only
  { lib: 'here', file: 'pop8', groove: 'H2Pop8', tempo: 118, meter: 4, key: maj(4), cat: 'pop4' },
  { lib: 'here', file: 'disco', groove: 'H2Disco', tempo: 122, meter: 4, key: min(9), cat: 'pop4' },
  { lib: 'here', file: 'funk16', groove: 'H2Funk16', tempo: 102, meter: 4, key: min(2), cat: 'pop4' },
  { lib: 'here', file: 'bossa', groove: 'H2Bossa', tempo: 136, meter: 4, key: maj(5), cat: 'pop4' },
  { lib: 'here', file: 'motorik', groove: 'H2Motorik', tempo: 148, meter: 4, key: min(4), cat: 'pop4' },
  { lib: 'here', file: 'train', groove: 'H2Train', tempo: 112, meter: 4, key: maj(7), cat: 'pop4' },
  { lib: 'here', file: 'dembow', groove: 'H2Dembow', tempo: 96, meter: 4, key: min(6), cat: 'pop4' },
  { lib: 'here', file: 'afrobeat', groove: 'H2Afrobeat', tempo: 108, meter: 4, key: min(11), cat: 'pop4' },
  { lib: 'here', file: 'shuffle', groove: 'H2Shuffle', tempo: 114, meter: 4, key: maj(10), cat: 'swing' },
  { lib: 'here', file: 'jazzride', groove: 'H2JazzRide', tempo: 152, meter: 4, key: maj(3), cat: 'swing' },
  { lib: 'here', file: 'bluesshuffle', groove: 'H2BluesShuffle', tempo: 86, meter: 4, key: maj(9), cat: 'swing' },
  { lib: 'here', file: 'brushswing', groove: 'H2BrushSwing', tempo: 128, meter: 4, key: min(7), cat: 'swing' },
  { lib: 'here', file: 'boogie', groove: 'H2Boogie', tempo: 144, meter: 4, key: maj(0), cat: 'swing' },
  { lib: 'here', file: 'punk', groove: 'H2Punk', tempo: 192, meter: 4, key: maj(2), cat: 'fast' },
  { lib: 'here', file: 'twobeat', groove: 'H2TwoBeat', tempo: 176, meter: 4, key: maj(7), cat: 'fast' },
  { lib: 'here', file: 'breakbeat', groove: 'H2Breakbeat', tempo: 172, meter: 4, key: min(5), cat: 'fast' },
  { lib: 'here', file: 'fastswing', groove: 'H2FastSwing', tempo: 224, meter: 4, key: maj(8), cat: 'fast' },
  { lib: 'here', file: 'harp', groove: 'H2Harp', tempo: 60, meter: 4, key: maj(6), cat: 'soft' },
  { lib: 'here', file: 'stringspizz', groove: 'H2StringsPizz', tempo: 76, meter: 4, key: min(10), cat: 'soft' },
  { lib: 'here', file: 'congas', groove: 'H2Congas', tempo: 108, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'brushes', groove: 'H2Brushes', tempo: 82, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'toms', groove: 'H2Toms', tempo: 132, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'electro', groove: 'H2Electro', tempo: 126, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'fastdrums', groove: 'H2FastDrums', tempo: 168, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'countrywaltz', groove: 'H2CountryWaltz', tempo: 112, meter: 3, key: maj(9), cat: 'triple' },
  { lib: 'here', file: 'minuet', groove: 'H2Minuet', tempo: 120, meter: 3, key: maj(2), cat: 'triple' },
  { lib: 'here', file: 'accordionjig', groove: 'H2Jig', tempo: 330, per: 3, meter: 2, key: maj(2), cat: 'compound' },
  { lib: 'here', file: 'odd54swing', groove: 'H2Odd54Swing', tempo: 172, meter: 5, key: min(3), cat: 'odd' },
  // beatless intros (a warm pad, then the groove)
  { lib: 'here', file: 'introsoul', groove: 'H2IntroSoul', tempo: 104, meter: 4, key: maj(11), cat: 'intro', introBars: 4 },
  { lib: 'here', file: 'introrock', groove: 'H2IntroRock', tempo: 132, meter: 4, key: min(6), cat: 'intro', introBars: 6 },
  { lib: 'here', file: 'introhouse', groove: 'H2IntroHouse', tempo: 124, meter: 4, key: min(1), cat: 'intro', introBars: 8 },
  { lib: 'here', file: 'introballad', groove: 'H2IntroBallad', tempo: 80, meter: 4, key: maj(8), cat: 'intro', introBars: 3 },
];

/** The beatless intro: a warm synth pad (GM 89), one chord a bar, swelling in (MMA's Volume ramp over the bar). */
export function warmPadGroove(beatsPerBar: number): string[] {
  return ['SeqClear', `Time ${beatsPerBar}`, 'SeqSize 1', 'Begin Chord-H2Pad', ' Voice WarmPad', ' Octave 5', ' Volume p', ' Articulate 100', ` Sequence {1 ${beatsPerBar * 192}t 70}`, 'End', 'DefGroove Heldout2Pad'];
}

/** Grooves written here: name → MMA lines (drums, chords, bass; the ballads without drums). */
export const HELDOUT2_GROOVES: Record<string, string[]> = {
  // 3/4: bass on 1, piano on 2 and 3, pedal hat on 2 and 3
  H2Waltz: [
    'SeqClear', 'Time 3', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 92}', 'End',
    'Begin Drum-PedalHiHat', ' Tone PedalHiHat', ' Sequence {2 0 66; 3 0 62}', 'End',
    'Begin Chord', ' Voice Piano1', ' Octave 5', ' Volume mp', ' Sequence {2 4 74; 3 4 68}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 2 1 94}', 'End',
    'DefGroove H2Waltz',
  ],
  // fast 3/4 jazz waltz: ride 1, 2, 2-and (swung), 3; walking bass; guitar comping on 2 and 3
  H2JazzWaltz: [
    'SeqClear', 'Time 3', 'SeqSize 1',
    'Begin Drum-RideCymbal1', ' Tone RideCymbal1', ' Sequence {1 0 84; 2 0 66; 2.66 0 52; 3 0 70}', 'End',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 70}', 'End',
    'Begin Drum-PedalHiHat', ' Tone PedalHiHat', ' Sequence {2 0 60}', 'End',
    'Begin Chord', ' Voice JazzGuitar', ' Octave 5', ' Volume mp', ' Sequence {2 8 66; 3 8 60}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 4 1 90; 2 4 3 74; 3 4 5 78}', 'End',
    'DefGroove H2JazzWaltz',
  ],
  // 6/8 counted in eighths (MMA Time 6): kick on 1, side stick on 4, shaker on every eighth, nylon guitar arpeggio
  H2Six8: [
    'SeqClear', 'Time 6', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 96; 4 0 70}', 'End',
    'Begin Drum-SideKick', ' Tone SideKick', ' Sequence {4 0 78}', 'End',
    'Begin Drum-Shaker', ' Tone Shaker', ' Sequence {1 0 70; 2 0 50; 3 0 54; 4 0 66; 5 0 50; 6 0 54}', 'End',
    'Begin Arpeggio', ' Voice NylonGuitar', ' Octave 4', ' Volume mp', ' Range 2', ' Sequence {1 4 78; 2 4 60; 3 4 62; 4 4 72; 5 4 60; 6 4 62}', 'End',
    'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Sequence {1 2. 1 90; 4 2. 5 80}', 'End',
    'DefGroove H2Six8',
  ],
  // 12/8 slow blues counted in eighths (MMA Time 12): kick 1 and 7, snare 4 and 10, ride on every eighth, piano triplets
  H2Twelve8: [
    'SeqClear', 'Time 12', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 96; 7 0 86}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {4 0 88; 10 0 88}', 'End',
    'Begin Drum-RideCymbal1', ' Tone RideCymbal1', ' Sequence {1 0 70; 2 0 48; 3 0 52; 4 0 66; 5 0 48; 6 0 52; 7 0 70; 8 0 48; 9 0 52; 10 0 66; 11 0 48; 12 0 52}', 'End',
    'Begin Chord', ' Voice Piano2', ' Octave 5', ' Volume mp', ' Sequence {1 4 70; 2 4 54; 3 4 56; 4 4 66; 5 4 54; 6 4 56; 7 4 70; 8 4 54; 9 4 56; 10 4 66; 11 4 54; 12 4 56}', 'End',
    'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Sequence {1 2. 1 92; 4 2. 3 80; 7 2. 5 86; 10 2. 6 78}', 'End',
    'DefGroove H2Twelve8',
  ],
  // 5/4 as 3 + 2: kick 1 and 4, snare 3 and 5, closed hat in eighths; vibraphone and fretless-style bass
  H2Odd54: [
    'SeqClear', 'Time 5', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 98; 4 0 90}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {3 0 80; 5 0 84}', 'End',
    'Begin Drum-ClosedHiHat', ' Tone ClosedHiHat', ' Sequence {1 0 70; 1.5 0 50; 2 0 62; 2.5 0 50; 3 0 66; 3.5 0 50; 4 0 70; 4.5 0 50; 5 0 62; 5.5 0 50}', 'End',
    'Begin Chord', ' Voice Vibraphone', ' Octave 5', ' Volume mp', ' Sequence {1 2. 76; 4 2 70}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 4 1 92; 2.5 8 1 70; 4 4 5 86}', 'End',
    'DefGroove H2Odd54',
  ],
  // 7/4 as 3 + 2 + 2: kick 1, 4 and 6, snare 3, 5 and 7, ride on the beats; organ and bass
  H2Odd74: [
    'SeqClear', 'Time 7', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 100; 4 0 88; 6 0 88}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {3 0 82; 5 0 82; 7 0 86}', 'End',
    'Begin Drum-RideCymbal1', ' Tone RideCymbal1', ' Sequence {1 0 74; 2 0 60; 3 0 64; 4 0 70; 5 0 60; 6 0 70; 7 0 60}', 'End',
    'Begin Chord', ' Voice Organ1', ' Octave 5', ' Volume mp', ' Sequence {1 2. 72; 4 2 64; 6 2 64}', 'End',
    'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Sequence {1 4 1 92; 2 4 5 74; 4 4 1 86; 6 4 5 84}', 'End',
    'DefGroove H2Odd74',
  ],
  // a choir ballad: sustained choir chords changing on 1 and 3, a cello on the beats; no drums
  H2Choir: [
    'SeqClear', 'Time 4', 'SeqSize 1',
    'Begin Chord', ' Voice VoiceOohs', ' Octave 5', ' Volume mp', ' Articulate 100', ' Sequence {1 2 74; 3 2 68}', 'End',
    'Begin Bass', ' Voice Cello', ' Octave 3', ' Volume p', ' Articulate 95', ' Sequence {1 4 1 70; 2 4 5 56; 3 4 3 62; 4 4 5 56}', 'End',
    'DefGroove H2Choir',
  ],
  // a piano ballad: piano arpeggio in eighths over a held string chord and a bass note a bar; no drums
  H2PianoStrings: [
    'SeqClear', 'Time 4', 'SeqSize 1',
    'Begin Chord', ' Voice Strings', ' Octave 5', ' Volume p', ' Articulate 100', ' Sequence {1 1 62}', 'End',
    'Begin Arpeggio', ' Voice Piano1', ' Octave 5', ' Volume mp', ' Range 2', ' Sequence {1 8 72; 1.5 8 54; 2 8 62; 2.5 8 54; 3 8 68; 3.5 8 54; 4 8 62; 4.5 8 54}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Volume mp', ' Sequence {1 1 1 80}', 'End',
    'DefGroove H2PianoStrings',
  ],
};

// a small notation for the grooves below: MMA tracks from (beat, duration, [degree,] volume) lists
/** a drum track: `tone` struck at each "beat vel" of `hits` */
export const drum = (tone: string, hits: string): string[] => [`Begin Drum-${tone}`, ` Tone ${tone}`, ` Sequence {${hits.split(';').map((h) => h.trim().replace(/^(\S+) (\S+)$/, '$1 0 $2')).join('; ')}}`, 'End'];
/** a Chord, Bass or Arpeggio track: MMA voice, octave, volume and sequence ("beat dur [degree] vel; …") */
export const part = (track: string, voice: string, octave: number, seq: string, volume = 'mp'): string[] => [`Begin ${track}`, ` Voice ${voice}`, ` Octave ${octave}`, ` Volume ${volume}`, ...(track === 'Arpeggio' ? [' Range 2'] : []), ` Sequence {${seq}}`, 'End'];
/** a groove: Time, one-bar sequences, DefGroove */
export const groove = (name: string, time: number, ...tracks: string[][]): string[] => ['SeqClear', `Time ${time}`, 'SeqSize 1', ...tracks.flat(), `DefGroove ${name}`];
/** eighth-note hits over `beats` beats, on-beats at `on`, off-beats at `off` (swing: off-beats at .66) */
export const eighths = (beats: number, on: number, off: number, swing = false): string => Array.from({ length: beats }, (_, b) => `${b + 1} ${on}; ${b + (swing ? 1.66 : 1.5)} ${off}`).join('; ');
export const sixteenths = (beats: number, on: number, off: number): string => Array.from({ length: beats * 4 }, (_, k) => `${1 + k / 4} ${k % 4 === 0 ? on : off}`).join('; ');

Object.assign(HELDOUT2_GROOVES, {
  H2Pop8: groove('H2Pop8', 4, drum('KickDrum1', '1 96; 2.5 70; 3 90'), drum('SnareDrum1', '2 90; 4 92'), drum('ClosedHiHat', eighths(4, 70, 52)), part('Chord', 'EPiano', 5, '1 2 74; 3 2 68'), part('Bass', 'FingeredBass', 3, '1 4. 1 92; 2.5 8 1 74; 3 2 5 86')),
  H2Disco: groove('H2Disco', 4, drum('KickDrum1', '1 96; 2 92; 3 96; 4 92'), drum('HandClap', '2 80; 4 82'), drum('OpenHiHat', '1.5 70; 2.5 70; 3.5 70; 4.5 70'), part('Chord', 'Strings', 5, '1 8 72; 2.5 8 64; 4 8 66'), part('Bass', 'SynthBass1', 2, '1 8 1 90; 1.5 8 1+ 80; 2 8 1 88; 2.5 8 1+ 80; 3 8 1 90; 3.5 8 1+ 80; 4 8 1 88; 4.5 8 1+ 80')),
  H2Funk16: groove('H2Funk16', 4, drum('KickDrum1', '1 98; 1.75 72; 3.5 86'), drum('SnareDrum1', '2 92; 4 94; 4.75 50'), drum('ClosedHiHat', sixteenths(4, 72, 46)), part('Chord', 'Clavinet', 5, '1 16 76; 1.5 16 60; 2.25 16 64; 3 16 70; 3.75 16 60; 4.5 16 64'), part('Bass', 'SlapBass1', 3, '1 8 1 96; 1.75 16 1 70; 2.5 8 5 80; 3.5 8 1 88; 4.25 16 3 72')),
  H2Bossa: groove('H2Bossa', 4, drum('KickDrum1', '1 80; 2.5 70; 3 80; 4.5 70'), drum('SideKick', '1 66; 2.5 66; 3.5 66; 4 66'), drum('Shaker', eighths(4, 56, 44)), part('Chord', 'NylonGuitar', 4, '1 8 72; 1.5 8 60; 2.5 8 64; 3 8 68; 3.5 8 60; 4.5 8 62'), part('Bass', 'AcousticBass', 3, '1 4. 1 86; 2.5 8 5 76; 3 4. 5 82; 4.5 8 1 74')),
  H2Motorik: groove('H2Motorik', 4, drum('KickDrum1', '1 96; 2.5 76; 3 92'), drum('SnareDrum2', '2 86; 4 86'), drum('ClosedHiHat', eighths(4, 74, 62)), part('Chord', 'Organ2', 5, '1 1 66'), part('Bass', 'PickedBass', 3, eighths(4, 1, 1).split('; ').map((h, k) => `${h.split(' ')[0]} 8 1 ${k % 2 ? 76 : 88}`).join('; '))),
  H2Train: groove('H2Train', 4, drum('KickDrum1', '1 90; 3 86'), drum('SnareDrum1', sixteenths(4, 74, 48)), part('Chord', 'SteelGuitar', 4, '2 8 70; 4 8 70'), part('Bass', 'AcousticBass', 3, '1 4 1 90; 3 4 5 84')),
  H2Dembow: groove('H2Dembow', 4, drum('KickDrum1', '1 96; 2 92; 3 96; 4 92'), drum('SnareDrum1', '1.75 84; 2.5 80; 3.75 84; 4.5 80'), drum('ClosedHiHat', eighths(4, 60, 52)), part('Chord', 'Marimba', 5, '1 8 72; 1.75 8 62; 2.5 8 66; 3 8 70; 3.75 8 62; 4.5 8 66'), part('Bass', 'SynthBass2', 2, '1 4. 1 92; 2.5 8 1 76; 3 2 5 86')),
  H2Afrobeat: groove('H2Afrobeat', 4, drum('KickDrum1', '1 94; 2.75 74; 3.5 84'), drum('SnareDrum1', '2 70; 3.25 60; 4 76'), drum('OpenHiHat', '1.5 66; 2.5 66; 3.5 66; 4.5 66'), drum('CowBell', '1 70; 1.75 54; 2.5 60; 3 66; 3.75 54; 4.5 60'), part('Chord', 'CleanGuitar', 5, sixteenths(4, 70, 54).split('; ').filter((_, k) => k % 2 === 0).map((h) => `${h.split(' ')[0]} 16 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'FingeredBass', 3, '1 8 1 92; 1.75 16 1 70; 2.5 8 5 82; 3.5 8 3 84; 4 8 5 76')),
  H2Shuffle: groove('H2Shuffle', 4, drum('KickDrum1', '1 94; 3 90'), drum('SnareDrum1', '2 88; 4 90'), drum('ClosedHiHat', eighths(4, 72, 56, true)), part('Chord', 'Piano1', 5, eighths(4, 70, 56, true).split('; ').map((h) => `${h.split(' ')[0]} 16 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'FingeredBass', 3, '1 4 1 90; 1.66 8 1 70; 2 4 3 80; 2.66 8 3 66; 3 4 5 86; 3.66 8 5 70; 4 4 6 80; 4.66 8 5 66')),
  H2JazzRide: groove('H2JazzRide', 4, drum('RideCymbal1', '1 80; 2 70; 2.66 54; 3 76; 4 70; 4.66 54'), drum('PedalHiHat', '2 66; 4 66'), drum('KickDrum1', '1 56; 3 52'), part('Chord', 'JazzGuitar', 5, '1.66 8 62; 3 8 66; 4.66 8 60'), part('Bass', 'AcousticBass', 3, '1 4 1 90; 2 4 3 76; 3 4 5 84; 4 4 6 74')),
  H2BluesShuffle: groove('H2BluesShuffle', 4, drum('KickDrum1', '1 92; 3 88'), drum('SnareDrum1', '2 90; 4 92'), drum('RideCymbal1', eighths(4, 72, 54, true)), part('Chord', 'Organ3', 5, '1 4 66; 2.66 8 60; 3 4 66; 4.66 8 60'), part('Bass', 'FingeredBass', 3, '1 4 1 90; 1.66 8 1 72; 2 4 3 82; 2.66 8 3 68; 3 4 5 88; 3.66 8 5 72; 4 4 6 82; 4.66 8 5 68')),
  H2BrushSwing: groove('H2BrushSwing', 4, drum('SnareDrum2', '1 56; 1.66 40; 2 72; 2.66 40; 3 56; 3.66 40; 4 74; 4.66 40'), drum('PedalHiHat', '2 60; 4 60'), drum('KickDrum2', '1 60'), part('Chord', 'Piano2', 5, '1 8 64; 2.66 8 60; 4 8 62'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 2 4 5 74; 3 4 3 82; 4 4 5 74')),
  H2Boogie: groove('H2Boogie', 4, drum('KickDrum1', '1 88; 3 84'), drum('SnareDrum1', '2 86; 4 88'), drum('ClosedHiHat', eighths(4, 68, 54, true)), part('Chord', 'Honky-TonkPiano', 5, '1.66 8 66; 2.66 8 62; 3.66 8 66; 4.66 8 62'), part('Bass', 'Piano3', 3, '1 8 1 86; 1.66 8 3 70; 2 8 5 80; 2.66 8 6 70; 3 8 7 84; 3.66 8 6 70; 4 8 5 80; 4.66 8 3 70')),
  H2Punk: groove('H2Punk', 4, drum('KickDrum1', '1 98; 2.5 84; 3 96; 4.5 84'), drum('SnareDrum1', '2 96; 4 98'), drum('CrashCymbal1', eighths(4, 66, 56)), part('Chord', 'DistortionGuitar', 4, eighths(4, 78, 70).split('; ').map((h) => `${h.split(' ')[0]} 8 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'PickedBass', 3, eighths(4, 1, 1).split('; ').map((h) => `${h.split(' ')[0]} 8 1 86`).join('; '))),
  H2TwoBeat: groove('H2TwoBeat', 4, drum('SnareDrum1', '2 80; 4 82'), drum('KickDrum1', '1 84; 3 80'), part('Chord', 'Banjo', 5, '2 8 74; 2.5 8 60; 4 8 74; 4.5 8 60'), part('Bass', 'AcousticBass', 3, '1 4 1 92; 3 4 5 86')),
  H2Breakbeat: groove('H2Breakbeat', 4, drum('KickDrum1', '1 98; 2.75 82; 3.5 86'), drum('SnareDrum1', '2 96; 4 96; 4.75 60'), drum('ClosedHiHat', eighths(4, 66, 52)), drum('RideCymbal1', '1 56; 3 56'), part('Chord', 'SpaceVoice', 5, '1 1 58', 'p'), part('Bass', 'SynthBass1', 2, '1 2. 1 92; 3.5 4 5 80')),
  H2FastSwing: groove('H2FastSwing', 4, drum('RideCymbal1', '1 80; 2 68; 2.66 50; 3 76; 4 68; 4.66 50'), drum('PedalHiHat', '2 62; 4 62'), part('Chord', 'Piano1', 5, '1.66 8 60; 3.66 8 62'), part('Bass', 'AcousticBass', 3, '1 4 1 90; 2 4 3 74; 3 4 5 82; 4 4 6 74'), part('Chord-Horns', 'BrassSection', 5, '1 8 64; 3 8 58')),
  H2Harp: groove('H2Harp', 4, part('Arpeggio', 'OrchestralHarp', 5, '1 4 70; 2 4 56; 3 4 62; 4 4 56', 'p'), part('Chord', 'Flute', 6, '1 1 52', 'p'), part('Bass', 'Cello', 2, '1 1 1 62', 'p')),
  H2StringsPizz: groove('H2StringsPizz', 4, part('Chord', 'SlowStrings', 5, '1 2 66; 3 2 62', 'p'), part('Bass', 'PizzicatoString', 3, '1 4 1 74; 2 4 5 60; 3 4 3 66; 4 4 5 60', 'p')),
  H2Congas: groove('H2Congas', 4, drum('LowConga', '1 90; 2.5 80; 3 86; 4.5 80'), drum('MuteHighConga', '1.5 70; 2 74; 3.5 70; 4 74'), drum('OpenHighConga', '2.75 80; 4.75 80'), drum('Claves', '1 70; 1.75 62; 2.5 66; 3.5 66; 4 70'), drum('Maracas', eighths(4, 54, 44))),
  H2Brushes: groove('H2Brushes', 4, drum('SnareDrum2', '1 50; 1.66 36; 2 66; 2.66 36; 3 50; 3.66 36; 4 68; 4.66 36'), drum('KickDrum2', '1 64; 3 56'), drum('PedalHiHat', '2 58; 4 58')),
  H2Toms: groove('H2Toms', 4, drum('LowTom1', '1 92; 2.5 80; 3 88'), drum('MidTom1', '1.5 70; 3.5 74'), drum('HighTom1', '2 76; 4 80; 4.5 64'), drum('KickDrum1', '1 90; 3 86'), drum('Tambourine', eighths(4, 56, 46))),
  H2Electro: groove('H2Electro', 4, drum('KickDrum1', '1 100; 2 96; 3 100; 4 96'), drum('HandClap', '2 84; 4 86'), drum('ClosedHiHat', sixteenths(4, 50, 40)), drum('OpenHiHat', '1.5 66; 2.5 66; 3.5 66; 4.5 66')),
  H2FastDrums: groove('H2FastDrums', 4, drum('KickDrum1', '1 98; 3 94; 3.5 80'), drum('SnareDrum1', '2 94; 4 96'), drum('ClosedHiHat', eighths(4, 70, 56)), drum('CrashCymbal1', '1 66')),
  H2CountryWaltz: groove('H2CountryWaltz', 3, drum('KickDrum1', '1 86'), drum('SnareDrum2', '2 66; 3 62'), part('Chord', 'SteelGuitar', 4, '2 8 70; 3 8 66'), part('Bass', 'AcousticBass', 3, '1 4 1 90'), part('Chord-Fiddle', 'Fiddle', 6, '1 2. 56', 'p')),
  H2Minuet: groove('H2Minuet', 3, part('Chord', 'HarpsiChord', 5, '1 4 72; 2 4 60; 3 4 62'), part('Bass', 'Cello', 3, '1 4 1 74; 2 4 5 56; 3 4 3 60'), part('Chord-Strings', 'Strings', 5, '1 2. 52', 'p')),
  H2Jig: groove('H2Jig', 6, drum('LowTom2', '1 86; 4 80'), drum('SideKick', '3 56; 6 56'), part('Arpeggio', 'Accordion', 5, '1 4 76; 2 4 60; 3 4 64; 4 4 72; 5 4 60; 6 4 64'), part('Chord', 'SteelGuitar', 4, '1 4 70; 4 4 66'), part('Bass', 'AcousticBass', 3, '1 2. 1 88; 4 2. 5 80')),
  H2Odd54Swing: groove('H2Odd54Swing', 5, drum('RideCymbal1', '1 80; 2 66; 2.66 50; 3 70; 4 76; 5 66; 5.66 50'), drum('KickDrum1', '1 80; 4 70'), drum('SnareDrum1', '3.66 60; 5 66'), part('Chord', 'Piano1', 5, '1.66 8 66; 2.66 8 62; 4 4 68'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 2 4 5 72; 3 4 1 76; 4 4 5 82; 5 4 3 70')),
  H2IntroSoul: groove('H2IntroSoul', 4, drum('KickDrum1', '1 92; 3 84; 3.5 70'), drum('SnareDrum1', '2 88; 4 90'), drum('Tambourine', '2 70; 4 70'), drum('ClosedHiHat', eighths(4, 64, 50)), part('Chord', 'RhodesPiano', 5, '1 4 72; 2.5 8 60; 3 4 68'), part('Bass', 'FingeredBass', 3, '1 4. 1 90; 2.5 8 3 72; 3 4 5 84; 4 4 6 76')),
  H2IntroRock: groove('H2IntroRock', 4, drum('KickDrum1', '1 98; 2.5 86; 3 94'), drum('SnareDrum1', '2 96; 4 96'), drum('RideCymbal2', eighths(4, 70, 58)), part('Chord', 'OverDriveGuitar', 4, '1 4. 78; 2.5 8 70; 3 2 76'), part('Bass', 'PickedBass', 3, eighths(4, 1, 1).split('; ').map((h) => `${h.split(' ')[0]} 8 1 84`).join('; '))),
  H2IntroHouse: groove('H2IntroHouse', 4, drum('KickDrum1', '1 100; 2 96; 3 100; 4 96'), drum('SnareDrum2', '2 76; 4 78'), drum('OpenHiHat', '1.5 70; 2.5 70; 3.5 70; 4.5 70'), part('Chord', 'Piano2', 5, '1 8 76; 1.75 8 66; 2.5 8 70; 3.5 8 66; 4.25 8 64'), part('Bass', 'SynthBass2', 2, '1.5 8 1 86; 2.5 8 1 84; 3.5 8 5 86; 4.5 8 1 84')),
  H2IntroBallad: groove('H2IntroBallad', 4, drum('KickDrum2', '1 74; 3 66'), drum('SideKick', '2 62; 4 64'), drum('Shaker', eighths(4, 50, 40)), part('Arpeggio', 'Piano1', 5, eighths(4, 66, 52).split('; ').map((h) => `${h.split(' ')[0]} 8 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'FretlessBass', 3, '1 2 1 80; 3 2 5 72')),
});

/** Beatless drones on chords no other set uses (Ab, E minor add9, G sus4, B minor). */
export const HELDOUT2_DRONES: Drone[] = [
  { hz: [103.8, 155.6, 207.7, 261.6], lfo: 0.055, noise: 'brown', amp: 0.015 },
  { hz: [82.4, 123.5, 185, 196], lfo: 0.085, noise: 'pink', amp: 0.006 },
  { hz: [98, 146.8, 196, 261.6], lfo: 0.035, noise: 'white', amp: 0.002 },
  { hz: [61.7, 123.5, 146.8, 185], lfo: 0.12, noise: 'pink', amp: 0.02 },
];

/**
 * SoundFont pairs, one per unit in turn: TiMidity++ with FreePats (no other set's synthesis) in every pair, first and
 * second in turn (an MMA song's stretched + shifted file takes slot 0, a MIDI file's slot 1), next to the other sets'
 * SoundFonts in turn.
 */
export const HELDOUT2_FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['freepats', 'gmbank'],
  ['opl3', 'freepats'],
  ['freepats', 'musescore'],
  ['timgm6mb', 'freepats'],
  ['freepats', 'fluidr3'],
  ['gmbank', 'freepats'],
];

/** a unit's file name of lib/file (lower case, letters and digits) */
const norm = (f: string) => f.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Why MMA song `s` may not be in heldout2 (undefined: it may). `used`: the MMA families of dev/test, split.json and
 * the dev-side sets (heldout-set.ts usedMmaFamilies); `taken`: the families of the held-out set and dev2 ("casio/x",
 * stdlib names bare). Refused: heldoutClash (a stdlib family related to a used one; another library's file named as a
 * used family); another library's file whose name is related (relatedFamily) to a used family (casio/slowswing ~
 * swing); a taken family itself, a taken family of the same library related by relatedFamily (casio/16beatballad2 ~
 * casio/16beatballad1), or a taken family of the same file name in another library (alexis/hiphop ~ zoom/hiphop).
 * Grooves written here are new by construction.
 */
export function heldout2Clash(s: Pick<HeldoutSong, 'lib' | 'file'>, used: Set<string>, taken: Iterable<string>): string | undefined {
  if (s.lib === 'here') return undefined;
  const held = heldoutClash(s, used);
  if (held) return held;
  const fam = heldoutFamily(s);
  if (s.lib !== 'stdlib') {
    const r = relatedFamily(grooveFamily(s.file), used) ?? [...used].find((u) => relatedFamily(u, [grooveFamily(s.file)]));
    if (r) return `${fam}: its file name is related to used family ${r}`;
  }
  const libOf = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : 'stdlib');
  const fileOf = (f: string) => norm(f.slice(f.indexOf('/') + 1));
  for (const t of taken) {
    if (t === fam) return `${fam} is held by another set`;
    if (libOf(t) === libOf(fam) && relatedFamily(fileOf(fam), [fileOf(t)])) return `${fam} is related to ${t} (same library), held by another set`;
    if (fileOf(t) === fileOf(fam)) return `${fam} has the file name of ${t}, held by another set`;
  }
  return undefined;
}

/**
 * The MMA families the held-out set and dev2 hold: their song lists (HELDOUT_SONGS, DEV2_SONGS: every song, left out
 * or not) and, where present in `evalDir`, the "mma:" units of heldout-units.json and dev2-units.json.
 */
export function takenFamilies(evalDir: string): Set<string> {
  const taken = new Set<string>([...HELDOUT_SONGS, ...DEV2_SONGS].filter((s) => s.lib !== 'here').map(heldoutFamily));
  for (const f of ['heldout-units.json', 'dev2-units.json']) {
    const p = join(evalDir, f);
    if (!existsSync(p)) continue;
    for (const u of Object.keys((JSON.parse(readFileSync(p, 'utf8')) as { units: Record<string, unknown> }).units)) if (u.startsWith('mma:')) taken.add(u.slice(4));
  }
  return taken;
}

// ---- MIDI sources --------------------------------------------------------------------------
/** MuseScore's demo scores (musescore3-common, musescore-common) made MIDI by mscore3 into `work`: [name, bytes]. */
export function museScoreMidis(work: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const dir of ['/usr/share/mscore3-3.2/demos', '/usr/share/mscore-2.3/demos']) {
    if (!existsSync(dir)) {
      console.error(`(${dir} missing: install musescore3 and musescore-common)`);
      continue;
    }
    for (const f of readdirSync(dir).filter((x) => /\.msc[zx]$/.test(x)).sort()) {
      const name = `${basename(join(dir, '..')).replace(/^mscore/, 'ms')}-${f.replace(/\.msc[zx]$/, '')}`;
      const mid = join(work, `${name}.mid`);
      if (!existsSync(mid)) {
        try {
          execFileSync('mscore3', ['-o', mid, join(dir, f)], { stdio: 'ignore', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, timeout: 300_000 });
        } catch {
          console.error(`(mscore3 could not convert ${f})`);
        }
      }
      if (existsSync(mid)) out.push([name, readFileSync(mid)]);
    }
  }
  return out;
}

/** The MIDI music of Debian `liquidwar-data`: [name, bytes]. */
export function liquidwarMidis(): [string, Buffer][] {
  try {
    return execFileSync('dpkg', ['-L', 'liquidwar-data'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /\.midi?$/i.test(l) && existsSync(l))
      .sort()
      .map((f) => [`liquidwar-${basename(f).replace(/\.midi?$/i, '')}`, readFileSync(f)]);
  } catch {
    console.error('(liquidwar-data not installed)');
    return [];
  }
}

// ---- Hydrogen demo songs -------------------------------------------------------------------
/** A Hydrogen song's truth: one tempo, its length in whole bars, the kit it names. */
export interface HydrogenSong {
  path: string;
  bpm: number;
  /** quarter notes per bar (every pattern's size ÷ 48 ticks per quarter) */
  meter: number;
  /** the song's length: the sum over its pattern sequence of each group's longest pattern, in quarter notes */
  quarters: number;
  kit: string;
  /** Hydrogen's swing factor (16th notes; 0: straight) */
  swing: number;
}

/**
 * Reads a Hydrogen .h2song (XML): its <bpm>, the kit (<drumkit>), <swing_factor>, each pattern's <size> (ticks, 48 a
 * quarter) and the <patternSequence>'s groups. Returns the song, or { reason } when it has a tempo timeline (more than
 * one tempo), patterns of different bar lengths, or no sequence.
 */
export function readHydrogenSong(path: string, xml = readFileSync(path, 'utf8')): HydrogenSong | { reason: string } {
  const num = (tag: string, from = xml) => Number((from.match(new RegExp(`<${tag}>([^<]*)</${tag}>`)) ?? [])[1]);
  if (/<timeline>[\s\S]*?<newBPM>/.test(xml) || /<tempoMarker>/.test(xml)) return { reason: 'a tempo timeline' };
  const patterns = new Map<string, number>();
  const list = xml.slice(xml.indexOf('<patternList>'), xml.indexOf('</patternList>'));
  for (const m of list.matchAll(/<pattern>([\s\S]*?)<\/pattern>/g)) {
    const name = (m[1].match(/<name>([^<]*)<\/name>/) ?? [])[1];
    patterns.set(name, num('size', m[1]));
  }
  const sizes = new Set(patterns.values());
  if (sizes.size !== 1) return { reason: `patterns of ${[...sizes].join(', ')} ticks` };
  const seq = xml.slice(xml.indexOf('<patternSequence>'), xml.indexOf('</patternSequence>'));
  let ticks = 0;
  for (const g of seq.matchAll(/<group>([\s\S]*?)<\/group>/g)) ticks += Math.max(0, ...[...g[1].matchAll(/<patternID>([^<]*)<\/patternID>/g)].map((p) => patterns.get(p[1]) ?? 0));
  if (!ticks) return { reason: 'no pattern sequence' };
  const size = [...sizes][0];
  return { path, bpm: num('bpm'), meter: size / 48, quarters: ticks / 48, kit: (xml.match(/<drumkit>([^<]*)<\/drumkit>/) ?? [])[1] ?? '?', swing: num('swing_factor') || 0 };
}

/** Hydrogen's demo songs (hydrogen-data's demo_songs and the drum kits' own demos), sorted by path. */
export function hydrogenSongPaths(): string[] {
  const roots = ['/usr/share/hydrogen/data/demo_songs', '/usr/share/hydrogen/data/drumkits'];
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.h2song')) out.push(join(d, e.name));
    }
  };
  roots.forEach(walk);
  if (!out.length) console.error('(no Hydrogen songs: install hydrogen-data and hydrogen-drumkits)');
  return out.sort();
}

/**
 * Exports Hydrogen song `h` with h2cli (its own kit, 44.1 kHz 16-bit WAV into `work`; h2cli plays the song out in
 * about real time), cuts it to its whole bars, loops that to `sec` seconds (× stretch), stretches (ffmpeg atempo) and
 * encodes MP3 192 kb/s to `out`. Throws when h2cli or ffmpeg fail, or when the export is silent (peak under −60 dB).
 */
export async function renderHydrogen(h: HydrogenSong, work: string, out: string, sec: number, stretch: number): Promise<void> {
  const name = basename(h.path).replace(/\.h2song$/, '');
  const wav = join(work, `${name}.wav`);
  if (!existsSync(wav)) {
    const home = join(work, `h2home-${name}`); // h2cli writes its settings under $HOME: one per export, never the user's
    mkdirSync(home, { recursive: true });
    // h2cli names the file after the text before the first dot of -o's name (x.part.wav → x.wav): a part name without dots
    const part = join(work, `${name.replace(/\./g, '_')}-part.wav`);
    await run('h2cli', ['-s', h.path, '-o', part, '-r', '44100', '-b', '16'], { env: { ...process.env, HOME: home }, timeout: 600_000 });
    const { stderr } = await run('ffmpeg', ['-v', 'info', '-i', part, '-af', 'volumedetect', '-f', 'null', '-']);
    const peak = Number((stderr.match(/max_volume: (-?[\d.]+) dB/) ?? [])[1]);
    if (!(peak > -60)) throw new Error(`h2cli exported silence for ${h.path} (max ${peak} dB): leave it out (HYDROGEN_LEFT_OUT)`);
    await run('mv', [part, wav]);
    rmSync(home, { recursive: true, force: true });
  }
  const samples = Math.round(((h.quarters * 60) / h.bpm) * 44100);
  const af = [`atrim=end_sample=${samples}`, `aloop=loop=-1:size=${samples}`, `atrim=duration=${(sec * stretch + 1).toFixed(3)}`, ...(stretch !== 1 ? [`atempo=${stretch}`] : [])].join(',');
  await run('ffmpeg', ['-v', 'error', '-y', '-threads', '1', '-i', wav, '-af', af, '-ar', '44100', '-ac', '2', '-t', String(sec), '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', `${out}.part`]);
  await run('mv', [`${out}.part`, out]);
}

/**
 * Hydrogen songs left out after the first build (no files; they keep their place so every later song keeps its
 * stretch): name → why.
 */
export const HYDROGEN_LEFT_OUT: Record<string, string> = {
  'Colombo-Acoustic-Drumkit-demo': 'h2cli exports silence for it here (max −91 dB), its kit ColomboAcousticDrumkit installed',
};

/** The Hydrogen jobs: each song plain and stretched (no pitch shift: drums only, no key), category percussion. */
export function planHydrogen(work: string, sec: number): HeldoutJob[] {
  const jobs: HeldoutJob[] = [];
  hydrogenSongPaths().forEach((p, g) => {
    const h = readHydrogenSong(p);
    if ('reason' in h) {
      console.log(`refused ${p}: ${h.reason}`);
      return;
    }
    const name = basename(p).replace(/\.h2song$/, '');
    if (HYDROGEN_LEFT_OUT[name]) {
      console.log(`left out ${name}: ${HYDROGEN_LEFT_OUT[name]}`);
      return;
    }
    const unit = `hydrogen:${name}`;
    for (const stretch of [1, [0.92, 1.08, 0.95, 1.05][g % 4]]) {
      const file = `h2-drums-${name.replace(/[^A-Za-z0-9._-]/g, '_')}${stretch !== 1 ? `-x${stretch}` : ''}.mp3`;
      const item: EvalItem = { set: 'heldout2', file, source: unit, category: 'percussion', bpm: Math.round(h.bpm * stretch * 100) / 100, meter: h.meter, meterClass: h.meter === 3 ? '3/4' : '4/4', sourceKind: 'hydrogen', key: null, keyTrusted: false, soundfont: null, kit: h.kit, stretch, shift: 0, introSec: 0 };
      jobs.push({ unit, item, make: (o) => renderHydrogen(h, work, o, sec, stretch) });
    }
  });
  return jobs;
}

/**
 * Plans every heldout2 file (nothing rendered; work files in OUT/work/heldout2): MMA songs, Hydrogen songs, MIDI
 * files, drones; refusals are logged. `evalDir` holds split.json (required: throws without it), and where built
 * heldout-units.json, dev2-units.json and the dev-side sets' manifests.
 */
export function planHeldout2(out: string, evalDir: string, sec: number): HeldoutJob[] {
  const used = usedMmaFamilies(evalDir);
  const taken = takenFamilies(evalDir);
  const work = join(out, 'work', 'heldout2');
  mkdirSync(work, { recursive: true });
  // every MIDI package another set draws from (dev/test's games, MMA's examples: key-set and dev2)
  const usedHashes = usedMidiHashes(['openttd-openmsx', 'planetblupi-music-midi', 'freedink-data', 'mma', 'freedoom', 'abcmidi', 'abcm2ps']);
  const jobs = planSongSet(out, sec, {
    set: 'heldout2',
    prefix: 'h2',
    songs: HELDOUT2_SONGS,
    grooves: HELDOUT2_GROOVES,
    drones: HELDOUT2_DRONES,
    fontPairs: HELDOUT2_FONT_PAIRS,
    clash: (s) => heldout2Clash(s, used, taken),
    midi: [
      { kind: 'score', tag: 'score', category: 'score-midi', list: museScoreMidis(work) },
      { kind: 'game-midi', tag: 'midi', category: 'game-midi', list: liquidwarMidis() },
    ],
    usedHashes,
    modeRule: true,
    meterRule: true,
    pad: warmPadGroove,
  });
  // planSongSet names the set's drones drone:<set>-i: keep them last, after the Hydrogen songs
  const drones = jobs.filter((j) => j.item.sourceKind === 'drone');
  return [...jobs.filter((j) => j.item.sourceKind !== 'drone'), ...planHydrogen(work, sec), ...drones];
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string', default: 'test/output/eval' },
      eval: { type: 'string', default: 'test/output/eval' },
      sec: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '2' },
      'plan-only': { type: 'boolean', default: false },
    },
  });
  const OUT = args.out;
  const SEC = Number(args.sec);
  const JOBS = Math.min(2, Math.max(1, Number(args.jobs))); // the machine is shared
  const jobs = planHeldout2(OUT, args.eval, SEC);
  mkdirSync(join(OUT, 'heldout2'), { recursive: true });
  const counts = heldoutCounts(jobs.map((j) => j.item));
  console.log(`heldout2 plan: ${jobs.length} files in ${new Set(jobs.map((j) => j.unit)).size} units`);
  for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${k.padEnd(22)} ${v}`);
  writeFileSync(join(OUT, 'heldout2-units.json'), JSON.stringify({ rule: 'tools/eval/heldout2-set.ts: families and sources no other set uses', counts, units: Object.fromEntries([...new Set(jobs.map((j) => j.unit))].map((u) => [u, jobs.filter((j) => j.unit === u).map((j) => j.item.file)])) }, null, 1));
  if (args['plan-only']) return;

  const t0 = Date.now();
  await renderJobs(
    jobs.map((j) => {
      const out = join(OUT, 'heldout2', j.item.file);
      return { out, make: () => j.make(out) };
    }),
    JOBS,
    (done) => writeFileSync(join(OUT, 'manifest-heldout2.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/heldout2-set.ts', items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
  writeFileSync(join(OUT, 'heldout2', 'READY'), `${jobs.length} files, manifest-heldout2.json\n`);
  console.log(`heldout2: ${jobs.length} files in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

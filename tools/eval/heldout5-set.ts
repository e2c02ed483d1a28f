// A FIFTH FRESH HELD-OUT tempo/key set, "heldout5" (issue 11, session 27): heldout4 has been consulted twice, and the
// next registered decision (a tempo change that keeps half the beat as an octave candidate under a weak triple-meter
// call) needs material no set has: grooves that NO other set uses, rendered by a synthesis no other set uses, with a
// larger share of duple 4/4 grooves whose hi-hats or percussion run in sixteenths or syncopate (the files such a change
// could break) beside the triple and compound grooves it is meant to fix. Nobody runs our analysers on it before the
// lead does, once, for a registered decision (its builder runs the peers only).
//
//   apt-get install -y avldrums.lv2-soundfont fluidsynth mma ffmpeg rubberband-cli
//   nice -n 15 node --import tsx tools/eval/heldout5-set.ts [--out test/output/eval] [--jobs 1] [--plan-only]
//   (--out: where heldout5/, manifest-heldout5.json and heldout5-units.json are written)
//
// Material:
//  1. MMA songs on 35 grooves written here (heldout2-set.ts' notation: drum, part, groove; unit ids "mma:here/h5…",
//     none another set's: test/unit/eval-heldout5.test.ts checks the names against heldout2/3/4's grooves and the
//     dev-side drum families of drums-set.ts), planned and rendered by heldout-set.ts' planSongSet (3 files a song: both
//     kits plain, one stretched + shifted; modeHeard's key rule, so a key is scored only when the song's notes play its
//     mode): 3/4 (a slow waltz, a Cajun waltz, a musette, a fast jazz waltz), compound (a 12/8 with the standard bell
//     pattern, a slow 12/8 blues, a 12/8 doo-wop, a 6/8 rock ballad; the truth the dotted quarter), swing (medium swing,
//     stride, a swing ballad), > 160 BPM (skate punk, surf, happy hardcore), soft onsets without drums (a piano
//     nocturne, a finger-picked guitar, a string hymn with harp), drums and percussion only (guaguancó, batucada, a
//     kit groove with ghost notes), beatless intros (3–6 bars of a sweep pad, GM 96 — the other sets' pads are a choir,
//     strings, a warm pad, a bowed glass and a halo — before a neo-soul, a 3/4 and a 12/8 groove), odd meters (5/4 jazz,
//     7/4 rock) and ten duple 4/4 grooves at 86–130 BPM with sixteenth hi-hats, syncopation or Latin percussion (an
//     8-beat ballad, sixteenth soul, rhumba, beguine, bolero, partido alto, songo, a reggae one-drop, funk with ghost
//     notes, UK garage's 2-step shuffle).
//  2. Synthesis: a synthesizer written in TypeScript (tools/eval/heldout5-synth.ts, kits "ts5a" and "ts5b": FM,
//     Karplus–Strong, additive, polyBLEP subtractive voices per GM family; channel 10 the AVL Drumkits' acoustic
//     samples of Debian avldrums.lv2-soundfont, Black Pearl for ts5a and Red Zeppelin for ts5b, and hand percussion
//     synthesised there), build-set.ts render(). No other set renders with it or plays the AVL kits
//     (test/unit/eval-heldout5.test.ts scans tools/eval).
//  3. Two beatless drones on chords no other set uses (E major add 9, C♯ minor 7).
//
// Writes OUT/heldout5/*.mp3, OUT/manifest-heldout5.json ({ sec, items: EvalItem[] } with set "heldout5";
// test/bench/analysis-accuracy.ts --set heldout5 reads it, peers cached in OUT/peers-heldout5*.json),
// OUT/heldout5-units.json (unit → files) and OUT/heldout5/READY once every file is there.
import { pathToFileURL } from 'node:url';
import { maj, min, type Drone, type SoundFont } from './build-set';
import { drum, eighths, groove, part, sixteenths } from './heldout2-set';
import { planSongSet, runHeldoutBuilder, type HeldoutJob, type HeldoutSong } from './heldout-set';
import { notes } from './heldout3-set';

export const HELDOUT5_SONGS: HeldoutSong[] = [
  // 3/4
  { lib: 'here', file: 'h5slowwaltz', groove: 'H5SlowWaltz', tempo: 80, meter: 3, key: maj(2), cat: 'triple' },
  { lib: 'here', file: 'h5cajunwaltz', groove: 'H5CajunWaltz', tempo: 116, meter: 3, key: maj(7), cat: 'triple' },
  { lib: 'here', file: 'h5musette', groove: 'H5Musette', tempo: 144, meter: 3, key: min(9), cat: 'triple' },
  { lib: 'here', file: 'h5fastwaltz', groove: 'H5FastWaltz', tempo: 200, meter: 3, key: maj(10), cat: 'triple' },
  // compound, counted in eighths (MMA Time 12 or 6, 3 MMA beats a dotted-quarter beat)
  { lib: 'here', file: 'h5belltwelve', groove: 'H5BellTwelve', tempo: 312, per: 3, meter: 4, key: min(4), cat: 'compound' },
  { lib: 'here', file: 'h5slowblues12', groove: 'H5SlowBlues12', tempo: 150, per: 3, meter: 4, key: maj(9), cat: 'compound' },
  { lib: 'here', file: 'h5doowop', groove: 'H5DooWop', tempo: 198, per: 3, meter: 4, key: maj(0), cat: 'compound' },
  { lib: 'here', file: 'h5ballad68', groove: 'H5Ballad68', tempo: 252, per: 3, meter: 2, key: min(2), cat: 'compound' },
  // swing
  { lib: 'here', file: 'h5medswing', groove: 'H5MedSwing', tempo: 128, meter: 4, key: maj(3), cat: 'swing' },
  { lib: 'here', file: 'h5strideswing', groove: 'H5StrideSwing', tempo: 150, meter: 4, key: maj(8), cat: 'swing' },
  { lib: 'here', file: 'h5swingballad', groove: 'H5SwingBallad', tempo: 72, meter: 4, key: min(5), cat: 'swing' },
  // > 160
  { lib: 'here', file: 'h5skatepunk', groove: 'H5SkatePunk', tempo: 188, meter: 4, key: maj(4), cat: 'fast' },
  { lib: 'here', file: 'h5surf', groove: 'H5Surf', tempo: 166, meter: 4, key: min(6), cat: 'fast' },
  { lib: 'here', file: 'h5hardcore', groove: 'H5Hardcore', tempo: 174, meter: 4, key: min(1), cat: 'fast' },
  // soft onsets, no drums
  { lib: 'here', file: 'h5nocturne', groove: 'H5Nocturne', tempo: 66, meter: 4, key: maj(1), cat: 'soft' },
  { lib: 'here', file: 'h5fingerpick', groove: 'H5FingerPick', tempo: 96, meter: 4, key: maj(11), cat: 'soft' },
  { lib: 'here', file: 'h5cellohymn', groove: 'H5CelloHymn', tempo: 76, meter: 4, key: min(7), cat: 'soft' },
  // drums and percussion only
  { lib: 'here', file: 'h5guaguanco', groove: 'H5Guaguanco', tempo: 104, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h5batucada', groove: 'H5Batucada', tempo: 100, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h5ghostkit', groove: 'H5GhostKit', tempo: 92, meter: 4, key: maj(0), cat: 'percussion' },
  // beatless intros (a sweep pad, then the groove)
  { lib: 'here', file: 'h5introneosoul', groove: 'H5IntroNeoSoul', tempo: 96, meter: 4, key: maj(5), cat: 'intro', introBars: 4 },
  { lib: 'here', file: 'h5introcelesta', groove: 'H5IntroCelesta', tempo: 126, meter: 3, key: maj(6), cat: 'intro', introBars: 6 },
  { lib: 'here', file: 'h5introtwelve', groove: 'H5IntroTwelve', tempo: 216, per: 3, meter: 4, key: min(11), cat: 'intro', introBars: 3 },
  // odd meters
  { lib: 'here', file: 'h5fivejazz', groove: 'H5FiveJazz', tempo: 138, meter: 5, key: min(0), cat: 'odd' },
  { lib: 'here', file: 'h5sevenrock', groove: 'H5SevenRock', tempo: 126, meter: 7, key: min(8), cat: 'odd' },
  // duple 4/4: sixteenth hi-hats, syncopation, Latin percussion
  { lib: 'here', file: 'h5ballad8', groove: 'H5Ballad8', tempo: 94, meter: 4, key: maj(11), cat: 'pop4' },
  { lib: 'here', file: 'h5soulsixteen', groove: 'H5SoulSixteen', tempo: 100, meter: 4, key: min(0), cat: 'pop4' },
  { lib: 'here', file: 'h5rhumba', groove: 'H5Rhumba', tempo: 104, meter: 4, key: min(3), cat: 'pop4' },
  { lib: 'here', file: 'h5beguine', groove: 'H5Beguine', tempo: 124, meter: 4, key: maj(5), cat: 'pop4' },
  { lib: 'here', file: 'h5bolero', groove: 'H5Bolero', tempo: 92, meter: 4, key: min(4), cat: 'pop4' },
  { lib: 'here', file: 'h5partidoalto', groove: 'H5PartidoAlto', tempo: 100, meter: 4, key: maj(9), cat: 'pop4' },
  { lib: 'here', file: 'h5songo', groove: 'H5Songo', tempo: 116, meter: 4, key: min(10), cat: 'pop4' },
  { lib: 'here', file: 'h5onedrop', groove: 'H5OneDrop', tempo: 86, meter: 4, key: min(7), cat: 'pop4' },
  { lib: 'here', file: 'h5funkghost', groove: 'H5FunkGhost', tempo: 106, meter: 4, key: min(9), cat: 'pop4' },
  { lib: 'here', file: 'h5ukgarage', groove: 'H5UKGarage', tempo: 130, meter: 4, key: min(6), cat: 'pop4' },
];

/** The beatless intro: a sweep pad (GM 96), one chord a bar, soft (other sets: choir, strings, warm pad, bowed glass, halo). */
export function sweepPadGroove(beatsPerBar: number): string[] {
  return ['SeqClear', `Time ${beatsPerBar}`, 'SeqSize 1', 'Begin Chord-H5Pad', ' Voice SweepPad', ' Octave 5', ' Volume p', ' Articulate 100', ` Sequence {1 ${beatsPerBar * 192}t 64}`, 'End', 'DefGroove Heldout5Pad'];
}

/** "beat vel" hits on every MMA beat 1..n, accents on the beats listed */
const every = (n: number, accent: number[], on: number, off: number): string => Array.from({ length: n }, (_, k) => `${k + 1} ${accent.includes(k + 1) ? on : off}`).join('; ');
/** a bass line of "beat dur degree vel" from "beat vel" hits, every hit on `degree` */
const bassOn = (hits: string, dur: number, degree: string, vel: number): string => hits.split('; ').map((h) => `${h.split(' ')[0]} ${dur} ${degree} ${vel}`).join('; ');

/** Grooves written here: name → MMA lines (drums, chords, bass; the soft ones without drums). */
export const HELDOUT5_GROOVES: Record<string, string[]> = {
  // 3/4
  H5SlowWaltz: groove('H5SlowWaltz', 3, drum('KickDrum2', '1 70'), drum('PedalHiHat', '2 50; 3 48'), drum('SideKick', '3 40'), part('Arpeggio', 'Piano1', 5, '1 8 64; 1.5 8 50; 2 8 56; 2.5 8 50; 3 8 56; 3.5 8 50', 'p'), part('Chord', 'SlowStrings', 5, '1 2. 50', 'p'), part('Bass', 'FretlessBass', 3, '1 2. 1 80')),
  H5CajunWaltz: groove('H5CajunWaltz', 3, drum('KickDrum1', '1 82'), drum('OpenTriangle', '1 50; 2 64; 3 62'), drum('SnareDrum2', '2 56; 3 54'), part('Chord', 'Accordion', 5, '2 8 68; 3 8 62'), part('Chord-Fid', 'Fiddle', 5, '1 2. 52', 'p'), part('Bass', 'AcousticBass', 3, '1 4 1 86; 3 4 5 66')),
  H5Musette: groove('H5Musette', 3, drum('KickDrum2', '1 72'), drum('Tambourine', '2 52; 3 48'), part('Chord', 'Bandoneon', 5, '2 8 70; 3 8 64'), part('Arpeggio', 'NylonGuitar', 4, '1 8 60; 2 8 54; 2.5 8 48; 3 8 54'), part('Bass', 'AcousticBass', 3, '1 4 1 84')),
  H5FastWaltz: groove('H5FastWaltz', 3, drum('RideCymbal1', '1 72; 2 60; 3 62'), drum('PedalHiHat', '2 56'), drum('KickDrum1', '1 66'), part('Chord', 'Vibraphone', 5, '2 8 62; 3 8 58'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 2 4 3 68; 3 4 5 74')),
  // compound in eighths: 12/8 (Time 12) and 6/8 (Time 6)
  H5BellTwelve: groove('H5BellTwelve', 12, drum('CowBell', '1 80; 3 66; 5 70; 6 72; 8 66; 10 70; 12 66'), drum('LowConga', '1 80; 4 66; 7 80; 10 70'), drum('OpenHighConga', '3 58; 6 62; 9 58; 12 62'), drum('Shaker', every(12, [1, 4, 7, 10], 54, 40)), drum('KickDrum2', '1 78; 7 72'), part('Chord', 'CleanGuitar', 5, '1 8 60; 4 8 56; 7 8 60; 10 8 56'), part('Bass', 'FingeredBass', 3, '1 2 1 86; 6 4 1 66; 7 2 5 80; 12 4 5 62')),
  H5SlowBlues12: groove('H5SlowBlues12', 12, drum('KickDrum1', '1 84; 7 78'), drum('SnareDrum1', '4 82; 10 84'), drum('RideCymbal1', every(12, [1, 4, 7, 10], 66, 48)), part('Chord', 'Organ2', 5, '1 1 56; 7 1 54', 'p'), part('Chord-Piano', 'Piano3', 5, every(12, [1, 4, 7, 10], 58, 46).split('; ').map((h) => `${h.split(' ')[0]} 4 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'FingeredBass', 3, '1 2. 1 88; 4 2. 3 74; 7 2. 5 80; 10 2. 6 72')),
  H5DooWop: groove('H5DooWop', 12, drum('SnareDrum2', '4 74; 10 76'), drum('KickDrum2', '1 76; 7 70'), drum('ClosedHiHat', every(12, [1, 4, 7, 10], 58, 44)), part('Chord', 'Piano1', 5, every(12, [1, 4, 7, 10], 64, 50).split('; ').map((h) => `${h.split(' ')[0]} 4 ${h.split(' ')[1]}`).join('; ')), part('Chord-Vox', 'VoiceOohs', 5, '1 1 54; 7 1 52', 'p'), part('Bass', 'AcousticBass', 3, '1 2. 1 84; 4 2. 3 70; 7 2. 5 78; 10 2. 6 70')),
  H5Ballad68: groove('H5Ballad68', 6, drum('KickDrum1', '1 86; 6 56'), drum('SnareDrum1', '4 84'), drum('ClosedHiHat', every(6, [1, 4], 60, 46)), part('Arpeggio', 'SteelGuitar', 4, '1 4 64; 2 4 52; 3 4 54; 4 4 60; 5 4 52; 6 4 54'), part('Chord', 'Strings', 5, '1 2. 54; 4 2. 50', 'p'), part('Bass', 'PickedBass', 3, '1 2. 1 86; 4 4 5 72; 6 4 5 62')),
  // swing
  H5MedSwing: groove('H5MedSwing', 4, drum('RideCymbal1', '1 74; 2 66; 2.66 50; 3 72; 4 66; 4.66 50'), drum('PedalHiHat', '2 60; 4 60'), drum('SnareDrum2', '2.66 36; 4.66 40'), drum('KickDrum2', '1 50; 3 46'), part('Chord', 'JazzGuitar', 4, '1 4 62; 2 4 54; 3 4 60; 4 4 54'), part('Chord-Sax', 'AltoSax', 5, '2.66 8 60; 4 4 56'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 2 4 2 72; 3 4 3 80; 4 4 5 72')),
  H5StrideSwing: groove('H5StrideSwing', 4, drum('KickDrum1', '1 74; 3 70'), drum('SnareDrum2', '2 70; 4 72'), drum('ClosedHiHat', eighths(4, 62, 46, true)), part('Chord', 'Piano2', 5, '2 8 70; 4 8 70; 4.66 8 56'), part('Bass', 'Piano2', 3, '1 8 1 88; 3 8 5 84')),
  H5SwingBallad: groove('H5SwingBallad', 4, drum('SnareDrum2', '1 46; 1.66 30; 2 56; 2.66 30; 3 46; 3.66 30; 4 58; 4.66 30'), drum('PedalHiHat', '2 54; 4 54'), drum('KickDrum2', '1 46'), part('Chord', 'RhodesPiano', 5, '1 2 58; 3.66 8 54'), part('Chord-Sax', 'TenorSax', 5, '2.66 8 56; 4 4 52', 'p'), part('Bass', 'AcousticBass', 3, '1 4 1 80; 2 4 5 66; 3 4 3 72; 4.66 8 5 60')),
  // > 160
  H5SkatePunk: groove('H5SkatePunk', 4, drum('KickDrum1', '1 98; 2.5 80; 3 96'), drum('SnareDrum1', '2 96; 4 98'), drum('ClosedHiHat', '1 72; 2 66; 3 72; 4 66'), drum('CrashCymbal1', '1 58'), part('Chord', 'DistortionGuitar', 4, eighths(4, 80, 70).split('; ').map((h) => `${h.split(' ')[0]} 8 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'PickedBass', 3, bassOn(eighths(4, 1, 1), 8, '1', 84))),
  H5Surf: groove('H5Surf', 4, drum('KickDrum1', '1 92; 3 88'), drum('SnareDrum1', '2 90; 4 92'), drum('RideCymbal2', eighths(4, 66, 52)), drum('Tambourine', '2 58; 4 60'), part('Chord', 'CleanGuitar', 5, '1 8 72; 1.5 8 64; 2.5 8 68; 3 8 70; 4.5 8 64'), part('Chord-Org', 'Organ1', 5, '1 2 56; 3 2 54', 'p'), part('Bass', 'PickedBass', 3, '1 4 1 88; 2 8 1 70; 2.5 8 5 72; 3 4 5 84; 4 4 1 72')),
  H5Hardcore: groove('H5Hardcore', 4, drum('KickDrum1', '1 100; 2 98; 3 100; 4 98'), drum('OpenHiHat', '1.5 66; 2.5 66; 3.5 66; 4.5 66'), drum('HandClap', '2 80; 4 82'), part('Chord', 'SawWave', 5, '1 8 70; 1.75 8 62; 2.5 8 66; 3.5 8 64; 4.25 8 62'), part('Chord-Pad', 'SynthStrings1', 5, '1 1 52', 'p'), part('Bass', 'SynthBass2', 2, bassOn('1.5 1; 2.5 1; 3.5 1; 4.5 1', 8, '1', 86))),
  // soft onsets, no drums
  H5Nocturne: groove('H5Nocturne', 4, part('Arpeggio', 'Piano1', 5, notes(eighths(4, 62, 50), 8), 'p'), part('Bass', 'Piano1', 3, '1 2 1 60; 3 2 5 54', 'p')),
  H5FingerPick: groove('H5FingerPick', 4, part('Arpeggio', 'NylonGuitar', 4, notes(eighths(4, 62, 52), 8), 'p'), part('Bass', 'NylonGuitar', 3, '1 4 1 66; 2 4 5 58; 3 4 1 64; 4 4 5 58', 'p'), part('Chord', 'Flute', 6, '1 2 48; 3 2 46', 'pp')),
  H5CelloHymn: groove('H5CelloHymn', 4, part('Chord', 'Strings', 5, '1 2 62; 3 2 58', 'p'), part('Chord-Cello', 'Cello', 4, '1 4 56; 2 4 50; 3 4 54; 4 4 50', 'p'), part('Arpeggio', 'OrchestralHarp', 5, notes(eighths(4, 56, 46), 8), 'p'), part('Bass', 'ContraBass', 3, '1 2 1 62; 3 2 5 56', 'p')),
  // drums and percussion only
  H5Guaguanco: groove('H5Guaguanco', 4, drum('Claves', '1 80; 1.75 76; 2.75 78; 3.5 76; 4 80'), drum('MuteHighConga', '1 56; 2 56; 3 56'), drum('OpenHighConga', '1.5 60; 3.25 66'), drum('LowConga', '4 84; 4.5 78'), drum('HighWoodBlock', '1 58; 1.5 46; 2 54; 2.25 44; 2.75 50; 3 56; 3.5 46; 4 54; 4.25 44; 4.75 50'), drum('Shaker', sixteenths(4, 50, 36))),
  H5Batucada: groove('H5Batucada', 4, drum('MuteSurdo', '1 80; 3 80'), drum('OpenSurdo', '2 96; 4 96'), drum('SnareDrum1', sixteenths(4, 70, 46)), drum('Tambourine', '1.75 72; 2.5 68; 3.25 70; 4 66; 4.75 68'), drum('HighAgogo', '1 70; 1.5 60; 3 70'), drum('LowAgogo', '2.5 64; 3.75 60; 4.5 62'), drum('OpenCuica', '2.5 56; 4.5 56')),
  H5GhostKit: groove('H5GhostKit', 4, drum('KickDrum1', '1 100; 1.75 70; 3.5 86; 3.75 72'), drum('SnareDrum1', '2 94; 4 96'), drum('SnareDrum2', '2.75 40; 3.25 36; 4.25 38'), drum('ClosedHiHat', sixteenths(4, 66, 44)), drum('OpenHiHat', '4.5 60')),
  // beatless intros' grooves
  H5IntroNeoSoul: groove('H5IntroNeoSoul', 4, drum('KickDrum2', '1 88; 2.75 70; 3.5 78'), drum('SnareDrum1', '2 86; 4 88'), drum('ClosedHiHat', sixteenths(4, 56, 40)), part('Chord', 'RhodesPiano', 5, '1 4. 62; 2.75 8 56; 3.5 4 60'), part('Bass', 'FingeredBass', 3, '1 4. 1 86; 2.75 8 5 70; 3.5 4 6 78')),
  H5IntroCelesta: groove('H5IntroCelesta', 3, drum('KickDrum1', '1 82'), drum('SnareDrum2', '2 60; 3 58'), part('Chord', 'Celesta', 5, '2 8 62; 3 8 58'), part('Bass', 'Bassoon', 3, '1 4 1 80')),
  H5IntroTwelve: groove('H5IntroTwelve', 12, drum('KickDrum2', '1 80; 7 74'), drum('SnareDrum2', '4 70; 10 72'), drum('RideCymbal1', every(12, [1, 4, 7, 10], 62, 46)), part('Arpeggio', 'Piano2', 5, every(12, [1, 4, 7, 10], 60, 48).split('; ').map((h) => `${h.split(' ')[0]} 4 ${h.split(' ')[1]}`).join('; ')), part('Bass', 'FretlessBass', 3, '1 2. 1 82; 7 2. 5 76')),
  // odd meters
  H5FiveJazz: groove('H5FiveJazz', 5, drum('RideCymbal1', '1 70; 2 62; 3 66; 3.66 48; 4 62; 5 64'), drum('KickDrum2', '1 60; 4 56'), drum('SnareDrum2', '3 54; 5 50'), part('Chord', 'Piano2', 5, '1 4 62; 2.66 8 58; 4 4 60'), part('Bass', 'AcousticBass', 3, '1 4. 1 84; 2.5 8 5 66; 3 4 1 76; 4 4 5 78; 5 4 6 68')),
  H5SevenRock: groove('H5SevenRock', 7, drum('KickDrum1', '1 94; 2.5 74; 4 86; 6 84'), drum('SnareDrum1', '3 88; 5 86; 7 84'), drum('ClosedHiHat', eighths(7, 62, 48)), part('Chord', 'OverDriveGuitar', 4, '1 4 74; 2.5 8 64; 4 4 72; 6 4 70'), part('Bass', 'PickedBass', 3, '1 4. 1 88; 2.5 8 1 72; 4 4 5 82; 6 4 6 76')),
  // duple 4/4: sixteenth hi-hats, syncopation, Latin percussion
  H5Ballad8: groove('H5Ballad8', 4, drum('KickDrum1', '1 90; 2.5 66; 3 84'), drum('SnareDrum2', '2 80; 4 82'), drum('ClosedHiHat', sixteenths(4, 54, 38)), part('Chord', 'Piano1', 5, '1 2 66; 3 2 62'), part('Chord-Str', 'Strings', 5, '1 1 50', 'p'), part('Bass', 'FingeredBass', 3, '1 4. 1 86; 2.5 8 1 66; 3 2 5 80')),
  H5SoulSixteen: groove('H5SoulSixteen', 4, drum('KickDrum1', '1 94; 1.75 66; 3 88; 3.5 70'), drum('SnareDrum1', '2 90; 4 92'), drum('ClosedHiHat', sixteenths(4, 62, 44)), drum('Tambourine', '2 58; 4 60'), part('Chord', 'Organ2', 5, '1 2 58; 3 2 56', 'p'), part('Chord-Gtr', 'CleanGuitar', 5, '1.75 16 66; 2.25 16 60; 3.75 16 66; 4.25 16 60'), part('Bass', 'FingeredBass', 3, '1 8 1 90; 1.75 16 1 70; 2.5 8 5 78; 3 8 6 82; 4 8 5 74; 4.5 8 3 70')),
  H5Rhumba: groove('H5Rhumba', 4, drum('Maracas', eighths(4, 60, 48)), drum('Claves', '1 76; 1.75 70; 2.5 72; 3.5 70; 4 74'), drum('LowConga', '2 70; 4 74; 4.5 66'), drum('HighBongo', '1.5 56; 2.5 56; 3.5 56; 4.5 56'), drum('KickDrum2', '1 70; 3 66'), part('Chord', 'NylonGuitar', 4, '1 8 64; 2.5 8 58; 3.5 8 60'), part('Bass', 'AcousticBass', 3, '2.5 8 5 80; 4 4 1 88')),
  H5Beguine: groove('H5Beguine', 4, drum('KickDrum1', '1 80; 3 76'), drum('Claves', '1 70; 2.5 66; 3 70; 4 68'), drum('Maracas', eighths(4, 56, 44)), drum('LowTom1', '2.5 62; 4 64'), part('Chord', 'Marimba', 5, '1 8 66; 2.5 8 60; 3 8 64; 4 8 60'), part('Bass', 'AcousticBass', 3, '1 4. 1 84; 2.5 8 5 70; 3 2 5 78')),
  H5Bolero: groove('H5Bolero', 4, drum('HighBongo', eighths(4, 62, 48)), drum('LowBongo', '2.5 60; 4.5 60'), drum('Maracas', sixteenths(4, 52, 38)), drum('Claves', '1.5 70; 2 70; 3 72; 3.75 68; 4.5 70'), drum('KickDrum2', '1 66; 3 62'), part('Arpeggio', 'NylonGuitar', 4, notes(eighths(4, 58, 48), 8)), part('Chord', 'Strings', 5, '1 1 48', 'p'), part('Bass', 'AcousticBass', 3, '1 4. 1 80; 2.5 8 5 66; 3 2 5 74')),
  H5PartidoAlto: groove('H5PartidoAlto', 4, drum('SideKick', '1.25 70; 1.75 66; 2.5 70; 3 66; 3.75 68; 4.5 66'), drum('Shaker', sixteenths(4, 56, 40)), drum('KickDrum2', '1 70; 2 84; 3 70; 4 84'), drum('Tambourine', '1.5 52; 2.75 56; 3.5 52; 4.75 56'), part('Chord', 'NylonGuitar', 4, '1 16 66; 1.75 16 60; 2.5 16 64; 3.25 16 60; 3.75 16 62; 4.5 16 60'), part('Bass', 'AcousticBass', 3, '1 4. 1 82; 2.5 8 5 68; 3 4. 1 78; 4.5 8 5 66')),
  H5Songo: groove('H5Songo', 4, drum('KickDrum1', '1.75 76; 3.5 80'), drum('SnareDrum2', '1.5 40; 2 62; 2.75 44; 4 60; 4.5 44'), drum('CowBell', '1 72; 2 66; 3 72; 4 66'), drum('ClosedHiHat', eighths(4, 50, 40)), drum('LowConga', '4 76; 4.5 70'), drum('OpenHighConga', '2.5 64'), part('Chord', 'Piano1', 5, '1 8 64; 1.5 8 54; 2.5 8 62; 3 8 54; 3.5 8 60; 4.5 8 58'), part('Bass', 'FingeredBass', 3, '2.5 8 5 82; 4 4 1 88')),
  H5OneDrop: groove('H5OneDrop', 4, drum('KickDrum1', '3 94'), drum('SideKick', '3 84'), drum('ClosedHiHat', `${eighths(4, 58, 48)}; 4.75 40`), part('Chord', 'CleanGuitar', 5, '2 16 70; 4 16 70'), part('Chord-Org', 'Organ1', 5, '1.5 16 54; 2.5 16 54; 3.5 16 54; 4.5 16 54', 'p'), part('Bass', 'FingeredBass', 3, '1 4. 1 86; 2.75 16 1 66; 3.5 8 3 76; 4 4 5 80')),
  H5FunkGhost: groove('H5FunkGhost', 4, drum('KickDrum1', '1 98; 1.75 70; 3.25 78; 3.75 72'), drum('SnareDrum1', '2 94; 4 94'), drum('SnareDrum2', '1.5 36; 2.25 34; 2.75 38; 3.5 36; 4.25 34; 4.75 38'), drum('ClosedHiHat', sixteenths(4, 66, 46)), drum('OpenHiHat', '4.5 58'), part('Chord', 'Clavinet', 5, '1.25 16 66; 1.75 16 60; 2.5 16 64; 3.25 16 66; 4 16 60'), part('Bass', 'SlapBass1', 3, '1 8 1 94; 1.75 16 1 70; 2.5 16 5 74; 3 8 1+ 80; 3.5 16 6 70; 4.25 16 5 72')),
  H5UKGarage: groove('H5UKGarage', 4, drum('KickDrum1', '1 100; 2.79 80; 3.5 86'), drum('SnareDrum1', '2 92; 4 92'), drum('ClosedHiHat', '1.5 64; 1.79 44; 2.5 64; 2.79 44; 3.5 64; 3.79 44; 4.5 64; 4.79 44'), drum('Shaker', '1.29 40; 2.29 40; 3.29 40; 4.29 40'), part('Chord', 'EPiano', 5, '1.79 16 66; 3.29 16 62; 4.5 16 60'), part('Bass', 'SynthBass1', 2, '1 8 1 90; 1.79 16 1 70; 2.5 8 5 78; 3.5 4 1 84; 4.79 16 3 68')),
};

/** Beatless drones on chords no other set uses (E major add 9, C♯ minor 7). */
export const HELDOUT5_DRONES: Drone[] = [
  { hz: [82.4, 164.8, 185, 207.7, 246.9], lfo: 0.065, noise: 'brown', amp: 0.01 },
  { hz: [69.3, 103.8, 164.8, 246.9], lfo: 0.045, noise: 'pink', amp: 0.006 },
];

/** The synthesizer's two kits (heldout5-synth.ts): every unit has both, first and second in turn. */
export const HELDOUT5_FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['ts5a', 'ts5b'],
  ['ts5b', 'ts5a'],
];

/** Plans every heldout5 file (nothing rendered; work files in OUT/work/heldout5): MMA songs and drones. */
export function planHeldout5(out: string, sec: number): HeldoutJob[] {
  return planSongSet(out, sec, {
    set: 'heldout5',
    prefix: 'h5',
    songs: HELDOUT5_SONGS,
    grooves: HELDOUT5_GROOVES,
    drones: HELDOUT5_DRONES,
    fontPairs: HELDOUT5_FONT_PAIRS,
    clash: () => undefined, // every groove is written here (new by construction; the unit test checks the names)
    midi: [],
    usedHashes: new Set(),
    modeRule: true,
    pad: sweepPadGroove,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runHeldoutBuilder('heldout5', 'tools/eval/heldout5-set.ts: grooves written there, rendered by heldout5-synth.ts (TypeScript synthesis, AVL drum kits); no other set uses them', planHeldout5);

// A FOURTH FRESH HELD-OUT tempo/key set, "heldout4" (issue 11, session 24): heldout2 has been consulted 7 times and
// heldout3 5 times, so the next decisions are taken on grooves that NO other set uses, rendered by a synthesis no other
// set uses. Nobody runs our analysers on it before the lead does, once, for a registered decision (its builder runs the
// peers only).
//
//   apt-get install -y chuck chuck-data mma ffmpeg
//   nice -n 15 node --import tsx tools/eval/heldout4-set.ts [--out test/output/eval] [--jobs 1] [--plan-only]
//   (--out: where heldout4/, manifest-heldout4.json and heldout4-units.json are written)
//
// Material:
//  1. MMA songs on 33 grooves written here (heldout2-set.ts' notation: drum, part, groove; unit ids "mma:here/h4…",
//     none another set's), planned and rendered by heldout-set.ts' planSongSet (3 files a song: both kits plain, one
//     stretched + shifted; modeHeard's key rule, so a key is scored only when the song's notes play its mode):
//     3/4 (a folk waltz, a Ländler, a jazz waltz, a fast Viennese waltz), 6/8 counted in eighths (a siciliano, a jig, a
//     12/8 bembe felt in dotted quarters), swing (jump blues, an organ trio, a shuffle rock), > 160 BPM (jungle, a
//     bluegrass roll, a rock gallop, hard bop), soft onsets without drums (a harp étude, flute and clarinet over pizzicato,
//     a brass chorale, a music box over strings), drums only (baião, timbales, a marching snare, hand percussion with no
//     kick), beatless intros (3–8 bars of a halo pad, GM 95 — the other sets' pads are a choir, strings, a warm pad and a
//     bowed glass — before a rock, house, ballad and 3/4 groove), odd meters (5/4, 7/4) and pop 4/4 (funk, new wave,
//     city pop, soul, eurodance).
//  2. Synthesis: ChucK (Debian `chuck`) playing the MIDI file with the Synthesis ToolKit's physical and FM models and
//     the drum samples of Debian `chuck-data` (tools/eval/heldout4-stk.ck, kits "stk1" and "stk2": every GM family
//     another model in each kit; channel 10 two sample kits, ModalBar toms, STK Shakers, noise cymbals), build-set.ts
//     render(). No other set renders with ChucK or STK (test/unit/eval-heldout4.test.ts scans tools/eval).
//  3. Two beatless drones on chords no other set uses (D♭ major 7, G minor add 9).
// Left out: ChucK's only MIDI file (chuck-data's bwv772.mid) has no key signature and only MIDI's default tempo (120,
// no score tempo): midiTruth refuses it. LilyPond's docs (lilypond-doc 2.24) ship only the snippets' PNGs, no .ly
// input; no other Debian package with unused MIDI, ABC, LilyPond or tracker files with a stated tempo was found.
//
// Writes OUT/heldout4/*.mp3, OUT/manifest-heldout4.json ({ sec, items: EvalItem[] } with set "heldout4";
// test/bench/analysis-accuracy.ts --set heldout4 reads it, peers cached in OUT/peers-heldout4*.json),
// OUT/heldout4-units.json (unit → files) and OUT/heldout4/READY once every file is there.
import { pathToFileURL } from 'node:url';
import { maj, min, type Drone, type SoundFont } from './build-set';
import { drum, eighths, groove, part, sixteenths } from './heldout2-set';
import { planSongSet, runHeldoutBuilder, type HeldoutJob, type HeldoutSong } from './heldout-set';
import { notes } from './heldout3-set';

export const HELDOUT4_SONGS: HeldoutSong[] = [
  // 3/4
  { lib: 'here', file: 'h4folkwaltz', groove: 'H4FolkWaltz', tempo: 104, meter: 3, key: maj(3), cat: 'triple' },
  { lib: 'here', file: 'h4landler', groove: 'H4Landler', tempo: 150, meter: 3, key: maj(7), cat: 'triple' },
  { lib: 'here', file: 'h4jazzwaltz', groove: 'H4JazzWaltz', tempo: 96, meter: 3, key: min(2), cat: 'triple' },
  { lib: 'here', file: 'h4viennawaltz', groove: 'H4ViennaWaltz', tempo: 176, meter: 3, key: maj(5), cat: 'triple' },
  // 6/8 counted in eighths (MMA Time 6, 3 MMA beats a dotted-quarter beat)
  { lib: 'here', file: 'h4siciliano', groove: 'H4Siciliano', tempo: 156, per: 3, meter: 2, key: min(9), cat: 'compound' },
  { lib: 'here', file: 'h4jig', groove: 'H4Jig', tempo: 336, per: 3, meter: 2, key: maj(2), cat: 'compound' },
  { lib: 'here', file: 'h4bembe', groove: 'H4Bembe', tempo: 288, per: 3, meter: 2, key: min(4), cat: 'compound' },
  // swing
  { lib: 'here', file: 'h4jumpblues', groove: 'H4JumpBlues', tempo: 132, meter: 4, key: maj(7), cat: 'swing' },
  { lib: 'here', file: 'h4organtrio', groove: 'H4OrganTrio', tempo: 104, meter: 4, key: min(5), cat: 'swing' },
  { lib: 'here', file: 'h4shufflerock', groove: 'H4ShuffleRock', tempo: 122, meter: 4, key: maj(9), cat: 'swing' },
  // > 160
  { lib: 'here', file: 'h4jungle', groove: 'H4Jungle', tempo: 170, meter: 4, key: min(7), cat: 'fast' },
  { lib: 'here', file: 'h4bluegrass', groove: 'H4Bluegrass', tempo: 180, meter: 4, key: maj(2), cat: 'fast' },
  { lib: 'here', file: 'h4gallop', groove: 'H4Gallop', tempo: 188, meter: 4, key: min(4), cat: 'fast' },
  { lib: 'here', file: 'h4hardbop', groove: 'H4HardBop', tempo: 232, meter: 4, key: maj(10), cat: 'fast' },
  // soft onsets, no drums
  { lib: 'here', file: 'h4harpetude', groove: 'H4HarpEtude', tempo: 72, meter: 4, key: maj(8), cat: 'soft' },
  { lib: 'here', file: 'h4windduo', groove: 'H4WindDuo', tempo: 88, meter: 4, key: min(0), cat: 'soft' },
  { lib: 'here', file: 'h4brasschorale', groove: 'H4BrassChorale', tempo: 60, meter: 4, key: maj(10), cat: 'soft' },
  { lib: 'here', file: 'h4musicbox', groove: 'H4MusicBox', tempo: 100, meter: 4, key: maj(4), cat: 'soft' },
  // drums only
  { lib: 'here', file: 'h4baiao', groove: 'H4Baiao', tempo: 96, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h4timbales', groove: 'H4Timbales', tempo: 112, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h4marching', groove: 'H4Marching', tempo: 116, meter: 4, key: maj(0), cat: 'percussion' },
  { lib: 'here', file: 'h4handperc', groove: 'H4HandPerc', tempo: 132, meter: 4, key: maj(0), cat: 'percussion' },
  // beatless intros (a halo pad, then the groove)
  { lib: 'here', file: 'h4introrock', groove: 'H4IntroRock', tempo: 108, meter: 4, key: min(11), cat: 'intro', introBars: 4 },
  { lib: 'here', file: 'h4introhouse', groove: 'H4IntroHouse', tempo: 126, meter: 4, key: min(6), cat: 'intro', introBars: 8 },
  { lib: 'here', file: 'h4introballad', groove: 'H4IntroBallad', tempo: 84, meter: 4, key: maj(1), cat: 'intro', introBars: 3 },
  { lib: 'here', file: 'h4introlandler', groove: 'H4IntroLandler', tempo: 144, meter: 3, key: maj(11), cat: 'intro', introBars: 6 },
  // odd meters
  { lib: 'here', file: 'h4five', groove: 'H4Five', tempo: 114, meter: 5, key: min(1), cat: 'odd' },
  { lib: 'here', file: 'h4seven', groove: 'H4Seven', tempo: 96, meter: 7, key: maj(6), cat: 'odd' },
  // pop 4/4
  { lib: 'here', file: 'h4funk', groove: 'H4Funk', tempo: 98, meter: 4, key: min(2), cat: 'pop4' },
  { lib: 'here', file: 'h4newwave', groove: 'H4NewWave', tempo: 138, meter: 4, key: maj(0), cat: 'pop4' },
  { lib: 'here', file: 'h4citypop', groove: 'H4CityPop', tempo: 112, meter: 4, key: maj(5), cat: 'pop4' },
  { lib: 'here', file: 'h4soul', groove: 'H4Soul', tempo: 92, meter: 4, key: min(10), cat: 'pop4' },
  { lib: 'here', file: 'h4eurodance', groove: 'H4Eurodance', tempo: 132, meter: 4, key: min(8), cat: 'pop4' },
];

/** The beatless intro: a halo pad (GM 95), one chord a bar, soft (other sets: choir, strings, warm pad, bowed glass). */
export function haloPadGroove(beatsPerBar: number): string[] {
  return ['SeqClear', `Time ${beatsPerBar}`, 'SeqSize 1', 'Begin Chord-H4Pad', ' Voice HaloPad', ' Octave 5', ' Volume p', ' Articulate 100', ` Sequence {1 ${beatsPerBar * 192}t 64}`, 'End', 'DefGroove Heldout4Pad'];
}

/** a bass line of "beat dur degree vel" from "beat vel" hits, every hit on `degree` */
const bassOn = (hits: string, dur: number, degree: string, vel: number): string => hits.split('; ').map((h) => `${h.split(' ')[0]} ${dur} ${degree} ${vel}`).join('; ');

/** Grooves written here: name → MMA lines (drums, chords, bass; the soft ones without drums). */
export const HELDOUT4_GROOVES: Record<string, string[]> = {
  // 3/4
  H4FolkWaltz: groove('H4FolkWaltz', 3, drum('KickDrum2', '1 76'), drum('Tambourine', '2 58; 3 54'), part('Chord', 'Harmonica', 5, '2 8 66; 3 8 60'), part('Arpeggio', 'SteelGuitar', 4, '1 8 70; 1.5 8 54; 2 8 60; 2.5 8 54; 3 8 60; 3.5 8 54'), part('Bass', 'AcousticBass', 3, '1 4 1 86; 3 4 5 70')),
  H4Landler: groove('H4Landler', 3, drum('KickDrum1', '1 90'), drum('SnareDrum2', '2 70; 3 68'), part('Chord', 'Clarinet', 5, '2 8 72; 3 8 68'), part('Bass', 'Tuba', 2, '1 4 1 92')),
  H4JazzWaltz: groove('H4JazzWaltz', 3, drum('RideCymbal1', '1 74; 2 62; 2.66 48; 3 64'), drum('PedalHiHat', '2 58'), drum('KickDrum2', '1 54'), part('Chord', 'JazzGuitar', 5, '2 8 62; 3 8 60'), part('Bass', 'AcousticBass', 3, '1 4 1 88; 2 4 3 70; 3 4 5 76')),
  H4ViennaWaltz: groove('H4ViennaWaltz', 3, drum('KickDrum1', '1 84'), drum('OpenTriangle', '2 56; 3 52'), drum('CrashCymbal1', '1 50'), part('Chord', 'Strings', 5, '2 8 70; 3 8 64'), part('Bass', 'Contrabass', 3, '1 4 1 90')),
  // 6/8 in eighths
  H4Siciliano: groove('H4Siciliano', 6, drum('KickDrum2', '1 70; 4 58'), drum('Shaker', '1 52; 2 40; 3 44; 4 50; 5 40; 6 44'), part('Arpeggio', 'NylonGuitar', 4, '1 8 70; 2 8 54; 3 8 58; 4 8 66; 5 8 54; 6 8 58'), part('Chord', 'Oboe', 5, '1 4. 60; 4 4. 56', 'p'), part('Bass', 'Cello', 3, '1 4. 1 80; 4 4. 5 70')),
  H4Jig: groove('H4Jig', 6, drum('LowTom2', '1 86; 4 80'), drum('SideKick', '3 56; 6 56'), part('Arpeggio', 'Fiddle', 5, '1 8 80; 2 8 58; 3 8 62; 4 8 76; 5 8 58; 6 8 62'), part('Chord', 'Banjo', 4, '1 8 70; 4 8 66'), part('Bass', 'AcousticBass', 3, '1 4. 1 86; 4 4. 5 78')),
  H4Bembe: groove('H4Bembe', 6, drum('CowBell', '1 76; 2 56; 3 70; 4.5 62; 5 70; 6 64'), drum('LowConga', '1 88; 4 84'), drum('OpenHighConga', '3 70; 6 72'), drum('Shaker', '1 50; 2 42; 3 44; 4 50; 5 42; 6 44'), part('Chord', 'Piano1', 5, '1 8 66; 2.5 8 58; 4 8 64; 5.5 8 58'), part('Bass', 'FingeredBass', 3, '1 4 1 88; 3.5 8 5 72; 4 4 5 82')),
  // swing
  H4JumpBlues: groove('H4JumpBlues', 4, drum('KickDrum1', '1 88; 3 84'), drum('SnareDrum1', '2 90; 4 92; 4.66 50'), drum('RideCymbal2', eighths(4, 70, 54, true)), part('Chord', 'TenorSax', 5, '1.66 8 66; 2.66 8 60; 3.66 8 66', 'mp'), part('Chord-Piano', 'Honky-TonkPiano', 5, '2 8 62; 4 8 62', 'p'), part('Bass', 'AcousticBass', 3, '1 4 1 90; 2 4 3 76; 3 4 5 84; 4 4 6 76')),
  H4OrganTrio: groove('H4OrganTrio', 4, drum('RideCymbal1', '1 70; 2 64; 2.66 46; 3 68; 4 64; 4.66 46'), drum('PedalHiHat', '2 60; 4 60'), drum('SnareDrum2', '3.66 44'), part('Chord', 'Organ3', 5, '1.66 8 64; 3 4 60; 4.66 8 62'), part('Bass', 'Organ1', 2, '1 4 1 86; 2 4 5 72; 3 4 3 80; 4 4 5 72')),
  H4ShuffleRock: groove('H4ShuffleRock', 4, drum('KickDrum1', '1 92; 2.66 70; 3 90'), drum('SnareDrum1', '2 92; 4 94'), drum('ClosedHiHat', eighths(4, 70, 56, true)), part('Chord', 'OverDriveGuitar', 4, '1 4 74; 1.66 8 62; 2 4 70; 2.66 8 62; 3 4 74; 3.66 8 62; 4 4 70; 4.66 8 62'), part('Bass', 'PickedBass', 3, '1 4 1 90; 1.66 8 1 70; 2 4 5 82; 2.66 8 5 68; 3 4 6 86; 3.66 8 6 70; 4 4 5 82; 4.66 8 5 68')),
  // > 160
  H4Jungle: groove('H4Jungle', 4, drum('KickDrum1', '1 100; 2.5 86'), drum('SnareDrum1', '2 96; 3.75 60; 4 96'), drum('ClosedHiHat', sixteenths(4, 56, 40)), part('Chord', 'WarmPad', 5, '1 1 54', 'p'), part('Bass', 'SynthBass1', 2, '1 2 1 92; 3 4. 1 84; 4.5 8 5 74')),
  H4Bluegrass: groove('H4Bluegrass', 4, drum('SnareDrum2', '2 74; 4 76'), part('Arpeggio', 'Banjo', 5, notes(sixteenths(4, 72, 58).split('; ').filter((_, k) => k % 2 === 0).join('; '), 8)), part('Chord', 'SteelGuitar', 4, '2 8 70; 4 8 70'), part('Bass', 'AcousticBass', 3, '1 4 1 92; 2 4 3 74; 3 4 5 86; 4 4 3 74')),
  H4Gallop: groove('H4Gallop', 4, drum('KickDrum1', '1 98; 2 94; 3 98; 4 94'), drum('SnareDrum1', '2 94; 4 96'), drum('CrashCymbal2', '1 62'), drum('ClosedHiHat', eighths(4, 66, 50)), part('Chord', 'DistortionGuitar', 4, '1 8 80; 1.5 16 70; 1.75 16 70; 2 8 80; 2.5 16 70; 2.75 16 70; 3 8 80; 3.5 16 70; 3.75 16 70; 4 8 80; 4.5 16 70; 4.75 16 70'), part('Bass', 'PickedBass', 3, bassOn('1 1; 1.5 1; 1.75 1; 2 1; 2.5 1; 2.75 1; 3 1; 3.5 1; 3.75 1; 4 1; 4.5 1; 4.75 1', 16, '1', 84))),
  H4HardBop: groove('H4HardBop', 4, drum('RideCymbal1', '1 84; 2 72; 2.66 54; 3 80; 4 72; 4.66 54'), drum('PedalHiHat', '2 66; 4 66'), drum('SnareDrum2', '2.66 40; 4.66 44'), part('Chord', 'Trumpet', 5, '1 8 64; 2.66 8 60', 'p'), part('Chord-Piano', 'Piano2', 5, '1.66 8 62; 3.66 8 60'), part('Bass', 'AcousticBass', 3, '1 4 1 92; 2 4 3 78; 3 4 5 86; 4 4 6 78')),
  // soft onsets, no drums
  H4HarpEtude: groove('H4HarpEtude', 4, part('Arpeggio', 'OrchestralHarp', 5, notes(eighths(4, 64, 50), 4), 'p'), part('Bass', 'OrchestralHarp', 3, '1 2 1 66; 3 2 5 58', 'p')),
  H4WindDuo: groove('H4WindDuo', 4, part('Chord', 'Flute', 6, '1 2 62; 3 2 58', 'p'), part('Chord-Cl', 'Clarinet', 5, '1 4 58; 2 4 52; 3 4 56; 4 4 52', 'p'), part('Bass', 'PizzicatoString', 3, '1 4 1 70; 2 4 5 56; 3 4 3 62; 4 4 5 56', 'p')),
  H4BrassChorale: groove('H4BrassChorale', 4, part('Chord', 'FrenchHorn', 5, '1 2 66; 3 2 62', 'p'), part('Chord-Tbn', 'Trombone', 4, '1 1 58', 'p'), part('Bass', 'Tuba', 2, '1 2 1 66; 3 2 5 58', 'p')),
  H4MusicBox: groove('H4MusicBox', 4, part('Arpeggio', 'MusicBox', 6, notes(eighths(4, 62, 52), 8), 'p'), part('Chord', 'SlowStrings', 5, '1 1 54', 'p'), part('Bass', 'Cello', 3, '1 2 1 60; 3 2 5 54', 'p')),
  // drums only
  H4Baiao: groove('H4Baiao', 4, drum('LowTom1', '1 90; 1.75 70; 3 88; 3.75 70'), drum('MidTom2', '2.5 62; 4.5 62'), drum('OpenTriangle', '1 50; 2 66; 3 50; 4 66'), drum('MuteTriangle', '1.5 44; 2.5 44; 3.5 44; 4.5 44')),
  H4Timbales: groove('H4Timbales', 4, drum('HighTimbale', '1 80; 1.5 60; 2 70; 2.5 60; 3 80; 3.5 60; 4 70; 4.5 60'), drum('LowTimbale', '2.5 72; 4 76'), drum('CowBell', '1 74; 2 68; 3 74; 4 68'), drum('Claves', '1 68; 1.75 62; 2.5 64; 3.5 66; 4 68'), drum('KickDrum2', '1 70; 3 66')),
  H4Marching: groove('H4Marching', 4, drum('SnareDrum1', '1 92; 1.25 50; 1.5 66; 1.75 50; 2 88; 2.5 64; 3 92; 3.25 50; 3.5 66; 3.75 50; 4 88; 4.25 56; 4.5 70; 4.75 60'), drum('KickDrum2', '1 88; 2 80; 3 88; 4 80'), drum('CrashCymbal1', '1 60; 3 54')),
  H4HandPerc: groove('H4HandPerc', 4, drum('Maracas', eighths(4, 66, 52)), drum('Cabasa', '1.5 58; 2.5 58; 3.5 58; 4.5 58'), drum('Tambourine', '2 74; 4 76'), drum('HandClap', '2 66; 4 68'), drum('HighBongo', '1 70; 1.75 56; 3 66; 3.75 56')),
  // beatless intros' grooves
  H4IntroRock: groove('H4IntroRock', 4, drum('KickDrum1', '1 96; 3 92; 3.5 74'), drum('SnareDrum1', '2 92; 4 94'), drum('RideCymbal2', eighths(4, 66, 54)), part('Chord', 'OverDriveGuitar', 4, '1 2 74; 3 4. 70; 4.5 8 64'), part('Bass', 'PickedBass', 3, '1 4. 1 90; 2.5 8 1 72; 3 4. 5 84; 4.5 8 5 70')),
  H4IntroHouse: groove('H4IntroHouse', 4, drum('KickDrum1', '1 100; 2 96; 3 100; 4 96'), drum('ClosedHiHat', '1.5 64; 2.5 64; 3.5 64; 4.5 64'), drum('SnareDrum2', '2 72; 4 74'), part('Chord', 'Piano1', 5, '1.75 8 70; 2.5 8 66; 3.75 8 70; 4.5 8 66'), part('Bass', 'SynthBass2', 2, '1.5 8 1 86; 2.5 8 1 82; 3.5 8 1 86; 4.5 8 5 82')),
  H4IntroBallad: groove('H4IntroBallad', 4, drum('KickDrum2', '1 84; 3 78'), drum('SnareDrum2', '2 70; 4 72'), drum('ClosedHiHat', eighths(4, 52, 42)), part('Chord', 'EPiano', 5, '1 2 66; 3 2 62'), part('Bass', 'FretlessBass', 3, '1 2 1 84; 3 4. 5 76; 4.5 8 6 64')),
  H4IntroLandler: groove('H4IntroLandler', 3, drum('KickDrum1', '1 86'), drum('ClosedHiHat', '2 60; 3 58'), part('Chord', 'Accordion', 5, '2 8 70; 3 8 64'), part('Bass', 'Tuba', 2, '1 4 1 88')),
  // odd meters
  H4Five: groove('H4Five', 5, drum('KickDrum1', '1 94; 4 86'), drum('SnareDrum1', '3 84; 5 82'), drum('ClosedHiHat', eighths(5, 64, 50)), part('Chord', 'Vibraphone', 5, '1 4. 66; 4 4 62'), part('Bass', 'FingeredBass', 3, '1 4. 1 88; 2.5 8 1 70; 4 4 5 82')),
  H4Seven: groove('H4Seven', 7, drum('KickDrum1', '1 92; 3 80; 5 84'), drum('SnareDrum1', '2 80; 4 82; 6 80; 7 70'), drum('ClosedHiHat', eighths(7, 62, 48)), part('Chord', 'Clavinet', 5, '1 8 70; 3 8 64; 5 8 66; 6.5 8 60'), part('Bass', 'FingeredBass', 3, '1 4 1 88; 3 4 5 76; 5 4 1 80; 6 4 5 72')),
  // pop 4/4
  H4Funk: groove('H4Funk', 4, drum('KickDrum1', '1 98; 2.75 74; 3.25 80'), drum('SnareDrum1', '2 94; 3.75 52; 4 94'), drum('ClosedHiHat', sixteenths(4, 68, 48)), part('Chord', 'MutedGuitar', 5, '1.25 16 72; 1.75 16 66; 2.25 16 70; 2.75 16 64; 3.25 16 72; 3.75 16 66; 4.25 16 70; 4.75 16 64'), part('Bass', 'SlapBass2', 3, '1 8 1 96; 1.5 16 1+ 70; 2.25 16 1 74; 2.75 8 5 80; 3.25 8 1 86; 4.5 8 3 76')),
  H4NewWave: groove('H4NewWave', 4, drum('KickDrum1', '1 96; 2 90; 3 96; 4 90'), drum('SnareDrum1', '2 88; 4 90'), drum('ClosedHiHat', eighths(4, 64, 60)), part('Chord', 'SquareWave', 5, '1 8 70; 2.5 8 62; 4 8 66'), part('Bass', 'SynthBass2', 2, bassOn(eighths(4, 1, 1), 8, '1', 86))),
  H4CityPop: groove('H4CityPop', 4, drum('KickDrum1', '1 90; 2.5 72; 3 86'), drum('SnareDrum2', '2 86; 4 88'), drum('ClosedHiHat', sixteenths(4, 58, 44)), part('Chord', 'EPiano', 5, '1 8 68; 2.5 8 62; 3.5 8 64; 4.5 8 60'), part('Chord-Str', 'Strings', 5, '1 1 52', 'p'), part('Bass', 'FingeredBass', 3, '1 8 1 90; 1.75 16 1 70; 2.5 8 5 80; 3 8 6 84; 4 8 5 78')),
  H4Soul: groove('H4Soul', 4, drum('KickDrum2', '1 92; 2.75 72; 3.5 80'), drum('SnareDrum2', '2 88; 4 90'), drum('Tambourine', eighths(4, 58, 46)), part('Chord', 'Organ2', 5, '1 2 62; 3 2 60', 'p'), part('Chord-Gtr', 'CleanGuitar', 5, '2 16 70; 4 16 70'), part('Bass', 'FingeredBass', 3, '1 4. 1 90; 2.5 8 3 72; 3 4 5 84; 4 8 6 74; 4.5 8 5 70')),
  H4Eurodance: groove('H4Eurodance', 4, drum('KickDrum1', '1 100; 2 96; 3 100; 4 96'), drum('HandClap', '2 80; 4 82'), drum('OpenHiHat', '1.5 68; 2.5 68; 3.5 68; 4.5 68'), part('Chord', 'PolySynth', 5, '1 8 72; 1.75 8 66; 2.5 8 70; 3.25 8 66; 4 8 68'), part('Bass', 'SynthBass1', 2, bassOn('1.5 1; 2.5 1; 3.5 1; 4.5 1', 8, '1', 88))),
};

/** Beatless drones on chords no other set uses (D♭ major 7, G minor add 9). */
export const HELDOUT4_DRONES: Drone[] = [
  { hz: [69.3, 138.6, 174.6, 261.6], lfo: 0.075, noise: 'pink', amp: 0.008 },
  { hz: [98, 146.8, 220, 233.1], lfo: 0.055, noise: 'brown', amp: 0.012 },
];

/** ChucK's two kits (heldout4-stk.ck): every unit has both, first and second in turn. */
export const HELDOUT4_FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['stk1', 'stk2'],
  ['stk2', 'stk1'],
];

/** Plans every heldout4 file (nothing rendered; work files in OUT/work/heldout4): MMA songs and drones. */
export function planHeldout4(out: string, sec: number): HeldoutJob[] {
  return planSongSet(out, sec, {
    set: 'heldout4',
    prefix: 'h4',
    songs: HELDOUT4_SONGS,
    grooves: HELDOUT4_GROOVES,
    drones: HELDOUT4_DRONES,
    fontPairs: HELDOUT4_FONT_PAIRS,
    clash: () => undefined, // every groove is written here (new by construction; the unit test checks the names)
    midi: [],
    usedHashes: new Set(),
    modeRule: true,
    pad: haloPadGroove,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runHeldoutBuilder('heldout4', 'tools/eval/heldout4-set.ts: grooves written there, rendered by ChucK/STK; no other set uses them', planHeldout4);

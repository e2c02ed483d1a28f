// A BROADER development-side tempo/key set, "dev2" (issue 11, session 8): the octave model and the tempo
// confidence map were fitted on MMA's standard library only (dev, tempo-synth, tempo-octave) and fell behind
// QM-DSP / essentia on the held-out set's other groove libraries and SoundFonts. dev2 is built the held-out way
// (heldout-set.ts' planSongSet: same render, truth and variant rules) from material the held-out set does not
// hold, so that a choice made on dev2 still leaves the held-out set unseen:
//  1. MMA songs on the families of MMA's other groove libraries — casio, yamaha, kara, alexis, zoom and pflib —
//     that neither the held-out set nor any other set uses. Refused at run time (`dev2Clash`): heldout-set.ts'
//     heldoutClash (a file named as a family of dev, test or a dev-side set: casio/swing) and split-families.ts'
//     clashOf (a test family; a held-out family: the same library's related family — casio/8beatballad1 ~
//     casio/16beatballad1 —, or the same file name in another library — alexis/hiphop ~ zoom/hiphop). Some of
//     Zoom's drum patterns get the 4/4 chord and bass part of heldout-set.ts' overlayParts; the others stay drums
//     only (no key). Triple, compound (6/8 counting eighths) and odd-meter (5/4 as 2 + 3, 7/4 as 2 + 2 + 3)
//     grooves are written here: MMA's other libraries have no 3/4 or 6/8 groove left that the held-out set does
//     not hold (zoom/bald34 is the 6/8-feel-under-3/4 pattern heldout-set.ts left out).
//  2. MIDI files: MMA's own examples (/usr/share/doc/mma/examples, Debian `mma`; key-set.ts, a dev-side set,
//     uses them for the key), under build-set's midiTruth and heldout-set's grid and x/8 rules; none
//     byte-identical to a MIDI file of dev/test (openmsx, planetblupi, freedink) or of the held-out set. No other
//     Debian package with MIDI music is left (Freedoom and the ABC examples are held out): no game MIDI in dev2.
//  3. SoundFonts: FluidR3_GM, TimGM6mb and MuseScore_General_Lite (Debian `musescore-general-soundfont-small`),
//     in pairs; never the held-out set's own two (csound sf_GMbank, OPL3 FM).
//  4. Beatless drones on chords neither dev/test nor the held-out set use.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small mma
//   nice node --import tsx tools/eval/dev2-set.ts [--out test/output/eval] [--jobs 2] [--plan-only] [--retruth]
//
// Key truth: the song's key (chord names and KeySig) is scored only when its notes play the key's mode
// (heldout-set.ts modeHeard: the mode's third sounds longer than the other third and at least 10 % of the tonic's
// time); grooves that play roots and fifths only leave the mode unheard (casio/germanmarch, march1, rave).
// --retruth applies the rule to a built set's manifest from its MIDI files in OUT/work/dev2, nothing rendered.
//
// Writes OUT/dev2/*.mp3, OUT/manifest-dev2.json ({ sec, items: EvalItem[] } with set "dev2", as
// manifest-heldout.json), OUT/dev2-units.json (unit → files: the groups of a family-grouped cross-validation) and
// OUT/dev2/READY once every file is there. `left out` songs keep their place (and their units' SoundFonts).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { maj, min, renderJobs, type Drone, type SoundFont } from './build-set';
import { abcMidis, freedoomMidis, heldoutClash, heldoutCounts, planSongSet, retruthManifest, usedMidiHashes, usedMmaFamilies, type HeldoutJob, type HeldoutSong } from './heldout-set';
import { splitFamilies } from './split-families';

type Row = [lib: HeldoutSong['lib'], file: string, groove: string, tempo: number, cat: HeldoutSong['cat'], extra?: Partial<HeldoutSong>];

/** The songs, by category; keys are assigned in order (dev2Songs). Tempi: the style's usual range. */
const ROWS: Row[] = [
  // pop4
  ['casio', '60srock', '60sRock', 132, 'pop4'],
  ['casio', '60ssoul', '60sSoul', 104, 'pop4'],
  ['casio', '8beatdance', '8BeatDance', 124, 'pop4'],
  ['casio', 'dance1', 'Dance1', 128, 'pop4'],
  ['casio', 'dance2', 'Dance2', 122, 'pop4'],
  ['casio', 'digitalrock', 'DigitalRock', 116, 'pop4'],
  ['casio', 'fusion', 'Fusion', 100, 'pop4'],
  ['casio', 'germanmarch', 'GermanMarch', 112, 'pop4'],
  ['casio', 'house', 'House', 124, 'pop4'],
  ['casio', 'latinhouse', 'LatinHouse', 126, 'pop4'],
  ['casio', 'pop', 'Pop', 110, 'pop4'],
  ['casio', 'soul', 'Soul', 96, 'pop4'],
  ['casio', 'trance1', 'Trance1', 138, 'pop4'],
  ['casio', 'trance2', 'Trance2', 134, 'pop4'],
  ['casio', 'techno', 'Techno', 136, 'pop4'],
  ['casio', 'hip-hop', 'Hip-Hop', 92, 'pop4'],
  ['alexis', 'hiphop', 'HipHop', 90, 'pop4'],
  ['yamaha', 'salsa2', 'Salsa2MainA', 110, 'pop4'],
  ['kara', '8beatmotown', '8beatmotownA', 118, 'pop4'],
  ['kara', 'K50s_rock', '50s_RockA', 150, 'pop4'],
  ['kara', 'Kfunk1', 'Kfunk1A', 100, 'pop4'],
  ['pflib', '16beat1', '16beat1A', 96, 'pop4'],
  ['pflib', '16beat2', '16beat2A', 88, 'pop4'],
  ['pflib', '8beat1', '8beat1A', 120, 'pop4'],
  ['pflib', 'highfive', 'highfiveA', 132, 'pop4'],
  ['pflib', 'metal2', 'metal2A', 150, 'pop4'],
  ['pflib', 'rock1', 'rock1A', 126, 'pop4'],
  ['zoom', 'fusion', 'FUS01', 108, 'pop4', { overlay: true }],
  ['zoom', 'pop', 'POP01', 112, 'pop4', { overlay: true }],
  ['zoom', 'cntry', 'CNTRY', 116, 'pop4', { overlay: true }],
  // soft (ballads, ambient, < 90)
  ['casio', 'ambient1', 'Ambient1', 70, 'soft'],
  ['casio', 'ambient2', 'Ambient2', 76, 'soft'],
  ['casio', 'ambient3', 'Ambient3', 82, 'soft'],
  ['casio', 'modernrb', 'ModernR&B', 78, 'soft'],
  ['casio', 'triphop', 'TripHop', 80, 'soft'],
  ['yamaha', 'jazztrio', 'JazzTrioMainA', 74, 'soft'],
  ['pflib', 'slowrock', 'slowrockA', 66, 'soft'],
  ['zoom', 'ambient', 'AMB01', 80, 'soft', { overlay: true }],
  // swing
  ['casio', 'blues', 'Blues', 96, 'swing'],
  ['casio', 'foxtrot', 'Foxtrot', 120, 'swing'],
  ['casio', 'middlebigband', 'MiddleBigBand', 140, 'swing'],
  ['casio', 'modernjazz', 'ModernJazz', 132, 'swing'],
  ['casio', 'shuffleboogie', 'ShuffleBoogie', 120, 'swing'],
  ['yamaha', 'jazzGrtrio', 'JazzGrTrioMainA', 126, 'swing'],
  ['yamaha', 'jazzbasie', 'JazzBasieA', 116, 'swing'],
  ['yamaha', 'jazzcountry', 'JazzCountryMainA', 108, 'swing'],
  ['zoom', 'jazz', 'JAZZ01', 150, 'swing', { overlay: true }],
  ['zoom', 'jazz04', '04JAZZ01', 120, 'swing', { overlay: true }],
  // fast (> 160)
  ['casio', 'heavymetal', 'HeavyMetal', 172, 'fast'],
  ['casio', 'march1', 'March1', 168, 'fast'],
  ['casio', 'polkafox', 'PolkaFox', 184, 'fast'],
  ['casio', 'rave', 'Rave', 170, 'fast'],
  ['casio', 'twist', 'Twist', 164, 'fast'],
  ['yamaha', 'jazzbouncy', 'JazzBouncyMainA', 196, 'fast'],
  ['yamaha', 'mambo', 'MamboMainA', 186, 'fast'],
  ['yamaha', 'salsa1', 'Salsa1MainA', 180, 'fast'],
  ['pflib', 'metal1', 'metal1A', 176, 'fast'],
  ['zoom', 'mtl', 'MTL01', 168, 'fast', { overlay: true }],
  // intro (a beatless pad first)
  ['casio', 'discosoul', 'DiscoSoul', 112, 'intro', { introBars: 6 }],
  ['yamaha', 'quando-g.s280', 'QuandoGSMainA', 120, 'intro', { introBars: 4 }],
  ['kara', 'kbossa', 'kbossaA', 128, 'intro', { introBars: 4 }],
  ['pflib', '8beat2', '8beat2A', 108, 'intro', { introBars: 6 }],
  // percussion (Zoom drum patterns, drums only)
  ['zoom', 'afro', 'AFRO01', 110, 'percussion'],
  ['zoom', 'bald', 'BALD01', 70, 'percussion'],
  ['zoom', 'beat16', '16Beat01', 96, 'percussion'],
  ['zoom', 'beat8', '08Beat01', 120, 'percussion'],
  ['zoom', 'bossa', 'BOSSA01', 130, 'percussion'],
  ['zoom', 'country', 'CNTR01', 124, 'percussion'],
  ['zoom', 'dance', 'DANC01', 126, 'percussion'],
  ['zoom', 'fus16', '16FUS01', 100, 'percussion'],
  ['zoom', 'house', 'HOUS01', 124, 'percussion'],
  ['zoom', 'hrk', 'HRK01', 140, 'percussion'],
  ['zoom', 'latin', 'LATN01', 110, 'percussion'],
  ['zoom', 'mide', 'MidE01', 100, 'percussion'],
  ['zoom', 'punk', 'PUNK01', 184, 'percussion'],
  ['zoom', 'reggae', 'REGG01', 80, 'percussion'],
  ['zoom', 'rnb', 'RnB01', 90, 'percussion'],
  ['zoom', 'thr', 'THRS01', 200, 'percussion'],
  ['zoom', 'trip', 'TRIP01', 84, 'percussion'],
  // written here: triple, compound (MMA counts eighths: per 3), odd
  ['here', 'landler', 'Dev2Landler', 126, 'triple', { meter: 3 }],
  ['here', 'landler', 'Dev2Landler', 176, 'triple', { meter: 3 }],
  ['here', 'jazzthree', 'Dev2JazzThree', 104, 'triple', { meter: 3 }],
  ['here', 'jazzthree', 'Dev2JazzThree', 150, 'triple', { meter: 3 }],
  ['here', 'siciliana', 'Dev2Siciliana', 168, 'compound', { meter: 2, per: 3 }],
  ['here', 'siciliana', 'Dev2Siciliana', 228, 'compound', { meter: 2, per: 3 }],
  ['here', 'jig', 'Dev2Jig', 300, 'compound', { meter: 2, per: 3 }],
  ['here', 'jig', 'Dev2Jig', 354, 'compound', { meter: 2, per: 3 }],
  ['here', 'twothree', 'Dev2TwoThree', 138, 'odd', { meter: 5 }],
  ['here', 'twotwothree', 'Dev2TwoTwoThree', 116, 'odd', { meter: 7 }],
];

/** The dev2 songs: ROWS with a key each (major / major / minor in turn, tonics moving by fifths; drums only: none is scored). */
export const DEV2_SONGS: HeldoutSong[] = ROWS.map(([lib, file, groove, tempo, cat, extra], i) => ({
  lib,
  file,
  groove,
  tempo,
  cat,
  meter: 4,
  key: i % 3 === 2 ? min((i * 7 + 9) % 12) : maj((i * 7) % 12),
  ...extra,
}));

/** Grooves written here (MMA lines): two 3/4, two 6/8 counted in eighths, 5/4 as 2 + 3 and 7/4 as 2 + 2 + 3. */
export const DEV2_GROOVES: Record<string, string[]> = {
  Dev2Landler: [
    'SeqClear', 'Time 3', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 96}', 'End',
    'Begin Drum-PedalHiHat', ' Tone PedalHiHat', ' Sequence {2 0 66; 3 0 62}', 'End',
    'Begin Chord', ' Voice Accordion', ' Octave 5', ' Volume mp', ' Sequence {2 4 74; 3 4 68}', 'End',
    'Begin Bass', ' Voice Tuba', ' Octave 3', ' Sequence {1 4 1 96}', 'End',
    'DefGroove Dev2Landler',
  ],
  Dev2JazzThree: [
    'SeqClear', 'Time 3', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 74}', 'End',
    'Begin Drum-RideCymbal1', ' Tone RideCymbal1', ' Sequence {1 0 80; 2 0 64; 2.66 0 54; 3 0 64}', 'End',
    'Begin Drum-PedalHiHat', ' Tone PedalHiHat', ' Sequence {2 0 60}', 'End',
    'Begin Chord', ' Voice EPiano', ' Octave 5', ' Volume mp', ' Sequence {1 4 72; 2.66 8 58}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 4 1 92; 2 4 3 76; 3 4 5 80}', 'End',
    'DefGroove Dev2JazzThree',
  ],
  Dev2Siciliana: [
    'SeqClear', 'Time 6', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 96; 4 0 80}', 'End',
    'Begin Drum-ClosedHiHat', ' Tone ClosedHiHat', ' Sequence {1 0 72; 2 0 48; 3 0 54; 4 0 66; 5 0 48; 6 0 54}', 'End',
    'Begin Chord', ' Voice NylonGuitar', ' Octave 5', ' Volume mp', ' Sequence {1 4 74; 2 4 54; 3 4 58; 4 4 68; 5 4 54; 6 4 58}', 'End',
    'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Sequence {1 2. 1 92; 4 2. 5 84}', 'End',
    'DefGroove Dev2Siciliana',
  ],
  Dev2Jig: [
    'SeqClear', 'Time 6', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 92; 4 0 84}', 'End',
    'Begin Drum-Tambourine', ' Tone Tambourine', ' Sequence {1 0 70; 3 0 50; 4 0 66; 6 0 50}', 'End',
    'Begin Chord', ' Voice Accordion', ' Octave 5', ' Volume mp', ' Sequence {1 4 76; 3 4 60; 4 4 72; 6 4 60}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 4 1 90; 4 4 5 84}', 'End',
    'DefGroove Dev2Jig',
  ],
  Dev2TwoThree: [
    'SeqClear', 'Time 5', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 100; 3 0 90}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {2 0 82; 5 0 80}', 'End',
    'Begin Drum-ClosedHiHat', ' Tone ClosedHiHat', ' Sequence {1 0 70; 2 0 58; 3 0 68; 4 0 58; 5 0 60}', 'End',
    'Begin Chord', ' Voice Organ1', ' Octave 5', ' Volume mp', ' Sequence {1 2 76; 3 2. 70}', 'End',
    'Begin Bass', ' Voice FingeredBass', ' Octave 3', ' Sequence {1 2 1 92; 3 2. 5 86}', 'End',
    'DefGroove Dev2TwoThree',
  ],
  Dev2TwoTwoThree: [
    'SeqClear', 'Time 7', 'SeqSize 1',
    'Begin Drum-KickDrum1', ' Tone KickDrum1', ' Sequence {1 0 100; 3 0 88; 5 0 92}', 'End',
    'Begin Drum-SnareDrum1', ' Tone SnareDrum1', ' Sequence {2 0 80; 4 0 80; 6 0 82}', 'End',
    'Begin Drum-ClosedHiHat', ' Tone ClosedHiHat', ' Sequence {1 0 70; 2 0 58; 3 0 66; 4 0 58; 5 0 68; 6 0 58; 7 0 56}', 'End',
    'Begin Chord', ' Voice Piano3', ' Octave 5', ' Volume mp', ' Sequence {1 2 76; 3 2 70; 5 2. 72}', 'End',
    'Begin Bass', ' Voice AcousticBass', ' Octave 3', ' Sequence {1 2 1 92; 3 2 5 84; 5 2. 1 88}', 'End',
    'DefGroove Dev2TwoTwoThree',
  ],
};

/** Beatless drones on chords no other set uses (F, Ab, B minor, D sus4). */
export const DEV2_DRONES: Drone[] = [
  { hz: [87.3, 130.8, 174.6, 220], lfo: 0.055, noise: 'pink', amp: 0.015 },
  { hz: [103.8, 155.6, 207.7, 261.6], lfo: 0.075, noise: 'brown', amp: 0.02 },
  { hz: [61.7, 92.5, 123.5, 146.8], lfo: 0.095, noise: 'white', amp: 0.005 },
  { hz: [73.4, 110, 146.8, 196], lfo: 0.065, noise: 'pink', amp: 0.01 },
];

/** SoundFont pairs, one per unit in turn: never the held-out set's csound sf_GMbank or OPL3. */
export const DEV2_FONT_PAIRS: [SoundFont, SoundFont][] = [
  ['fluidr3', 'musescore'],
  ['musescore', 'timgm6mb'],
  ['timgm6mb', 'fluidr3'],
  ['musescore', 'fluidr3'],
  ['timgm6mb', 'musescore'],
  ['fluidr3', 'timgm6mb'],
];

/** MMA's own example MIDI files (Debian `mma`, /usr/share/doc/mma/examples): [dir-file, bytes]. */
function mmaExampleMidis(): [string, Buffer][] {
  let files: string[] = [];
  try {
    files = execFileSync('dpkg', ['-L', 'mma'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.startsWith('/usr/share/doc/mma/examples/') && /\.midi?$/i.test(l) && existsSync(l))
      .sort();
  } catch {
    console.error('(mma not installed)');
  }
  return files.map((f) => [`${basename(dirname(f))}-${basename(f).replace(/\.midi?$/i, '')}`, readFileSync(f)]);
}

/**
 * Why `s` may not be in dev2 (undefined: it may): heldoutClash (a file named as a family another set uses, or a
 * stdlib family related to one), then `clashOf` of split-families.ts (a test family; a held-out family — for another
 * library's file: the same library's related family or the same file name in another library).
 */
export function dev2Clash(s: Pick<HeldoutSong, 'lib' | 'file'>, used: Set<string>, clashOf: (fam: string) => string | undefined): string | undefined {
  if (s.lib === 'here') return undefined;
  const held = heldoutClash(s, used);
  if (held) return held;
  const fam = s.lib === 'stdlib' ? s.file : `${s.lib}/${s.file}`;
  const c = clashOf(fam);
  return c ? `${fam} is related to test or held-out family ${c}` : undefined;
}

/** Plans every dev2 file (nothing rendered); refusals are logged. Throws when split.json is missing. */
export function planDev2(out: string, sec: number): HeldoutJob[] {
  const used = usedMmaFamilies(out);
  const { clashOf } = splitFamilies(join(out, 'split.json'));
  const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  // dev/test's MIDI packages and the held-out set's MIDI files (not MMA's examples: key-set is dev-side)
  const usedHashes = usedMidiHashes(['openttd-openmsx', 'planetblupi-music-midi', 'freedink-data']);
  for (const [, b] of [...freedoomMidis(), ...abcMidis(join(out, 'work', 'heldout'))]) usedHashes.add(hash(b));
  return planSongSet(out, sec, {
    set: 'dev2',
    prefix: 'd2',
    songs: DEV2_SONGS,
    grooves: DEV2_GROOVES,
    drones: DEV2_DRONES,
    fontPairs: DEV2_FONT_PAIRS,
    clash: (s) => dev2Clash(s, used, clashOf),
    midi: [{ kind: 'midi', tag: 'tune', category: 'tune-midi', list: mmaExampleMidis() }],
    usedHashes,
    modeRule: true,
  });
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
  const jobs = planDev2(OUT, SEC);
  if (args.retruth) {
    // the key truth of a built set under modeHeard (issue 11, session 9), nothing rendered
    const changed = retruthManifest(join(OUT, 'manifest-dev2.json'), jobs);
    for (const c of changed) console.log(`${c.trusted ? 'trusted' : 'untrusted'}: ${c.file}`);
    console.log(`dev2 --retruth: keyTrusted changed on ${changed.length} files`);
    return;
  }
  mkdirSync(join(OUT, 'dev2'), { recursive: true });
  const counts = heldoutCounts(jobs.map((j) => j.item));
  console.log(`dev2 plan: ${jobs.length} files in ${new Set(jobs.map((j) => j.unit)).size} units`);
  for (const [k, v] of Object.entries(counts).sort()) console.log(`  ${k.padEnd(22)} ${v}`);
  writeFileSync(join(OUT, 'dev2-units.json'), JSON.stringify({ rule: 'tools/eval/dev2-set.ts: dev-side families and sources the held-out set does not hold', counts, units: Object.fromEntries([...new Set(jobs.map((j) => j.unit))].map((u) => [u, jobs.filter((j) => j.unit === u).map((j) => j.item.file)])) }, null, 1));
  if (args['plan-only']) return;

  const t0 = Date.now();
  await renderJobs(
    jobs.map((j) => {
      const out = join(OUT, 'dev2', j.item.file);
      return { out, make: () => j.make(out) };
    }),
    JOBS,
    (done) => writeFileSync(join(OUT, 'manifest-dev2.json'), JSON.stringify({ sec: SEC, rule: 'tools/eval/dev2-set.ts', items: jobs.filter((_, i) => done.has(i)).map((j) => j.item) }, null, 1)),
  );
  writeFileSync(join(OUT, 'dev2', 'READY'), `${jobs.length} files, manifest-dev2.json\n`);
  console.log(`dev2: ${jobs.length} files in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

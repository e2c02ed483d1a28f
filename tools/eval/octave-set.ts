// Training renders for the tempo's octave decision (issue 11): MMA grooves that
// NEITHER eval set of build-set.ts uses (checked against split.json at run
// time: a groove file whose name is in a test unit, or a relative such as
// rb-ballad of rb, is refused), so no groove family of the held-out test set is
// in it. Fast duple grooves at 160–210 BPM and slow ballads at 55–80 (the two
// sides the octave choice confuses), each also at a middle tempo so the model
// does not learn "always flip"; two SoundFonts alternating, two pattern
// variants, 30 s MP3 192 kb/s like the eval sets. The truth is MMA's tempo
// (the quarter note), the convention of build-set.ts.
//
//   nice node --import tsx tools/eval/octave-set.ts [--out test/output/tempo-octave]
//   then tools/eval/octave-train.ts reads it (with the dev set and tempo-synth)
//
// Writes OUT/octave/*.mp3 and OUT/manifest.json (EvalItem rows with set "octave", source = groove family;
// key: the progression's, songKey, which tools/eval/calibrate.ts uses).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { renderMmaSong, songKey, songProgression, TEMPO_SET_SOUNDFONTS as SF } from './mma-render';
import { splitFamilies } from './split-families';

const IS_MAIN = !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
const { values: args } = parseArgs({
  args: IS_MAIN ? process.argv.slice(2) : [],
  options: {
    out: { type: 'string', default: 'test/output/tempo-octave' },
    split: { type: 'string', default: 'test/output/eval/split.json' },
  },
});
const OUT = args.out;
const SPLIT = args.split;
const SEC = 30;

/** [groove family (file), variant grooves] */
const FAST: [string, string[]][] = [
  ['chacha', ['ChaCha', 'ChaCha1']], ['bubblerock', ['BubbleRock', 'BubbleRockPlus']], ['twist', ['Twist', 'Twist4']],
  ['jive', ['Jive', 'Jive1']], ['bebop', ['Bebop', 'BebopPlus']], ['mambo', ['Mambo', 'Mambo1']],
  ['son', ['Son', 'SonPlus']], ['zydeco', ['Zydeco', 'ZydecoPlus']], ['boneym', ['BoneyM', 'BoneyMPlus']],
  ['dixie', ['Dixie', 'Dixie1']], ['merengue', ['Merengue', 'Merengue1']], ['bluegrass', ['BlueGrass', 'BlueGrassClap']],
  ['salsa', ['Salsa', 'SalsaPlus']], ['showtune', ['ShowTune', 'ShowTune1']], ['ragtime', ['RagTime', 'RagtimePlus']],
  ['boggiewoggie', ['BoggieWoggie', 'BoggieWoggie1']], ['folk', ['Folk', 'FolkWalk']], ['calypso', ['Calypso', 'Calypso1']],
];
const SLOW: [string, string[]][] = [
  ['rockballad', ['RockBallad', 'RockBallad1']], ['guitarballad', ['GuitarBallad', 'GuitarBallad1']], ['folkballad', ['FolkBallad', 'FolkBallad1']],
  ['modernjazz', ['ModernJazz', 'ModernJazz1']], ['jazzguitar', ['JazzGuitar', 'JazzGuitarWalk']], ['slowcountry', ['SlowCountry', 'SlowCountryWalk']],
  ['slowjazz', ['SlowJazz', 'SlowJazzWalk']], ['folkyjazz', ['FolkyJazzGuitar', 'FolkyJazzGuitarPlus']], ['evansish', ['Evansish', 'EvansishPlus']], ['mellowjazz', ['MellowJazz', 'MellowJazzPlus']],
  ['nitejazz', ['NiteJazz', 'NiteJazzPlus']], ['slowbroadway', ['SlowBroadway', 'SlowBroadway1']], ['slowbolero', ['SlowBolero', 'SlowBoleroPlus']],
  ['dsoul', ['DSoul', 'DSoulPlus']], ['desert', ['Desert', 'Desert']], ['bvfunk', ['BVFunk', 'BVFunk']], ['lfusion', ['LFusion', 'LFusion1']],
];

/** One song of the set: its groove family, MMA groove, tempo (quarter notes), category and its index (progression, SoundFont). */
export interface OctaveSong {
  fam: string;
  groove: string;
  bpm: number;
  cat: string;
  /** index in the set: songProgression(i), TEMPO_SET_SOUNDFONTS[i % 2] */
  i: number;
  /** file stem, "oct-<groove>-<bpm>" */
  name: string;
}

/**
 * The set's songs in order, families related to a test or held-out family (split-families.ts clashOf on
 * `split`) left out with a line on the console. Throws when `split` is missing or not JSON.
 */
export function octaveSongs(split = 'test/output/eval/split.json'): OctaveSong[] {
  // no groove family of the test set (nor a name that contains one, e.g. rb-ballad / rb)
  const { clashOf } = splitFamilies(split);
  const keep = (list: [string, string[]][]) =>
    list.filter(([fam]) => {
      const clash = clashOf(fam);
      if (clash) console.log(`skipped groove family ${fam}: (related to) test family ${clash}`);
      return !clash;
    });
  const songs: Omit<OctaveSong, 'i' | 'name'>[] = [];
  keep(FAST).forEach(([fam, v], i) => {
    songs.push({ fam, groove: v[0], bpm: 160 + ((i * 7) % 51), cat: 'fast' });
    songs.push({ fam, groove: v[1], bpm: 100 + ((i * 11) % 41), cat: 'pop4' });
  });
  keep(SLOW).forEach(([fam, v], i) => {
    songs.push({ fam, groove: v[0], bpm: 55 + ((i * 5) % 26), cat: 'soft' });
    songs.push({ fam, groove: v[1], bpm: 84 + ((i * 7) % 31), cat: 'pop4' });
  });
  return songs.map((s, i) => ({ ...s, i, name: `oct-${s.groove.toLowerCase()}-${s.bpm}` }));
}

if (IS_MAIN) {
  mkdirSync(join(OUT, 'octave'), { recursive: true });
  mkdirSync(join(OUT, 'work'), { recursive: true });
  const songs = octaveSongs(SPLIT);
  const items: object[] = [];
  songs.forEach(({ fam, groove, bpm, cat, i, name }) => {
    const file = `${name}.mp3`;
    const out = join(OUT, 'octave', file);
    if (!existsSync(out)) renderMmaSong({ name, groove, tempo: bpm, beatsPerBar: 4, chords: songProgression(i), soundfont: SF[i % 2], sec: SEC, work: join(OUT, 'work'), out });
    items.push({ set: 'octave', file, source: `mma:${fam}`, category: cat, bpm, meter: 4, meterClass: '4/4', sourceKind: 'mma', key: songKey(i), keyTrusted: true, soundfont: i % 2 ? 'timgm6mb' : 'fluidr3', stretch: 1, shift: 0, introSec: 0 });
  });
  writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
  console.log(`${items.length} files in ${join(OUT, 'octave')}`);
}

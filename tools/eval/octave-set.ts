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
import { parseArgs } from 'node:util';
import { renderMmaSong, songKey, songProgression, TEMPO_SET_SOUNDFONTS as SF } from './mma-render';
import { splitFamilies } from './split-families';

const { values: args } = parseArgs({
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

// no groove family of the test set (nor a name that contains one, e.g. rb-ballad / rb)
const { clashOf } = splitFamilies(SPLIT);
for (const list of [FAST, SLOW])
  for (let i = list.length - 1; i >= 0; i--) {
    const clash = clashOf(list[i][0]);
    if (clash) {
      console.log(`skipped groove family ${list[i][0]}: (related to) test family ${clash}`);
      list.splice(i, 1);
    }
  }

mkdirSync(join(OUT, 'octave'), { recursive: true });
mkdirSync(join(OUT, 'work'), { recursive: true });
const songs: { fam: string; groove: string; bpm: number; cat: string }[] = [];
FAST.forEach(([fam, v], i) => {
  songs.push({ fam, groove: v[0], bpm: 160 + ((i * 7) % 51), cat: 'fast' });
  songs.push({ fam, groove: v[1], bpm: 100 + ((i * 11) % 41), cat: 'pop4' });
});
SLOW.forEach(([fam, v], i) => {
  songs.push({ fam, groove: v[0], bpm: 55 + ((i * 5) % 26), cat: 'soft' });
  songs.push({ fam, groove: v[1], bpm: 84 + ((i * 7) % 31), cat: 'pop4' });
});
const items: object[] = [];
songs.forEach(({ fam, groove, bpm, cat }, i) => {
  const name = `oct-${groove.toLowerCase()}-${bpm}`;
  const file = `${name}.mp3`;
  const out = join(OUT, 'octave', file);
  if (!existsSync(out)) renderMmaSong({ name, groove, tempo: bpm, beatsPerBar: 4, chords: songProgression(i), soundfont: SF[i % 2], sec: SEC, work: join(OUT, 'work'), out });
  items.push({ set: 'octave', file, source: `mma:${fam}`, category: cat, bpm, meter: 4, meterClass: '4/4', sourceKind: 'mma', key: songKey(i), keyTrusted: true, soundfont: i % 2 ? 'timgm6mb' : 'fluidr3', stretch: 1, shift: 0, introSec: 0 });
});
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
console.log(`${items.length} files in ${join(OUT, 'octave')}`);

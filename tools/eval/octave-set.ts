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
// key: the progression's, I vi IV V of a major key, which tools/eval/calibrate.ts uses).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chordName } from '../../main/engine/analysis/keys';

const argv = process.argv.slice(2);
const OUT = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'test/output/tempo-octave';
const SPLIT = argv.includes('--split') ? argv[argv.indexOf('--split') + 1] : 'test/output/eval/split.json';
const SEC = 30;
const SF = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/TimGM6mb.sf2'];

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
const units = (JSON.parse(readFileSync(SPLIT, 'utf8')) as { units: Record<string, { set: string }> }).units;
const testFamilies = Object.entries(units).filter(([k, v]) => v.set === 'test' && k.startsWith('mma:')).map(([k]) => k.slice(4));
/** a family's stem: digits and a tempo/style prefix removed (ballad68 → ballad, fastblues → blues) */
const norm = (x: string) => x.replace(/\d+/g, '').replace(/^(slow|fast|string|country|pop|rb-)/, '');
const clashOf = (fam: string) => testFamilies.find((t) => fam === t || norm(fam) === norm(t) || (t.length >= 4 && (fam.startsWith(t) || fam.endsWith(t))));
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
const jobs = argv.includes('--jobs') ? Number(argv[argv.indexOf('--jobs') + 1]) : 1;
const items: object[] = [];
const pending: (() => Promise<void>)[] = [];
songs.forEach(({ fam, groove, bpm, cat }, i) => {
  const name = `oct-${groove.toLowerCase()}-${bpm}`;
  const file = `${name}.mp3`;
  const out = join(OUT, 'octave', file);
  const t = (i * 5) % 12;
  if (!existsSync(out))
    pending.push(async () => {
      const prog = [chordName(t, false), chordName(t + 9, true), chordName(t + 5, false), chordName(t + 7, false)];
      const bars = Math.ceil((SEC + 4) / ((4 * 60) / bpm)) + 1;
      const lines = [`Tempo ${bpm}`, `Groove ${groove}`];
      for (let b = 0; b < bars; b++) lines.push(`${b + 1} ${prog[b % 4]}`);
      const src = join(OUT, 'work', `${name}.mma`);
      const mid = join(OUT, 'work', `${name}.mid`);
      writeFileSync(src, lines.join('\n') + '\n');
      execFileSync('mma', [src, '-f', mid], { stdio: 'ignore' });
      const raw = `${out}.raw`;
      execFileSync('bash', ['-c', `fluidsynth -ni -q -F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${SF[i % 2]}' '${mid}' 2>/dev/null | head -c ${(SEC + 2) * 44100 * 8} > '${raw}'`]);
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', raw, '-t', String(SEC), '-c:a', 'libmp3lame', '-b:a', '192k', out]);
      execFileSync('rm', ['-f', raw]);
    });
  items.push({ set: 'octave', file, source: `mma:${fam}`, category: cat, bpm, meter: 4, meterClass: '4/4', sourceKind: 'mma', key: { tonic: t, mode: 'major' }, keyTrusted: true, soundfont: i % 2 ? 'timgm6mb' : 'fluidr3', stretch: 1, shift: 0, introSec: 0 });
});
void jobs;
for (const p of pending) await p();
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
console.log(`${items.length} files in ${join(OUT, 'octave')}`);

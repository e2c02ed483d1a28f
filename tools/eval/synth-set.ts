// A third tempo set for the metrical-level work of issue 11, kept apart from
// the dev/test sets of build-set.ts: MMA grooves that build-set does NOT use
// (so no song, groove or progression of the held-out test set is in it), at
// tempi chosen to stress the level choice (3/4 from 100 to 200 BPM, 6/8,
// swing, 4/4 above 160, ballads, drums only). One render per song,
// alternating FluidR3_GM / TimGM6mb, 30 s MP3 192 kb/s. It is a check that a
// rule tuned on dev generalises before the test set is touched; tune on dev.
//
//   nice node --import tsx tools/eval/synth-set.ts [--out test/output/tempo-synth]
//   nice node --import tsx tools/eval/dev-cache.ts --out test/output/tempo-synth --set synth
//
// Writes OUT/synth/*.mp3 and OUT/manifest.json (EvalItem rows with set "synth"; key: the
// progression's, songKey, none for drums only; tools/eval/calibrate.ts uses it).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { renderMmaSong, songKey, songProgression, TEMPO_SET_SOUNDFONTS as SF } from './mma-render';

const IS_MAIN = !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
const { values: args } = parseArgs({ args: IS_MAIN ? process.argv.slice(2) : [], options: { out: { type: 'string', default: 'test/output/tempo-synth' } } });
const OUT = args.out;
const SEC = 30;

/** groove, MMA tempo, MMA beats per listener beat, listener meter, drums only (song i: songProgression(i), TEMPO_SET_SOUNDFONTS[i % 2]) */
export const SYNTH_SONGS: [string, number, number, number, boolean][] = [
  ['BroadwayWaltz', 180, 1, 3, false],
  ['FastWaltz', 190, 1, 3, false],
  ['LatinWaltz', 120, 1, 3, false],
  ['ModernJazzWaltz', 160, 1, 3, false],
  ['FastJazzWaltz', 200, 1, 3, false],
  ['ArpeggioWaltz', 100, 1, 3, false],
  ['FastWaltz', 170, 1, 3, true],
  ['Arpeggio68', 270, 3, 2, false],
  ['60sRock', 140, 1, 4, false],
  ['BubbleRock', 112, 1, 4, false],
  ['Twist', 168, 1, 4, false],
  ['Jive', 176, 1, 4, false],
  ['Twist', 190, 1, 4, true],
  ['Foxtrot', 116, 1, 4, false],
  ['Rhumba', 104, 1, 4, false],
  ['Zydeco', 150, 1, 4, false],
  ['Tango', 124, 1, 4, false],
  ['Beguine', 108, 1, 4, false],
  ['HillCountry', 92, 1, 4, false],
  ['WesternSwing', 180, 1, 4, false],
  ['SoftShoe', 96, 1, 4, false],
  ['Strut', 98, 1, 4, false],
  ['RockBallad', 72, 1, 4, false],
  ['GuitarBallad', 68, 1, 4, false],
  ['FolkBallad', 80, 1, 4, false],
  ['Ballad', 64, 1, 4, false],
  ['Bolero', 94, 1, 4, false],
  ['SlowJazz', 86, 1, 4, false],
  ['Spiritual', 140, 1, 4, false],
  ['Bebop', 196, 1, 4, false],
  ['60sRock', 90, 1, 4, true],
  ['Mambo', 184, 1, 4, false],
];

/** song i's file stem ("syn-<groove>-<listener bpm>[-drums]") and its category in the manifest */
export function synthName([groove, tempo, per, meter, drums]: (typeof SYNTH_SONGS)[number]): { name: string; category: string } {
  const bpm = tempo / per;
  return { name: `syn-${groove.toLowerCase()}-${Math.round(bpm)}${drums ? '-drums' : ''}`, category: drums ? 'percussion' : meter === 3 ? 'triple' : per > 1 ? 'compound' : bpm > 160 ? 'fast' : bpm < 90 ? 'soft' : 'pop4' };
}

if (IS_MAIN) {
  mkdirSync(join(OUT, 'synth'), { recursive: true });
  mkdirSync(join(OUT, 'work'), { recursive: true });
  const items: object[] = [];
  SYNTH_SONGS.forEach((song, i) => {
    const [groove, tempo, per, meter, drums] = song;
    const bpm = tempo / per;
    const { name, category } = synthName(song);
    const file = `${name}.mp3`;
    const out = join(OUT, 'synth', file);
    if (!existsSync(out)) renderMmaSong({ name, groove, tempo, beatsPerBar: meter * per, chords: drums ? null : songProgression(i), soundfont: SF[i % 2], sec: SEC, work: join(OUT, 'work'), out });
    items.push({ set: 'synth', file, source: name, category, bpm, meter, key: drums ? null : songKey(i), keyTrusted: !drums, soundfont: i % 2 ? 'timgm6mb' : 'fluidr3', stretch: 1, shift: 0, introSec: 0 });
  });
  writeFileSync(join(OUT, 'manifest.json'), JSON.stringify({ sec: SEC, items }, null, 1));
  console.log(`${items.length} files in ${join(OUT, 'synth')}`);
}

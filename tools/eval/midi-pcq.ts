// Prints what heldout-set.ts modeHeard reads for an MMA song of a built set: the quarter notes each pitch class sounds in
// its MIDI file (test/helpers/midi.ts pcQuarters, drums left out), and the tonic, minor third, major third and fifth of a
// stated key. Used by key19 (session 17) to check dev2's parallel-key misses' truths against their chord tracks' notes.
//   nice -n 10 node --import tsx tools/eval/midi-pcq.ts FILE.mid TONIC(0-11) major|minor [FILE.mid TONIC MODE …]
import { readFileSync } from 'node:fs';
import { parseMidi } from '../../test/helpers/midi';
import { modeHeard } from './heldout-set';

const N = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const a = process.argv.slice(2);
for (let i = 0; i + 2 < a.length; i += 3) {
  const [file, t, mode] = [a[i], Number(a[i + 1]), a[i + 2] as 'major' | 'minor'];
  const q = parseMidi(readFileSync(file)).pcQuarters;
  const at = (s: number) => q[(t + s) % 12];
  console.log(`${file.split('/').pop()} stated ${N[t]} ${mode}: tonic ${at(0).toFixed(0)}, minor 3rd ${at(3).toFixed(0)}, major 3rd ${at(4).toFixed(0)}, 5th ${at(7).toFixed(0)} quarters; modeHeard ${modeHeard(q, { tonic: t, mode })}; all: ${q.map((x, k) => `${N[k]} ${x.toFixed(0)}`).join(', ')}`);
}

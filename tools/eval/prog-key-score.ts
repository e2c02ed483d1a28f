// keydata18 (session 18, issue 11; exploratory): scores key finders on prog-key-set.ts' renders (test/output/key-prog),
// broken down by what the set varies: mode, progression kind (cadential = a dominant straight to the tonic chord
// somewhere in the loop; starts on the tonic or not), the kind cross, the phrase ending, the SoundFont and the texture.
// Finders: the shipped key analyser (its key as calibrate.ts --frames dumped it: the shipped TonalAnalyser, one decode),
// the essentia.js KeyExtractor peers edma / bgate / temperley and Queen Mary's GetKeyMode (tools/eval/key-peers.ts' cache
// of this set, key-peers.json), and as a reference for how much the written notes state the key, Krumhansl–Kessler
// correlation on the MIDI notes as planned (durations, drums left out; no audio).
// MIREX: keys.ts mirexKeyScore (exact 1, fifth 0.5, relative 0.3, parallel 0.2), summed (and the mean in brackets).
//
//   nice -n 15 node --import tsx tools/eval/calibrate.ts --key-only --dev2 --key-prog test/output/key-prog --frames test/output/keydata18/frames
//   nice -n 15 node --import tsx tools/eval/key-peers.ts --set test/output/key-prog
//   nice -n 15 node --import tsx tools/eval/prog-key-score.ts [--set test/output/key-prog] [--frames test/output/keydata18/frames] [--json OUT]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { planSet } from './prog-key-set';

const { values: args } = parseArgs({ options: { set: { type: 'string', default: 'test/output/key-prog' }, frames: { type: 'string', default: 'test/output/keydata18/frames' }, json: { type: 'string' } } });
interface Item { file: string; key: Key; progId: string; progFamily: string; cadential: boolean; startsTonic: boolean; ending: string; font: string; texture: string; progression: string; drums: boolean }
const man = JSON.parse(readFileSync(join(args.set, 'manifest.json'), 'utf8')) as { seed: number; songs: number; items: Item[] };
const peersPath = join(args.set, 'work', 'key-peers.json');
const peers = existsSync(peersPath) ? (JSON.parse(readFileSync(peersPath, 'utf8')) as Record<string, Record<string, Key | null>>) : {};
const PEERS = ['essentia key edma', 'essentia key bgate', 'essentia key temperley', 'qm-dsp (Mixxx)'];

// Krumhansl–Kessler on the planned notes (the plan is the manifest's seed and size: the same notes the MIDI has)
const KM = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const Km = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
function kk(h: number[]): Key {
  const corr = (a: number[], b: number[]) => {
    const ma = a.reduce((x, y) => x + y) / 12, mb = b.reduce((x, y) => x + y) / 12;
    let n = 0, da = 0, db = 0;
    for (let i = 0; i < 12; i++) { n += (a[i] - ma) * (b[i] - mb); da += (a[i] - ma) ** 2; db += (b[i] - mb) ** 2; }
    return n / Math.sqrt(da * db);
  };
  let best = -2, key: Key = { tonic: 0, mode: 'major' };
  for (let t = 0; t < 12; t++) for (const [m, p] of [['major', KM], ['minor', Km]] as const) {
    const c = corr(h, p.map((_, i) => p[(i - t + 12) % 12]));
    if (c > best) { best = c; key = { tonic: t, mode: m }; }
  }
  return key;
}
const plan = new Map(planSet(man.songs, man.seed).map((s) => [s.file, s]));

const est: Record<string, Map<string, Key | null>> = { shipped: new Map(), ...Object.fromEntries(PEERS.map((p) => [p, new Map()])), 'KK on the notes': new Map() };
const rows: Item[] = [];
for (const it of man.items) {
  const f = join(args.frames, `keyprog__${it.file}.json`);
  if (!existsSync(f) || !peers[it.file]) continue;
  rows.push(it);
  const d = JSON.parse(readFileSync(f, 'utf8')) as { key: Key | null };
  est.shipped.set(it.file, d.key);
  for (const p of PEERS) est[p].set(it.file, peers[it.file][p] ?? null);
  const s = plan.get(it.file)!;
  const h = new Array(12).fill(0);
  for (const n of s.notes) if (n.ch !== 9) h[n.note % 12] += n.len;
  est['KK on the notes'].set(it.file, kk(h));
}
const names = Object.keys(est);
const score = (name: string, xs: Item[]) => xs.reduce((a, it) => { const k = est[name].get(it.file); return a + (k ? mirexKeyScore(it.key, k) : 0); }, 0);
const right = (name: string, xs: Item[]) => xs.filter((it) => { const k = est[name].get(it.file); return k && k.tonic === it.key.tonic && k.mode === it.key.mode; }).length;
const groups: [string, (it: Item) => boolean][] = [
  ['all', () => true],
  ['major', (it) => it.key.mode === 'major'],
  ['minor', (it) => it.key.mode === 'minor'],
  ['cadential', (it) => it.cadential],
  ['non-cadential', (it) => !it.cadential],
  ['starts on the tonic', (it) => it.startsTonic],
  ['starts away', (it) => !it.startsTonic],
  ['cadential, tonic start', (it) => it.cadential && it.startsTonic],
  ['cadential, starts away', (it) => it.cadential && !it.startsTonic],
  ['non-cadential, tonic start', (it) => !it.cadential && it.startsTonic],
  ['non-cadential, starts away', (it) => !it.cadential && !it.startsTonic],
  ...['authentic', 'plagal', 'deceptive', 'half', 'open'].map((e) => [`ending ${e}`, (it: Item) => it.ending === e] as [string, (it: Item) => boolean]),
  ...['fluidr3', 'timgm6mb', 'musescore', 'gmbank'].map((e) => [`font ${e}`, (it: Item) => it.font === e] as [string, (it: Item) => boolean]),
  ...['block', 'arp', 'pad', 'pad+arp'].map((e) => [`texture ${e}`, (it: Item) => it.texture === e] as [string, (it: Item) => boolean]),
];
console.log(`${rows.length} of ${man.items.length} files scored (${new Set(rows.map((r) => r.progId)).size} progressions, ${new Set(rows.map((r) => r.progFamily)).size} families)`);
console.log(`| files | n | ${names.join(' | ')} |`);
console.log(`| --- | --: | ${names.map(() => '--:').join(' | ')} |`);
const out: Record<string, Record<string, { n: number; mirex: number; right: number }>> = {};
for (const [g, f] of groups) {
  const xs = rows.filter(f);
  if (!xs.length) continue;
  out[g] = Object.fromEntries(names.map((n) => [n, { n: xs.length, mirex: score(n, xs), right: right(n, xs) }]));
  console.log(`| ${g} | ${xs.length} | ${names.map((n) => `${score(n, xs).toFixed(1)} (${(score(n, xs) / xs.length).toFixed(3)}; ${right(n, xs)})`).join(' | ')} |`);
}
// the shipped analyser's misses by kind (as key-score.ts names them)
const kindOf = (t: Key, k: Key | null) => {
  if (!k) return 'none';
  const d = (k.tonic - t.tonic + 12) % 12;
  if (k.mode === t.mode) return d === 0 ? 'right' : d === 7 ? 'fifth' : d === 5 ? 'fourth' : 'other';
  if ((t.mode === 'major' && d === 9) || (t.mode === 'minor' && d === 3)) return 'relative';
  return d === 0 ? 'parallel' : 'other';
};
for (const n of ['shipped', 'essentia key edma', 'KK on the notes']) {
  const c: Record<string, number> = {};
  for (const it of rows) { const k = kindOf(it.key, est[n].get(it.file) ?? null); c[k] = (c[k] ?? 0) + 1; }
  console.log(`${n}: ${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 1));

// The key-change flag (tonal.ts keySections; issue 10 kind 4) on development data, from the
// key-dev.ts peak caches (run key-dev.ts once first; nothing is decoded here): each file's chroma
// on its own tuning, as the product computes it, then
//   steady: every file with a trusted key looped ×2 and ×3 (60–120 s in one key): any flag is a false alarm;
//   pairs:  two files joined (file i, then file i + 1 of another family, in manifest order): flagged
//           or not, by whether their keys are on different scales (a real change) or one scale.
// Dev-side sets only (eval dev, and --also sets of the same layout, e.g. key-set); never the test set.
//
//   nice node --import tsx tools/eval/key-sections.ts [--out test/output/eval] [--also test/output/key-set]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keyName } from '../../main/engine/analysis/keys';
import { estimateTuning, foldChroma, frameTriads, keySections, PitchFrames, TONAL_DEFAULTS } from '../../main/engine/analysis/tonal';
import type { EvalItem } from './build-set';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'test/output/eval' }, also: { type: 'string', multiple: true, default: [] }, verbose: { type: 'boolean', default: false } } });
const HOP_SEC = 1024 / 5512.5;
interface Track {
  file: string;
  family: string;
  key: number;
  chroma: Float32Array;
  active: boolean[];
}
const tracks: Track[] = [];
for (const dir of [args.out, ...args.also]) {
  for (const it of (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: EvalItem[] }).items) {
    if (it.set !== 'dev' || !it.key || !it.keyTrusted) continue;
    const base = join(dir, 'work', 'key-dev', `${it.file.replace(/\.mp3$/, '')}-2048`);
    if (!existsSync(base + '.json')) continue;
    const j = JSON.parse(readFileSync(base + '.json', 'utf8')) as { start: number[]; energy: number[] };
    const f = new Float32Array(Uint8Array.from(readFileSync(base + '.f')).buffer);
    const m = new Float32Array(Uint8Array.from(readFileSync(base + '.m')).buffer);
    const pf = new PitchFrames(TONAL_DEFAULTS);
    const frames = j.start.length;
    for (let fr = 0; fr < frames; fr++) {
      pf.newFrame(j.energy[fr]);
      const end = fr + 1 < frames ? j.start[fr + 1] : f.length;
      for (let i = j.start[fr]; i < end; i++) if (f[i] >= 65) pf.addPeak(f[i], m[i] * m[i]);
    }
    const chroma = foldChroma(pf.fine, frames, estimateTuning(pf));
    const maxE = j.energy.reduce((a, v) => (v > a ? v : a), 0);
    tracks.push({ file: it.file, family: it.source, key: it.key.mode === 'major' ? it.key.tonic : 12 + it.key.tonic, chroma, active: j.energy.map((v) => maxE > 0 && v > maxE * 1e-6) });
  }
}
function flag(parts: Track[]) {
  const frames = parts.reduce((s, t) => s + t.active.length, 0);
  const chroma = new Float32Array(frames * 12);
  const active: boolean[] = [];
  let o = 0;
  for (const t of parts) {
    chroma.set(t.chroma, o * 12);
    active.push(...t.active);
    o += t.active.length;
  }
  return keySections(chroma, frames, active, frameTriads(chroma, frames, active), HOP_SEC, 0, TONAL_DEFAULTS);
}
const maj = (k: number) => (k < 12 ? k : (k - 12 + 3) % 12);
const name = (k: number) => keyName({ tonic: k % 12, mode: k < 12 ? 'major' : 'minor' });
for (const loop of [2, 3]) {
  const hits = tracks.filter((t) => flag(new Array(loop).fill(t)));
  console.log(`steady, looped ×${loop}: ${hits.length} of ${tracks.length} flagged (false alarms)${hits.length ? ': ' + hits.map((t) => t.file).join(', ') : ''}`);
}
const pairs = { change: [0, 0], same: [0, 0] };
for (let i = 0; i < tracks.length; i++) {
  const a = tracks[i];
  const b = tracks.slice(i + 1).concat(tracks.slice(0, i)).find((t) => t.family !== a.family);
  if (!b) continue;
  const change = maj(a.key) !== maj(b.key);
  const v = flag([a, b]);
  const p = change ? pairs.change : pairs.same;
  p[1]++;
  if (v) p[0]++;
  if (args.verbose && !!v !== change) console.log(`  ${change ? 'missed' : 'false '} ${a.file} (${name(a.key)}) + ${b.file} (${name(b.key)}): ${JSON.stringify(v)}`);
}
console.log(`pairs joined at a key change (different scales): ${pairs.change[0]} of ${pairs.change[1]} flagged`);
console.log(`pairs in one scale (same or relative key): ${pairs.same[0]} of ${pairs.same[1]} flagged (false alarms)`);
if (args.verbose)
  for (const t of tracks) {
    const v = flag([t, t]);
    if (v) console.log(`  looped ×2 ${t.file} (${name(t.key)}): ${JSON.stringify(v)}`);
  }

// The nnls-blend key decision's misses on development-side sets, by kind, with each miss's tonic-triad shares, and a tonic-triad
// cue per neighbour (key12, session 12; diagnostic, nothing ships from it): move the stated key to its V, IV, relative,
// parallel or (a major key) its ii minor — the Dorian reading — when the frames whose NNLS triad is that key's tonic triad
// outnumber the stated key's by a factor f (1.5, 2, 3, 4); per cue the files moved, fixed and broken, per set (+ fixed, − broken).
// Reads key-dev.ts's cached peaks of DIRs laid out as key-refit.ts's (devKeyItems: files with a trusted key).
//   nice node --import tsx tools/eval/key-misses.ts DIR [DIR …] [--fold] [--list]
// --fold (key17, session 15): the shipped decision (TONAL_DEFAULTS, chromaFrom 'fold', as key-tonic.ts' analyse: no
// NNLS in the key, the pitched share passed); the tonic-triad counts still read the NNLS triads.
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { CADENCE_THIRD_MIN, estimateKey, estimateTuning, frameTriads, TRIAD_TONE_MIN, TONAL_DEFAULTS } from '../../main/engine/analysis/tonal';
import { confusion, devKeyItems, keyOfResult, peaksOf, pitchedShareOf, pitchFramesOf } from './key-score';
const FOLD = process.argv.includes('--fold');
/** --list (key17): each cue's fixed and broken files */
const LIST = process.argv.includes('--list');
const DIRS = process.argv.slice(2).filter((a) => a !== '--fold' && a !== '--list');
type R = { dir: string; file: string; truth: Key; est: Key; cls: string; cnt: number[]; last: number };
const rows: R[] = [];
for (const dir of DIRS)
  for (const { item } of devKeyItems(dir)) {
    const p = peaksOf(dir, item.file);
    if (!p) continue;
    const prm = { ...TONAL_DEFAULTS, chromaFrom: FOLD ? ('fold' as const) : ('nnls-blend' as const) };
    const pf = pitchFramesOf(p, prm);
    const frames = p.start.length;
    const cents = estimateTuning(pf);
    const chroma = pf.chroma(cents);
    const maxE = p.energy.reduce((m, v) => (v > m ? v : m), 0);
    const active = p.energy.map((v) => maxE > 0 && v > maxE * 1e-6);
    const triads = frameTriads(chroma, frames, active);
    const nn = (FOLD ? pitchFramesOf(p, { ...TONAL_DEFAULTS, chromaFrom: 'nnls-blend' as const }) : pf).noteChroma(cents);
    const heard = frameTriads(chroma, frames, active, TRIAD_TONE_MIN, CADENCE_THIRD_MIN);
    const k = estimateKey(chroma, frames, active, prm.profile, prm.threshold, undefined, prm, triads, FOLD ? { heard, minutes: (frames * 1024) / 5512.5 / 60, pitched: pitchedShareOf(p) } : { heard, minutes: (frames * 1024) / 5512.5 / 60, nnls: nn });
    const est = keyOfResult(k);
    if (!est) continue;
    const ntr = frameTriads(nn, frames, active);
    const cnt = new Array(24).fill(0);
    let last = -1;
    for (const t of ntr) if (t >= 0) { cnt[t]++; last = t; }
    rows.push({ dir, file: item.file, truth: item.key!, est, cls: confusion(item.key!, est), cnt, last });
  }
const tri = (k: Key) => k.tonic + (k.mode === 'minor' ? 12 : 0);
const shift = (k: Key, d: number, mode = k.mode): Key => ({ tonic: (k.tonic + d + 12) % 12, mode });
const rel = (k: Key): Key => (k.mode === 'major' ? shift(k, 9, 'minor') : shift(k, 3, 'major'));
const par = (k: Key): Key => ({ tonic: k.tonic, mode: k.mode === 'major' ? 'minor' : 'major' });
for (const dir of DIRS) {
  const rs = rows.filter((r) => r.dir === dir);
  console.log(`\n${dir}: ${rs.length} files, ${rs.filter((r) => r.cls === 'ok').length} right`);
  for (const r of rs.filter((x) => x.cls !== 'ok')) {
    const tot = r.cnt.reduce((a, b) => a + b, 0) || 1;
    console.log(`  ${r.cls.padEnd(8)} ${keyName(r.truth).padEnd(9)} → ${keyName(r.est).padEnd(9)} tonic triad share truth ${(r.cnt[tri(r.truth)] / tot).toFixed(2)} est ${(r.cnt[tri(r.est)] / tot).toFixed(2)} last ${r.last === tri(r.truth) ? 'truth' : r.last === tri(r.est) ? 'est' : r.last}  ${r.file}`);
  }
}
// the cue: move to the neighbour (V, IV, relative, parallel) when its tonic triad's frames outnumber the estimate's by a factor f
for (const f of [1.5, 2, 3, 4]) {
  for (const [name, nb] of [['V', (k: Key) => shift(k, 7)], ['IV', (k: Key) => shift(k, 5)], ['relative', rel], ['parallel', par], ['ii (dorian)', (k: Key) => (k.mode === 'major' ? shift(k, 2, 'minor') : k)]] as const) {
    let fixed = 0, broken = 0, moved = 0;
    const per: Record<string, string> = {};
    for (const r of rows) {
      const n = nb(r.est);
      if (r.cnt[tri(n)] > f * Math.max(1, r.cnt[tri(r.est)])) {
        moved++;
        const a = mirexKeyScore(r.truth, r.est) === 1, b = mirexKeyScore(r.truth, n) === 1;
        if (!a && b) { fixed++; per[r.dir] = (per[r.dir] ?? '') + '+'; }
        if (a && !b) { broken++; per[r.dir] = (per[r.dir] ?? '') + '-'; }
        if (LIST && a !== b) console.log(`    f ${f} ${name} ${a ? 'breaks' : 'fixes'} ${r.file}: ${keyName(r.truth)} stated ${keyName(r.est)} → ${keyName(n)}; tonic triads ${r.cnt[tri(r.est)]} vs ${r.cnt[tri(n)]}`);
      }
    }
    console.log(`cue f ${f} → ${name}: moved ${moved}, fixed ${fixed}, broken ${broken} ${JSON.stringify(per)}`);
  }
}
// (key17) the relative minor's dominant: a major key X whose (X + 4) major triad — the V of its relative minor, carrying
// the minor's raised leading tone, foreign to X major — holds at least a share s of the NNLS triad frames is read as its
// relative (X + 9) minor; per s the files moved, fixed and broken
for (const sh of [0.03, 0.05, 0.08, 0.12]) {
  let fixed = 0, broken = 0, moved = 0;
  const per: Record<string, string> = {};
  for (const r of rows) {
    if (r.est.mode !== 'major') continue;
    const tot = r.cnt.reduce((a, b) => a + b, 0) || 1;
    if (r.cnt[(r.est.tonic + 4) % 12] / tot < sh) continue;
    moved++;
    const n = rel(r.est), a = mirexKeyScore(r.truth, r.est) === 1, b = mirexKeyScore(r.truth, n) === 1;
    if (!a && b) { fixed++; per[r.dir] = (per[r.dir] ?? '') + '+'; }
    if (a && !b) { broken++; per[r.dir] = (per[r.dir] ?? '') + '-'; }
    if (LIST && a !== b) console.log(`    s ${sh} V-of-relative ${a ? 'breaks' : 'fixes'} ${r.file}: ${keyName(r.truth)} stated ${keyName(r.est)}; (X + 4) major share ${(r.cnt[(r.est.tonic + 4) % 12] / tot).toFixed(2)}`);
  }
  console.log(`cue V-of-relative share ≥ ${sh}: moved ${moved}, fixed ${fixed}, broken ${broken} ${JSON.stringify(per)}`);
}

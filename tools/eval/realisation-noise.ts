// How far the dev/test figures move when only the MMA songs' random realisation changes (session 39).
//
// MMA's grooves skip notes and vary their timing and velocity at random (RTime, RVolume, RSkip in
// /usr/share/mma/lib). Until session 38 nothing seeded MMA, so every build of the dev/test sets judged other
// realisations of the same songs; since then build-set.ts seeds each song (mma-render.ts mmaSeed), and
// `--mma-seed-salt S` builds another, equally reproducible realisation. This tool reads the per-file rows that
// test/bench/analysis-accuracy.ts --json writes for two or more builds (same analyser, same files by name) and prints,
// per set: Acc1, Acc2 and key MIREX per build, their spread, and every file whose verdict (Acc1, Acc2, exact key)
// differs between builds — the realisation noise that a "±2 files" ship rule on one build never saw.
//
//   nice node --import tsx tools/eval/build-set.ts --out test/output/eval-s1 --mma-seed-salt 1   # (+ --out eval-s2 …)
//   nice node --import tsx test/bench/analysis-accuracy.ts --out test/output/eval-s1 --set both --no-peers --json s1.json
//   nice node --import tsx tools/eval/realisation-noise.ts --run unseeded=u.json --run s1=s1.json --run s2=s2.json
//
// Metrics as analysis-accuracy.ts: Acc1 within 4 % (tempo-metrics.ts), Acc2 also ×2, ×½, ×3, ×⅓, over the files with
// a tempo truth; key MIREX (keys.ts mirexKeyScore) over the files whose key is trusted.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mirexKeyScore, keyName, type Key } from '../../main/engine/analysis/keys';
import { acc1, acc2 } from './tempo-metrics';

/** One file's row as analysis-accuracy.ts --json writes it (the fields read here). */
export interface NoiseRow {
  item: { set: string; file: string; sourceKind?: string; bpm: number | null; key: Key | null; keyTrusted?: boolean };
  ours: { bpm: number | null; key: Key | null };
}

/** The figures of one build on one set. Acc1/Acc2 over `tempoN` files (bpm truth), MIREX over `keyN` (trusted key). */
export interface SetFigures {
  acc1: number;
  acc2: number;
  mirex: number;
  tempoN: number;
  keyN: number;
}

/** Acc1, Acc2 and key MIREX of `rows` (one set of one build), as analysis-accuracy.ts reports them. */
export function figures(rows: NoiseRow[]): SetFigures {
  const t = rows.filter((r) => r.item.bpm != null);
  const k = rows.filter((r) => r.item.key && r.item.keyTrusted);
  return {
    acc1: t.filter((r) => acc1(r.ours.bpm, r.item.bpm)).length / Math.max(1, t.length),
    acc2: t.filter((r) => acc2(r.ours.bpm, r.item.bpm)).length / Math.max(1, t.length),
    mirex: k.reduce((s, r) => s + (r.ours.key ? mirexKeyScore(r.item.key!, r.ours.key) : 0), 0) / Math.max(1, k.length),
    tempoN: t.length,
    keyN: k.length,
  };
}

/** A file whose verdict differs between builds: `verdicts[i]` is build i's (true = right), `shown[i]` its estimate. */
export interface Flip {
  file: string;
  metric: 'Acc1' | 'Acc2' | 'key';
  verdicts: boolean[];
  shown: string[];
}

/**
 * The files of one set present in every build whose Acc1, Acc2 or exact-key verdict is not the same in all of them.
 * `builds[i]` are build i's rows of that set; files are matched by name. Throws when no file is common to all builds.
 */
export function flips(builds: NoiseRow[][]): Flip[] {
  const byName = builds.map((rows) => new Map(rows.map((r) => [r.item.file, r])));
  const common = [...byName[0].keys()].filter((f) => byName.every((m) => m.has(f)));
  if (!common.length) throw new Error('realisation-noise: no file is in every build (are these the same set?)');
  const out: Flip[] = [];
  for (const file of common) {
    const rs = byName.map((m) => m.get(file)!);
    const it = rs[0].item;
    const check = (metric: Flip['metric'], ok: (r: NoiseRow) => boolean, show: (r: NoiseRow) => string) => {
      const v = rs.map(ok);
      if (v.some((x) => x !== v[0])) out.push({ file, metric, verdicts: v, shown: rs.map(show) });
    };
    const bpm = (r: NoiseRow) => (r.ours.bpm == null ? '—' : r.ours.bpm.toFixed(1));
    if (it.bpm != null) {
      check('Acc1', (r) => acc1(r.ours.bpm, it.bpm), bpm);
      check('Acc2', (r) => acc2(r.ours.bpm, it.bpm), bpm);
    }
    if (it.key && it.keyTrusted) check('key', (r) => !!r.ours.key && mirexKeyScore(it.key!, r.ours.key) === 1, (r) => (r.ours.key ? keyName(r.ours.key) : '—'));
  }
  return out;
}

const IS_MAIN = process.argv[1]?.endsWith('realisation-noise.ts');
if (IS_MAIN) {
  const { values } = parseArgs({ options: { run: { type: 'string', multiple: true, default: [] } } });
  const runs = values.run!.map((s) => {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new Error(`--run LABEL=rows.json, not "${s}"`);
    return { label: s.slice(0, eq), rows: JSON.parse(readFileSync(s.slice(eq + 1), 'utf8')) as NoiseRow[] };
  });
  if (runs.length < 2) throw new Error('realisation-noise: give two or more --run LABEL=rows.json');
  const sets = [...new Set(runs[0].rows.map((r) => r.item.set))];
  for (const set of sets) {
    const per = runs.map((r) => r.rows.filter((x) => x.item.set === set));
    const names = per.map((rows) => new Set(rows.map((r) => r.item.file)));
    const common = [...names[0]].filter((f) => names.every((n) => n.has(f)));
    const same = per.map((rows) => rows.filter((r) => common.includes(r.item.file)));
    const mma = same.map((rows) => rows.filter((r) => r.item.sourceKind === 'mma'));
    console.log(`\n=== ${set}: ${common.length} files in every build (${mma[0].length} MMA-rendered) ===`);
    console.log('build            │ Acc1  │ Acc2  │ key MIREX │ MMA only: Acc1 │ Acc2  │ MIREX');
    const fs = same.map(figures);
    const fm = mma.map(figures);
    runs.forEach((r, i) =>
      console.log(`${r.label.padEnd(16)} │ ${fs[i].acc1.toFixed(3)} │ ${fs[i].acc2.toFixed(3)} │ ${fs[i].mirex.toFixed(3).padEnd(9)} │ ${fm[i].acc1.toFixed(3).padEnd(14)} │ ${fm[i].acc2.toFixed(3)} │ ${fm[i].mirex.toFixed(3)}`),
    );
    const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)).toFixed(3);
    console.log(`spread (max − min) │ ${spread(fs.map((f) => f.acc1))} │ ${spread(fs.map((f) => f.acc2))} │ ${spread(fs.map((f) => f.mirex)).padEnd(9)} │ (tempo on ${fs[0].tempoN} files, key on ${fs[0].keyN})`);
    const fl = flips(same);
    for (const m of ['Acc1', 'Acc2', 'key'] as const) {
      const f = fl.filter((x) => x.metric === m);
      console.log(`${m}: ${f.length} file(s) change verdict between builds${f.length ? ':' : ''}`);
      for (const x of f) console.log(`  ${x.file}: ${x.verdicts.map((v, i) => `${runs[i].label} ${v ? 'right' : 'wrong'} (${x.shown[i]})`).join(' · ')}`);
    }
  }
}

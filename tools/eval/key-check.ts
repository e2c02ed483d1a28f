// key36 (session 36, issue 11; diagnostic, nothing in the product reads it): the tonal analyser's key stage by stage, on
// a file a user reports, and the shipped key on the development-side key sets.
//
// FILE mode — per file, from one decode through the product's own path (run.ts analyzeFile, a TonalAnalyser with the key
// net OFF and its 200 Hz bass bins, as K1 builds it):
//   - the profile key (keyFromChroma: Temperley profile + harmonic-function score) with its calibrated confidence, its
//     evidence (confidence.ts KeyEvidence), the top keys' blended strengths and the whole-track mean chroma;
//   - the key net's (key-net.ts, K1) five likeliest keys and whether its top reaches tau (then its key and
//     keyNetConfidence replace the profile key's: the shipped key, printed as "shipped");
//   - the chords as the track view shows them (estimateChords): the features line's summary (`summarise`), the seconds
//     of each chord, the timeline, the last chords heard;
//   - the profile key of each 10 s window's chroma (keyFromChroma without the chord score) and its strong pitch classes;
//   - the bass chroma (< 200 Hz, the key net's bass input) over the whole track, the first 20 s and the last 12 s heard;
//   - with --peers: essentia.js KeyExtractor (edma, bgate, temperley) and Queen Mary's GetKeyMode as the bench runs them.
//
// --dev mode — the development-side key sets ONLY (never the test or held-out sets): test/output/eval's dev items
// (manifest.json), dev2 (manifest-dev2.json) and test/output/key-set; each file decoded once (ffmpeg, mono 44.1 kHz, as
// calibrate.ts decodes) into a cache --cache DIR (default test/output/key-check)/<set>/<file>.json (profile key, the net's 24 probabilities), then
// MIREX per set of the profile key and of the shipped key (the net's where its top ≥ tau), and the shipped key's misses
// by kind (key-score.ts confusion; --list names them). The key net was trained (--final) on these very rows, so its dev
// figures are in sample: a rule that takes the net's key away cannot be judged on them.
//
//   node --import tsx tools/eval/key-check.ts FILE [FILE …] [--peers]
//   nice -n 10 node --import tsx tools/eval/key-check.ts --dev [--eval test/output/eval] [--key-set test/output/key-set] [--cache test/output/key-check] [--shard I/N] [--list]
//
// --peak-log G (key37): the profile key's chroma compression (TonalOptions.peakLog; 0 = before key37), in both modes; give
// each setting its own --cache.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { keyName, mirexKeyScore, type Key } from '../../main/engine/analysis/keys';
import { KEY_NET_BASS_HZ, keyNetConfidence, keyNetInput, keyNetProbs, keyNetWeights } from '../../main/engine/analysis/key-net';
import { foldChroma, keyFromChroma, PITCHED_SHARE_MIN, TonalAnalyser, type TonalResult } from '../../main/engine/analysis/tonal';
import type { EvalItem } from './build-set';
import { confusion } from './key-score';

const NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
/** seconds per analysis frame (tonal.ts: 1024 samples at 5512.5 Hz) */
const HOP_SEC = 1024 / 5512.5;
const keyAt = (i: number): Key => ({ tonic: i % 12, mode: i < 12 ? 'major' : 'minor' });

/** What one TonalAnalyser run (key net off, 200 Hz bass) leaves for the key net and the report. */
interface Stages {
  result: TonalResult;
  chroma: Float32Array;
  bass: Float32Array;
  energy: number[];
  active: boolean[];
  frames: number;
  /** the key net's 24 probabilities (C..B major, C..B minor); null where the profile key states none */
  probs: number[] | null;
}

/** Runs the analyser's stages on a fed TonalAnalyser({ keyNet: false, bassHz: KEY_NET_BASS_HZ }): the shipped K1 path, the net's step apart. */
function stagesOf(a: TonalAnalyser): Stages {
  const result = a.finish();
  const frames = a.frames;
  // PitchFrames' bass bins (private in the analyser; tonal.ts finish() folds them the same way)
  const bass = foldChroma((a as unknown as { pf: { bass: Float32Array } }).pf.bass, frames, a.tuningCents);
  const maxE = a.energy.reduce((m, v) => (v > m ? v : m), 0);
  const active = a.energy.map((v) => a.pitchedShare >= PITCHED_SHARE_MIN && maxE > 0 && v > maxE * 1e-6);
  let probs: number[] | null = null;
  if (result.key.key !== null) {
    const { x, steps } = keyNetInput(a.chroma, bass, a.energy, active, frames);
    const p = keyNetProbs(x, steps, keyNetWeights());
    probs = p ? Array.from(p) : null;
  }
  return { result, chroma: a.chroma, bass, energy: a.energy, active, frames, probs };
}

/** The shipped key (K1): the net's top key where its probability reaches tau, else the profile key; null: no key. */
function shippedKey(profile: Key | null, probs: number[] | null): { key: Key | null; net: boolean } {
  if (!profile || !probs) return { key: profile, net: false };
  let bi = 0;
  for (let i = 1; i < 24; i++) if (probs[i] > probs[bi]) bi = i;
  return probs[bi] >= keyNetWeights().tau ? { key: keyAt(bi), net: true } : { key: profile, net: false };
}

/** Σ of a frames × 12 chroma over [t0, t1) s, scaled to max 1, as "C:0.12 …" */
function chromaText(ch: Float32Array, frames: number, t0: number, t1: number): string {
  const m = new Array<number>(12).fill(0);
  for (let f = Math.max(0, Math.floor(t0 / HOP_SEC)); f < Math.min(frames, t1 / HOP_SEC); f++) for (let i = 0; i < 12; i++) m[i] += ch[f * 12 + i];
  const mx = Math.max(...m) || 1;
  return m.map((v, i) => `${NAMES[i]}:${(v / mx).toFixed(2)}`).join(' ');
}

const require = createRequire(import.meta.url);

/** essentia.js KeyExtractor (edma, bgate, temperley) and QM GetKeyMode on the file, as key-peers.ts runs them */
function peers(path: string): string {
  const { EssentiaWASM, Essentia } = require('essentia.js');
  const ess = new Essentia(EssentiaWASM);
  const b = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-ac', '1', '-ar', '44100', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  const x = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length - (b.length % 4)));
  const out: string[] = [];
  for (const p of ['edma', 'bgate', 'temperley']) {
    const v = ess.arrayToVector(x);
    const r = ess.KeyExtractor(v, true, 4096, 4096, 12, 3500, 60, 25, 0.2, p, 44100, 0.0001, 440, 'cosine', 'hann');
    out.push(`essentia ${p} ${r.key} ${r.scale} (${r.strength.toFixed(2)})`);
  }
  const qm = 'test/output/eval/qm-harness';
  if (!existsSync(qm)) {
    mkdirSync('test/output/eval', { recursive: true });
    execFileSync('g++', ['-O2', '-I/usr/include/qm-dsp', '-o', qm, 'tools/eval/qm-harness.cpp', '-lqm-dsp']);
  }
  const r = spawnSync(qm, ['44100'], { input: Buffer.from(x.buffer, x.byteOffset, x.byteLength), encoding: 'utf8', maxBuffer: 1 << 20 });
  const k = (JSON.parse(r.stdout) as { key: number }).key;
  out.push(`qm-dsp ${k === 0 ? 'no key' : keyName(keyAt(k - 1))}`);
  return out.join(' | ');
}

async function fileReport(path: string, withPeers: boolean): Promise<void> {
  const a = new TonalAnalyser({ keyNet: false, bassHz: KEY_NET_BASS_HZ, peakLog: PEAK_LOG });
  await analyzeFile(path, [a]);
  const s = stagesOf(a);
  const k = s.result.key;
  const dur = s.frames * HOP_SEC;
  console.log(`== ${path} (${dur.toFixed(1)} s, tuning ${k.tuningCents} cents, pitched share ${a.pitchedShare.toFixed(3)})`);
  console.log(`profile key   ${k.key ?? '(none)'}  confidence ${k.confidence}`);
  console.log(`  evidence    ${JSON.stringify(k.evidence)}`);
  const top = k.strengths.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]).slice(0, 6);
  console.log(`  strengths   ${top.map(([v, i]) => `${keyName(keyAt(i))} ${v.toFixed(3)}`).join(', ')}`);
  console.log(`  mean chroma ${k.chroma.map((v, i) => `${NAMES[i]}:${v.toFixed(2)}`).join(' ')}`);
  if (s.probs) {
    const w = keyNetWeights();
    const nt = s.probs.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]).slice(0, 5);
    console.log(`key net (tau ${w.tau}) ${nt.map(([v, i]) => `${keyName(keyAt(i))} ${v.toFixed(3)}`).join(', ')}`);
    const sh = shippedKey(k.tonic === null ? null : { tonic: k.tonic, mode: k.mode! }, s.probs);
    const conf = sh.net ? keyNetConfidence(nt[0][0], k.confidence, w) : k.confidence;
    console.log(`shipped key   ${sh.key ? keyName(sh.key) : '(none)'}  confidence ${conf}  (${sh.net ? "the net's" : 'the profile key'})`);
  }
  const ch = s.result.chords;
  console.log(`chords (features line) ${ch.progression.join(' ')}`);
  const secs = new Map<string, number>();
  for (const g of ch.segments) secs.set(g.chord, (secs.get(g.chord) ?? 0) + (g.end - g.start));
  console.log(`  seconds     ${[...secs].sort((x, y) => y[1] - x[1]).map(([c, d]) => `${c} ${d.toFixed(1)}`).join(', ')}`);
  console.log(`  timeline    ${ch.segments.map((g) => `${g.chord}@${g.start.toFixed(0)}`).join(' ')}`);
  const heard = ch.segments.filter((g) => g.chord !== 'N');
  console.log(`  last heard  ${heard.slice(-5).map((g) => `${g.chord} ${g.start.toFixed(1)}–${g.end.toFixed(1)}`).join(', ')}`);
  console.log('10 s windows (profile key of the window; pitch classes ≥ half the window\'s strongest)');
  for (let t = 0; t < dur; t += 10) {
    const m = new Array<number>(12).fill(0);
    for (let f = Math.floor(t / HOP_SEC); f < Math.min(s.frames, (t + 10) / HOP_SEC); f++) for (let i = 0; i < 12; i++) m[i] += s.chroma[f * 12 + i];
    const mx = Math.max(...m);
    if (!(mx > 0)) continue;
    const wk = keyFromChroma(m.map((v) => v / mx), 'temperley');
    console.log(`  ${t.toFixed(0).padStart(4)} s  ${(wk.key ?? '-').padEnd(9)} ${m.map((v, i) => (v / mx >= 0.5 ? NAMES[i] : '')).filter(Boolean).join(' ')}`);
  }
  const lastHeard = heard.length ? heard[heard.length - 1].end : dur;
  console.log(`bass < ${KEY_NET_BASS_HZ} Hz  all: ${chromaText(s.bass, s.frames, 0, dur)}`);
  console.log(`  first 20 s: ${chromaText(s.bass, s.frames, 0, 20)}`);
  console.log(`  last 12 s heard (${Math.max(0, lastHeard - 12).toFixed(0)}–${lastHeard.toFixed(0)} s): ${chromaText(s.bass, s.frames, Math.max(0, lastHeard - 12), lastHeard)}`);
  if (withPeers) console.log(`peers         ${peers(path)}`);
}

/** --dev: one cached row per dev-side file */
interface DevRow {
  item: EvalItem;
  profile: Key | null;
  confidence: number;
  probs: number[] | null;
}

/** Every dev-side row, decoding (this shard's share of) those not cached yet; `missing`: rows left to other shards. */
function devRows(sets: [string, string, string][], cacheDir: string, shard: [number, number]): { bySet: Map<string, DevRow[]>; missing: number } {
  const out = new Map<string, DevRow[]>();
  let missing = 0;
  let n = 0;
  for (const [name, manifest, dir] of sets) {
    mkdirSync(join(cacheDir, name), { recursive: true });
    const items = (JSON.parse(readFileSync(manifest, 'utf8')) as { items: EvalItem[] }).items.filter((x) => (x.set as string) === 'dev' || (x.set as string) === 'dev2');
    const rows: DevRow[] = [];
    for (const item of items) {
      const cp = join(cacheDir, name, `${item.file}.json`);
      if (!existsSync(cp)) {
        if (n++ % shard[1] !== shard[0]) {
          missing++;
          continue;
        }
        const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, item.file), '-map', '0:a:0', '-ac', '1', '-ar', '44100', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
        const pcm = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength >> 2);
        const a = new TonalAnalyser({ keyNet: false, bassHz: KEY_NET_BASS_HZ, peakLog: PEAK_LOG });
        a.init(44100, 1);
        for (let i = 0; i < pcm.length; i += 4096) a.process([pcm.slice(i, Math.min(pcm.length, i + 4096))]);
        const s = stagesOf(a);
        const k = s.result.key;
        const row: DevRow = { item, profile: k.tonic === null ? null : { tonic: k.tonic, mode: k.mode! }, confidence: k.confidence, probs: s.probs };
        writeFileSync(cp, JSON.stringify(row));
      }
      rows.push(JSON.parse(readFileSync(cp, 'utf8')) as DevRow);
    }
    out.set(name, rows);
  }
  return { bySet: out, missing };
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    peers: { type: 'boolean', default: false },
    dev: { type: 'boolean', default: false },
    eval: { type: 'string', default: 'test/output/eval' },
    'key-set': { type: 'string', default: 'test/output/key-set' },
    cache: { type: 'string', default: 'test/output/key-check' },
    shard: { type: 'string', default: '0/1' },
    list: { type: 'boolean', default: false },
    /** TonalOptions.peakLog for the profile key (key37; default: the shipped TONAL_DEFAULTS.peakLog; 0: the chroma before key37) */
    'peak-log': { type: 'string' },
  },
});
const PEAK_LOG = args['peak-log'] !== undefined ? Number(args['peak-log']) : undefined;

if (args.dev) {
  const sets: [string, string, string][] = [
    ['dev', join(args.eval, 'manifest.json'), join(args.eval, 'dev')],
    ['dev2', join(args.eval, 'manifest-dev2.json'), join(args.eval, 'dev2')],
    ['key-set', join(args['key-set'], 'manifest.json'), join(args['key-set'], 'dev')],
  ];
  const [si, sn] = args.shard.split('/').map(Number);
  const { bySet, missing } = devRows(sets, args.cache, [si, sn]);
  if (missing) {
    console.log(`shard ${args.shard} done; run the other shards, then once without --shard for the report`);
  } else {
    for (const [name, rows] of bySet) {
      const keyed = rows.filter((r) => r.item.key && r.item.keyTrusted);
      let mp = 0;
      let ms = 0;
      const kinds = new Map<string, string[]>();
      for (const r of keyed) {
        const t = r.item.key!;
        const sh = shippedKey(r.profile, r.probs).key;
        mp += r.profile ? mirexKeyScore(t, r.profile) : 0;
        ms += sh ? mirexKeyScore(t, sh) : 0;
        const c = confusion(t, sh);
        if (c !== 'ok') kinds.set(c, [...(kinds.get(c) ?? []), `${r.item.file}: truth ${keyName(t)}, shipped ${sh ? keyName(sh) : '(none)'}, profile ${r.profile ? keyName(r.profile) : '(none)'}`]);
      }
      console.log(`${name}: ${keyed.length} trusted keys — MIREX profile ${(mp / keyed.length).toFixed(4)} (${mp.toFixed(1)}), shipped ${(ms / keyed.length).toFixed(4)} (${ms.toFixed(1)}); misses ${[...kinds].map(([c, l]) => `${c} ${l.length}`).join(', ') || 'none'}`);
      if (args.list) for (const [c, l] of kinds) for (const x of l) console.log(`    ${c.padEnd(8)} ${x}`);
    }
  }
} else {
  if (!positionals.length) throw new Error('key-check.ts FILE [FILE …] [--peers] | --dev [--list]');
  for (const p of positionals) await fileReport(p, args.peers);
}

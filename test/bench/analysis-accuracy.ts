// Accuracy and speed of the tempo and key analysers against their peers, on
// the evaluation sets built by tools/eval/build-set.ts (dev: tune on it;
// test: report it) and the fresh held-out sets of tools/eval/heldout-set.ts
// (--set heldout: OUT/manifest-heldout.json, OUT/heldout/) and tools/eval/heldout2-set.ts
// (--set heldout2: OUT/manifest-heldout2.json, OUT/heldout2/, peers in OUT/peers-heldout2*.json; the final word on
// issue 11) and tools/eval/heldout3-set.ts (--set heldout3: OUT/manifest-heldout3.json, OUT/heldout3/, peers in
// OUT/peers-heldout3*.json; session 15's decisions) and tools/eval/heldout4-set.ts (--set heldout4: OUT/manifest-heldout4.json,
// OUT/heldout4/, peers in OUT/peers-heldout4*.json; session 20) and tools/eval/heldout5-set.ts (--set heldout5:
// OUT/manifest-heldout5.json, OUT/heldout5/, peers in OUT/peers-heldout5*.json; session 26). Run ours on a held-out set once, at merge time; nobody tunes on it.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm timgm6mb-soundfont mma aubio-tools \
//     libqm-dsp-dev g++ openttd-openmsx planetblupi-music-midi freedink-data asc-music
//   nice node --import tsx tools/eval/build-set.ts
//   npm run build   # for --cli
//   nice node --import tsx test/bench/analysis-accuracy.ts [--set dev|test|both|heldout|heldout2|heldout3|heldout4|heldout5|dev2] [--no-peers] [--peers-only] [--cached-only] [--multifeature] [--shard I/N] [--cli] [--verbose] [--json out.json]
//
// Per file, in the same run on the same MP3: ours (the default analyser set,
// one decode), essentia.js RhythmExtractor2013 (degara, multifeature),
// PercivalBpmEstimator, KeyExtractor (edma, bgate, temperley), Debian's
// `aubio tempo`, and Queen Mary DSP's TempoTrackV2 + GetKeyMode as Mixxx
// calls them (tools/eval/qm-harness.cpp, compiled here with g++). Peer
// results are cached in OUT/peers.json (keyed by file and method; their CPU
// time too), so a rerun while tuning only re-measures ours; the held-out set's
// in OUT/peers-heldout.json (peers-heldout-I.json per shard), read only by
// --set heldout runs; dev2 (tools/eval/dev2-set.ts, a broader dev-side set) likewise in
// OUT/manifest-dev2.json and OUT/peers-dev2*.json. --peers-only runs and reports the peers alone (no
// analyser of ours is run: how the held-out set's peer cache is filled without
// looking at our figures on it).
//
// Tempo: Acc1 (within 4 % of the truth), Acc2 (also ×2, ×½, ×3, ×⅓). Key:
// MIREX weighted score over the files whose key is trusted. Speed: audio
// seconds per CPU second (× realtime per core), each method on its own
// (peers get their input already decoded; ours includes its ffmpeg decode).
// Confidence: reliability of our stated confidence (bins of 0.2) and the
// expected calibration error, tempo "right" = Acc1, key "right" = exact key.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeTrack } from '../../main/engine/analysis/index';
import { decodeArgs } from '../../main/engine/analysis/run';
import { keyName, mirexKeyScore, parseKey, type Key } from '../../main/engine/analysis/keys';
import { spawnFfmpeg } from '../../main/engine/media/ffmpeg';
import type { EvalItem } from '../../tools/eval/build-set';
import { ess, monoWav, qmHarness } from './peers';
import { acc1, acc2 } from '../../tools/eval/tempo-metrics';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'test/output/eval' },
    set: { type: 'string', default: 'both' },
    'no-peers': { type: 'boolean', default: false },
    'peers-only': { type: 'boolean', default: false },
    'cached-only': { type: 'boolean', default: false },
    multifeature: { type: 'boolean', default: false },
    shard: { type: 'string', default: '0/1' },
    cli: { type: 'boolean', default: false },
    'key-speed': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'string', default: '' },
  },
});
const OUT = args.out;
const SETS = args.set === 'both' ? ['dev', 'test'] : [args.set];
const PEERS = !args['no-peers'];
/** run and report the peers only (none of ours: --cli, --key-speed and the calibration lines are skipped) */
const PEERS_ONLY = args['peers-only'];
/**
 * sets with their own manifest (OUT/manifest-<set>.json) and peer cache (OUT/peers-<set>*.json), which no dev/test
 * run reads or writes: the held-out sets (tools/eval/heldout-set.ts, heldout2-set.ts, heldout3-set.ts, heldout4-set.ts, heldout5-set.ts) and dev2 (tools/eval/dev2-set.ts)
 */
const OWN = ['heldout', 'heldout2', 'heldout3', 'heldout4', 'heldout5', 'dev2'].find((s) => SETS.includes(s));
if (OWN && SETS.length > 1) throw new Error(`--set ${OWN} runs alone`);
/** essentia's multifeature beat tracker is ~10× slower than the rest together: opt-in */
const MULTIFEATURE = args.multifeature;
const JSON_OUT = args.json;
const VERBOSE = args.verbose;

// --shard I/N: this process does items I, I+N, … and keeps its peer results in peers-I.json
// (several processes fill the cache side by side; every run reads all peers*.json).
const SHARD = args.shard.split('/').map(Number);

const manifestPath = join(OUT, OWN ? `manifest-${OWN}.json` : 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(`No ${manifestPath}: run  nice node --import tsx tools/eval/${OWN ? `${OWN}-set` : 'build-set'}.ts  first.`);
  process.exit(1);
}
const items: EvalItem[] = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: EvalItem[] }).items
  .filter((x) => SETS.includes(x.set))
  .filter((_, i) => i % SHARD[1] === SHARD[0]);

// ---- CPU accounting ------------------------------------------------------------------------
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function childCpu(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) / TICK; // cutime + cstime
}
function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
const cpuNow = () => childCpu() + selfCpu();

/** The analysis decode with the PCM read and dropped: the floor any analysis pays. */
function decodeOnly(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawnFfmpeg(decodeArgs(path));
    let bytes = 0;
    child.stdout!.on('data', (b: Buffer) => (bytes += b.length));
    child.stderr!.resume();
    child.on('error', reject);
    child.on('close', () => resolve(bytes));
  });
}

// ---- peers ---------------------------------------------------------------------------------
interface PeerOut {
  bpm?: number | null;
  key?: Key | null;
  cpu: number;
}
const PEER_FILE = OWN ? `peers-${OWN}` : 'peers';
const peerCachePath = join(OUT, SHARD[1] > 1 ? `${PEER_FILE}-${SHARD[0]}.json` : `${PEER_FILE}.json`);
const peerCache: Record<string, PeerOut> = {};
const peerFiles = new RegExp(`^${PEER_FILE}(-\\d+)?\\.json$`);
for (const f of readdirSync(OUT).filter((f) => peerFiles.test(f))) Object.assign(peerCache, JSON.parse(readFileSync(join(OUT, f), 'utf8')));

const QM_KEYS: (Key | null)[] = [null, ...Array.from({ length: 12 }, (_, t) => ({ tonic: t, mode: 'major' as const })), ...Array.from({ length: 12 }, (_, t) => ({ tonic: t, mode: 'minor' as const }))];


// --cached-only: score only the files whose peer results are all in the cache (a partial
// peer run), and compute no new peer results.
if (args['cached-only']) {
  const need = ['essentia degara', 'essentia percival', 'aubio tempo', 'qm-dsp (Mixxx)', 'essentia key edma'];
  const keep = items.filter((it) => need.every((p) => peerCache[`${it.set}/${it.file}|${p}`]));
  console.log(`--cached-only: ${keep.length} of ${items.length} files have every peer result cached`);
  items.splice(0, items.length, ...keep);
}

type PeerFn = (mono: Float32Array, wav: string) => PeerOut;
const PEER_FNS: Record<string, PeerFn> = {
  'essentia degara': (mono) => {
    const c = cpuNow();
    const v = ess().arrayToVector(mono);
    const r = ess().RhythmExtractor2013(v, 208, 'degara', 40);
    v.delete?.();
    return { bpm: r.bpm > 0 ? r.bpm : null, cpu: cpuNow() - c };
  },
  'essentia multifeature': (mono) => {
    const c = cpuNow();
    const v = ess().arrayToVector(mono);
    const r = ess().RhythmExtractor2013(v, 208, 'multifeature', 40);
    v.delete?.();
    return { bpm: r.bpm > 0 ? r.bpm : null, cpu: cpuNow() - c };
  },
  'essentia percival': (mono) => {
    const c = cpuNow();
    const v = ess().arrayToVector(mono);
    const r = ess().PercivalBpmEstimator(v, 1024, 2048, 128, 128, 210, 50, 44100);
    v.delete?.();
    return { bpm: r.bpm > 0 ? r.bpm : null, cpu: cpuNow() - c };
  },
  'aubio tempo': (_m, wav) => {
    const c = cpuNow();
    const r = spawnSync('aubio', ['tempo', wav], { encoding: 'utf8' });
    const m = /([\d.]+) bpm/.exec(r.stdout ?? '');
    return { bpm: m ? Number(m[1]) : null, cpu: cpuNow() - c };
  },
  'qm-dsp (Mixxx)': (mono) => {
    const bin = qmHarness(OUT);
    const c = cpuNow();
    const r = spawnSync(bin, ['44100'], { input: Buffer.from(mono.buffer, mono.byteOffset, mono.byteLength), encoding: 'utf8', maxBuffer: 1 << 20 });
    const cpu = cpuNow() - c;
    const j = JSON.parse(r.stdout) as { bpm: number; key: number };
    return { bpm: j.bpm > 0 ? j.bpm : null, key: QM_KEYS[j.key] ?? null, cpu };
  },
  ...Object.fromEntries(
    ['edma', 'bgate', 'temperley'].map((p) => [
      `essentia key ${p}`,
      ((mono: Float32Array) => {
        const c = cpuNow();
        const v = ess().arrayToVector(mono);
        const r = ess().KeyExtractor(v, true, 4096, 4096, 12, 3500, 60, 25, 0.2, p, 44100, 0.0001, 440, 'cosine', 'hann');
        v.delete?.();
        return { key: parseKey(`${r.key} ${r.scale}`), cpu: cpuNow() - c };
      }) as PeerFn,
    ]),
  ),
};
const TEMPO_PEERS = ['essentia degara', 'essentia multifeature', 'essentia percival', 'aubio tempo', 'qm-dsp (Mixxx)'];
const KEY_PEERS = ['essentia key edma', 'essentia key bgate', 'essentia key temperley', 'qm-dsp (Mixxx)'];

// ---- metrics -------------------------------------------------------------------------------

interface Row {
  item: EvalItem;
  sec: number;
  /** zeros and nulls under --peers-only (not reported) */
  ours: { bpm: number | null; tempoConf: number; key: Key | null; keyConf: number; features: string; cpu: number };
  floorCpu: number;
  peers: Record<string, PeerOut>;
}

// ---- run -----------------------------------------------------------------------------------
const rows: Row[] = [];
if (items.length) {
  const first = join(OUT, items[0].set, items[0].file);
  if (!PEERS_ONLY) await analyzeTrack(first); // warm the JIT and the page cache
  await decodeOnly(first);
}
for (const it of items) {
  const path = join(OUT, it.set, it.file);
  let c = cpuNow();
  const bytes = await decodeOnly(path);
  const floorCpu = cpuNow() - c;
  c = cpuNow();
  const a = PEERS_ONLY ? null : await analyzeTrack(path);
  const cpu = cpuNow() - c;
  const peers: Record<string, PeerOut> = {};
  if (PEERS) {
    let decoded: { mono: Float32Array; wav: string } | null = null;
    for (const [name, fn] of Object.entries(PEER_FNS)) {
      if (name === 'essentia multifeature' && !MULTIFEATURE) continue;
      const k = `${it.set}/${it.file}|${name}`;
      if (!peerCache[k]) {
        decoded ??= monoWav(path, OUT);
        peerCache[k] = fn(decoded.mono, decoded.wav);
        writeFileSync(peerCachePath, JSON.stringify(peerCache));
      }
      peers[name] = peerCache[k];
    }
  }
  const ourKey = !a || a.tonal.key.tonic === null ? null : { tonic: a.tonal.key.tonic, mode: a.tonal.key.mode! };
  const r: Row = { item: it, sec: bytes / (44100 * 2 * 4), ours: { bpm: a?.tempo.bpm ?? null, tempoConf: a?.tempo.confidence ?? 0, key: ourKey, keyConf: a?.tonal.key.confidence ?? 0, features: a?.features ?? '', cpu }, floorCpu, peers };
  rows.push(r);
  if (VERBOSE) {
    const mark = (b: number | null | undefined) => `${(b?.toFixed(1) ?? '—').padStart(6)}${acc1(b, it.bpm) ? ' ' : acc2(b, it.bpm) ? '²' : '✗'}`;
    console.log(
      [
        `${it.set} ${it.file}`.padEnd(58),
        (it.bpm?.toFixed(1) ?? '—').padStart(6),
        ...(PEERS_ONLY ? [] : [mark(r.ours.bpm), r.ours.tempoConf.toFixed(2)]),
        ...TEMPO_PEERS.filter((p) => peers[p]).map((p) => mark(peers[p].bpm)),
        (it.key ? keyName(it.key) : '—').padEnd(9),
        ...(PEERS_ONLY ? [] : [(ourKey ? keyName(ourKey) : '—').padEnd(9), r.ours.keyConf.toFixed(2)]),
      ].join(' │ '),
    );
  }
}
if (PEERS) writeFileSync(peerCachePath, JSON.stringify(peerCache));
if (PEERS_ONLY) console.log('--peers-only: none of our analysers was run; the rows below are the peers only');

// ---- report --------------------------------------------------------------------------------
const pct = (n: number, d: number) => (d ? (n / d).toFixed(3) : '—');
function report(set: string): void {
  const rs = rows.filter((r) => r.item.set === set);
  if (!rs.length) return;
  const audio = rs.reduce((s, r) => s + r.sec, 0);
  const tempoRows = rs.filter((r) => r.item.bpm != null);
  const keyRows = rs.filter((r) => r.item.key && r.item.keyTrusted);
  const realRows = rs.filter((r) => r.item.category === 'real');
  console.log(`\n=== ${set} set: ${rs.length} files, ${audio.toFixed(0)} s of audio; tempo scored on ${tempoRows.length} files with a beat, key on ${keyRows.length} with a trusted key ===`);
  console.log('method                         │ Acc1  │ Acc2  │ Acc2 real │ key MIREX │ × realtime per core');
  const line = (name: string, bpm: ((r: Row) => number | null | undefined) | null, key: ((r: Row) => Key | null | undefined) | null, cpu: number) => {
    const a1 = bpm ? pct(tempoRows.filter((r) => acc1(bpm(r), r.item.bpm)).length, tempoRows.length) : '  –  ';
    const a2 = bpm ? pct(tempoRows.filter((r) => acc2(bpm(r), r.item.bpm)).length, tempoRows.length) : '  –  ';
    const a2r = bpm && realRows.length ? pct(realRows.filter((r) => acc2(bpm(r), r.item.bpm)).length, realRows.length) : '  –  ';
    const ks = key ? (keyRows.reduce((s, r) => s + (key(r) ? mirexKeyScore(r.item.key!, key(r)!) : 0), 0) / keyRows.length).toFixed(3) : '  –  ';
    console.log(`${name.padEnd(30)} │ ${a1} │ ${a2} │ ${a2r.padEnd(9)} │ ${ks.padEnd(9)} │ ${cpu > 0 ? (audio / cpu).toFixed(0) : '—'}`);
  };
  if (!PEERS_ONLY) line('ours (whole analyser set)', (r) => r.ours.bpm, (r) => r.ours.key, rs.reduce((s, r) => s + r.ours.cpu, 0));
  const peerNames = [...new Set([...TEMPO_PEERS, ...KEY_PEERS])].filter((p) => rs.every((r) => r.peers[p]));
  for (const p of peerNames)
    line(p, TEMPO_PEERS.includes(p) ? (r) => r.peers[p].bpm : null, KEY_PEERS.includes(p) ? (r) => r.peers[p].key : null, rs.reduce((s, r) => s + r.peers[p].cpu, 0));
  const floor = rs.reduce((s, r) => s + r.floorCpu, 0);
  const cats = [...new Set(rs.map((r) => r.item.category))];
  const peerCategories = () => {
    for (const p of TEMPO_PEERS.filter((p) => rs.every((r) => r.peers[p])))
      console.log(`per category (${p}, Acc1): ` + cats.map((c) => {
        const cr = rs.filter((r) => r.item.category === c && r.item.bpm != null);
        return `${c} ${cr.filter((r) => acc1(r.peers[p].bpm, r.item.bpm)).length}/${cr.length}`;
      }).join(', '));
  };
  if (PEERS_ONLY) {
    console.log(`decode floor (ffmpeg → pipe, dropped): ${(audio / floor).toFixed(0)}× realtime per core`);
    peerCategories();
    return;
  }
  const ours = rs.reduce((s, r) => s + r.ours.cpu, 0);
  console.log(`decode floor (ffmpeg → pipe, dropped): ${(audio / floor).toFixed(0)}× realtime per core; ours / floor = ${(ours / floor).toFixed(2)}×`);
  // per category, ours then each peer (the same files: a file with no tempo truth is left out of both)
  console.log('per category (ours): ' + cats.map((c) => {
    const cr = rs.filter((r) => r.item.category === c && !r.item.bpmUnknown);
    return `${c} ${cr.filter((r) => acc1(r.ours.bpm, r.item.bpm)).length}/${cr.length}`;
  }).join(', '));
  if (OWN === 'dev2') peerCategories();
  // calibration
  const rel = (name: string, conf: (r: Row) => number, right: (r: Row) => boolean, set: Row[]) => {
    const bins = [0, 0.2, 0.4, 0.6, 0.8, 1.0001];
    let ece = 0;
    const parts: string[] = [];
    for (let b = 0; b < 5; b++) {
      const inBin = set.filter((r) => conf(r) >= bins[b] && conf(r) < bins[b + 1]);
      if (!inBin.length) continue;
      const meanC = inBin.reduce((s, r) => s + conf(r), 0) / inBin.length;
      const acc = inBin.filter(right).length / inBin.length;
      ece += (inBin.length / set.length) * Math.abs(meanC - acc);
      parts.push(`[${bins[b].toFixed(1)},${Math.min(1, bins[b + 1]).toFixed(1)}) n=${inBin.length} conf ${meanC.toFixed(2)} right ${acc.toFixed(2)}`);
    }
    console.log(`calibration ${name}: ECE ${ece.toFixed(3)}; ${parts.join('; ')}`);
  };
  // files with a beat but no tempo truth (bpmUnknown: live-played MIDIs) say nothing about the tempo's confidence
  rel('tempo (right = Acc1)', (r) => r.ours.tempoConf, (r) => acc1(r.ours.bpm, r.item.bpm), rs.filter((r) => !r.item.bpmUnknown));
  // key: files with a trusted key, and files with no key at all (drums; drones: one chord names no key; any key named is wrong);
  // real recordings and game MIDIs whose key is unknown are left out (as tools/eval/calibrate.ts)
  rel('key (right = exact key)', (r) => r.ours.keyConf, (r) => !!r.item.key && !!r.ours.key && mirexKeyScore(r.item.key, r.ours.key) === 1, rs.filter((r) => r.ours.key && (r.item.keyTrusted || r.item.category === 'percussion' || r.item.category === 'beatless')));
  const shown = (re: RegExp) => rs.filter((r) => re.test(r.ours.features));
  const tShown = shown(/Tempo:/);
  const tScored = tShown.filter((r) => !r.item.bpmUnknown);
  const kShown = shown(/Key:/);
  console.log(`features line: tempo stated for ${tShown.length}/${rs.length} files, right (Acc1, of those with a tempo truth) ${pct(tScored.filter((r) => acc1(r.ours.bpm, r.item.bpm)).length, tScored.length)}; key stated for ${kShown.length}/${rs.length}, of those with a trusted key or none right ${pct(kShown.filter((r) => r.item.keyTrusted && r.ours.key && mirexKeyScore(r.item.key!, r.ours.key) === 1).length, kShown.filter((r) => r.item.keyTrusted || !r.item.key).length)}`);
}
for (const s of SETS) report(s);

// `studio analyze` over the test folder, as a user runs it: wall time × cores.
if (args.cli && !PEERS_ONLY) {
  const dir = join(OUT, SETS[SETS.length - 1]);
  const audio = rows.filter((r) => r.item.set === SETS[SETS.length - 1]).reduce((s, r) => s + r.sec, 0);
  const w0 = performance.now();
  const c0 = childCpu();
  const r = spawnSync(process.execPath, ['bin/studio.js', 'analyze', dir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = (performance.now() - w0) / 1000;
  const cpu = childCpu() - c0;
  const cores = (await import('node:os')).availableParallelism();
  const lines = r.stdout.split('\n').filter(Boolean).length;
  console.log(`\nstudio analyze ${dir} --json: ${lines} tracks, ${audio.toFixed(0)} s of audio, wall ${wall.toFixed(1)} s on ${cores} cores → ${(audio / (wall * cores)).toFixed(0)}× realtime per core (wall); CPU ${cpu.toFixed(1)} s → ${(audio / cpu).toFixed(0)}× per CPU second`);
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(rows, null, 1));

// --key-speed: the key analyser alone (TonalAnalyser, its own decode of the same file) next to
// the decode floor measured above on the same files, per CPU second.
if (args['key-speed'] && !PEERS_ONLY) {
  const { analyzeFile } = await import('../../main/engine/analysis/run');
  const { TonalAnalyser } = await import('../../main/engine/analysis/tonal');
  for (const set of SETS) {
    const rs = rows.filter((r) => r.item.set === set);
    if (!rs.length) continue;
    let cpu = 0;
    for (const r of rs) {
      const c = cpuNow();
      await analyzeFile(join(OUT, r.item.set, r.item.file), [new TonalAnalyser()]);
      cpu += cpuNow() - c;
    }
    const audio = rs.reduce((s, r) => s + r.sec, 0);
    const floor = rs.reduce((s, r) => s + r.floorCpu, 0);
    console.log(`key alone (${set}, ${rs.length} files, its own decode included): ${(audio / cpu).toFixed(0)}× realtime per CPU second; decode floor ${(audio / floor).toFixed(0)}×; key / floor = ${(cpu / floor).toFixed(2)}× (the key's own work ≈ ${(audio / Math.max(1e-9, cpu - floor)).toFixed(0)}× realtime)`);
  }
}

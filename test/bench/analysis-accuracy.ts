// Accuracy and speed of the track analysers on real music with ground truth.
//
//   apt-get install -y fluidsynth fluid-soundfont-gm aubio-tools \
//     openttd-openmsx planetblupi-music-midi freedink-data
//   nice node --import tsx test/bench/analysis-accuracy.ts [--sec 60] [--json out.json]
//
// Evaluation set: the MIDI files those Debian packages ship, kept only when
// they declare one constant tempo and one constant key signature (tempo and
// key meta events). Each is rendered with fluidsynth + FluidR3_GM, trimmed to
// --sec seconds and encoded as MP3 (192 kb/s), the format a library mostly
// holds. Renders are cached under test/output/bench/.
//
// Tempo: Acc1 (within 4 % of the declared tempo), Acc2 (also ×2, ×½, ×3, ×⅓)
// for ours, Debian's `aubio tempo` and essentia.js RhythmExtractor2013
// (degara). Key: MIREX weighted score for ours and essentia.js KeyExtractor
// with three profiles. Many sequencers write a default "C major" key
// signature, so key scores are also given for the files whose signature is
// not C major.
//
// Throughput: CPU seconds (ffmpeg child + this process) for the full analyser
// set vs the same ffmpeg decode with the PCM drained and dropped, summed over
// the set; realtime factor = audio seconds / CPU seconds (per core).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { analyzeTrack, defaultAnalysers } from '../../main/engine/analysis/index';
import { EssentiaKeyAnalyser } from '../../main/engine/analysis/essentia-key';
import { analyzeFile, decodeArgs } from '../../main/engine/analysis/run';
import type { KeyResult } from '../../main/engine/analysis/tonal';
import { keyName, mirexKeyScore, parseKey, type Key } from '../../main/engine/analysis/keys';
import { KEY_PROFILES, keyFromChroma, type KeyProfileName } from '../../main/engine/analysis/tonal';
import { spawnFfmpeg } from '../../main/engine/media/ffmpeg';
import { OUTPUT } from '../helpers/media';
import { constantTruth, parseMidi, type MidiTruth } from '../helpers/midi';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : def;
};
const SEC = Number(opt('--sec', '60'));
const JSON_OUT = opt('--json', '');
const SF2 = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
const PACKAGES = ['openttd-openmsx', 'planetblupi-music-midi', 'freedink-data'];
const DIR = join(OUTPUT, 'bench', 'midi');

function midiFiles(): string[] {
  const out: string[] = [];
  for (const p of PACKAGES) {
    const r = spawnSync('dpkg', ['-L', p], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`(package ${p} is not installed: skipped)`);
      continue;
    }
    out.push(...r.stdout.split('\n').filter((l) => /\.midi?$/i.test(l)));
  }
  return out;
}

interface Item {
  name: string;
  mid: string;
  mp3: string;
  wav: string;
  truth: MidiTruth;
  sec: number;
}

function render(mid: string, truth: MidiTruth): Item {
  mkdirSync(DIR, { recursive: true });
  const stem = basename(mid).replace(/\.midi?$/i, '');
  const name = `${basename(join(mid, '..'))}/${stem}`;
  const base = join(DIR, name.replace('/', '__'));
  const mp3 = `${base}.mp3`;
  const wav = `${base}.wav`;
  if (!existsSync(mp3)) {
    // Raw float from fluidsynth, cut at SEC seconds (head closes the pipe; fluidsynth stops).
    const bytes = SEC * 44100 * 2 * 4;
    execFileSync('bash', ['-c', `fluidsynth -ni -q -F /dev/stdout -T raw -O float -r 44100 -g 0.5 '${SF2}' '${mid}' 2>/dev/null | head -c ${bytes} > '${base}.raw'`]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', `${base}.raw`, '-c:a', 'libmp3lame', '-b:a', '192k', mp3]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp3, wav]);
    execFileSync('rm', ['-f', `${base}.raw`]);
  }
  return { name, mid, mp3, wav, truth, sec: Math.min(SEC, truth.durationSec) };
}

// ---- CPU accounting: this process + reaped children (ffmpeg) -------------------------------
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function childCpu(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // fields 16, 17 (cutime, cstime) are rest[13], rest[14]
  return (Number(rest[13]) + Number(rest[14])) / TICK;
}
function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

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

// ---- peers -------------------------------------------------------------------------------
function aubioBpm(wav: string): number | null {
  const r = spawnSync('aubio', ['tempo', wav], { encoding: 'utf8' });
  const m = /([\d.]+) bpm/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : null;
}

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { EssentiaWASM, Essentia } = require('essentia.js') as { EssentiaWASM: any; Essentia: any };
const essentia = new Essentia(EssentiaWASM);

function monoOf(wav: string): Float32Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', wav, '-f', 'f32le', '-ac', '1', '-ar', '44100', '-'], { maxBuffer: 1 << 30 });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

function essentiaKey(mono: Float32Array, profile: string): Key | null {
  const v = essentia.arrayToVector(mono);
  const r = essentia.KeyExtractor(v, true, 4096, 4096, 12, 3500, 60, 25, 0.2, profile, 44100, 0.0001, 440, 'cosine', 'hann');
  v.delete?.();
  return parseKey(`${r.key} ${r.scale}`);
}

function essentiaBpm(mono: Float32Array): number | null {
  const v = essentia.arrayToVector(mono);
  const r = essentia.RhythmExtractor2013(v, 208, 'degara', 40);
  v.delete?.();
  return r.bpm > 0 ? r.bpm : null;
}

// ---- metrics -----------------------------------------------------------------------------
const acc1 = (est: number | null, ref: number) => est !== null && Math.abs(est - ref) <= 0.04 * ref;
const acc2 = (est: number | null, ref: number) => [1, 2, 0.5, 3, 1 / 3].some((f) => acc1(est, ref * f));
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '—');
const fmtKey = (k: Key | null) => (k ? keyName(k) : '—');

// ---- run ---------------------------------------------------------------------------------
const items: Item[] = [];
const skipped: string[] = [];
for (const mid of midiFiles()) {
  try {
    const t = constantTruth(parseMidi(readFileSync(mid)));
    if ('reason' in t) skipped.push(`${basename(mid)} (${t.reason})`);
    else items.push(render(mid, t));
  } catch (e) {
    skipped.push(`${basename(mid)} (${(e as Error).message})`);
  }
}
console.log(`evaluation set: ${items.length} files kept, ${skipped.length} skipped (${skipped.length ? skipped.slice(0, 6).join(', ') + ', …' : ''})`);
if (!items.length) {
  console.error('No MIDI files with a constant declared tempo and key: install the packages named at the top.');
  process.exit(1);
}

interface Row {
  name: string;
  bpm: number;
  key: Key;
  ours: { bpm: number | null; key: Key | null; conf: number; keyConf: number; features: string };
  aubio: number | null;
  essBpm: number | null;
  essKeys: Record<string, Key | null>;
  /** EssentiaKeyAnalyser (edma) inside our single-decode pipeline */
  essPipeline: Key | null;
  /** our chroma with each of our profiles (the default one is `ours.key`) */
  ourKeys: Record<string, Key | null>;
}
const rows: Row[] = [];
const PROFILES = ['temperley', 'krumhansl', 'edma'];

// Warm up the JIT and the page cache so the first file is not penalised.
await analyzeTrack(items[0].mp3);
await decodeOnly(items[0].mp3);

let audioSec = 0;
let cpuAnalysis = 0;
let cpuAnalysisFfmpeg = 0;
let cpuDecode = 0;
let cpuDecodeNode = 0;
let wallAnalysis = 0;
let wallDecode = 0;
let cpuWithEssentiaKey = 0;
for (const it of items) {
  // decode floor
  let c0 = childCpu();
  let s0 = selfCpu();
  let w0 = performance.now();
  const bytes = await decodeOnly(it.mp3);
  wallDecode += performance.now() - w0;
  cpuDecode += childCpu() - c0;
  cpuDecodeNode += selfCpu() - s0;
  const sec = bytes / (44100 * 2 * 4);
  audioSec += sec;
  // full analysis
  c0 = childCpu();
  s0 = selfCpu();
  w0 = performance.now();
  const a = await analyzeTrack(it.mp3);
  wallAnalysis += performance.now() - w0;
  const cc = childCpu() - c0;
  cpuAnalysisFfmpeg += cc;
  cpuAnalysis += cc + selfCpu() - s0;
  // full set + essentia key in the same decode
  c0 = childCpu();
  s0 = selfCpu();
  const withEss = await analyzeFile(it.mp3, [...defaultAnalysers(), new EssentiaKeyAnalyser('edma')]);
  cpuWithEssentiaKey += childCpu() - c0 + selfCpu() - s0;
  const ek = withEss.results.key as KeyResult;
  // peers
  const mono = monoOf(it.wav);
  const essKeys: Record<string, Key | null> = {};
  for (const p of PROFILES) essKeys[p] = essentiaKey(mono, p);
  const ourKey = a.tonal.key.tonic === null ? null : { tonic: a.tonal.key.tonic, mode: a.tonal.key.mode! };
  rows.push({
    name: it.name,
    bpm: it.truth.bpm,
    key: { tonic: it.truth.tonic, mode: it.truth.mode },
    ours: { bpm: a.tempo.bpm, key: ourKey, conf: a.tempo.confidence, keyConf: a.tonal.key.confidence, features: a.features },
    aubio: aubioBpm(it.wav),
    essBpm: essentiaBpm(mono),
    essKeys,
    essPipeline: ek.tonic === null ? null : { tonic: ek.tonic, mode: ek.mode! },
    ourKeys: Object.fromEntries(
      (Object.keys(KEY_PROFILES) as KeyProfileName[]).map((p) => {
        const k = keyFromChroma(a.tonal.key.chroma, p);
        return [p, k.tonic === null ? null : { tonic: k.tonic, mode: k.mode! }];
      }),
    ),
  });
  const r = rows[rows.length - 1];
  console.log(
    [
      r.name.padEnd(34),
      r.bpm.toFixed(1).padStart(6),
      (r.ours.bpm?.toFixed(1) ?? '—').padStart(6) + (acc1(r.ours.bpm, r.bpm) ? ' ' : acc2(r.ours.bpm, r.bpm) ? '²' : '✗'),
      (r.aubio?.toFixed(1) ?? '—').padStart(6) + (acc1(r.aubio, r.bpm) ? ' ' : acc2(r.aubio, r.bpm) ? '²' : '✗'),
      (r.essBpm?.toFixed(1) ?? '—').padStart(6) + (acc1(r.essBpm, r.bpm) ? ' ' : acc2(r.essBpm, r.bpm) ? '²' : '✗'),
      fmtKey(r.key).padEnd(9),
      fmtKey(r.ours.key).padEnd(9),
      fmtKey(r.essKeys.temperley).padEnd(9),
    ].join(' │ '),
  );
}

function tempoLine(label: string, get: (r: Row) => number | null): string {
  const a1 = rows.filter((r) => acc1(get(r), r.bpm)).length;
  const a2 = rows.filter((r) => acc2(get(r), r.bpm)).length;
  return `${label.padEnd(38)} Acc1 ${pct(a1, rows.length).padStart(7)}   Acc2 ${pct(a2, rows.length).padStart(7)}`;
}
function keyLine(label: string, get: (r: Row) => Key | null): string {
  const score = (set: Row[]) => (set.length ? set.reduce((s, r) => s + (get(r) ? mirexKeyScore(r.key, get(r)!) : 0), 0) / set.length : 0);
  const nonDefault = rows.filter((r) => !(r.key.tonic === 0 && r.key.mode === 'major'));
  const exact = rows.filter((r) => get(r) && mirexKeyScore(r.key, get(r)!) === 1).length;
  return `${label.padEnd(38)} MIREX ${score(rows).toFixed(3)}  (exact ${pct(exact, rows.length).padStart(7)})   non-C-major subset (${nonDefault.length}) MIREX ${score(nonDefault).toFixed(3)}`;
}

console.log(`\n${rows.length} files, ${audioSec.toFixed(0)} s of audio (MP3 192 kb/s, ≤ ${SEC} s each)`);
console.log('\nTempo');
console.log(tempoLine('ours (flux + comb + DP beats)', (r) => r.ours.bpm));
console.log(tempoLine('aubio tempo (Debian aubio-tools 0.4.9)', (r) => r.aubio));
console.log(tempoLine('essentia.js RhythmExtractor2013 degara', (r) => r.essBpm));
console.log('\nKey');
console.log(keyLine('ours (peak chroma h4, shaath)', (r) => r.ours.key));
for (const p of Object.keys(KEY_PROFILES)) console.log(keyLine(`  ours, chroma + ${p} profile`, (r) => r.ourKeys[p]));
console.log(keyLine('EssentiaKeyAnalyser edma (11 kHz, in pipeline)', (r) => r.essPipeline));
for (const p of PROFILES) console.log(keyLine(`essentia.js KeyExtractor ${p} (44.1 kHz)`, (r) => r.essKeys[p]));
console.log('\nThroughput (CPU seconds, summed over the set)');
const rt = (cpu: number) => (cpu > 0 ? `${(audioSec / cpu).toFixed(0)}× realtime per core` : '—');
console.log(`decode floor (ffmpeg → pipe, dropped)      ffmpeg ${cpuDecode.toFixed(2)} s + reader ${cpuDecodeNode.toFixed(2)} s   ${rt(cpuDecode)}   wall ${(wallDecode / 1000).toFixed(2)} s`);
console.log(`full analysis (loudness + tempo + tonal)   ffmpeg ${cpuAnalysisFfmpeg.toFixed(2)} s + analysers ${(cpuAnalysis - cpuAnalysisFfmpeg).toFixed(2)} s   ${rt(cpuAnalysis)}   wall ${(wallAnalysis / 1000).toFixed(2)} s`);
console.log(`full set + EssentiaKeyAnalyser            total ${cpuWithEssentiaKey.toFixed(2)} s   ${rt(cpuWithEssentiaKey)}   ${(cpuWithEssentiaKey / cpuDecode).toFixed(2)}× the floor`);
console.log(`analysis / decode floor: ${(cpuAnalysis / cpuDecode).toFixed(2)}×   (targets: ≥ 100× realtime per core, ≤ 3× the floor)`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ audioSec, cpuDecode, cpuDecodeNode, cpuAnalysis, cpuAnalysisFfmpeg, rows }, null, 2));

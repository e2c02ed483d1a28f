// The beat grid's start against a MIDI file's written beats (issue 11, session 37, helper beats37): a DJ tester found
// openttd-openmsx's boogi_marabi_redfarn.mid (153 BPM, 3/4; rendered by fluidsynth with FluidR3_GM) with its stored
// beats ~100 ms late for the first ~22 beats, then right. This tool renders a MIDI file as the eval sets do
// (fluidsynth, FluidR3_GM, 44.1 kHz, gain 0.5; build-set.ts render), runs the tempo analyser on it (run.ts analyzeFile:
// the decode the library scan and `studio analyze` use) and prints, per written beat, the nearest stated beat and its
// offset, then the early-beat figures (beat-f.ts earlyBeats: F and the mean offset over the first 10 s, which MIREX's
// F skips) and MIREX's F over the whole render.
//
// Written beats: tick k × division of the MIDI (every quarter note: the beat of an x/4 meter) in seconds through its
// tempo map (test/helpers/midi.ts tickToSeconds), plus the render's own start latency (the first sample above −60 dBFS
// less the first note-on's written time; fluidsynth starts a note at once, so this is ~0). Compound meters (6/8, 12/8)
// beat in dotted quarters: `--beat-ticks N` sets the beat's length in ticks (default: the division, a quarter note).
//
//   node --import tsx tools/eval/beat-start.ts MIDI [--sf PATH] [--sec S] [--beats N] [--beat-ticks T] [--out DIR]
//   node --import tsx tools/eval/beat-start.ts MIDI --audio FILE     (an audio file rendered from MIDI elsewhere)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFile } from '../../main/engine/analysis/run';
import { TempoAnalyser, type TempoResult } from '../../main/engine/analysis/tempo';
import { parseMidi, tickToSeconds, walkSmf } from '../../test/helpers/midi';
import { beatF, earlyBeats, EARLY_SEC } from './beat-f';

/**
 * The written beat times (s) of a Standard MIDI File: tick k × `beatTicks` for k = 0, 1, … up to its last event,
 * through its tempo map (tickToSeconds; 120 BPM before the first tempo event). `beatTicks` defaults to the division (a
 * quarter note). Throws for an SMPTE-timed file (division 0) and for what walkSmf throws on.
 */
export function midiBeats(bytes: Uint8Array, beatTicks?: number): number[] {
  const info = parseMidi(bytes);
  if (!info.division) throw new Error('midiBeats: an SMPTE-timed MIDI file has no beats in ticks');
  const step = beatTicks ?? info.division;
  const out: number[] = [];
  for (let tick = 0; tick <= info.endTick; tick += step) out.push(tickToSeconds(info, tick));
  return out;
}

/** The written time (s) of a MIDI file's first note-on with velocity > 0. */
export function firstNoteSec(bytes: Uint8Array): number {
  const info = parseMidi(bytes);
  let first = Infinity;
  walkSmf(bytes, (e) => {
    if (e.kind === 'on' && e.tick < first) first = e.tick;
  });
  return Number.isFinite(first) ? tickToSeconds(info, first) : 0;
}

/** The first time (s) a mono 44.1 kHz decode of `file` reaches −60 dBFS. */
function firstSoundSec(file: string): number {
  const b = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-ar', '44100', '-f', 'f32le', '-'], { maxBuffer: 1 << 30 });
  const x = new Float32Array(b.buffer, b.byteOffset, b.length >> 2);
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) >= 1e-3) return i / 44100;
  return 0;
}

async function main(): Promise<void> {
  const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sf: { type: 'string', default: '/usr/share/sounds/sf2/FluidR3_GM.sf2' },
      sec: { type: 'string', default: '60' },
      beats: { type: 'string', default: '30' },
      'beat-ticks': { type: 'string' },
      out: { type: 'string', default: 'test/output/beat-start' },
      audio: { type: 'string' },
    },
  });
  const mid = positionals[0];
  if (!mid) throw new Error('usage: beat-start.ts MIDI [--audio FILE] [--sf PATH] [--sec S] [--beats N] [--beat-ticks T] [--out DIR]');
  const bytes = readFileSync(mid);
  let audio = args.audio;
  if (!audio) {
    mkdirSync(args.out, { recursive: true });
    audio = join(args.out, `${basename(mid).replace(/\.midi?$/i, '')}-${basename(args.sf).replace(/\.sf[23]$/i, '')}-${args.sec}s.wav`);
    if (!existsSync(audio)) {
      const raw = `${audio}.raw`;
      execFileSync('bash', ['-c', `fluidsynth -ni -q -F '${raw}' -T raw -O float -r 44100 -g 0.5 '${args.sf}' '${mid}' 2>/dev/null`]);
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'f32le', '-ar', '44100', '-ac', '2', '-i', raw, '-t', args.sec, '-c:a', 'pcm_s16le', audio]);
      execFileSync('rm', ['-f', raw]);
    }
  }
  const lag = firstSoundSec(audio) - firstNoteSec(bytes);
  const run = await analyzeFile(audio, [new TempoAnalyser()]);
  const t = run.results.tempo as TempoResult;
  const ref = midiBeats(bytes, args['beat-ticks'] ? Number(args['beat-ticks']) : undefined)
    .map((s) => s + lag)
    .filter((s) => s < run.durationSec);
  const period = ref.length > 1 ? ref[1] - ref[0] : 0.5;
  console.log(`${audio}: ${run.durationSec.toFixed(2)} s, tempo ${t.bpm} BPM (written ${(60 / period).toFixed(1)}), ${t.beats.length} beats stated, render lag ${(lag * 1000).toFixed(1)} ms`);
  console.log('beat | written s | stated s | offset ms');
  for (let k = 0; k < Math.min(ref.length, Number(args.beats)); k++) {
    let best: number | null = null;
    for (const b of t.beats) if (Math.abs(b - ref[k]) <= period / 2 && (best === null || Math.abs(b - ref[k]) < Math.abs(best - ref[k]))) best = b;
    console.log(`${k} | ${ref[k].toFixed(3)} | ${best === null ? '–' : best.toFixed(3)} | ${best === null ? '–' : ((best - ref[k]) * 1000).toFixed(0)}`);
  }
  const e = earlyBeats(t.beats, ref);
  console.log(`first ${EARLY_SEC} s: F ${e.f?.toFixed(3) ?? '– (no written beat there)'}, mean offset ${e.meanOffset === null ? '–' : (e.meanOffset * 1000).toFixed(1)} ms, mean |offset| ${e.meanAbsOffset === null ? '–' : (e.meanAbsOffset * 1000).toFixed(1)} ms (${e.found} of ${e.written} written beats with a stated one within half a period); MIREX F ${beatF(t.beats, ref).toFixed(3)}`);
}

if (process.argv[1] && /beat-start\.ts$/.test(process.argv[1])) await main();

// Node's CPU for reading a library scan's decode (issue 11 throughput; BENCHMARKS.md "Throughput: session 11"): the
// PCM reader (media/pcm.ts readPcmOutputs) with the analysis decode's two outputs (ANALYSIS_FILTER and WAVE_OUTPUT),
// nothing analysed, read through pipes (STUDIO_PCM_TRANSPORT=pipe) and through socket pairs (pcm-socket.ts), in ONE
// process, alternating per pass (the order swaps every pass), so both see the same load. Node CPU only
// (process.cpuUsage: the spawn, the reads, the WAV reader, the non-finite scan); ffmpeg's CPU is the same command for
// both and is not counted. Medians per file over passes; then one untimed pass each checks that both read the same
// samples (a hash of every sample's bits, per output).
//
//   nice node --import tsx test/bench/pcm-transport-ab.ts [DIR] [--passes 6] [--every 1]
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ANALYSIS_FILTER } from '../../main/engine/analysis/run';
import { WAVE_OUTPUT } from '../../main/engine/analysis/waveform';
import { readPcmOutputs } from '../../main/engine/media/pcm';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { passes: { type: 'string', default: '6' }, every: { type: 'string', default: '1' } } });
const dir = positionals[0] ?? 'test/output/eval/dev';
const files = readdirSync(dir)
  .filter((f) => /\.(mp3|wav|flac|ogg|m4a|opus)$/i.test(f))
  .sort()
  .filter((_, i) => i % Number(o.every) === 0)
  .map((f) => join(dir, f));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

let sink = 0;
/** one pass over the files; with `hash`, a digest of every sample's bits per output (an untimed check pass) */
async function pass(transport: 'pipe' | 'socket', hash = false): Promise<{ ms: number; digest: string }> {
  if (transport === 'pipe') process.env.STUDIO_PCM_TRANSPORT = 'pipe';
  else delete process.env.STUDIO_PCM_TRANSPORT;
  const hashes = [createHash('sha256'), createHash('sha256')];
  const t0 = cpu();
  for (const f of files) {
    await readPcmOutputs(f, {
      outputs: [{ filter: ANALYSIS_FILTER }, WAVE_OUTPUT].map((out, k) => ({
        ...out,
        onFrames: (x: Float32Array) => {
          if (hash) hashes[k].update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
          else sink += x[0];
        },
      })),
    });
  }
  return { ms: (cpu() - t0) / files.length, digest: hashes.map((h) => h.digest('hex').slice(0, 16)).join(' ') };
}

const sides = { pipe: [] as number[], socket: [] as number[] };
for (let p = 0; p < Number(o.passes); p++) {
  for (const t of p % 2 ? (['socket', 'pipe'] as const) : (['pipe', 'socket'] as const)) {
    const r = await pass(t);
    sides[t].push(r.ms);
    console.log(`pass ${p + 1} ${t}: ${r.ms.toFixed(1)} ms node CPU per file`);
  }
}
const [dp, ds] = [(await pass('pipe', true)).digest, (await pass('socket', true)).digest];
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(
  `${files.length} files, ${o.passes} alternating passes; median node CPU per file: pipes ${med(sides.pipe).toFixed(1)} ms, sockets ${med(sides.socket).toFixed(1)} ms; ` +
    `samples identical: ${dp === ds} (${ds})`,
);

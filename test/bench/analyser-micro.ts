// CPU per analyser on synthetic audio (issue 11, throughput): one analyser's init/process/finish over N seconds of
// pseudo-random band-limited stereo at 44.1 kHz (and 16 kHz mono for the wave-stream analysers), in blocks of 4096
// frames as run.ts hands them; prints this thread's CPU ms per 30 s of audio (median of passes) and a digest of
// the result, so a change that claims to be result-identical shows the same digest.
//
//   nice node --import tsx test/bench/analyser-micro.ts [loudness|peaks|tempo|tonal|spectrogram…] [--sec 120] [--passes 5]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { libraryAnalysers } from '../../main/engine/library/analyse';
import { SharedStreams } from '../../main/engine/dsp/streams';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { sec: { type: 'string', default: '120' }, passes: { type: 'string', default: '5' } } });
const sec = Number(args.sec);
const names = positionals.length ? positionals : libraryAnalysers().map((a) => a.name);

function signal(rate: number, channels: number): Float32Array[] {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  const n = Math.round(sec * rate);
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(n);
    let lp = 0;
    for (let i = 0; i < n; i++) {
      lp = 0.9 * lp + 0.1 * rnd();
      const t = i / rate;
      x[i] = 0.3 * Math.sin(2 * Math.PI * (220 + 110 * c) * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 2 * t)) + 2 * lp;
    }
    return x;
  });
}
const full = signal(44100, 2);
const wave = signal(16000, 1);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function feed(x: Float32Array[], f: (b: Float32Array[]) => void) {
  for (let i = 0; i < x[0].length; i += 4096) f(x.map((c) => c.subarray(i, Math.min(i + 4096, c.length))));
}
for (const name of names) {
  const times: number[] = [];
  let digest = '';
  for (let p = 0; p < Number(args.passes); p++) {
    const a = libraryAnalysers(sec).find((x) => x.name === name)!;
    const isWave = a.stream === 'wave';
    const x = isWave ? wave : full;
    const rate = isWave ? 16000 : 44100;
    const shared = isWave ? undefined : new SharedStreams(rate, x.length);
    const t = cpu();
    a.init(rate, x.length, shared);
    feed(x, (b) => {
      shared?.process(b);
      a.process(b);
      shared?.endBlock();
    });
    const r = a.finish();
    times.push(cpu() - t);
    digest = createHash('sha256').update(JSON.stringify(r, (_, v) => (ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v))).digest('hex').slice(0, 16);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(12)} ${((times[times.length >> 1] * 30) / sec).toFixed(1).padStart(7)} ms per 30 s (min ${((times[0] * 30) / sec).toFixed(1)})  result ${digest}`);
}

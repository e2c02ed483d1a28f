// Writes main/engine/analysis/tempo-net.json (the tempogram net's weights, read by tempo-net-weights.ts tempoNetWeights() on
// first use; session 21 moved them out of the engine's bundle) from the JSON export of the
// Python side (format "resonance-tempo-net/1": tools/eval/temponet-train.py's ensemble, exported by helper tnetcv18),
// checking its shape against what main/engine/analysis/tempo-net.ts reads. Numbers are written as the JSON holds them.
//
//   node --import tsx tools/eval/temponet-weights.ts --json test/output/tnetcv18/full.json [--note "how it was fitted"]
//
// --note: printed as the sentence(s) to put in tempoNetWeights()' docstring about the fit (recipe, rows, CV figures).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TEMPO_NET_CHANNELS } from '../../main/engine/analysis/tempo-net';

const { values: args } = parseArgs({ options: { json: { type: 'string' }, out: { type: 'string', default: 'main/engine/analysis/tempo-net.json' }, note: { type: 'string', default: '' } } });
if (!args.json) throw new Error('--json FILE (resonance-tempo-net/1)');
const raw = readFileSync(args.json, 'utf8');
const j = JSON.parse(raw);
if (j.format !== 'resonance-tempo-net/1') throw new Error(`format ${j.format}, expected resonance-tempo-net/1`);
if (JSON.stringify(j.channels) !== JSON.stringify(TEMPO_NET_CHANNELS)) throw new Error(`channels ${j.channels}`);
const bins = Math.round(Math.log2(j.hiBpm / j.loBpm) * j.binsPerOctave) + 1;
if (bins !== j.bins) throw new Error(`bins ${j.bins}, the axis has ${bins}`);
for (const [n, net] of (j.nets as { mu: number[]; sd: number[]; prior: number[]; layers: { in: number; out: number; kernel: number; dilation: number; weight: number[]; bias: number[] }[] }[]).entries()) {
  if (net.mu.length !== j.channels.length || net.sd.length !== j.channels.length || net.prior.length !== j.bins) throw new Error(`net ${n}: mu/sd/prior lengths`);
  let cin = j.channels.length;
  for (const l of net.layers) {
    if (l.in !== cin || l.weight.length !== l.out * l.in * l.kernel || l.bias.length !== l.out || l.kernel % 2 !== 1) throw new Error(`net ${n}: layer shapes`);
    cin = l.out;
  }
  if (cin !== 1) throw new Error(`net ${n}: the last layer gives ${cin} channels, not 1`);
}
const { nets, ...head } = j;
const text = JSON.stringify({ ...head, nets }) + '\n';
writeFileSync(args.out!, text);
console.log(`wrote ${args.out} (${j.nets.length} nets, ${(text.length / 1024).toFixed(0)} KiB); tempo-net-weights.ts' docstring: ${args.note || '(no --note)'}`);

// Conversion benchmark (issue 9): the TypeScript converter against the Python reference
// converter on the same ~1 B random checkpoints, each run in its own process
// (peak RSS = that process's VmHWM), plus per-tensor rates and an estimate for
// the real model (LLaMA-7B + ImageBind-huge) from those rates.
//
//   nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b --quant int4   # the sources (once)
//   nice node --import tsx test/bench/convert.bench.ts [--precision int4,fp32] [--no-python]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertPack, type ConvertOptions } from '../../main/engine/model/convert';
import { IMAGEBIND_HUGE, imagebindShapes } from '../../main/engine/model/convert/encoders';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const WORK = join(ROOT, 'test', 'output', 'bench-1b');
const SRC = join(WORK, 'src');
const OUT = join(ROOT, 'test', 'output', 'bench-convert-ts');

const vmHwmMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const du = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + du(join(p, f)), 0) : statSync(p).size);

type Kind = 'lora-merged (q/k/v/o)' | 'mlp' | 'lm_head' | 'embed' | 'norm';
const kindOf = (name: string): Kind =>
  /self_attn\.[qkvo]_proj/.test(name) ? 'lora-merged (q/k/v/o)' : /mlp\./.test(name) ? 'mlp' : name === 'lm_head.weight' ? 'lm_head' : name.includes('embed_tokens') ? 'embed' : 'norm';

async function child(precision: ConvertOptions['precision']): Promise<void> {
  const out = join(OUT, `ts-${precision}`);
  const steps: Record<string, number> = {};
  const perKind: Record<string, { seconds: number; elements: number; n: number }> = {};
  let last = performance.now();
  let lastStep = '';
  const t0 = performance.now();
  await convertPack({
    imagebind: join(SRC, 'imagebind.pth'), imagebindConfig: join(SRC, 'imagebind.json'), llm: join(SRC, 'llama'), delta: join(SRC, 'llama', 'delta.pt'),
    out, precision, force: true,
    onProgress: (p) => {
      const now = performance.now();
      const dt = (now - last) / 1000;
      last = now;
      if (p.step !== lastStep) lastStep = p.step;
      steps[p.step] = (steps[p.step] ?? 0) + dt;
      if (p.tensor && p.elements) {
        const k = (perKind[kindOf(p.tensor)] ??= { seconds: 0, elements: 0, n: 0 });
        k.seconds += dt;
        k.elements += p.elements;
        k.n += 1;
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`RESULT ${JSON.stringify({ seconds, peakRssMb: vmHwmMb(), bytes: du(out), steps, perKind })}`);
}

function run(cmd: string, args: string[]): any {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as ConvertOptions['precision']);
  const precisions = (args.includes('--precision') ? args[args.indexOf('--precision') + 1] : 'int4').split(',') as Array<ConvertOptions['precision']>;
  if (!existsSync(join(SRC, 'llama', 'delta.pt'))) throw new Error('no sources: run  nice /usr/bin/python3 test/bench/make_1b_pack.py --out test/output/bench-1b --quant int4  first');
  const cfg = JSON.parse(readFileSync(join(SRC, 'llama', 'config.json'), 'utf8'));
  const srcBytes = du(join(SRC, 'llama')) + statSync(join(SRC, 'imagebind.pth')).size;
  console.log(`sources: LLaMA hidden ${cfg.hidden_size}, ${cfg.num_hidden_layers} layers, ffn ${cfg.intermediate_size}, vocab ${cfg.vocab_size} + 6; ${(srcBytes / 1e9).toFixed(2)} GB on disk`);
  rmSync(OUT, { recursive: true, force: true });
  const rows: string[] = [];
  for (const precision of precisions) {
    const ts = JSON.parse(/RESULT (.*)/.exec(run(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', precision]))![1]);
    rows.push(`| TypeScript \`convertPack\`, ${precision} | ${ts.seconds.toFixed(1)} s | ${(ts.peakRssMb / 1024).toFixed(2)} GB | ${(ts.bytes / 1e9).toFixed(2)} GB |`);
    console.log(`TS ${precision}: ${ts.seconds.toFixed(1)} s, peak RSS ${ts.peakRssMb.toFixed(0)} MB, ${(ts.bytes / 1e9).toFixed(2)} GB`);
    console.log('  steps (s):', Object.fromEntries(Object.entries(ts.steps as Record<string, number>).map(([k, v]) => [k, +v.toFixed(2)])));
    const rates: Record<string, number> = {};
    for (const [k, v] of Object.entries(ts.perKind as Record<string, { seconds: number; elements: number; n: number }>)) {
      rates[k] = v.elements / v.seconds;
      console.log(`  ${k}: ${v.n} tensors, ${(v.elements / 1e6).toFixed(0)} M elements, ${(rates[k] / 1e6).toFixed(1)} M elements/s`);
    }
    // the real model from these rates: LLaMA-7B (H 4096, ffn 11008, 32 layers, vocab 32006) + ImageBind-huge
    const H = 4096, I = 11008, L = 32, V = 32006;
    const llm7b: Record<string, number> = { 'lora-merged (q/k/v/o)': 4 * H * H * L, mlp: 3 * H * I * L, lm_head: V * H, embed: V * H, norm: (2 * L + 1) * H };
    let est = 0;
    for (const [k, n] of Object.entries(llm7b)) est += n / (rates[k] ?? rates.mlp);
    const ibHuge = [...imagebindShapes(IMAGEBIND_HUGE).values()].reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);
    // encoder weights are transposed/converted like the dense LLM matrices: the 'embed'/'mlp' rate is the closest measured one
    const encSeconds = ibHuge / (precision === 'fp32' ? rates.mlp : rates.embed);
    const hashSeconds = ts.steps.manifest / (ts.bytes / 1e9); // s per GB hashed
    console.log(`  7B estimate: LLM ${(est / 60).toFixed(1)} min + ImageBind-huge ${(ibHuge / 1e6).toFixed(0)} M params ${(encSeconds / 60).toFixed(1)} min + hashing ${hashSeconds.toFixed(1)} s/GB`);
    rows.push(`| → estimate for LLaMA-7B + ImageBind-huge, ${precision} | ${((est + encSeconds) / 60).toFixed(0)} min + hashing at ${hashSeconds.toFixed(1)} s/GB | see text | |`);
    if (!args.includes('--no-python')) {
      const [dtype, quant] = precision === 'fp16' ? ['fp16', 'none'] : precision === 'fp32' ? ['fp32', 'none'] : ['fp32', precision];
      const py = JSON.parse(run('/usr/bin/python3', [join(ROOT, 'tools/convert/bench_convert.py'), '--child', 'convert', '--imagebind', join(SRC, 'imagebind.pth'),
        '--imagebind-config', join(SRC, 'imagebind.json'), '--llm', join(SRC, 'llama'), '--delta', join(SRC, 'llama', 'delta.pt'), '--out', join(OUT, `py-${precision}`),
        '--dtype', dtype, '--llm-quant', quant, '--force']).trim().split('\n').pop()!);
      const pyBytes = du(join(OUT, `py-${precision}`));
      console.log(`Python convert.py ${precision}: ${py.seconds} s, peak RSS ${py.peak_rss_mb} MB, ${(pyBytes / 1e9).toFixed(2)} GB`);
      rows.push(`| Python \`convert.py\` (peer), ${precision} | ${py.seconds.toFixed(1)} s | ${(py.peak_rss_mb / 1024).toFixed(2)} GB | ${(pyBytes / 1e9).toFixed(2)} GB |`);
    }
  }
  console.log(['', '| case | time | peak RSS | pack |', '| --- | --: | --: | --: |', ...rows].join('\n'));
}

await main();

// Builds everything the app and the CLI run: node-side bundles with esbuild
// (our code bundled, npm packages left external so native modules load from
// node_modules), the sandboxed preload as CommonJS, and the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { copyFileSync, rmSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const only = process.argv[2]; // optional: node | renderer

// Remove only what this run rebuilds (others may be using the rest of out/).
const clean = (sub) => rmSync(new URL(`../out/${sub}`, import.meta.url), { recursive: true, force: true });
if (only !== 'renderer') ['engine', 'cli', 'main', 'preload'].forEach(clean);

// The contract's modules only define (schemas, constants, pure functions), and so does zod: marked free of side
// effects, esbuild leaves out a contract module none of whose exports a bundle uses — and zod itself where no schema
// is left. So the analysis worker (StudioError, toErrorData, clockTime, MIN_CONFIDENCE, PICTURE_TYPES, keyTonicName:
// all zod-free modules) neither loads zod nor builds the methods' schemas in each thread: ~0.1–0.2 s of CPU per
// worker start (BENCHMARKS.md "Throughput (speed37)"). test/unit/build-bundles.test.ts holds the worker to it.
const contractDir = fileURLToPath(new URL('../main/contract/', import.meta.url));
const sideEffectFree = {
  name: 'side-effect-free-contract',
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, (args) => ({ path: args.path, external: true, sideEffects: false }));
    b.onResolve({ filter: /^(@contract$|\.\.?\/)/ }, async (args) => {
      if (args.pluginData?.sideEffectFree) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { sideEffectFree: true } });
      return r.errors.length || !r.path.startsWith(contractDir) ? r : { ...r, sideEffects: false };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __STUDIO_VERSION__: JSON.stringify(pkg.version) },
};

if (only !== 'renderer') {
  await Promise.all([
    esbuild({
      ...common,
      format: 'esm',
      packages: 'external',
      plugins: [sideEffectFree],
      entryPoints: {
        'engine/index': 'main/engine/index.ts',
        'engine/analysis-worker': 'main/engine/library/worker.ts',
        'cli/studio': 'main/cli/studio.ts',
        'main/electron': 'main/electron/index.ts',
      },
      outdir: 'out',
      outExtension: { '.js': '.js' },
    }),
    esbuild({
      ...common,
      format: 'cjs',
      external: ['electron'],
      entryPoints: { 'preload/preload': 'preload/index.ts' },
      outdir: 'out',
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  // data the engine reads beside its bundle on first use (tempo-net-weights.ts: import.meta.url of out/engine/*.js)
  copyFileSync(new URL('../main/engine/analysis/tempo-net.json', import.meta.url), new URL('../out/engine/tempo-net.json', import.meta.url));
  // (key-net.ts keyNetWeights: the learned key net, knet22)
  copyFileSync(new URL('../main/engine/analysis/key-net.json', import.meta.url), new URL('../out/engine/key-net.json', import.meta.url));
}
if (only !== 'node') {
  await vite({ configFile: fileURLToPath(new URL('../renderer/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}

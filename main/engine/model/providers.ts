import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { GraphBuilder } from './convert/onnx';

let ortModule: typeof Ort | undefined;
/**
 * onnxruntime-node, loaded on first use (with its native library), not when the engine starts:
 * `studio analyze` and a library scan never run the model. The one place the package is loaded.
 */
export const ort = (): typeof Ort => (ortModule ??= createRequire(import.meta.url)('onnxruntime-node') as typeof Ort);

/**
 * Execution providers: chosen automatically (CUDA where its libraries are
 * installed, then WebGPU, DirectML on Windows, CoreML on macOS, then CPU) or
 * forced by a setting. Every fallback is recorded and shown, never silent.
 */
export const PROVIDERS = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type Provider = (typeof PROVIDERS)[number];
export type ProviderChoice = Provider | 'auto';

export interface ProviderDiagnostics {
  /** what onnxruntime-node reports it can load here */
  available: Array<{ name: string; bundled: boolean }>;
  cudaInstalled: boolean;
  /** the order tried for `auto` on this platform */
  autoOrder: Provider[];
}

export function diagnostics(platform = process.platform): ProviderDiagnostics {
  return { available: ort().listSupportedBackends(), cudaInstalled: cudaInstalled(), autoOrder: autoOrder(platform) };
}

/**
 * The files onnxruntime-node's CUDA build adds beside its native binding (`bin/napi-v6/<platform>/<arch>`), as its
 * install script's manifest lists them (onnxruntime-node `script/install-metadata.js`, `linux/x64:cuda12`):
 * `libonnxruntime_providers_cuda.so` and `libonnxruntime_providers_shared.so` (`onnxruntime_providers_*.dll` on
 * Windows), those not there; [] where the CUDA build is installed. Everywhere but linux/x64 and win32/x64 (where no
 * CUDA build exists), both names.
 */
export function cudaMissing(platform: string = process.platform, arch: string = process.arch): string[] {
  const names = ['cuda', 'shared'].map((p) => (platform === 'win32' ? `onnxruntime_providers_${p}.dll` : `libonnxruntime_providers_${p}.so`));
  if (!((platform === 'linux' || platform === 'win32') && arch === 'x64')) return names;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', platform, arch);
  } catch {
    return names;
  }
  return names.filter((n) => !existsSync(join(dir, n)));
}

/** Whether onnxruntime-node's CUDA build was installed (ONNXRUNTIME_NODE_INSTALL=cuda12): cudaMissing() is empty. */
export function cudaInstalled(): boolean {
  return cudaMissing().length === 0;
}

/** Why the CUDA provider is not tried: the files of `cudaMissing()` absent (names them), and what to do. */
export function noCudaBuild(missing: string[]): string {
  return `this installation of ONNX Runtime has no CUDA build (${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not there): install it with \`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node\` (a studio built from source; README, GPU), or use the auto or cpu provider`;
}

export function autoOrder(platform = process.platform): Provider[] {
  const supported = new Set(ort().listSupportedBackends().map((b) => b.name));
  const order: Provider[] = [];
  if (supported.has('cuda') && platform !== 'darwin' && cudaInstalled()) order.push('cuda');
  if (platform === 'win32' && supported.has('dml')) order.push('dml');
  if (platform === 'darwin' && supported.has('coreml')) order.push('coreml');
  if (supported.has('webgpu') && process.env.STUDIO_DISABLE_WEBGPU !== '1') order.push('webgpu');
  order.push('cpu');
  return order;
}

export interface OpenedSession {
  session: Ort.InferenceSession;
  provider: Provider;
  /** providers tried before this one and why they were not used */
  fallbacks: Array<{ provider: Provider; reason: string }>;
}

/**
 * Create a session on the requested provider, or for `auto` on the first
 * one that works. A forced provider that fails is an error (UNSUPPORTED).
 */
export async function createSession(
  path: string,
  choice: ProviderChoice,
  opts: {
    threads?: number;
    /** for auto: start here (the provider earlier graphs got) */
    startAt?: Provider;
    /** merged over the defaults below (the decoder benchmark measures alternatives with it) */
    sessionOptions?: Ort.InferenceSession.SessionOptions;
  } = {},
): Promise<OpenedSession> {
  let order = choice === 'auto' ? autoOrder() : [choice];
  if (choice === 'auto' && opts.startAt && order.includes(opts.startAt)) order = order.slice(order.indexOf(opts.startAt));
  const fallbacks: OpenedSession['fallbacks'] = [];
  for (const provider of order) {
    if (provider === 'webgpu') {
      // asked of a child process first: Dawn's own lines on a machine with no GPU stay off this process's stderr
      const probe = await webgpuProbe();
      if (!probe.ok) {
        if (choice !== 'auto') throw unsupported(provider, probe.reason);
        fallbacks.push({ provider, reason: probe.reason });
        continue;
      }
    }
    if (provider === 'cuda') {
      // checked before onnxruntime is asked: without its CUDA build it writes its own "[E:onnxruntime:…]
      // … libonnxruntime_providers_shared.so: cannot open shared object file" line to stderr before the error
      // comes back, and `studio ask --provider cuda` showed it above the studio's sentence (lock39)
      const missing = cudaMissing();
      if (missing.length) {
        if (choice !== 'auto') throw unsupported(provider, noCudaBuild(missing));
        fallbacks.push({ provider, reason: noCudaBuild(missing) });
        continue;
      }
    }
    try {
      const session = await ort().InferenceSession.create(path, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
        logSeverityLevel: 3,
        ...opts.sessionOptions,
      });
      return { session, provider, fallbacks };
    } catch (err) {
      const reason = readableReason(provider, (err as Error).message);
      if (choice !== 'auto') throw unsupported(provider, reason);
      fallbacks.push({ provider, reason });
    }
  }
  throw new Error(`No execution provider could load ${path}: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
}

function unsupported(provider: Provider, reason: string): Error {
  const e = new Error(`The ${provider} execution provider could not run this model here: ${reason.replace(/; the CPU is used instead$/, '')}`);
  (e as Error & { code?: string }).code = 'UNSUPPORTED';
  return e;
}

/** What the WebGPU check found: a GPU WebGPU can use, or why not (the sentence `readableReason` makes). */
export type WebgpuProbe = { ok: true } | { ok: false; reason: string };

/** The WebGPU check's hang guard: a GPU driver that never answers is no GPU to use. */
const WEBGPU_PROBE_MS = 30_000;

/** The child's script: argv[1] onnxruntime-node's path, argv[2] a one-node graph (base64); exit 0 on a session, else the error's message on stdout and exit 3. */
const PROBE_SCRIPT = `const ort = require(process.argv[1]);
ort.InferenceSession.create(Buffer.from(process.argv[2], 'base64'), { executionProviders: ['webgpu'], logSeverityLevel: 3 })
  .then((s) => s.release()).then(() => process.exit(0), (e) => { process.stdout.write(String(e && e.message || e)); process.exit(3); });`;

let webgpuProbed: Promise<WebgpuProbe> | undefined;

/**
 * Whether WebGPU finds a GPU here, asked once per process of a child process (this Node, or Electron as Node) that
 * opens a one-node graph on the WebGPU provider. On a machine with no GPU driver Dawn, inside onnxruntime, writes
 * its own lines straight to the process's stderr ("Warning: vkCreateInstance: Found no drivers!", a C++ source
 * location) — on `studio ask`'s terminal they read as an error, though the CPU answers. Here they land in the
 * child's stderr, which is dropped where the child's error is the known no-GPU kind (the fallback's note says it
 * in words) and otherwise copied to this process's stderr as it was: a real failure is still seen. ~0.2 s once.
 * @returns ok, or the reason (`readableReason` of the child's error; its exit signal or the hang guard if no message)
 */
export function webgpuProbe(): Promise<WebgpuProbe> {
  return (webgpuProbed ??= new Promise<WebgpuProbe>((resolve) => {
    const g = new GraphBuilder();
    g.op('Identity', ['x'], {}, { name: 'y' });
    const graph = g.serialize('webgpu-probe', [{ name: 'x', dtype: 'float32', shape: [1] }], [{ name: 'y', dtype: 'float32', shape: [1] }], [['', 13]]);
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    execFile(
      process.execPath,
      ['-e', PROBE_SCRIPT, ortPath, Buffer.from(graph).toString('base64')],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: WEBGPU_PROBE_MS, killSignal: 'SIGKILL', windowsHide: true },
      (err, stdout, stderr) => {
        const outcome = webgpuProbeOutcome(err ? { code: typeof err.code === 'number' ? err.code : null, signal: err.signal ?? null, timedOut: !!err.killed } : { code: 0, signal: null, timedOut: false }, stdout, stderr);
        if (outcome.passStderr) process.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
        resolve(outcome.probe);
      },
    );
  }));
}

/**
 * The WebGPU check's child ended: what it found, and whether its stderr is to be shown. Its stderr is dropped where
 * it found a GPU (this process opens its own session, which says whatever it says) or failed for want of one (Dawn's
 * lines, said by the reason); anything else — another error, a crash, the hang guard — keeps it, as it was.
 */
export function webgpuProbeOutcome(exit: { code: number | null; signal: string | null; timedOut: boolean }, stdout: string, stderr: string): { probe: WebgpuProbe; passStderr: boolean } {
  if (exit.code === 0 && !exit.signal) return { probe: { ok: true }, passStderr: false };
  const reason = exit.timedOut
    ? `the WebGPU check did not finish in ${WEBGPU_PROBE_MS / 1000} s (a GPU driver that does not answer); the CPU is used instead`
    : stdout.trim()
      ? readableReason('webgpu', stdout)
      : `the WebGPU check stopped (${exit.signal ? `killed by ${exit.signal}` : `exit status ${exit.code}`}); the CPU is used instead`;
  return { probe: { ok: false, reason }, passStderr: stderr.trim() !== '' && !NO_GPU.test(stdout) };
}

/** onnxruntime's words for WebGPU finding no GPU (Dawn found no adapter: no driver, or none it can use) */
const NO_GPU = /adapter|no available|requestAdapter|Dawn|Vulkan|device lost/i;

/**
 * onnxruntime's session errors are C++ messages ("[ONNXRuntimeError] : 1 : FAIL : …
 * webgpu_context.cc:123 …"). Turn the known kinds into one sentence a person can act on;
 * anything else keeps its first line without the prefix and source locations, whole.
 */
export function readableReason(provider: string, message: string): string {
  const m = message.replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '').replace(/\s*\S+\.(cc|cpp|h):\d+\s*(\S+\s*)?/g, ' ').trim();
  const first = m.split('\n')[0].replace(/\s+/g, ' ').trim();
  if (provider === 'webgpu') {
    if (NO_GPU.test(m)) return 'no GPU that WebGPU can use was found (it needs a GPU driver with Vulkan, Metal or Direct3D 12); the CPU is used instead';
    const op = /(?:implementation|kernel) for (\w+)/i.exec(m)?.[1];
    if (op) return `this model uses the ${op} operator, which WebGPU cannot run here; the CPU is used instead`;
  }
  if (provider === 'cuda' && /libcudart|libcublas|libcudnn|cuda.*(not found|cannot open)|CUDA driver/i.test(m)) return 'the CUDA libraries or driver could not be loaded (an NVIDIA GPU with CUDA 12 and cuDNN 9 is needed)';
  // onnxruntime-node as npm installs it ships no CUDA provider: "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed
  // to load shared library" (its libonnxruntime_providers_shared.so is absent) said neither that nor what to do (tester38)
  if (provider === 'cuda' && /AppendExecutionProvider_Cuda: Failed to load shared library|providers_(shared|cuda)\.(so|dll)/i.test(m)) {
    return 'this installation of ONNX Runtime has no CUDA build (its CUDA provider library is not there): install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (a studio built from source; README, GPU), or use the auto or cpu provider';
  }
  const op = /(?:implementation|kernel) for (\w+)/i.exec(m)?.[1];
  if (op) return `this model uses the ${op} operator, which ${provider} cannot run here`;
  return first || message.split('\n')[0];
}

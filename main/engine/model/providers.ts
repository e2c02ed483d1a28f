import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';

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

/** Whether onnxruntime-node's CUDA provider library was installed (ONNXRUNTIME_NODE_INSTALL=cuda12). */
export function cudaInstalled(): boolean {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const binDir = join(pkg, 'bin');
    const walk = (d: string): boolean =>
      readdirSync(d, { withFileTypes: true }).some((e) =>
        e.isDirectory() ? walk(join(d, e.name)) : /onnxruntime_providers_cuda\.(so|dll)$/.test(e.name),
      );
    return existsSync(binDir) && walk(binDir);
  } catch {
    return false;
  }
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
      if (choice !== 'auto') {
        const e = new Error(`The ${provider} execution provider could not run this model here: ${reason}`);
        (e as Error & { code?: string }).code = 'UNSUPPORTED';
        throw e;
      }
      fallbacks.push({ provider, reason });
    }
  }
  throw new Error(`No execution provider could load ${path}: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
}

/**
 * onnxruntime's session errors are C++ messages ("[ONNXRuntimeError] : 1 : FAIL : …
 * webgpu_context.cc:123 …"). Turn the known kinds into one sentence a person can act on;
 * anything else keeps its first line without the prefix and source locations, whole.
 */
export function readableReason(provider: string, message: string): string {
  const m = message.replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '').replace(/\s*\S+\.(cc|cpp|h):\d+\s*(\S+\s*)?/g, ' ').trim();
  const first = m.split('\n')[0].replace(/\s+/g, ' ').trim();
  if (provider === 'webgpu') {
    if (/adapter|no available|requestAdapter|Dawn|Vulkan|device lost/i.test(m)) return 'no GPU that WebGPU can use was found (it needs a GPU driver with Vulkan, Metal or Direct3D 12); the CPU is used instead';
    const op = /(?:implementation|kernel) for (\w+)/i.exec(m)?.[1];
    if (op) return `this model uses the ${op} operator, which WebGPU cannot run here; the CPU is used instead`;
  }
  if (provider === 'cuda' && /libcudart|libcublas|libcudnn|cuda.*(not found|cannot open)|CUDA driver/i.test(m)) return 'the CUDA libraries or driver could not be loaded (an NVIDIA GPU with CUDA 12 and cuDNN 9 is needed)';
  const op = /(?:implementation|kernel) for (\w+)/i.exec(m)?.[1];
  if (op) return `this model uses the ${op} operator, which ${provider} cannot run here`;
  return first || message.split('\n')[0];
}

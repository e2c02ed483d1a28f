import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { GET_AGAIN, StudioError, type CatalogEntry, type GetRequest, type GetState, type ModelCatalog, type Precision } from '@contract';
import type { EngineContext } from '../../context';
import { makeDirs } from '../../fs/paths';
import { getSetting, readSettingsReadOnly, setSetting } from '../../db/settings';
import { deltaFiles, freeBytes, HubError, imagebindUrl, networkFailureText, retryAfterMs, vicunaDeltaFiles } from '../download/index';
import { loadPack, PackError } from '../pack';
import { damagedPacks, installedPacks, layout, modelsDirOf, MODEL_NAME, SUMMARY, VARIANTS, type Variant } from './catalog';
import { DISK_RESERVE_BYTES, GetJob, modelsFolderFailure, type ConvertFn, type GetJobState } from './job';
import { StateStamper } from '../../state-order';
import { plan, type Discovery } from './plan';
import { PRECISION_FIGURES } from './figures';

/**
 * The Models panel and `studio model …` behind one service: the catalogue of
 * DeepResonance-α/-β (sources, sizes, disk needed, what is present, installed
 * packs), one Get job at a time (events `model:get-state`), pack verification and
 * conversion from files on disk. The models folder is `STUDIO_MODELS_DIR` or
 * `<data folder>/models`. With `STUDIO_MODELS_HELD_DB` (the database of a data folder another process holds:
 * `studio model list` while the app runs) the catalogue writes nothing: the remembered folders are read from
 * that database read-only and the models folder is not made.
 */
export class ModelCatalogService {
  readonly modelsDir: string;
  private job: GetJob | null = null;
  private discovery: Discovery = { delta: {} };
  private sourcesNote: string | null = 'Sizes are estimates until the sources are looked up.';
  /** every Get state sent (event or answer) carries its order (GetState.seq, engineRun; isStaleState) */
  private readonly order = new StateStamper();

  constructor(
    private readonly ctx: EngineContext,
    private readonly convertFn: ConvertFn,
    /** a pack was added or removed (refresh the pack chooser) */
    private readonly onPacksChanged: () => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.modelsDir = modelsDirOf(ctx.dataDir, env);
  }

  private remembered() {
    const held = this.env.STUDIO_MODELS_HELD_DB?.trim();
    const keys = ['llama', 'vicuna', 'from'].map((k) => `model.get.${k}`);
    const found = held ? readSettingsReadOnly(held, keys) : null;
    const g = (k: string) => (found ? found[`model.get.${k}`] : getSetting(this.ctx.db, `model.get.${k}`)) ?? null;
    return { llama: g('llama'), vicuna: g('vicuna'), from: g('from') };
  }

  /** Ask the Hub for the exact files, sizes and SHA-256 of every source (tree API). */
  private async discover(signal?: AbortSignal): Promise<Discovery> {
    const o = { env: this.env, signal };
    const [alpha, beta, vicunaDelta, imagebindBytes] = await Promise.all([deltaFiles('alpha', o), deltaFiles('beta', o), vicunaDeltaFiles(o), headSize(imagebindUrl(this.env), signal, this.env.STUDIO_DOWNLOAD_BACKOFF_MS ? Number(this.env.STUDIO_DOWNLOAD_BACKOFF_MS) : undefined)]);
    this.discovery = { delta: { alpha, beta }, vicunaDelta, imagebindBytes };
    this.sourcesNote = null;
    return this.discovery;
  }

  /** The catalogue. `refresh` looks the sources up (8 s at most; offline → estimates with a note); without it, what is known. */
  async catalog(refresh = false, folders: { llama?: string; vicuna?: string; from?: string } = {}): Promise<ModelCatalog> {
    if (refresh && !this.job?.active) {
      try {
        await this.discover(AbortSignal.timeout(8000));
      } catch (e) {
        this.sourcesNote = e instanceof HubError && e.status !== undefined && e.status < 500
          ? `The Hugging Face Hub refused to list the files (${e.message}); sizes are estimates.`
          : `The Hugging Face Hub could not be reached (${networkFailureText(e)}); sizes are estimates. Get looks the sources up again.`;
      }
    }
    if (!this.env.STUDIO_MODELS_HELD_DB) {
      try {
        makeDirs(this.modelsDir);
      } catch {
        // a models folder that cannot be made (read-only disk, a file in the way) is listed as empty: Get says why
      }
    }
    const rem = this.remembered();
    const given = folders.llama || folders.vicuna || folders.from ? { llama: folders.llama ?? null, vicuna: folders.vicuna ?? null, from: folders.from ?? null } : rem;
    const packs = installedPacks(layout(this.modelsDir).packs);
    // a folder given that cannot be used is said (the panel showed it as chosen, with nothing saying why not: tester26)
    let foldersProblem: string | null = null;
    const entries: CatalogEntry[] = VARIANTS.map((variant) => {
      let p;
      try {
        p = plan(this.modelsDir, variant, { llama: given.llama ?? undefined, vicuna: given.vicuna ?? undefined, from: given.from ?? undefined }, this.discovery, this.env);
      } catch (e) {
        foldersProblem ??= e instanceof StudioError ? (e.detail ?? e.message) : (e as Error).message;
        p = plan(this.modelsDir, variant, {}, this.discovery, this.env);
      }
      return {
        variant,
        model: MODEL_NAME[variant],
        summary: SUMMARY[variant],
        parts: p.parts,
        packBytes: p.packBytes,
        downloadBytes: p.downloads.reduce((a, d) => a + (d.present ? 0 : Math.max(0, d.bytes - d.partialBytes)), 0),
        packs: packs.filter((k) => k.variant === variant),
      };
    });
    let free: number | null = null;
    try {
      free = await freeBytes(this.modelsDir);
    } catch {
      free = null;
    }
    return { modelsDir: this.modelsDir, freeBytes: free, reserveBytes: this.reserveBytes, entries, damagedPacks: damagedPacks(layout(this.modelsDir).packs), sourcesNote: this.sourcesNote, foldersProblem, job: this.job ? this.stamped(this.job) : null, remembered: rem, precisionFigures: PRECISION_FIGURES };
  }

  /**
   * Remember the folders a Get was given (settings `model.get.llama|vicuna|from`), for the Models panel and the next
   * `studio model get` — only once the plan took them: a folder refused (not a model, missing) was remembered before
   * it was checked and came back in the panel after it was cleared there (tester33).
   */
  private remember(req: GetRequest): void {
    for (const k of ['llama', 'vicuna', 'from'] as const) if (req[k]) setSetting(this.ctx.db, `model.get.${k}`, req[k]!);
  }

  /** A copy of the job's state with its order (the next seq): what an event or an answer sends (isStaleState). */
  private stamped(job: GetJob): GetState {
    return this.order.stamp(structuredClone(job.state));
  }

  /** Start (or resume) a Get. One job at a time; the same request while it runs returns its state. */
  async get(req: GetRequest): Promise<GetState> {
    const precision: Precision = req.precision ?? 'int4';
    if (this.job?.active) {
      const j = this.job.req;
      if (j.variant === req.variant && j.precision === precision) return this.stamped(this.job);
      throw new StudioError('BAD_ARGS', `Getting ${MODEL_NAME[j.variant as Variant]} (${j.precision}) is under way; pause or cancel it first.`);
    }
    const variant = req.variant as Variant;
    const L = layout(this.modelsDir);
    try {
      makeDirs(L.packs);
    } catch (e) {
      throw modelsFolderFailure(e, this.modelsDir) ?? e;
    }
    const out = L.pack(variant, precision);
    const installed = existsSync(join(out, 'manifest.json'));
    const rebuiltBecause = installed ? ((await this.brokenPack(out)) ?? undefined) : undefined;
    if (installed && rebuiltBecause === undefined) {
      // already installed and it verifies: nothing to download or convert
      this.remember(req);
      const job = new GetJob({ ...req, precision }, this.deps(out, req));
      Object.assign(job.state, { state: 'finished', packPath: out, message: `${MODEL_NAME[variant]} (${precision}) is already installed: ${out}` });
      this.job = job;
      const answer = this.stamped(job);
      this.ctx.emit('model:get-state', this.stamped(job));
      return answer;
    }
    // the folders must hold what they should before anything starts — and an LLM must be given: no connection brings
    // one (LLaMA's licence), so that is said first, not after the Hub was looked up (offline: 'the Hub could not be
    // reached', and once online, only then 'point to your LLaMA-7B folder': tester26). The job checks again (job.ts)
    const pre = plan(this.modelsDir, variant, req, this.discovery, this.env);
    if (!pre.inputs.llm) throw new StudioError('MODEL_MISSING', pre.llmProblem ?? 'The LLM folder is missing.');
    this.remember(req);
    if (rebuiltBecause !== undefined) {
      // the studio's own pack, broken (a file changed, missing or truncated): the converter would keep it (same
      // inputs, same fingerprint), and studio ask says to convert it again — so the Get removes it and builds it anew
      await rm(out, { recursive: true, force: true });
      this.onPacksChanged();
    }
    this.job = new GetJob({ ...req, precision }, { ...this.deps(out, req), rebuiltBecause });
    // the answer is stamped before the job's first event (start() emits at once): a reader keeps the later event
    const answer = this.stamped(this.job);
    void this.job.start();
    return answer;
  }

  /**
   * Why the installed pack in `out` cannot be used (a file missing, truncated or not matching its SHA-256; the
   * manifest unreadable), or null when it verifies. Hashes only the files the engine's verify cache
   * (`<cache>/pack-verified.json`, the one the chat's loading keeps) does not already vouch for. Other errors (a
   * folder that cannot be read) are thrown.
   */
  private async brokenPack(out: string): Promise<string | null> {
    try {
      await loadPack(out, { verifyCachePath: join(this.ctx.cacheDir, 'pack-verified.json') });
      return null;
    } catch (e) {
      if (e instanceof PackError) return e.reason;
      // (the manifest gone between the look and the load: said as loadPack says it)
      if (e instanceof StudioError && e.code === 'MODEL_MISSING') return e.message;
      throw e;
    }
  }

  /** free space a Get keeps on the models folder's disk beyond the downloads and the pack: 1 GB, or STUDIO_DISK_RESERVE_BYTES */
  private get reserveBytes(): number {
    return this.env.STUDIO_DISK_RESERVE_BYTES ? Number(this.env.STUDIO_DISK_RESERVE_BYTES) : DISK_RESERVE_BYTES;
  }

  private deps(out: string, req: GetRequest) {
    return {
      out,
      modelsDir: this.modelsDir,
      env: this.env,
      convert: this.convertFn,
      backoffMs: this.env.STUDIO_DOWNLOAD_BACKOFF_MS ? Number(this.env.STUDIO_DOWNLOAD_BACKOFF_MS) : undefined,
      reserveBytes: this.reserveBytes,
      emit: (s: GetJobState) => this.ctx.emit('model:get-state', this.order.stamp(s)),
      onPack: () => this.onPacksChanged(),
      plan: async (signal: AbortSignal) => {
        try {
          await this.discover(signal);
        } catch (e) {
          if (signal.aborted) throw e;
          // the Hub answered and refused (gated, private, not found): its message says what to do; only no answer is the connection's fault
          if (e instanceof HubError && e.status !== undefined && e.status < 500) throw new StudioError(e.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN', `The Hugging Face Hub refused to list the files: ${e.message}. Then ${GET_AGAIN}.`);
          const why = networkFailureText(e);
          throw new StudioError('UNREADABLE', `The Hugging Face Hub could not be reached to look up the files (${why}). Check the connection (or HF_ENDPOINT for a mirror), then ${GET_AGAIN}.`);
        }
        return plan(this.modelsDir, req.variant as Variant, req, this.discovery, this.env);
      },
    };
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<GetState> {
    const job = this.job;
    if (!job) throw new StudioError('NOT_FOUND', 'No model is being got.');
    if (action === 'pause') await job.pause();
    else if (action === 'resume') {
      if (job.state.state === 'finished') return this.stamped(job);
      const answer = this.stamped(job);
      void job.start();
      return answer;
    } else await job.cancel(job.lastPlan ?? undefined);
    return this.stamped(job);
  }

  state(): GetState | null {
    return this.job ? this.stamped(this.job) : null;
  }

  /** Re-hash every file of a pack against its manifest, with no cache. Raises MODEL_MISSING with the file that fails. */
  async verifyPack(path: string, onProgress?: (fraction: number, file: string) => void, signal?: AbortSignal) {
    const pack = await loadPack(path, { onProgress, signal });
    const files = Object.values(pack.manifest.files);
    return { path: pack.dir, name: pack.manifest.name, files: files.length, bytes: files.reduce((a, f) => a + f.bytes, 0) };
  }

  /** The converter on files already on disk (`studio model convert`). */
  async convert(o: Parameters<ConvertFn>[0]) {
    const r = await this.convertFn(o);
    this.onPacksChanged();
    return r;
  }
}

/** how often a HEAD the server could not answer now (429, 5xx, no connection) is asked again */
const HEAD_RETRIES = 2;
/** the longest Retry-After a HEAD waits for before it is given up (the size is then estimated) */
const HEAD_MAX_WAIT_MS = 10_000;

/**
 * Content-Length of a HEAD request (redirects followed), bytes; undefined when the server does not say. A 429/5xx or a
 * failed connection is asked again HEAD_RETRIES times, after the server's Retry-After (≤ HEAD_MAX_WAIT_MS) or
 * `backoffMs` doubled (session 30: one 503 to the ImageBind HEAD put the 4.8 GB estimate into the disk needed and the
 * download total, for the whole Get). Never throws: an abort or a refusal is undefined, the size then estimated.
 */
async function headSize(url: string, signal?: AbortSignal, backoffMs = 1000): Promise<number | undefined> {
  for (let attempt = 0; ; attempt++) {
    let wait: number | undefined;
    try {
      const r = await fetch(url, { method: 'HEAD', signal, headers: { 'Accept-Encoding': 'identity' } });
      const n = Number(r.headers.get('content-length'));
      if (r.ok) return Number.isSafeInteger(n) && n > 0 ? n : undefined;
      if (r.status !== 429 && r.status < 500) return undefined;
      wait = retryAfterMs(r.headers.get('retry-after'));
    } catch {
      if (signal?.aborted) return undefined;
    }
    if (attempt >= HEAD_RETRIES || (wait !== undefined && wait > HEAD_MAX_WAIT_MS)) return undefined;
    try {
      await setTimeout(wait ?? backoffMs * 2 ** attempt, undefined, { signal });
    } catch {
      return undefined;
    }
  }
}

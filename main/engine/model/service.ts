import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError, type ModelMemory, type ModelStatus, type ProviderChoice } from '@contract';
import type { EngineContext } from '../context';
import { getSetting, setSetting } from '../db/settings';
import { ask, type AskRequest, type AskResult } from './ask';
import { damagedPacks, installedPacks, packsDirOf } from './catalog/catalog';
import { GET_A_PACK, PACK_SETTING } from './default-pack';
import { loadPack, packFolderGone, packIdentityOf } from './pack';
import { diagnostics } from './providers';
import { ModelRuntime } from './runtime';

/** the no-pack message's first sentence: ModelStatus.messageHead, the chat pane's heading */
const NO_PACK_HEAD = 'No DeepResonance model pack is installed.';
const NO_PACK = `${NO_PACK_HEAD} ${GET_A_PACK}`;

/**
 * The engine's model: the chosen pack (remembered in settings), loaded once
 * on the chosen execution provider, and a queue so that two requests never
 * share a session — a second question waits for the first.
 */
export class ModelService {
  private runtime: ModelRuntime | undefined;
  private runtimeKey = '';
  private loading: Promise<ModelRuntime> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** calls of exclusive() not settled yet (running or waiting their turn) */
  private queued = 0;
  private lastError: string | undefined;
  /** engine rss around the load of the current runtime, and when it ended (ms since the epoch) */
  private loadFigures = { rssBefore: 0, rssAfter: 0, at: 0 };
  /** the pack last loaded (folder and what its manifest says), so an unloaded pack is still named */
  private lastPack: { path: string; info: NonNullable<ModelStatus['pack']> } | null = null;
  /** what the manifest of a chosen pack not loaded yet says (namedPack), read once per folder */
  private readPack: { path: string; info: ModelStatus['pack'] } | null = null;

  constructor(private readonly ctx: EngineContext) {}

  get packPath(): string | null {
    return getSetting(this.ctx.db, PACK_SETTING) ?? null;
  }

  get requestedProvider(): ProviderChoice {
    return (getSetting(this.ctx.db, 'model.provider') as ProviderChoice | undefined) ?? 'auto';
  }

  private get verifyCache(): string {
    return join(this.ctx.cacheDir, 'pack-verified.json');
  }

  /**
   * The chat pane's note when no pack is chosen: heading (ModelStatus.messageHead) and message. Packs installed in the
   * models folder (a Get that finished) are named, with Use to choose one — the note said "No DeepResonance model pack
   * is installed." above the installed pack's own Use button (tester33).
   */
  private noPackNote(): { head: string; message: string } {
    let names: string[] = [];
    let damaged: ReturnType<typeof damagedPacks> = [];
    try {
      names = installedPacks(packsDirOf(this.ctx.dataDir, process.env)).map((p) => p.name);
      damaged = damagedPacks(packsDirOf(this.ctx.dataDir, process.env));
    } catch {
      // a models folder that cannot be read lists nothing here; the Models panel says why
    }
    // none usable but one there whose manifest cannot be read: that, with why and what to do, not "No … installed"
    // (the Models panel and `studio model list` list it so: model40)
    if (!names.length && damaged.length) {
      const head = damaged.length === 1 ? `A DeepResonance model pack is installed but damaged: ${damaged[0].name}.` : `${damaged.length} DeepResonance model packs are installed but damaged: ${damaged.map((d) => d.name).join(', ')}.`;
      return { head, message: `${head} ${damaged.map((d) => d.problem).join(' ')}` };
    }
    if (!names.length) return { head: NO_PACK_HEAD, message: NO_PACK };
    const head = names.length === 1 ? `A DeepResonance model pack is installed and none is chosen: ${names[0]}.` : `${names.length} DeepResonance model packs are installed and none is chosen: ${names.join(', ')}.`;
    return { head, message: `${head} Use ${names.length === 1 ? 'it' : 'one'} below, or choose another pack folder.` };
  }

  status(): ModelStatus {
    const packPath = this.packPath;
    const rt = this.runtime;
    const m = rt?.pack.manifest;
    const none = packPath ? null : this.noPackNote();
    // the chosen folder moved away or deleted (tester40: the pane went on showing the pack, and offered it after Unload):
    // a model loaded from it answers from memory until unloaded, said; not loaded, it is not usable, said as loading says it
    const gone = packPath !== null && !existsSync(packPath);
    return {
      installed: Boolean(packPath) && !this.lastError && !(gone && !rt),
      message: none
        ? none.message
        : gone && !rt
          ? packFolderGone(packPath!)
        : this.lastError
          ? this.lastError
          : rt
            ? `${m!.model} (${m!.name}) on ${rt.provider.name.toUpperCase()}.`
            : 'The model pack loads with the first question.',
      ...(none ? { messageHead: none.head } : {}),
      packPath,
      ...(gone && rt ? { packGone: `The pack's folder is gone ("${packPath}": moved or deleted?). The model loaded from it answers from memory until it is unloaded; then choose the pack where it is now.` } : {}),
      pack: m ? { name: m.name, model: m.model, variant: m.variant, dtype: m.dtype, llmQuant: m.llm_quant } : packPath ? this.namedPack(packPath) : null,
      provider: { requested: this.requestedProvider, active: rt?.provider.name ?? null, fallbacks: rt?.provider.fallbacks ?? [] },
    };
  }

  /**
   * What the chosen pack is while it is not loaded: the pack last loaded, or else what its manifest says (read once
   * per folder). A fresh engine (after a crash, or a restart) named it by its folder ("alpha-fp32 · auto") until a
   * question loaded it (tester25).
   */
  private namedPack(packPath: string): NonNullable<ModelStatus['pack']> | null {
    if (this.lastPack?.path === packPath) return this.lastPack.info;
    if (this.readPack?.path !== packPath) this.readPack = { path: packPath, info: packIdentityOf(packPath) };
    return this.readPack.info;
  }

  /** Load (or reuse) the runtime for a pack folder and provider. */
  async runtimeFor(packPath: string, provider: ProviderChoice, onProgress?: (f: number, file: string) => void, signal?: AbortSignal): Promise<ModelRuntime> {
    const key = `${packPath}\u0000${provider}`;
    if (this.runtime && this.runtimeKey === key) return this.runtime;
    if (this.loading && this.runtimeKey === key) return this.loading;
    await this.unload();
    this.runtimeKey = key;
    const rssBefore = process.memoryUsage.rss();
    this.loading = (async () => {
      const pack = await loadPack(packPath, { verifyCachePath: this.verifyCache, onProgress, signal });
      // the projected media outlive a restart: a follow-up or Regenerate then costs only prefill and decode
      return ModelRuntime.open(pack, provider, { mediaCacheDir: join(this.ctx.cacheDir, 'embeddings') });
    })();
    try {
      this.runtime = await this.loading;
      this.loadFigures = { rssBefore, rssAfter: process.memoryUsage.rss(), at: Date.now() };
      const m = this.runtime.pack.manifest;
      this.lastPack = { path: packPath, info: { name: m.name, model: m.model, variant: m.variant, dtype: m.dtype, llmQuant: m.llm_quant } };
      return this.runtime;
    } catch (err) {
      this.runtimeKey = '';
      throw err;
    } finally {
      this.loading = undefined;
    }
  }

  private async unload(): Promise<void> {
    const rt = this.runtime;
    this.runtime = undefined;
    this.runtimeKey = '';
    await rt?.close();
  }

  /** The runtime of the chosen pack, loading it if needed. */
  async current(onProgress?: (f: number, file: string) => void, signal?: AbortSignal): Promise<ModelRuntime> {
    const packPath = this.packPath;
    if (!packPath) throw new StudioError('MODEL_MISSING', NO_PACK);
    try {
      const loaded = this.runtime;
      const rt = await this.runtimeFor(packPath, this.requestedProvider, onProgress, signal);
      const changed = rt !== loaded || this.lastError !== undefined;
      this.lastError = undefined;
      if (changed) this.announce();
      return rt;
    } catch (err) {
      if ((err as StudioError).code !== 'CANCELLED') {
        this.lastError = (err as Error).message;
        this.announce();
      }
      throw err;
    }
  }

  /**
   * The engine's memory now and what the loaded pack holds (ModelMemory):
   * process.memoryUsage() of this process, and per onnxruntime session the
   * manifest's bytes of its graph file and external data. Cheap (no I/O).
   */
  memory(): ModelMemory {
    const u = process.memoryUsage();
    const rt = this.runtime;
    const engine = { rssBytes: u.rss, heapUsedBytes: u.heapUsed, externalBytes: u.external, pid: process.pid };
    if (!rt) return { engine, loaded: null };
    const m = rt.pack.manifest;
    const bytesOf = (file: string | undefined) => (file ? (m.files[file]?.bytes ?? 0) : 0);
    const sessions = rt.graphs.map((g) => {
      const spec = m.graphs[g]!;
      return { graph: g, weightBytes: bytesOf(spec.file) + bytesOf(spec.external_data) };
    });
    return {
      engine,
      loaded: {
        packPath: rt.pack.dir,
        name: m.name,
        provider: rt.provider.name,
        sessions,
        weightBytes: sessions.reduce((a, s) => a + s.weightBytes, 0),
        embedTableBytes: bytesOf(m.embed_tokens.file),
        mediaCacheBytes: rt.mediaCache.bytes,
        rssBeforeLoadBytes: this.loadFigures.rssBefore,
        rssAfterLoadBytes: this.loadFigures.rssAfter,
        loadedAt: this.loadFigures.at,
      },
    };
  }

  /**
   * Release the loaded model now (after any answer being written: the
   * queue), keeping the chosen pack: it loads again with the next question.
   */
  async unloadModel(): Promise<ModelStatus> {
    await this.exclusive(() => this.unload());
    this.announce();
    return this.status();
  }

  async choosePack(path: string, onProgress?: (f: number, file: string) => void, signal?: AbortSignal): Promise<ModelStatus> {
    // Verify before remembering: a broken pack is refused with the reason.
    await this.exclusive(async () => {
      await this.runtimeFor(path, this.requestedProvider, onProgress, signal);
    });
    setSetting(this.ctx.db, PACK_SETTING, path);
    this.lastError = undefined;
    this.announce();
    return this.status();
  }

  async forgetPack(): Promise<ModelStatus> {
    await this.exclusive(() => this.unload());
    setSetting(this.ctx.db, PACK_SETTING, null);
    this.lastError = undefined;
    this.announce();
    return this.status();
  }

  async setProvider(provider: ProviderChoice): Promise<ModelStatus> {
    const previous = this.requestedProvider;
    setSetting(this.ctx.db, 'model.provider', provider);
    if (this.packPath) {
      try {
        await this.exclusive(() => this.current());
      } catch (err) {
        setSetting(this.ctx.db, 'model.provider', previous);
        this.lastError = undefined;
        throw err;
      }
    }
    return this.status();
  }

  /** Tell every window the status changed (a pack loaded, chosen, forgotten or failed; packs added). */
  announce(packsChanged = false): void {
    this.ctx.emit('model:changed', { status: this.status(), packsChanged });
  }

  diagnostics() {
    return { ...diagnostics(), status: this.status() };
  }

  /** whether model work is running or queued (a question asked now waits for it) */
  get busy(): boolean {
    return this.queued > 0;
  }

  /**
   * Run `fn` when no other model work is running (the queue). `signal`: the caller's Stop; aborted while `fn` still
   * waits its turn, the call rejects at once with CANCELLED and `fn` never runs (a question asked from a second window
   * while another answer was written stayed "stopping" until that answer ended: tester38). Once `fn` runs, it alone
   * answers the signal (the decoder's loop stops, its partial answer kept).
   * @throws StudioError CANCELLED when `signal` aborts before `fn` started; else whatever `fn` throws
   */
  exclusive<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let started = false;
    const start = () => {
      if (signal?.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
      started = true;
      return fn();
    };
    this.queued++;
    const run = this.queue.then(start, start).finally(() => this.queued--);
    this.queue = run.catch(() => undefined);
    if (!signal) return run;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!started) reject(new StudioError('CANCELLED', 'Cancelled.'));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** One turn with an explicit pack (studio ask), queued like any other. */
  askWithPack(packPath: string, provider: ProviderChoice, req: AskRequest, opts: Parameters<typeof ask>[2] & { onLoad?: (f: number, file: string) => void }): Promise<AskResult> {
    return this.exclusive(async () => {
      const rt = await this.runtimeFor(packPath, provider, opts.onLoad, opts.signal);
      return ask(rt, req, opts);
    }, opts.signal);
  }
}

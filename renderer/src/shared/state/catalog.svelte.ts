import { isStaleState, type GetState, type ModelCatalog, type Precision } from '@contract';
import { api } from '../../host/api';
import { connection } from '../../host/connection.svelte';
import { signal } from '../../lib/test-hooks';
import { ABOUT, app } from './app.svelte';

export type Variant = 'alpha' | 'beta';

/**
 * Getting DeepResonance (the Models panel) and the installed packs (the chat's
 * pack chooser): the engine's catalogue, the Get job as its events report it,
 * and the folders the person points to.
 */
class CatalogState {
  catalog = $state<ModelCatalog | null>(null);
  job = $state<GetState | null>(null);
  open = $state(false);
  loading = $state(false);
  precision = $state<Precision>('int4');
  /** the LLaMA-7B / assembled Vicuna / official ckpt folders */
  folders = $state<{ llama: string; vicuna: string; from: string }>({ llama: '', vicuna: '', from: '' });
  private listening = false;
  private seeded = false;

  listen(): void {
    if (this.listening) return;
    this.listening = true;
    api().on('model:get-state', (s) => {
      const was = this.job?.state;
      if (!this.take(s)) return;
      if (s.state !== 'running' && was === 'running') {
        signal('model-get-ended', { state: s.state, packPath: s.packPath, error: s.error });
        void this.load();
      }
    });
    api().on('model:changed', ({ packsChanged }) => {
      if (packsChanged) void this.load();
    });
    // the link to `studio serve` is back (web mode): the catalogue and the Get are read again — a restarted serve has a
    // new engine that runs no Get, and the old one's "Downloading …" with Pause stayed shown (tester33)
    connection.onReopen(() => void this.load(false, true));
  }

  /**
   * The Get's state from an event or a call's answer, unless it is older than the one held (isStaleState: an answer
   * that came after the job's later events — a Get that failed at once left shown "running"); false when dropped.
   */
  private take(s: GetState): boolean {
    if (this.job && isStaleState(this.job, s)) {
      signal('model-get-state-stale', { state: s.state, seq: s.seq, held: this.job.seq });
      return false;
    }
    this.job = s;
    return true;
  }

  /** Installed packs of both variants (the chat's pack chooser). */
  get packs() {
    return this.catalog?.entries.flatMap((e) => e.packs) ?? [];
  }

  /**
   * Read the catalogue (and the Get's state) from the engine.
   * @param refresh look the sources up again (the Hub; slower)
   * @param reopened the link to `studio serve` came back: the Get held is replaced by the engine's, or dropped when the
   *   engine runs none (a restarted serve)
   */
  async load(refresh = false, reopened = false): Promise<void> {
    this.listen();
    this.loading = true;
    try {
      const f = this.folders;
      const c = await api().call('model:catalog', {
        refresh,
        ...(f.llama ? { llama: f.llama } : {}), ...(f.vicuna ? { vicuna: f.vicuna } : {}), ...(f.from ? { from: f.from } : {}),
      });
      this.catalog = c;
      if (c.job && (!this.job || this.job.jobId === c.job.jobId || reopened)) this.take(c.job);
      else if (!c.job && reopened) this.job = null;
      if (!this.seeded) {
        this.seeded = true;
        this.folders = { llama: c.remembered.llama ?? '', vicuna: c.remembered.vicuna ?? '', from: c.remembered.from ?? '' };
      }
      app.resolved(ABOUT.catalog);
      signal('catalog-loaded', { packs: this.packs.length, job: c.job?.state ?? null });
    } catch (err) {
      app.error(err, 'Could not read the model catalogue', ABOUT.catalog);
    } finally {
      this.loading = false;
    }
  }

  show(open = true): void {
    this.open = open;
    if (open) void this.load(!this.catalog || !!this.catalog.sourcesNote);
  }

  /**
   * Point to another LLaMA-7B / Vicuna / ckpt folder ('' clears it; choosing LLaMA clears Vicuna and back) and read the
   * catalogue for it. A Get's refusal, which was about the folders chosen before, goes with them (tester33: "… lacks
   * tokenizer.model" stayed up while a Get with a good folder ran).
   */
  setFolder(which: 'llama' | 'vicuna' | 'from', path: string): void {
    this.folders = { ...this.folders, [which]: path, ...(path && which === 'llama' ? { vicuna: '' } : path && which === 'vicuna' ? { llama: '' } : {}) };
    app.resolved(ABOUT.modelGet);
    void this.load();
  }

  async get(variant: Variant): Promise<void> {
    const f = this.folders;
    try {
      const started = await api().call('model:get', {
        variant, precision: this.precision,
        ...(f.llama ? { llama: f.llama } : {}), ...(f.vicuna ? { vicuna: f.vicuna } : {}), ...(f.from ? { from: f.from } : {}),
      });
      this.take(started);
      app.resolved(ABOUT.modelGet);
      signal('model-get-started', { variant, precision: this.precision });
      if (started.state !== 'running') void this.load();
    } catch (err) {
      app.error(err, 'Could not get the model', ABOUT.modelGet);
    }
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    try {
      const answer = await api().call('model:get-control', { action });
      this.take(answer);
      signal('model-get-control', { action, state: answer.state });
      if (action !== 'resume') void this.load();
    } catch (err) {
      app.error(err, `Could not ${action} the download`, ABOUT.modelGet);
    }
  }
}

export const catalog = new CatalogState();

/** sizes as everywhere (contract bytes.ts, through lib/format): "—" for none */
export { fmtBytes } from '../../lib/format';

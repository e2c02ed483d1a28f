import type { MethodOutput, ModelMemory, ProviderChoice } from '@contract';
import { api, asStudioError } from '../../host/api';
import { signal } from '../../lib/test-hooks';
import { ABOUT, app } from './app.svelte';
import { browser } from './browser.svelte';

/** the title of the message shown when a chosen pack cannot be used */
const PACK_FAILED = 'This model pack cannot be used';

export type Diagnostics = MethodOutput<'model:diagnostics'>;

export interface PackJob {
  path: string;
  stage: string;
  fraction?: number;
  file?: string;
}

const PROVIDER_LABEL: Record<string, string> = { cuda: 'CUDA', tensorrt: 'TensorRT', webgpu: 'WebGPU', dml: 'DirectML', coreml: 'CoreML', cpu: 'CPU', auto: 'Auto' };
export const providerLabel = (p: string | null | undefined): string => (p ? (PROVIDER_LABEL[p] ?? p) : '—');

/**
 * The model pack and execution provider (the status itself lives in
 * app.model, which the whole window reads): choosing a pack with its
 * verification progress and Cancel, forgetting it, forcing a provider, and
 * the diagnostics readout.
 */
class ModelState {
  /** a pack being verified and loaded */
  job = $state<PackJob | null>(null);
  diagnostics = $state<Diagnostics | null>(null);
  /** the last diagnostics read failed (its message shows in the settings); read again when the engine is back */
  diagnosticsFailed = $state(false);
  settingsOpen = $state(false);
  switchingProvider = $state(false);
  private controller: AbortController | null = null;
  /** the engine's memory and the loaded sessions (model:memory), read while shown */
  memory = $state<ModelMemory | null>(null);
  unloading = $state(false);

  /** "Choose model pack…": the native folder dialog, or the in-app browser in folder mode. */
  async choose(): Promise<void> {
    if (api().mode === 'desktop') {
      try {
        const { paths } = await api().call('dialog:open-folder', { purpose: 'model-pack' });
        app.resolved(ABOUT.modelSettings('folder-dialog'));
        if (paths[0]) await this.useFolder(paths[0]);
      } catch (err) {
        app.error(err, 'Could not show the folder dialog', ABOUT.modelSettings('folder-dialog'));
      }
      return;
    }
    browser.show('folder', (path) => void this.useFolder(path));
  }

  async useFolder(path: string): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.job = { path, stage: 'verifying pack', fraction: 0 };
    signal('pack-choosing', { path });
    try {
      const status = await api().call('model:choose-pack', { path }, {
        signal: controller.signal,
        onProgress: (p) => {
          if (this.controller === controller) this.job = { path, stage: p.stage, fraction: p.fraction, file: p.message };
        },
      });
      app.model = status;
      // an earlier wrong choice, and answers that failed with the earlier pack, are put right: their messages go
      app.resolved(ABOUT.pack);
      app.resolved(ABOUT.answer);
      app.modelResolved(status);
      signal('pack-chosen', { path, pack: status.pack, provider: status.provider });
      if (this.diagnostics || this.settingsOpen) void this.loadDiagnostics();
    } catch (err) {
      const e = asStudioError(err);
      if (e.code === 'CANCELLED') signal('pack-cancelled', { path });
      else {
        app.error(e, PACK_FAILED, ABOUT.pack);
        signal('pack-failed', { path, code: e.code, message: e.message });
      }
      void app.refreshModel();
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.job = null;
      }
    }
  }

  cancelChoose(): void {
    this.controller?.abort();
  }

  async forget(): Promise<void> {
    try {
      app.model = await api().call('model:forget-pack', {});
      app.resolved(ABOUT.modelSettings('forget'));
      signal('pack-forgotten');
      if (this.diagnostics) void this.loadDiagnostics();
    } catch (err) {
      app.error(err, 'Could not forget the model pack', ABOUT.modelSettings('forget'));
    }
  }

  async setProvider(provider: ProviderChoice): Promise<void> {
    this.switchingProvider = true;
    try {
      app.model = await api().call('model:set-provider', { provider });
      signal('provider-set', { provider, active: app.model.provider.active });
    } catch (err) {
      app.error(err, `Could not switch to ${providerLabel(provider)}`, ABOUT.pack);
      signal('provider-failed', { provider });
      void app.refreshModel();
    } finally {
      this.switchingProvider = false;
      void this.loadDiagnostics();
    }
  }

  async loadDiagnostics(): Promise<void> {
    try {
      this.diagnostics = await api().call('model:diagnostics', {});
      this.diagnosticsFailed = false;
      app.model = this.diagnostics.status;
      app.resolved(ABOUT.modelSettings('diagnostics'));
      signal('diagnostics-loaded');
    } catch (err) {
      this.diagnosticsFailed = true;
      app.error(err, 'Could not read the model diagnostics', ABOUT.modelSettings('diagnostics'));
    }
  }

  /**
   * The engine is ready again (a restart after a crash, a reconnect): a diagnostics read that failed while it was out of
   * reach is asked again if the settings are open. Its message ("…It is being restarted; try again") goes when the engine
   * is back (app.svelte.ts UNREACHABLE), and the settings were left showing "…" with nothing said (sort38's finding).
   */
  onEngineReady(): void {
    if (this.settingsOpen && this.diagnosticsFailed) void this.loadDiagnostics();
  }

  /** Read the model's memory now (the chat pane and the settings read it every few seconds while a pack is chosen). */
  async loadMemory(): Promise<void> {
    try {
      this.memory = await api().call('model:memory', {});
      const l = this.memory.loaded;
      signal('model-memory', { rss: this.memory.engine.rssBytes, loaded: l ? { weightBytes: l.weightBytes, sessions: l.sessions.length, provider: l.provider } : null });
    } catch {
      // not shown is enough: the engine may be restarting (its own message says so)
      this.memory = null;
    }
  }

  /** "Unload": release the model's sessions now; the pack stays chosen and loads with the next question. */
  async unload(): Promise<void> {
    this.unloading = true;
    try {
      app.model = await api().call('model:unload', {});
      app.resolved(ABOUT.modelSettings('unload'));
      signal('model-unloaded');
    } catch (err) {
      app.error(err, 'Could not unload the model', ABOUT.modelSettings('unload'));
    } finally {
      this.unloading = false;
      await this.loadMemory();
    }
  }

  /** Listens for the engine's return (onEngineReady); called once by the window's start-up. */
  start(): void {
    api().on('engine:state', (s) => {
      if (s.state === 'ready') this.onEngineReady();
    });
  }

  toggleSettings(open = !this.settingsOpen): void {
    this.settingsOpen = open;
    if (open) void this.loadDiagnostics();
  }
}

export const model = new ModelState();

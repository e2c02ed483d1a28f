import type { AppInfo, EventPayload, ModelStatus, StudioErrorData } from '@contract';
import { api, asStudioError } from '../../host/api';
import { connection, isLinkLost } from '../../host/connection.svelte';
import { signal } from '../../lib/test-hooks';

export type ToastKind = 'error' | 'warning' | 'notice';
export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
  code?: string;
  /** how many times this same message was reported (duplicates merge) */
  count: number;
  /** what the error reports, for resolved(): the message goes when that is put right (see ABOUT) */
  about?: string;
}

/**
 * What an error toast is about, so it goes once that is put right
 * (app.resolved): the same operation succeeds, or the state it reports ends.
 * Keys with a suffix (`folder:<path>`, `open:<path>`) name one thing.
 */
export const ABOUT = {
  /** the model pack cannot be used (choose failed, provider switch failed): put right by a chosen pack or a model that loaded */
  pack: 'pack',
  /** no pack chosen (MODEL_MISSING): put right once one is (status installed) */
  noPack: 'no-pack',
  /** an answer failed: put right by an answer that succeeds, or a pack chosen */
  answer: 'answer',
  modelStatus: 'model-status',
  info: 'info',
  recent: 'recent',
  catalog: 'catalog',
  /** a Get refused (a folder that is no LLaMA-7B…): put right by a Get that starts, or another folder chosen (tester33) */
  modelGet: 'model-get',
  scan: 'scan',
  export: 'export',
  removeFolder: 'remove-folder',
  /** a crate's name refused (taken already): put right once a crate is made or renamed */
  crateName: 'crate-name',
  thread: 'thread',
  /** the link to `studio serve` was lost (web mode): put right when it opens again */
  link: 'link',
  /**
   * a track-view tool that cannot act says why (N with no region, O before I, L with nothing to loop): a warning about
   * the view it was pressed in, gone when another view is shown (ui36: "No region to keep" stayed over the library)
   */
  trackTool: 'track-tool',
  /**
   * cliui37: an action of the Model settings other than the pack's (forget the pack, unload the model, read the
   * diagnostics, show the folder dialog) that failed: said inside the settings too (ModelSettings.svelte), as ABOUT.pack
   * is since tester36 — their toasts lay under the settings' backdrop. Put right when that action succeeds
   */
  modelSettings: (action: 'forget' | 'unload' | 'diagnostics' | 'folder-dialog') => `model-settings:${action}`,
  /** whether `about` is one of ABOUT.modelSettings' */
  isModelSettings: (about: string | undefined) => !!about?.startsWith('model-settings:'),
  folder: (path: string) => `folder:${path}`,
  open: (path: string) => `open:${path}`,
} as const;

/**
 * What an error reports that lasts beyond the action that met it — a state: the link to `studio serve` lost, the
 * engine or its info out of reach, no usable model pack. Such a message stays until that is put right (resolved);
 * every other error is about an action, and goes when the user moves on (movedOn).
 */
const STANDING = new Set<string>([ABOUT.link, ABOUT.pack, ABOUT.noPack, ABOUT.info, ABOUT.modelStatus]);

/** notices and warnings leave by themselves after this long (ms); errors stay until dismissed */
const FADE_MS: Record<ToastKind, number | null> = { notice: 6000, warning: 12_000, error: null };
/** the title of the message shown while the engine is down after a crash */
const ENGINE_CRASHED = 'The engine stopped unexpectedly';
/** the title of the one message shown while the link to `studio serve` is lost (every call it ended says so alike) */
const LINK_LOST_TITLE = 'Lost the connection to the studio server';
const LINK_LOST_TEXT =
  'What was running was stopped here (an answer being written is kept by the engine, as far as it got). The page reconnects by itself (see the top bar) and then reads again what it shows. If `studio serve` was restarted, open the new address it printed in this tab.';
/** the title of the message a left-behind data-folder lock taken over shows (EngineState.tookOver) */
const TOOK_OVER = 'The last run on this data folder did not end properly';
/** the title of the one message a page opened without its access token shows */
const NO_TOKEN = 'Open the address that `studio serve` printed';
/** errors that mean the engine was out of reach: put right once it is ready again */
const UNREACHABLE = new Set(['ENGINE_CRASHED', 'ENGINE_UNAVAILABLE']);
/** at most this many messages are shown (the oldest notice or warning goes first) */
const MAX_TOASTS = 3;

type EngineState = EventPayload<'engine:state'>;

/** What the whole window shares: host info, engine state, messages to the person. */
class AppState {
  info = $state<AppInfo | null>(null);
  engine = $state<EngineState>({ state: 'starting', restarts: 0 });
  model = $state<ModelStatus | null>(null);
  toasts = $state<Toast[]>([]);
  shortcutsOpen = $state(false);
  private nextId = 1;
  private seenRestarts = -1;
  private fadeTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** what the engine's last crash said, until the restart reports it */
  private crashReason: string | null = null;

  async start(): Promise<void> {
    const a = api();
    a.on('engine:state', (s) => this.onEngineState(s));
    // the model's status as the engine sees it (loaded by a question, chosen, failed, packs added): never stale
    a.on('model:changed', ({ status }) => {
      this.model = status;
      this.modelResolved(status);
      signal('model-changed', { installed: status.installed, active: status.provider.active });
    });
    // the link to `studio serve` is back (web mode): its loss is put right, and what the engine says is read again
    // (a restarted serve has a new engine: nothing loaded)
    // the server answers but refuses this page's token (`studio serve` restarted with a new one): the link-lost
    // message ("the page reconnects by itself") no longer holds; one message says which address to open instead
    connection.onRefused((reason) => {
      this.resolved(ABOUT.link);
      this.push('error', NO_TOKEN, reason, 'FORBIDDEN', ABOUT.link);
    });
    connection.onReopen(() => {
      this.resolved(ABOUT.link);
      void this.refreshInfo();
      void this.refreshModel();
    });
    await Promise.all([this.refreshInfo(), this.refreshModel()]);
  }

  async refreshInfo(): Promise<void> {
    try {
      this.info = await api().call('app:get-info', {});
      this.resolved(ABOUT.info);
      if (this.seenRestarts < 0) this.seenRestarts = this.info.engine.restarts;
    } catch (err) {
      this.error(err, 'Could not reach the engine', ABOUT.info);
    }
  }

  async refreshModel(): Promise<void> {
    try {
      this.model = await api().call('model:status', {});
      this.resolved(ABOUT.modelStatus);
      this.modelResolved(this.model);
    } catch (err) {
      this.error(err, 'Could not read the model status', ABOUT.modelStatus);
    }
  }

  /** A model status arrived: a pack is chosen (no-pack errors go); a pack loaded and runs (pack errors go). */
  modelResolved(status: ModelStatus): void {
    if (status.installed) this.resolved(ABOUT.noPack);
    if (status.installed && status.provider.active !== null) this.resolved(ABOUT.pack);
  }

  private onEngineState(s: EngineState): void {
    const prev = this.engine.state;
    this.engine = s;
    if (s.state === 'crashed') {
      this.crashReason = s.message ?? null;
      this.push('warning', ENGINE_CRASHED, s.message ?? 'It is being restarted; work in progress was stopped.');
      signal('engine-crashed', s);
    } else if (s.state === 'ready' && (prev === 'crashed' || (this.seenRestarts >= 0 && s.restarts > this.seenRestarts))) {
      // one message per crash: the restart replaces the crash's message and keeps its reason
      this.dismissTitled(ENGINE_CRASHED);
      const why = this.crashReason ? `${this.crashReason.replace(/[.\s]+$/, '')}. ` : '';
      this.crashReason = null;
      this.push('notice', 'Engine restarted', why ? `${why}Anything that was running has to be started again (restart ${s.restarts}).` : `The engine was restarted (restart ${s.restarts}). Anything that was running has to be started again.`);
      signal('engine-restarted', s);
      void this.refreshInfo();
      void this.refreshModel();
    }
    if (s.state === 'ready' && s.tookOver) this.tookOver(s.tookOver);
    if (s.state === 'ready') {
      this.seenRestarts = s.restarts;
      // the engine answers again (after a crash, or on a reconnect, which re-sends the state): what said it could not be reached no longer holds
      for (const t of this.toasts) if (t.code && UNREACHABLE.has(t.code)) this.dismiss(t.id);
    }
  }

  /**
   * The host took over the data folder's lock left by a run that ended without giving it up (EngineState.tookOver):
   * said once in this window — the state that carries it is sent again on a reload (the app's did-finish-load,
   * `studio serve`'s every WebSocket), so the text said is kept for the tab's session.
   */
  private tookOver(text: string): void {
    const key = 'studio.tookOver';
    try {
      if (sessionStorage.getItem(key) === text) return;
      sessionStorage.setItem(key, text);
    } catch {
      // no session storage (a sandboxed page): said on each load
    }
    this.notice(TOOK_OVER, text.charAt(0).toUpperCase() + text.slice(1), 'warning');
  }

  /** Show any failure plainly; returns the error data. CANCELLED is not an error to show. */
  error(err: unknown, title = 'Something went wrong', about?: string): StudioErrorData {
    const e = asStudioError(err);
    if (e.code === 'CANCELLED') return e;
    if (connection.state === 'closed' && e.message === connection.reason) {
      // a page without its access token: every call fails alike; one message says which address to open
      if (this.toasts.some((t) => t.title === NO_TOKEN)) return e;
      title = NO_TOKEN;
    }
    if (isLinkLost(e)) {
      // the link to `studio serve` dropped: every call in flight (and every one made until it is back) fails alike;
      // one message says so, instead of one per caller with the same text ("Could not load the chat", "The answer
      // failed", "Could not read the model status": tester25)
      const shown = this.toasts.some((t) => t.about === ABOUT.link);
      if (!shown) this.push('error', LINK_LOST_TITLE, LINK_LOST_TEXT, e.code, ABOUT.link);
      signal(shown ? 'error-folded' : 'error-shown', { code: e.code, message: e.message, title: LINK_LOST_TITLE, as: title });
      return e;
    }
    this.push('error', title, e.message, e.code, about);
    signal('error-shown', { code: e.code, message: e.message, title });
    return e;
  }

  /**
   * Show a notice or warning. `about` (ABOUT) ties it to what it is about: ABOUT.trackTool, a track-view tool's "cannot
   * act" warning, goes when the view changes (movedOn).
   */
  notice(title: string, message: string, kind: ToastKind = 'notice', about?: string): void {
    this.push(kind, title, message, undefined, about);
    signal(kind === 'notice' ? 'notice-shown' : 'warning-shown', { title, message });
  }

  /** Show a message; the same one again (kind, title and text) merges into it and counts. */
  private push(kind: ToastKind, title: string, message: string, code?: string, about?: string): void {
    const same = this.toasts.find((t) => t.kind === kind && t.title === title && t.message === message);
    if (same) {
      const merged = { ...same, count: same.count + 1 };
      this.toasts = [...this.toasts.filter((t) => t.id !== same.id), merged];
      this.fade(merged);
      signal('toast-merged', { kind, title, count: merged.count });
      return;
    }
    const t: Toast = { id: this.nextId++, kind, title, message, code, count: 1, about };
    let kept = this.toasts;
    while (kept.length >= MAX_TOASTS) {
      // room is made by the oldest notice or warning; the oldest error only when all are errors
      const i = Math.max(0, kept.findIndex((x) => x.kind !== 'error'));
      this.stopFade(kept[i].id);
      kept = kept.filter((_, j) => j !== i);
    }
    this.toasts = [...kept, t];
    this.fade(t);
  }

  /** (Re)start a notice's or warning's countdown; errors have none. */
  private fade(t: Toast): void {
    this.stopFade(t.id);
    const ms = FADE_MS[t.kind];
    if (ms === null) return;
    this.fadeTimers.set(
      t.id,
      setTimeout(() => {
        this.fadeTimers.delete(t.id);
        this.dismiss(t.id);
        signal('toast-faded', { kind: t.kind, title: t.title });
      }, ms),
    );
  }

  private stopFade(id: number): void {
    const timer = this.fadeTimers.get(id);
    if (timer) clearTimeout(timer);
    this.fadeTimers.delete(id);
  }

  /** The pointer is on a message (`held`): it does not fade while it is being read. */
  hold(id: number, held: boolean): void {
    const t = this.toasts.find((x) => x.id === id);
    if (!t) return;
    if (held) this.stopFade(id);
    else this.fade(t);
  }

  /**
   * The user moved on (another view shown): the errors about an action they took go — "Could not make the crate"
   * followed the DJ into the track view and back until closed by hand (tester31). What they said was read or passed
   * over; an action that fails again says it again. A track tool's warning (ABOUT.trackTool) goes too. Errors about a state that lasts (STANDING, the engine out of
   * reach, a page without its access token) stay until put right; notices and warnings fade by themselves.
   */
  movedOn(): void {
    for (const t of this.toasts) {
      if (t.about === ABOUT.trackTool) {
        // a tool's "cannot act" is about the view left behind, whatever its kind
        this.dismiss(t.id);
        signal('toast-moved-on', { title: t.title });
        continue;
      }
      if (t.kind !== 'error' || (t.about && STANDING.has(t.about)) || (t.code && UNREACHABLE.has(t.code)) || t.title === NO_TOKEN) continue;
      this.dismiss(t.id);
      signal('toast-moved-on', { title: t.title });
    }
  }

  /** Take back the messages with this title (what they reported was put right). */
  dismissTitled(title: string): void {
    for (const t of this.toasts) if (t.title === title) this.dismiss(t.id);
  }

  /** What errors `about` (ABOUT) reported was put right: their messages go. */
  resolved(about: string): void {
    for (const t of this.toasts) {
      if (t.about !== about) continue;
      this.dismiss(t.id);
      signal('toast-resolved', { title: t.title, about });
    }
  }

  dismiss(id: number): void {
    this.stopFade(id);
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}

export const app = new AppState();

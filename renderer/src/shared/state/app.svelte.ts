import type { AppInfo, EventPayload, ModelStatus, StudioErrorData } from '@contract';
import { api, asStudioError } from '../../host/api';
import { signal } from '../../lib/test-hooks';

export type ToastKind = 'error' | 'warning' | 'notice';
export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
  code?: string;
}

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

  async start(): Promise<void> {
    const a = api();
    a.on('engine:state', (s) => this.onEngineState(s));
    await Promise.all([this.refreshInfo(), this.refreshModel()]);
  }

  async refreshInfo(): Promise<void> {
    try {
      this.info = await api().call('app:get-info', {});
      if (this.seenRestarts < 0) this.seenRestarts = this.info.engine.restarts;
    } catch (err) {
      this.error(err, 'Could not reach the engine');
    }
  }

  async refreshModel(): Promise<void> {
    try {
      this.model = await api().call('model:status', {});
    } catch (err) {
      this.error(err, 'Could not read the model status');
    }
  }

  private onEngineState(s: EngineState): void {
    const prev = this.engine.state;
    this.engine = s;
    if (s.state === 'crashed') {
      this.push('warning', 'The engine stopped unexpectedly', s.message ?? 'It is being restarted; work in progress was stopped.');
      signal('engine-crashed', s);
    } else if (s.state === 'ready' && (prev === 'crashed' || (this.seenRestarts >= 0 && s.restarts > this.seenRestarts))) {
      this.push('notice', 'Engine restarted', `The engine was restarted (restart ${s.restarts}). Anything that was running has to be started again.`);
      signal('engine-restarted', s);
      void this.refreshInfo();
    }
    if (s.state === 'ready') this.seenRestarts = s.restarts;
  }

  /** Show any failure plainly; returns the error data. CANCELLED is not an error to show. */
  error(err: unknown, title = 'Something went wrong'): StudioErrorData {
    const e = asStudioError(err);
    if (e.code === 'CANCELLED') return e;
    this.push('error', title, e.message, e.code);
    signal('error-shown', { code: e.code, message: e.message, title });
    return e;
  }

  notice(title: string, message: string, kind: ToastKind = 'notice'): void {
    this.push(kind, title, message);
    signal(kind === 'notice' ? 'notice-shown' : 'warning-shown', { title, message });
  }

  private push(kind: ToastKind, title: string, message: string, code?: string): void {
    // the same message twice in a row is shown once
    const last = this.toasts.at(-1);
    if (last && last.title === title && last.message === message) return;
    this.toasts = [...this.toasts.slice(-4), { id: this.nextId++, kind, title, message, code }];
  }

  /** Take back the messages with this title (what they reported was put right). */
  dismissTitled(title: string): void {
    if (this.toasts.some((t) => t.title === title)) this.toasts = this.toasts.filter((t) => t.title !== title);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}

export const app = new AppState();

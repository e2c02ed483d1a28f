import { api } from '../host/api';
import { app } from './app.svelte';

export interface ChatMessage {
  id: number;
  role: 'user' | 'assistant';
  text: string;
  at: number;
  /** the answer stopped early (Stop pressed or an error) */
  stopped?: boolean;
}

/**
 * The chat about the open track: one thread per track, an answer streamed
 * token by token, a Stop button. The model runtime comes with a later issue;
 * until a model pack is installed the pane says so and sending is disabled.
 */
class Chat {
  threads = $state<Record<string, ChatMessage[]>>({});
  drafts = $state<Record<string, string>>({});
  /** the answer being streamed, per track */
  streaming = $state<Record<string, string>>({});

  get modelReady(): boolean {
    return app.model?.installed === true;
  }

  /** Why the input is disabled, or null when it is enabled. */
  disabledReason(trackId: string | null): string | null {
    if (!app.model) return 'Checking whether a model pack is installed…';
    if (!app.model.installed) return app.model.message;
    if (!trackId) return 'Open a track to ask about it.';
    if (this.streaming[trackId] !== undefined) return 'Wait for the answer, or press Stop.';
    return null;
  }

  thread(trackId: string | null): ChatMessage[] {
    return trackId ? (this.threads[trackId] ?? []) : [];
  }

  async send(trackId: string, text: string): Promise<void> {
    const reason = this.disabledReason(trackId);
    if (reason || !text.trim()) return;
    // The chat methods join the contract with the model runtime; nothing is
    // faked here. Re-check the status so a newly installed pack is noticed.
    await app.refreshModel();
    if (!api() || !this.modelReady) return;
    app.notice('Chat is not available yet', 'A model pack is installed, but this version of the studio cannot run it yet.', 'warning');
  }

  stop(trackId: string): void {
    const partial = this.streaming[trackId];
    if (partial === undefined) return;
    delete this.streaming[trackId];
    const list = this.threads[trackId] ?? [];
    this.threads[trackId] = [...list, { id: Date.now(), role: 'assistant', text: partial, at: Date.now(), stopped: true }];
  }
}

export const chat = new Chat();

import type { ChatAttachments, ChatMessage, MethodInput, Progress, Track } from '@contract';
import { api, asStudioError } from '../../host/api';
import { connection, isLinkLost } from '../../host/connection.svelte';
import { signal } from '../../lib/test-hooks';
import { downloadText } from '../../lib/download';
import { ABOUT, app } from './app.svelte';
import { browser } from './browser.svelte';
import { current } from './track.svelte';
import { generationOptions, prefs } from './prefs.svelte';

export type { ChatMessage };
type GenerationOptions = MethodInput<'chat:ask'>['options'];

/** What the person chose to attach for the next question on a track. */
export interface AttachChoice {
  audio: boolean;
  /** 'cover': the track's cover; a path: another image file; null: none */
  image: 'cover' | { path: string } | null;
  video: boolean;
  inputText: string;
}

/** An answer being written (or the question waiting for it). */
export interface PendingAnswer {
  /** the question (shown until the thread is reloaded) */
  question: string;
  /** the track's title (or file name) when it was asked: named on the other tracks while this answer is written */
  title: string;
  attachments: ChatAttachments;
  /** regenerating this user message's answer */
  regenerateOf?: string;
  text: string;
  stage: string;
  fraction?: number;
  controller: AbortController;
}

/**
 * A question whose answer this page saw cut off and could not read back from the engine: the link to `studio serve`
 * was lost while it was written, or the thread could not be read after it. What the page saw stays shown (the
 * question, the text so far, marked) until the thread is read again (on a reconnect, or the next answer).
 */
export interface CutAnswer {
  question: string;
  /** regenerating this user message's answer (the question is already in the thread) */
  regenerateOf?: string;
  /** the answer's text as far as this page saw it */
  text: string;
  /** 'link': the link to `studio serve` was lost; 'unread': the thread could not be read back */
  why: 'link' | 'unread';
  /** what is shown under it, in words */
  note: string;
}

declare global {
  interface Window {
    /** tests only: generation options sent with every question (e.g. a large maxNewTokens) */
    __studioChatOptions?: GenerationOptions;
  }
}

export function defaultAttachments(t: Track): AttachChoice {
  return { audio: true, image: t.cover !== 'none' ? 'cover' : null, video: t.kind === 'video', inputText: '' };
}

/** A stage as a short status line: "loading model 40%", "encoding audio", "answering". */
export function stageLabel(p: { stage: string; fraction?: number }): string {
  return p.fraction !== undefined && p.stage !== 'answering' ? `${p.stage} ${Math.round(p.fraction * 100)}%` : p.stage;
}

/**
 * The chat about the open track: one thread per track kept by the engine
 * (`chat:get-thread`, SQLite, survives restarts), the attachments chosen for
 * the next question, and the answer streamed token by token from the
 * token events of `chat:ask` / `chat:regenerate`. One question at a time
 * from the UI (the engine queues anyway).
 */
class Chat {
  threads = $state<Record<string, ChatMessage[]>>({});
  attach = $state<Record<string, AttachChoice>>({});
  /**
   * Each track's unsent question (the box's text), as its attachments are kept per track: a question typed for one
   * track stayed in the box when another was opened (tester17). The open track's is kept with the session
   * (session.svelte.ts), so a reload or a crashed window gives it back (crash34).
   */
  drafts = $state<Record<string, string>>({});
  pending = $state<Record<string, PendingAnswer>>({});
  /** per track: the answer seen cut off and not read back yet (CutAnswer) */
  cut = $state<Record<string, CutAnswer>>({});
  private loading = new Map<string, Promise<boolean>>();
  /** tracks whose thread is re-read while an answer is written in the background */
  private following = new Map<string, ReturnType<typeof setTimeout>>();

  get modelReady(): boolean {
    return app.model?.installed === true;
  }

  /** Why sending is disabled, or null when it is enabled. */
  disabledReason(trackId: string | null): string | null {
    // the engine out of reach (web mode): nothing can be sent; the question box keeps what was typed
    const offline = connection.offlineKeeping('what you typed stays here');
    if (offline) return offline;
    if (!app.model) return 'Checking whether a model pack is installed…';
    if (!app.model.installed) return app.model.message;
    if (!trackId) return 'Open a track to ask about it.';
    if (this.pending[trackId] || this.background(trackId)) return 'Wait for the answer, or press Stop (Esc).';
    if (current.gone && current.track?.id === trackId) return 'The file is gone: Locate… it where it is now, or Close the track.';
    const other = this.elsewhere(trackId);
    if (other) return `An answer about “${other.title}” is being written: wait for it, or press Stop (Esc).`;
    const a = this.attachments(trackId);
    if (a && !a.audio && !a.image && !a.video && !a.inputText?.trim()) return 'Attach the audio, an image, the video or some input text.';
    const g = generationOptions(prefs.generation);
    if (g.problem) return g.problem;
    return null;
  }

  /**
   * The answer this page is waiting for about another track than `trackId` (one at a time: while it is written no
   * question can be sent about any track, so it is named there and Stop stops it), or undefined.
   */
  elsewhere(trackId: string | null): PendingAnswer | undefined {
    return Object.entries(this.pending).find(([id]) => id !== trackId)?.[1];
  }

  /**
   * The answer the engine is writing with no call of this page waiting for it
   * (asked before a reload: the engine finishes it), or undefined.
   */
  background(trackId: string | null): ChatMessage | undefined {
    if (!trackId || this.pending[trackId]) return undefined;
    return this.thread(trackId).find((m) => m.role === 'assistant' && m.status === 'streaming');
  }

  thread(trackId: string | null): ChatMessage[] {
    return trackId ? (this.threads[trackId] ?? []) : [];
  }

  /** Set up a track's attachment choice (its defaults) the first time it is shown. */
  ensure(t: Track): void {
    if (!this.attach[t.id]) this.attach[t.id] = defaultAttachments(t);
  }

  /**
   * The track's cover changed (attached, or back to the embedded art, or
   * removed): a new cover is what the person wants the model to see, so the
   * Cover chip switches on, unless another image file is attached; with no
   * cover left the chip goes off.
   */
  coverChanged(t: Track): void {
    const c = this.attach[t.id];
    if (!c) return;
    if (t.cover === 'none') {
      if (c.image === 'cover') c.image = null;
    } else if (c.image === null || c.image === 'cover') c.image = 'cover';
    signal('chat-cover-attach', { trackId: t.id, cover: t.cover, image: c.image });
  }

  /** The attachments as the contract wants them (the waveform region applies to the audio). */
  attachments(trackId: string): ChatAttachments | null {
    const t = current.track;
    if (!t || t.id !== trackId) return null;
    const c = this.attach[trackId] ?? defaultAttachments(t);
    const region = current.region;
    const text = c.inputText.trim();
    return {
      audio: c.audio ? (region ? { region: [round(region[0]), round(region[1])] } : {}) : null,
      image: c.image === 'cover' && t.cover === 'none' ? null : c.image,
      video: c.video && t.kind === 'video',
      ...(text ? { inputText: text } : {}),
    };
  }

  /**
   * Load a track's thread from the engine (once; `force` reloads). Resolves true when it was read (or was there
   * already), false when it could not be (said in a message). A thread read replaces the track's cut answer: the
   * engine's record of it (its question, and the answer as kept: "interrupted" when the engine died) is shown instead.
   */
  load(trackId: string, force = false): Promise<boolean> {
    if (!force && this.threads[trackId]) return Promise.resolve(true);
    const running = this.loading.get(trackId);
    if (running && !force) return running;
    const p = (async () => {
      try {
        const list = await api().call('chat:get-thread', { trackId });
        this.threads[trackId] = list;
        delete this.cut[trackId];
        app.resolved(ABOUT.thread);
        signal('chat-thread-loaded', { trackId, messages: list.length });
        this.follow(trackId);
        return true;
      } catch (err) {
        app.error(err, 'Could not load the chat', ABOUT.thread);
        return false;
      } finally {
        this.loading.delete(trackId);
      }
    })();
    this.loading.set(trackId, p);
    return p;
  }

  /**
   * An answer is written in the background (the page was reloaded while it
   * streamed): read the thread again every half second until it is finished,
   * so its text grows here as the engine writes it.
   */
  private follow(trackId: string): void {
    const bg = this.background(trackId);
    clearTimeout(this.following.get(trackId));
    this.following.delete(trackId);
    if (!bg) return;
    signal('chat-background', { trackId, id: bg.id, length: bg.text.length });
    this.following.set(
      trackId,
      setTimeout(() => {
        this.following.delete(trackId);
        void this.load(trackId, true).then(() => {
          const m = this.thread(trackId).find((x) => x.id === bg.id);
          if (m && m.status !== 'streaming') signal('chat-background-ended', { trackId, id: m.id, status: m.status, text: m.text });
        });
      }, 500),
    );
  }

  /** Send a question; false when it cannot be sent now (one at a time). */
  send(trackId: string, question: string): boolean {
    const attachments = this.attachments(trackId);
    if (this.disabledReason(trackId) || !question.trim() || !attachments) return false;
    void this.run(trackId, { question: question.trim(), attachments }, (opts) =>
      api().call('chat:ask', { trackId, instruction: question.trim(), attachments, options: this.options() }, opts),
    );
    return true;
  }

  /** The sampling settings of the chat pane (tests may override them with window.__studioChatOptions). */
  private options(): GenerationOptions {
    const o = { ...generationOptions(prefs.generation).options, ...window.__studioChatOptions };
    return Object.keys(o).length ? o : undefined;
  }

  /**
   * The thread as a file to download: Markdown (questions as quotes, answers
   * as text, what went in and the stats below each) or JSON (the messages as
   * the engine keeps them).
   */
  exportThread(trackId: string, format: 'md' | 'json'): void {
    const t = current.track;
    const list = this.thread(trackId);
    if (!t || t.id !== trackId || !list.length) return;
    const title = t.probe.tags.title ?? t.fileName;
    let content: string;
    if (format === 'json') content = JSON.stringify({ track: { path: t.path, title, artist: t.probe.tags.artist ?? null }, exportedAt: new Date().toISOString(), messages: list }, null, 1);
    else {
      const out = [`# Chat about “${title}”`, '', `File: \`${t.path}\`  `, `Exported: ${new Date().toISOString()}`, ''];
      for (const m of list) {
        if (m.role === 'user') {
          out.push(`## Question`, '', ...m.text.split('\n').map((l) => `> ${l}`), '');
          const ins = m.inputs?.media.map((x) => `${x.kind}${x.region ? ` ${x.region[0]}–${x.region[1]} s` : ''}`).join(', ');
          if (ins) out.push(`*Inputs: ${ins}*`, '');
        } else {
          out.push(`### Answer${m.status && m.status !== 'done' ? ` (${m.status})` : ''}`, '', m.text || '*(no text)*', '');
          if (m.stats) out.push(`*${m.stats.tokens} tokens · ${m.stats.tokensPerSec.toFixed(1)} tok/s · ${m.stats.provider} · stopped by ${m.stats.stoppedBy}${m.pack ? ` · pack ${m.pack}` : ''}*`, '');
        }
      }
      content = out.join('\n');
    }
    const base = (title.replace(/[\\/:*?"<>|\x00-\x1f]+/g, ' ').trim() || 'chat').slice(0, 80);
    const fileName = `${base} — chat.${format}`;
    downloadText(content, format === 'json' ? 'application/json' : 'text/markdown', fileName);
    signal('chat-exported', { trackId, format, fileName, messages: list.length });
  }

  /** Answer the last question again (replaces its answer). */
  regenerateLast(trackId: string | null): void {
    if (!trackId || this.disabledReason(trackId)) return;
    const list = this.thread(trackId);
    const user = list.findLast((m) => m.role === 'user');
    if (!user) return;
    void this.run(trackId, { question: user.text, attachments: user.attachments ?? { audio: {}, image: null, video: false }, regenerateOf: user.id }, (opts) =>
      api().call('chat:regenerate', { trackId, messageId: user.id, options: this.options() }, opts),
    );
  }

  private async run(
    trackId: string,
    q: { question: string; attachments: ChatAttachments; regenerateOf?: string },
    call: (opts: { signal: AbortSignal; onProgress: (p: Progress) => void; onToken: (text: string) => void }) => Promise<{ user: ChatMessage; assistant: ChatMessage }>,
  ): Promise<void> {
    const controller = new AbortController();
    const t = current.track;
    const title = t && t.id === trackId ? (t.probe.tags.title ?? t.fileName) : 'another track';
    this.pending[trackId] = { ...q, title, text: '', stage: 'sending', controller };
    signal('chat-sent', { trackId, regenerate: !!q.regenerateOf });
    let firstText = true;
    const onProgress = (p: Progress) => {
      const cur = this.pending[trackId];
      if (!cur || cur.controller !== controller) return;
      cur.stage = p.stage;
      cur.fraction = p.fraction;
      signal('chat-stage', { trackId, stage: p.stage, fraction: p.fraction });
    };
    const onToken = (text: string) => {
      const cur = this.pending[trackId];
      if (!cur || cur.controller !== controller) return;
      cur.stage = 'answering';
      cur.fraction = undefined;
      cur.text += text;
      if (firstText) {
        firstText = false;
        signal('chat-first-token', { trackId });
      }
      signal('chat-token', { trackId, length: cur.text.length });
    };
    try {
      const res = await call({ signal: controller.signal, onProgress, onToken });
      if (!(await this.load(trackId, true))) this.keepCut(trackId, controller, 'unread');
      app.resolved(ABOUT.answer);
      // the model's status as it is after the answer: the pack's folder may have gone meanwhile (packGone, model40)
      await app.refreshModel();
      signal('chat-answered', { trackId, id: res.assistant.id, status: res.assistant.status, stats: res.assistant.stats, text: res.assistant.text });
    } catch (err) {
      const e = asStudioError(err);
      // the link to `studio serve` dropped: the thread cannot be read now (it is when the link is back: reread), and
      // what this page showed stays — the question went with the pending answer when the read failed (tester25)
      const lost = isLinkLost(e);
      if (lost || !(await this.load(trackId, true))) this.keepCut(trackId, controller, lost ? 'link' : 'unread');
      if (e.code === 'CANCELLED') signal('chat-stopped', { trackId });
      else {
        // a lost link is one message for every call it ended (app.error)
        app.error(e, e.code === 'MODEL_MISSING' ? 'No model pack' : 'The answer failed', e.code === 'MODEL_MISSING' ? ABOUT.noPack : ABOUT.answer);
        signal('chat-failed', { trackId, code: e.code, message: e.message });
      }
      if (e.code !== 'CANCELLED' && !lost) void app.refreshModel();
    } finally {
      if (this.pending[trackId]?.controller === controller) delete this.pending[trackId];
    }
  }

  /** Keep what the pending answer showed as the track's cut answer (CutAnswer), when the thread cannot be read back. */
  private keepCut(trackId: string, controller: AbortController, why: CutAnswer['why']): void {
    const p = this.pending[trackId];
    if (!p || p.controller !== controller) return;
    const note =
      why === 'link'
        ? 'Disconnected: the connection to the studio server was lost while this answer was being written. When the page reconnects, the chat is read again with what the engine kept of it.'
        : 'The chat could not be read back after this answer: this is what this page saw of it.';
    this.cut[trackId] = { question: p.question, regenerateOf: p.regenerateOf, text: p.text, why, note };
    signal('chat-cut', { trackId, why, question: p.question, length: p.text.length });
  }

  /**
   * The link to `studio serve` is back (connection.onReopen): the open track's thread and every thread with a cut
   * answer are read again (an answer ended meanwhile, or the engine died and kept it as "interrupted"); the other
   * tracks' threads are read again when they are shown.
   */
  reread(): void {
    const open = current.track?.id;
    for (const id of new Set([...Object.keys(this.threads), ...Object.keys(this.cut)])) {
      if (id === open || this.cut[id]) void this.load(id, true);
      else delete this.threads[id];
    }
  }

  /**
   * Stop the answer being written (also one written in the background, or the one this page waits for about another
   * track, which blocks asking here): cancelled at once in the engine. With no track open (`trackId` null) nothing is
   * stopped: Esc there (e.g. in the library's search box) must not end an answer the person cannot see.
   */
  stop(trackId: string | null): boolean {
    const p = (trackId ? this.pending[trackId] : undefined) ?? (trackId && !this.background(trackId) ? this.elsewhere(trackId) : undefined);
    if (!p && trackId && this.background(trackId)) {
      void api()
        .call('chat:stop', { trackId })
        .then(() => this.load(trackId, true))
        .then(() => signal('chat-stopped', { trackId }))
        .catch((err: unknown) => app.error(err, 'Could not stop the answer'));
      return true;
    }
    if (!p) return false;
    p.stage = 'stopping';
    p.controller.abort();
    return true;
  }

  async clear(trackId: string): Promise<void> {
    try {
      await api().call('chat:clear-thread', { trackId });
      this.threads[trackId] = [];
      signal('chat-cleared', { trackId });
    } catch (err) {
      app.error(err, 'Could not clear the chat');
    }
  }

  /** "Image…": another image file for the next question. */
  async pickImage(trackId: string): Promise<void> {
    const use = (path: string) => {
      const c = this.attach[trackId];
      if (c) c.image = { path };
      signal('chat-image-chosen', { path });
    };
    if (api().mode === 'desktop') {
      try {
        const { paths } = await api().call('dialog:open-media', { kind: 'image' });
        if (paths[0]) use(paths[0]);
      } catch (err) {
        app.error(err, 'Could not show the open dialog');
      }
      return;
    }
    browser.show('image', use);
  }
}

/** Copy text: the async clipboard, or a hidden textarea and execCommand where that is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

const round = (s: number) => Math.round(s * 100) / 100;

export const chat = new Chat();
connection.onReopen(() => chat.reread());

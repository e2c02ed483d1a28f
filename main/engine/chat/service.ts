import { ANSWER_INTERRUPTED, DISCONNECTED, StudioError, type ChatAttachments, type ChatMessage, type MethodArgs, type Progress } from '@contract';
import type { EngineContext } from '../context';
import type { Tracks } from '../media/tracks';
import { newId } from '../media/tracks';
import type { AskRequest } from '../model/ask';
import { ask } from '../model/ask';
import type { ModelService } from '../model/service';
import { inputWithText } from '../model/placeholders';
import { ChatMessagesRepo, type ChatRow } from '../db/chat-messages';

type Options = MethodArgs<'chat:ask'>['options'];

/**
 * Chat threads, one per track, kept in SQLite (db/chat-messages.ts). Each
 * answer names the question it answers, so questions asked at once (two
 * windows) stay paired and regenerating one never touches another's answer.
 * The answer is written while it streams (every half second), so a crash
 * loses at most the last moment of it. When the page that asked goes away
 * (its channel closes, signal reason DISCONNECTED) the answer is finished
 * anyway and kept; only Stop (a cancel, or chat:stop) stops it.
 */
export class ChatService {
  private readonly messages: ChatMessagesRepo;
  /** answers being written, by track: what stops them */
  private readonly running = new Map<string, Set<AbortController>>();
  /** the title of the track whose answer the model is writing now, or null */
  private writing: string | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly tracks: Tracks,
    private readonly model: ModelService,
    /** the file behind the cover shown beside a track (attached or embedded art) */
    private readonly coverPath: (trackId: string) => Promise<string>,
  ) {
    this.messages = new ChatMessagesRepo(ctx.db);
    // Answers that were streaming when the engine died are marked as such: an engine restarted by its host (a crash, a
    // kill) says so — the app or `studio serve` ran on, and the next question is answered (session 30: "The studio
    // stopped" read as if everything had); a first start is the app or `studio serve` started again after it stopped
    this.messages.interruptStreaming(ctx.restarts > 0 ? ANSWER_INTERRUPTED.restarted : ANSWER_INTERRUPTED.appStopped);
  }

  thread(trackId: string): ChatMessage[] {
    this.tracks.row(trackId);
    return this.messages.thread(trackId).map(toMessage);
  }

  clear(trackId: string): void {
    this.messages.clear(trackId);
  }

  /** Stop the answer being written about `trackId` (from any page); false when none is. */
  stop(trackId: string): boolean {
    const all = [...(this.running.get(trackId) ?? [])];
    for (const c of all) c.abort();
    return all.length > 0;
  }

  /**
   * Ask `instruction` about `trackId` with `attachments`: the question and its answer are stored in the track's
   * thread, the answer streamed (call.token) as it is written. What `request` refuses is refused before anything is
   * stored; a failure of the model's run (a region with no audio, Stop) is stored as the answer's error.
   * @throws StudioError FILE_CHANGED (the file deleted, moved or changed since it was opened), BAD_ARGS (a video
   *   attached to an audio track), NOT_FOUND (no such track), before storing; the model run's errors after.
   */
  async ask(
    trackId: string,
    instruction: string,
    attachments: ChatAttachments,
    options: Options,
    call: { signal: AbortSignal; progress(p: Progress): void; token(text: string): void },
  ): Promise<{ user: ChatMessage; assistant: ChatMessage }> {
    // what can be refused (the file gone or changed, nothing attached) is refused before the question is stored: a
    // refused question left in the thread had no answer and no error under it, and asking again added another
    const req = await this.request(trackId, instruction, attachments);
    const user = this.insert(trackId, 'user', instruction, { attachments }, null);
    return this.answer(user, attachments, req, options, call);
  }

  /**
   * Answer a question again: the question itself, or the question an answer
   * answers (by id, never by position). The new answer is one more version
   * of that question's answer; the earlier versions are kept (‹ 1/3 › in the
   * chat pane), other questions' answers are never touched.
   * @throws StudioError NOT_FOUND for a message not in this thread.
   */
  async regenerate(trackId: string, messageId: string, options: Options, call: { signal: AbortSignal; progress(p: Progress): void; token(text: string): void }) {
    const msg = this.messages.get(messageId);
    if (!msg || msg.track_id !== trackId) throw new StudioError('NOT_FOUND', 'That message is not in this thread.');
    const question = msg.role === 'user' ? msg : msg.reply_to ? this.messages.get(msg.reply_to) : undefined;
    if (!question) throw new StudioError('NOT_FOUND', 'There is no question to answer again.');
    const user = toMessage(question);
    const att = user.attachments ?? { audio: {}, image: null, video: false };
    return this.answer(user, att, await this.request(trackId, user.text, att), options, call);
  }

  /**
   * The model's request for a question about `trackId` with `att`, checked before anything is stored.
   * @throws StudioError FILE_CHANGED (the track's file deleted, moved or changed since it was opened), BAD_ARGS
   *   (a video attached to an audio track, nothing attached), NOT_FOUND (no such track).
   */
  private async request(trackId: string, instruction: string, att: ChatAttachments): Promise<AskRequest> {
    const { row, path } = await this.tracks.checkedPath(trackId);
    const req: AskRequest = { instruction };
    if (att.audio) req.audio = { path, region: att.audio.region };
    if (att.image === 'cover') req.image = { path: await this.coverPath(trackId) };
    else if (att.image) req.image = { path: att.image.path };
    if (att.video) {
      if (row.kind !== 'video') throw new StudioError('BAD_ARGS', 'This track has no video to attach.');
      req.video = { path };
    }
    if (!req.audio && !req.image && !req.video && !att.inputText) {
      throw new StudioError('BAD_ARGS', 'Attach the audio, the cover, the video or some input text: the model needs something to talk about.');
    }
    req.input = inputWithText(att.inputText ?? '', req);
    return req;
  }

  private async answer(user: ChatMessage, att: ChatAttachments, prepared: AskRequest, options: Options, call: { signal: AbortSignal; progress(p: Progress): void; token(text: string): void }) {
    const req: AskRequest = { ...prepared, options };
    const assistant = this.insert(user.trackId, 'assistant', '', { status: 'streaming' }, user.id);
    // the generation stops on Stop, not when the asking page goes away
    const gen = new AbortController();
    const onCallAbort = () => {
      if (call.signal.reason !== DISCONNECTED) gen.abort();
    };
    if (call.signal.aborted) onCallAbort();
    else call.signal.addEventListener('abort', onCallAbort, { once: true });
    const running = this.running.get(user.trackId) ?? new Set<AbortController>();
    this.running.set(user.trackId, running.add(gen));
    let textSoFar = '';
    // the first text is kept at once (nothing lost if the engine dies early), then every half second
    let lastSave = 0;
    const save = (data: Partial<ChatMessage>) => this.messages.update(assistant.id, textSoFar, JSON.stringify({ ...data }));
    try {
      // the model answers one question at a time: one asked meanwhile (another window or tab) waits, and says for what —
      // it showed "sending…" until the other answer ended, and Stop did not end it before (tester38)
      if (this.model.busy) call.progress({ stage: this.writing ? `waiting: an answer about “${this.writing}” is being written` : 'waiting for the model' });
      const rt = await this.model.exclusive(async () => {
        this.writing = this.titleOf(user.trackId);
        try {
          const runtime = await this.model.current((f, file) => call.progress({ stage: 'loading model', fraction: f, message: file }), gen.signal);
          const res = await ask(runtime, req, {
            signal: gen.signal,
            onStage: (stage) => call.progress({ stage }),
            onText: (t) => {
              textSoFar += t;
              // kept before it is sent: a page that saw the text must find it after an engine crash
              if (Date.now() - lastSave > 500) {
                lastSave = Date.now();
                save({ status: 'streaming' });
              }
              call.token(t);
            },
          });
          return { res, pack: runtime.pack.manifest.name };
        } finally {
          this.writing = null;
        }
      }, gen.signal);
      const { res } = rt;
      textSoFar = res.answer;
      const stats = {
        provider: res.provider,
        firstTokenMs: res.timings.firstTokenMs,
        tokensPerSec: res.timings.tokensPerSec,
        tokens: res.timings.tokens,
        stoppedBy: res.stoppedBy,
        timings: res.timings,
        ...(res.promptCut ? { promptCut: res.promptCut } : {}),
      };
      const status = res.stoppedBy === 'cancelled' ? 'stopped' : 'done';
      save({ status, stats, pack: rt.pack });
      this.messages.setData(user.id, JSON.stringify({ attachments: att, inputs: { input: res.inputs.input, media: res.inputs.media, ...(res.inputs.spanNote ? { spanNote: res.inputs.spanNote } : {}) } }));
      return { user: this.get(user.id), assistant: this.get(assistant.id) };
    } catch (err) {
      const e = err as StudioError;
      const stopped = e.code === 'CANCELLED' || gen.signal.aborted;
      save(stopped ? { status: 'stopped' } : { status: 'error', error: e.message });
      throw err;
    } finally {
      call.signal.removeEventListener('abort', onCallAbort);
      running.delete(gen);
      if (!running.size && this.running.get(user.trackId) === running) this.running.delete(user.trackId);
    }
  }

  /** the track's title as the chat names it (its title tag, else its file name); its id where it is not open */
  private titleOf(trackId: string): string {
    try {
      const t = this.tracks.get(trackId);
      return t.probe.tags.title ?? t.fileName;
    } catch {
      return trackId;
    }
  }

  private get(id: string): ChatMessage {
    const row = this.messages.get(id);
    if (!row) throw new StudioError('NOT_FOUND', 'That message is not in this thread (it was cleared).');
    return toMessage(row);
  }

  private insert(trackId: string, role: 'user' | 'assistant', text: string, data: Record<string, unknown>, replyTo: string | null): ChatMessage {
    this.tracks.row(trackId);
    const id = newId();
    this.messages.insert(id, trackId, role, text, JSON.stringify(data), replyTo, Date.now());
    return this.get(id);
  }
}

function toMessage(r: ChatRow): ChatMessage {
  const data = JSON.parse(r.data_json) as Partial<ChatMessage>;
  return { id: r.id, trackId: r.track_id, role: r.role, text: r.text, createdAt: r.created_at, ...data, ...(r.reply_to ? { replyTo: r.reply_to } : {}) };
}

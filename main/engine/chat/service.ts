import { StudioError, type ChatAttachments, type ChatMessage, type MethodArgs, type Progress } from '@contract';
import type { EngineContext } from '../context';
import type { Tracks } from '../media/tracks';
import { newId } from '../media/tracks';
import type { AskRequest } from '../model/ask';
import { ask } from '../model/ask';
import type { ModelService } from '../model/service';
import { defaultInput, PLACEHOLDER_RE } from '../model/runtime';

type Options = MethodArgs<'chat:ask'>['options'];

interface Row {
  id: string;
  track_id: string;
  role: 'user' | 'assistant';
  text: string;
  created_at: number;
  seq: number;
  data_json: string;
}

/**
 * Chat threads, one per track, kept in SQLite. The answer is written while it
 * streams (every half second), so a crash loses at most the last moment of it.
 */
export class ChatService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly tracks: Tracks,
    private readonly model: ModelService,
    /** the file behind the cover shown beside a track (attached or embedded art) */
    private readonly coverPath: (trackId: string) => Promise<string>,
  ) {
    // Answers that were streaming when the engine died are marked as such.
    ctx.db
      .prepare(`UPDATE chat_messages SET data_json = json_set(data_json, '$.status', 'error', '$.error', 'The studio stopped while this answer was being written.') WHERE json_extract(data_json, '$.status') = 'streaming'`)
      .run();
  }

  thread(trackId: string): ChatMessage[] {
    this.tracks.row(trackId);
    const rows = this.ctx.db.prepare('SELECT * FROM chat_messages WHERE track_id = ? ORDER BY seq').all(trackId) as Row[];
    return rows.map(toMessage);
  }

  clear(trackId: string): void {
    this.ctx.db.prepare('DELETE FROM chat_messages WHERE track_id = ?').run(trackId);
  }

  async ask(
    trackId: string,
    instruction: string,
    attachments: ChatAttachments,
    options: Options,
    call: { signal: AbortSignal; progress(p: Progress): void; token(text: string): void },
  ): Promise<{ user: ChatMessage; assistant: ChatMessage }> {
    const user = this.insert(trackId, 'user', instruction, { attachments });
    return this.answer(user, attachments, options, call);
  }

  async regenerate(trackId: string, messageId: string, options: Options, call: { signal: AbortSignal; progress(p: Progress): void; token(text: string): void }) {
    const rows = this.ctx.db.prepare('SELECT * FROM chat_messages WHERE track_id = ? ORDER BY seq').all(trackId) as Row[];
    const idx = rows.findIndex((r) => r.id === messageId);
    if (idx < 0) throw new StudioError('NOT_FOUND', 'That message is not in this thread.');
    const userIdx = rows[idx].role === 'user' ? idx : rows.slice(0, idx).map((r) => r.role).lastIndexOf('user');
    if (userIdx < 0) throw new StudioError('NOT_FOUND', 'There is no question to answer again.');
    const user = toMessage(rows[userIdx]);
    const next = rows[userIdx + 1];
    if (next?.role === 'assistant') this.ctx.db.prepare('DELETE FROM chat_messages WHERE id = ?').run(next.id);
    return this.answer(user, user.attachments ?? { audio: {}, image: null, video: false }, options, call);
  }

  private async answer(user: ChatMessage, att: ChatAttachments, options: Options, call: { signal: AbortSignal; progress(p: Progress): void; token(text: string): void }) {
    const { row, path } = await this.tracks.checkedPath(user.trackId);
    const req: AskRequest = { instruction: user.text, greedy: options?.greedy, seed: options?.seed, maxNewTokens: options?.maxNewTokens, temperature: options?.temperature, topP: options?.topP };
    if (att.audio) req.audio = { path, region: att.audio.region };
    if (att.image === 'cover') req.image = { path: await this.coverPath(user.trackId) };
    else if (att.image) req.image = { path: att.image.path };
    if (att.video) {
      if (row.kind !== 'video') throw new StudioError('BAD_ARGS', 'This track has no video to attach.');
      req.video = { path };
    }
    if (!req.audio && !req.image && !req.video && !att.inputText) {
      throw new StudioError('BAD_ARGS', 'Attach the audio, the cover, the video or some input text: the model needs something to talk about.');
    }
    const placeholders = defaultInput(req);
    const text = att.inputText?.trim() ?? '';
    req.input = text.match(PLACEHOLDER_RE) ? text : text ? `${text} ${placeholders}` : placeholders;
    const assistant = this.insert(user.trackId, 'assistant', '', { status: 'streaming' });
    let textSoFar = '';
    let lastSave = Date.now();
    const save = (data: Partial<ChatMessage>) =>
      this.ctx.db.prepare('UPDATE chat_messages SET text = ?, data_json = ? WHERE id = ?').run(textSoFar, JSON.stringify({ ...data }), assistant.id);
    try {
      const rt = await this.model.exclusive(async () => {
        const runtime = await this.model.current((f, file) => call.progress({ stage: 'loading model', fraction: f, message: file }), call.signal);
        return ask(runtime, req, {
          signal: call.signal,
          onStage: (stage) => call.progress({ stage }),
          onText: (t) => {
            textSoFar += t;
            call.token(t);
            if (Date.now() - lastSave > 500) {
              lastSave = Date.now();
              save({ status: 'streaming' });
            }
          },
        }).then((res) => ({ res, pack: runtime.pack.manifest.name }));
      });
      const { res } = rt;
      textSoFar = res.answer;
      const stats = {
        provider: res.provider,
        firstTokenMs: res.timings.firstTokenMs,
        tokensPerSec: res.timings.tokensPerSec,
        tokens: res.timings.tokens,
        stoppedBy: res.stoppedBy,
        timings: res.timings,
      };
      const status = res.stoppedBy === 'cancelled' ? 'stopped' : 'done';
      save({ status, stats, pack: rt.pack });
      this.ctx.db
        .prepare('UPDATE chat_messages SET data_json = ? WHERE id = ?')
        .run(JSON.stringify({ attachments: att, inputs: { input: res.inputs.input, media: res.inputs.media } }), user.id);
      return { user: this.get(user.id), assistant: this.get(assistant.id) };
    } catch (err) {
      const e = err as StudioError;
      const stopped = e.code === 'CANCELLED' || call.signal.aborted;
      save(stopped ? { status: 'stopped' } : { status: 'error', error: e.message });
      throw err;
    }
  }

  private get(id: string): ChatMessage {
    return toMessage(this.ctx.db.prepare('SELECT * FROM chat_messages WHERE id = ?').get(id) as Row);
  }

  private insert(trackId: string, role: 'user' | 'assistant', text: string, data: Record<string, unknown>): ChatMessage {
    this.tracks.row(trackId);
    const id = newId();
    const seq = ((this.ctx.db.prepare('SELECT MAX(seq) AS s FROM chat_messages WHERE track_id = ?').get(trackId) as { s: number | null }).s ?? 0) + 1;
    this.ctx.db
      .prepare('INSERT INTO chat_messages (id, track_id, role, text, created_at, seq, data_json) VALUES (?,?,?,?,?,?,?)')
      .run(id, trackId, role, text, Date.now(), seq, JSON.stringify(data));
    return this.get(id);
  }
}

function toMessage(r: Row): ChatMessage {
  const data = JSON.parse(r.data_json) as Partial<ChatMessage>;
  return { id: r.id, trackId: r.track_id, role: r.role, text: r.text, createdAt: r.created_at, ...data };
}

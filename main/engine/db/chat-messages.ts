import type { Db } from './index';

/** One row of `chat_messages` (migrations 2, 5). `data_json`: the message's other fields (attachments, inputs, status, stats). */
export interface ChatRow {
  id: string;
  track_id: string;
  role: 'user' | 'assistant';
  text: string;
  created_at: number;
  seq: number;
  data_json: string;
  /** an answer: the id of the question it answers */
  reply_to: string | null;
}

/** `chat_messages`: one thread per track; an answer names its question (reply_to). */
export class ChatMessagesRepo {
  constructor(private readonly db: Db) {}

  /**
   * A track's thread, each answer right after the question it answers (two
   * questions asked at once from two windows stay paired), else by order of
   * writing.
   */
  thread(trackId: string): ChatRow[] {
    return this.db
      .prepare(
        `SELECT m.* FROM chat_messages m LEFT JOIN chat_messages q ON q.id = m.reply_to
         WHERE m.track_id = ? ORDER BY COALESCE(q.seq, m.seq), m.role = 'assistant', m.seq`,
      )
      .all(trackId) as ChatRow[];
  }

  get(id: string): ChatRow | undefined {
    return this.db.prepare('SELECT * FROM chat_messages WHERE id = ?').get(id) as ChatRow | undefined;
  }

  /** append to the track's thread (seq = last + 1, in one statement) */
  insert(id: string, trackId: string, role: ChatRow['role'], text: string, dataJson: string, replyTo: string | null, at: number): void {
    this.db
      .prepare(
        `INSERT INTO chat_messages (id, track_id, role, text, created_at, seq, data_json, reply_to)
         VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM chat_messages WHERE track_id = ?), ?, ?)`,
      )
      .run(id, trackId, role, text, at, trackId, dataJson, replyTo);
  }

  update(id: string, text: string, dataJson: string): void {
    this.db.prepare('UPDATE chat_messages SET text = ?, data_json = ? WHERE id = ?').run(text, dataJson, id);
  }

  setData(id: string, dataJson: string): void {
    this.db.prepare('UPDATE chat_messages SET data_json = ? WHERE id = ?').run(dataJson, id);
  }

  clear(trackId: string): void {
    this.db.prepare('DELETE FROM chat_messages WHERE track_id = ?').run(trackId);
  }

  /** answers that were streaming when the engine died are marked 'interrupted' (their text is kept), with `message` */
  interruptStreaming(message: string): void {
    this.db
      .prepare(`UPDATE chat_messages SET data_json = json_set(data_json, '$.status', 'interrupted', '$.error', ?) WHERE json_extract(data_json, '$.status') = 'streaming'`)
      .run(message);
  }
}

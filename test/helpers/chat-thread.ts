import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ensureTinyPacks } from '../tools/helpers';
import { useStudio, type Studio, type UseStudioOptions } from './studio';

/**
 * The chat e2e suites' shared setup (chat-markdown-issue12, chat-markdown-hostile):
 * `studio serve` with the tiny packs made and WebGPU off, a 1440×900 page, and
 * answers with chosen text written into the engine's thread (SQLite, as the
 * engine writes them) — the tiny test model writes random tokens, not Markdown.
 */
export function useChatStudio(extra: Pick<UseStudioOptions, 'permissions'> = {}): Studio {
  return useStudio({ prepare: ensureTinyPacks, serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } }, viewport: { width: 1440, height: 900 }, ...extra });
}

/** The data of a question with no attachments. */
export const QUESTION = { attachments: { audio: {}, image: null, video: false } };

/** The data of a finished answer of `tokens` tokens (its stats as the engine stores them). */
export function doneAnswer(tokens = 120, stoppedBy = 'stop'): Record<string, unknown> {
  return { status: 'done', stats: { provider: 'cpu', firstTokenMs: 5, tokensPerSec: 100, tokens, stoppedBy, timings: { prefillMs: 1, decodeMs: 1, tokens, firstTokenMs: 5 } }, pack: 'alpha-fp32' };
}

/** Write messages into the thread of the track `trackId()` in the studio's database; the page reads them at its next load. */
export function storedThread(studio: Studio, trackId: () => string) {
  const open = (): Database.Database => {
    const d = new Database(join(studio.serve.dataDir, 'studio.sqlite'));
    d.pragma('busy_timeout = 5000');
    return d;
  };
  return {
    /** a message appended to the thread (seq after the last); returns its id */
    insert(role: 'user' | 'assistant', text: string, data: Record<string, unknown>, replyTo: string | null = null): string {
      const d = open();
      try {
        const id = randomBytes(12).toString('base64url');
        const t = trackId();
        d.prepare(
          `INSERT INTO chat_messages (id, track_id, role, text, created_at, seq, data_json, reply_to)
           VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM chat_messages WHERE track_id = ?), ?, ?)`,
        ).run(id, t, role, text, Date.now(), t, JSON.stringify(data), replyTo);
        return id;
      } finally {
        d.close();
      }
    },
    /** a message's text and data replaced (an answer growing, then finished) */
    update(id: string, text: string, data: Record<string, unknown>): void {
      const d = open();
      try {
        d.prepare('UPDATE chat_messages SET text = ?, data_json = ? WHERE id = ?').run(text, JSON.stringify(data), id);
      } finally {
        d.close();
      }
    },
  };
}

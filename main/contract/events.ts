import { z } from 'zod';
import { GetState, ModelStatus, ScanState } from './methods';

/**
 * Progress of one call (only for methods declared `progress: true`). Streamed
 * answer text is not progress: it travels as its own message (WireToken).
 */
export const Progress = z.object({
  /** what is being done, e.g. "decoding" */
  stage: z.string(),
  /** 0…1 when known */
  fraction: z.number().min(0).max(1).optional(),
  message: z.string().optional(),
});
export type Progress = z.infer<typeof Progress>;

/** Events pushed to every window, not tied to a call. */
export const events = {
  /** the engine process changed state; `crashed` is followed by `ready` after a restart */
  'engine:state': z.object({
    state: z.enum(['starting', 'ready', 'crashed', 'stopped']),
    restarts: z.number(),
    message: z.string().optional(),
    /**
     * on the first `ready` of a host that took over the data folder's lock left by a run that ended without giving it
     * up (killed, crashed, a power cut): what to tell the user (main/data-lock tookOverText: who held it, since when,
     * what becomes of its work); absent on every later state. Every host says it from here: the CLI on stderr
     * (`studio serve`, `analyze --db`, `tags write`, `model get`, `crate import`), the app's and the web page's window
     * as a notice
     */
    tookOver: z.string().optional(),
  }),
  /** a file that is open was deleted or replaced on disk */
  'media:file-gone': z.object({ trackId: z.string(), path: z.string(), message: z.string() }),
  /** the library scan job moved on (throttled to a few per second) */
  'library:scan-state': ScanState,
  /** the Get job of a model moved on (throttled to a few per second) */
  'model:get-state': GetState,
  /** model packs were added or removed, or the model's status changed (loaded, chosen, failed): refresh what is shown */
  'model:changed': z.object({ status: ModelStatus, packsChanged: z.boolean() }),
  /**
   * library rows changed (scan results, the folder watcher): refresh what is shown. `analysed`: the ids of the rows
   * whose analysis was stored (or failed) since the last event — the track view's header reads its track again when
   * it is among them; absent when none was
   */
  'library:changed': z.object({ added: z.number(), updated: z.number(), removed: z.number(), analysed: z.array(z.string()).optional() }),
  /**
   * web mode: sent by `studio serve` first on every WebSocket. `media` is the
   * capability this page's media URLs carry (`/cap/<media>/media/<kind>/<id>`):
   * minted per connection, it opens media only, never the WebSocket.
   */
  'web:session': z.object({ media: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) }),
  /** desktop: files to open that came from outside the window (command line, second launch, macOS open-file, File ▸ Open…) */
  'app:open-paths': z.object({ paths: z.array(z.string()) }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

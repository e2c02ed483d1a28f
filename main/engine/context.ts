import type { EventName, EventPayload } from '@contract';
import type { Db } from './db';

/** What every engine service gets: storage and a way to push events. */
export interface EngineContext {
  db: Db;
  /** the studio's data folder (database, settings) */
  dataDir: string;
  /** derived data that can be rebuilt (peaks, spectrograms, thumbnails, covers) */
  cacheDir: string;
  mode: 'desktop' | 'web';
  version: string;
  startedAt: number;
  restarts: number;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

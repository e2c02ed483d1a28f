import type { EventName, EventPayload } from '@contract';
import type { Db } from './db';
import type { RootsSetting } from './fs/roots';

/** What every engine service gets: storage and a way to push events. */
export interface EngineContext {
  db: Db;
  /** the studio's data folder (database, settings) */
  dataDir: string;
  /** derived data that can be rebuilt (peaks, spectrograms, thumbnails, covers) */
  cacheDir: string;
  mode: 'desktop' | 'web';
  /** web mode's allowed folders (STUDIO_ROOTS, set by `studio serve`); undefined: no limit (desktop, CLI) */
  roots?: RootsSetting;
  version: string;
  startedAt: number;
  restarts: number;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

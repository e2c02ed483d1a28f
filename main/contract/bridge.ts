import type { StudioErrorData } from './error-schemas';
import type { EventName, EventPayload, Progress } from './events';
import type { MethodName } from './methods';

/** Kinds of thing the media URL scheme serves. */
export type MediaUrlKind = 'track' | 'playable' | 'cover' | 'frame';

/**
 * `window.studio`: the only thing the renderer knows about its host.
 * Implemented by preload (desktop, over Electron IPC) and by the WebSocket
 * client (web mode, against `studio serve`).
 */
export interface StudioBridge {
  readonly mode: 'desktop' | 'web';
  /**
   * Call a method of the contract. Resolves with the result or rejects with
   * StudioErrorData ({ code, message }). `callId` lets the caller cancel and
   * receive progress; it must be unique per call.
   */
  call(method: MethodName, args: unknown, callId: string): Promise<unknown>;
  cancel(callId: string): void;
  onProgress(listener: (callId: string, progress: Progress) => void): () => void;
  /** streamed answer text of a call (methods with `tokens: true`), in order */
  onToken(listener: (callId: string, text: string) => void): () => void;
  onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
  /** URL the renderer may load (audio/video/img src) for a media id. */
  mediaUrl(kind: MediaUrlKind, id: string): string;
  /** Absolute path of a dropped File (desktop); null in web mode. */
  pathForFile(file: File): string | null;
}

export type BridgeError = StudioErrorData;

/** The Electron IPC channels behind the preload bridge. */
export const IPC = {
  call: 'studio:call',
  cancel: 'studio:cancel',
  progress: 'studio:progress',
  token: 'studio:token',
  event: 'studio:event',
} as const;

/**
 * What main answers on IPC.call. Electron mangles errors thrown across
 * ipcMain.handle, so failures travel as data and preload turns them back into
 * a rejection with StudioErrorData.
 */
export type IpcCallResult = { ok: true; value: unknown } | { ok: false; error: StudioErrorData };

/**
 * The URL scheme for media in the desktop app: `studio-media://<kind>/<id>`
 * (the kind is the URL's host, the id its path), parsed by main with the same
 * `<kind>/<id>` grammar as web mode's `/media/<kind>/<id>`.
 */
export const MEDIA_SCHEME = 'studio-media';

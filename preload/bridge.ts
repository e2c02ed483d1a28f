import { IPC, MEDIA_SCHEME, type IpcCallResult, type MediaUrlKind, type StudioBridge } from '@contract';
import type { EventName, EventPayload, Progress } from '@contract';
import type { MethodName } from '@contract';

// Only type imports and the small constants of contract/bridge: the sandboxed
// preload bundle stays free of zod and of everything else.

/** The parts of Electron's ipcRenderer the bridge uses (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface WebUtilsLike {
  getPathForFile(file: File): string;
}

/** `studio-media://<kind>/<id>`: the kind is the host, the id the path (see main/electron/media-protocol.ts). */
export function desktopMediaUrl(kind: MediaUrlKind, id: string): string {
  return `${MEDIA_SCHEME}://${kind}/${encodeURIComponent(id)}`;
}

function isEnvelope(v: unknown): v is IpcCallResult {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

/**
 * `window.studio` in the desktop app. Nothing of ipcRenderer leaks: listeners
 * never see the IpcRendererEvent, and only the five studio channels are used.
 */
export function createDesktopBridge({ ipcRenderer, webUtils }: { ipcRenderer: IpcRendererLike; webUtils: WebUtilsLike }): StudioBridge {
  return {
    mode: 'desktop',
    async call(method: MethodName, args: unknown, callId: string): Promise<unknown> {
      let res: unknown;
      try {
        res = await ipcRenderer.invoke(IPC.call, method, args, callId);
      } catch (err) {
        // only when main has no handler (it never throws across IPC itself)
        throw { code: 'ENGINE_UNAVAILABLE', message: `The studio's main process did not answer: ${(err as Error)?.message ?? String(err)}` };
      }
      if (!isEnvelope(res)) throw { code: 'INTERNAL', message: 'The studio answered with something unexpected.' };
      if (res.ok) return res.value;
      throw res.error;
    },
    cancel(callId: string): void {
      ipcRenderer.send(IPC.cancel, callId);
    },
    onProgress(listener: (callId: string, progress: Progress) => void): () => void {
      const h = (_event: unknown, callId: unknown, progress: unknown) => listener(callId as string, progress as Progress);
      ipcRenderer.on(IPC.progress, h as (event: unknown, ...args: unknown[]) => void);
      return () => void ipcRenderer.removeListener(IPC.progress, h as (event: unknown, ...args: unknown[]) => void);
    },
    onToken(listener: (callId: string, text: string) => void): () => void {
      const h = (_event: unknown, callId: unknown, text: unknown) => listener(callId as string, text as string);
      ipcRenderer.on(IPC.token, h as (event: unknown, ...args: unknown[]) => void);
      return () => void ipcRenderer.removeListener(IPC.token, h as (event: unknown, ...args: unknown[]) => void);
    },
    onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void {
      const h = (_event: unknown, name: unknown, payload: unknown) => listener(name as EventName, payload as never);
      ipcRenderer.on(IPC.event, h as (event: unknown, ...args: unknown[]) => void);
      return () => void ipcRenderer.removeListener(IPC.event, h as (event: unknown, ...args: unknown[]) => void);
    },
    mediaUrl: desktopMediaUrl,
    pathForFile(file: File): string | null {
      try {
        return webUtils.getPathForFile(file) || null;
      } catch {
        return null;
      }
    },
  };
}

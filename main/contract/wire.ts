import { z } from 'zod';
import { StudioErrorData } from './errors';
import { Progress } from './events';

/**
 * Messages on every channel of the studio: engine ⇄ host (process messages),
 * renderer ⇄ serve (WebSocket JSON). The desktop IPC uses the same shapes
 * split over ipcRenderer.invoke and events.
 */
export const CallId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const WireRequest = z.object({ t: z.literal('req'), id: CallId, method: z.string().max(100), args: z.unknown() });
export const WireCancel = z.object({ t: z.literal('cancel'), id: CallId });
export const WireResponse = z.union([
  z.object({ t: z.literal('res'), id: CallId, ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('res'), id: CallId, ok: z.literal(false), error: StudioErrorData }),
]);
export const WireProgress = z.object({ t: z.literal('progress'), id: CallId, progress: Progress });
export const WireEvent = z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() });

/** What a caller sends. */
export const ToCallee = z.discriminatedUnion('t', [WireRequest, WireCancel]);
export type ToCallee = z.infer<typeof ToCallee>;
/** What a callee sends back. */
export const ToCaller = z.union([WireResponse, WireProgress, WireEvent]);
export type ToCaller = z.infer<typeof ToCaller>;
export type WireResponse = z.infer<typeof WireResponse>;

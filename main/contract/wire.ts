import { z } from 'zod';
import { StudioErrorData } from './error-schemas';
import { Progress } from './events';

/**
 * Messages on every channel of the studio: engine ⇄ host (process messages),
 * renderer ⇄ serve (WebSocket JSON), renderer ⇄ main (Electron IPC, whose
 * channels carry the same shapes split over invoke and events).
 */
export const CallId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/**
 * The largest message any channel must carry, in bytes of JSON text. It is
 * the contract's own largest lawful request with room to spare:
 * `library:scan` with 10,000 paths of 4,096 characters (≈ 41 MB) and
 * `library:export` with 100,000 ids (≈ 6.7 MB). `studio serve` sets its
 * WebSocket frame limit to this; a bigger frame closes that socket with 1009.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * How deeply arguments may nest (objects and arrays). The deepest lawful
 * argument of the contract is 4 levels; anything deeper is refused with
 * BAD_ARGS before schemas or serialisers (which recurse) see it.
 */
export const MAX_ARGS_DEPTH = 32;

export const WireRequest = z.object({ t: z.literal('req'), id: CallId, method: z.string().max(100), args: z.unknown() });
/**
 * Cancel call `id`. `reason: 'disconnected'`: the caller's channel closed (a
 * page reloaded) rather than a person pressing Stop; the callee's handler sees
 * it as `signal.reason` (DISCONNECTED) and may finish the work anyway.
 */
export const WireCancel = z.object({ t: z.literal('cancel'), id: CallId, reason: z.literal('disconnected').optional() });
export const WireResponse = z.union([
  z.object({ t: z.literal('res'), id: CallId, ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('res'), id: CallId, ok: z.literal(false), error: StudioErrorData }),
]);
export const WireProgress = z.object({ t: z.literal('progress'), id: CallId, progress: Progress });
/**
 * Streamed answer text of a call whose method declares `tokens: true`
 * (chat:ask, chat:regenerate, model:ask): append `text` to what arrived before.
 */
export const WireToken = z.object({ t: z.literal('token'), id: CallId, text: z.string() });
export const WireEvent = z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() });
/**
 * The answer to a message that could not be read at all (not an object, no
 * usable call id): there is no call to answer, so the error names none.
 */
export const WireError = z.object({ t: z.literal('error'), error: StudioErrorData });

/** What a caller sends. */
export const ToCallee = z.discriminatedUnion('t', [WireRequest, WireCancel]);
export type ToCallee = z.infer<typeof ToCallee>;
/** What a callee sends back. */
export const ToCaller = z.union([WireResponse, WireProgress, WireToken, WireEvent, WireError]);
export type ToCaller = z.infer<typeof ToCaller>;
export type WireResponse = z.infer<typeof WireResponse>;

/**
 * Nesting depth of a JSON-like value (a scalar is 0, `[]` and `{}` are 1),
 * counted without recursion and stopping once it exceeds `limit`, so a value
 * nested 10,000 deep costs nothing and overflows no stack.
 */
export function nestingExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let visited = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    // a wide value is bounded by the message size; this only caps the walk
    if (++visited > 1_000_000) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

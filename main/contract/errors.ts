import { z } from 'zod';

/**
 * Every failure that crosses a process boundary is one of these codes plus a
 * message written for the person using the studio (what happened, what to do).
 * Errors cross as plain data ({ code, message, detail }), never as class instances.
 */
export const ErrorCode = z.enum([
  'BAD_ARGS', // arguments failed schema validation at the receiving side
  'UNKNOWN_METHOD',
  'NOT_FOUND', // file, track or id does not exist
  'IS_DIRECTORY',
  'UNREADABLE', // permission denied or I/O error
  'DB_WRITE_FAILED', // the studio's database cannot be written (read-only, disk full, I/O error)
  'READ_ONLY', // a media file or its folder may not be written (tag write-back), or the models folder (Get)
  'EMPTY_FILE',
  'NOT_MEDIA', // ffmpeg cannot read it as audio/video
  'NO_AUDIO', // container without an audio stream
  'DECODE_FAILED', // decoding broke part way (corrupt or truncated data)
  'FILE_CHANGED', // the file was deleted or replaced while open
  'FFMPEG_MISSING',
  'FORBIDDEN', // path or id outside what was opened
  'UNSUPPORTED', // not available in this mode (e.g. native dialogs in web mode)
  'MODEL_MISSING',
  'CANCELLED',
  'ENGINE_CRASHED', // the engine process died while handling the call
  'ENGINE_UNAVAILABLE',
  // another process (the app, `studio serve`, `studio analyze --db`, `studio model get`) holds the data folder's
  // lock (<data>/studio.lock); the message names it (pid, command, since when) and what to do; the CLI exits 75
  'DATA_FOLDER_IN_USE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const StudioErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
});
export type StudioErrorData = z.infer<typeof StudioErrorData>;

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.detail = detail;
  }
  toData(): StudioErrorData {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
  static fromData(data: StudioErrorData): StudioError {
    return new StudioError(data.code, data.message, data.detail);
  }
}

/** Turn anything thrown into error data; unexpected errors become INTERNAL. */
export function toErrorData(err: unknown): StudioErrorData {
  if (err instanceof StudioError) return err.toData();
  const parsed = StudioErrorData.safeParse(err);
  if (parsed.success) return parsed.data;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

export function isStudioErrorData(v: unknown): v is StudioErrorData {
  return StudioErrorData.safeParse(v).success;
}

/**
 * Every failure that crosses a process boundary is one of these codes plus a
 * message written for the person using the studio (what happened, what to do).
 * Errors cross as plain data ({ code, message, detail }), never as class instances.
 *
 * No zod here (its schemas, ErrorCode and StudioErrorData, are in error-schemas.ts): the analysis worker threads
 * import StudioError and toErrorData and nothing else of the contract's schemas, so they do not load zod and build
 * the methods' schemas at every start (BENCHMARKS.md "Throughput (speed37)").
 */
export const ERROR_CODES = [
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
  // tag write-back: the copy with the new tags no longer holds the file's audio (other packets, streams or duration, or
  // ffmpeg cannot open it): the copy was discarded and the file left as it was (library/tag-write.ts)
  'AUDIO_CHANGED',
  'INTERNAL',
] as const;
/** one of ERROR_CODES (error-schemas.ts ErrorCode names this type for the rest of the contract) */
type Code = (typeof ERROR_CODES)[number];
const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** { code, message, detail? }: error-schemas.ts StudioErrorData's type (that name is exported from there) */
interface ErrorData {
  code: Code;
  message: string;
  detail?: string;
}

export class StudioError extends Error {
  readonly code: Code;
  readonly detail?: string;
  constructor(code: Code, message: string, detail?: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.detail = detail;
  }
  toData(): ErrorData {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
  static fromData(data: ErrorData): StudioError {
    return new StudioError(data.code, data.message, data.detail);
  }
}

/** Turn anything thrown into error data; unexpected errors become INTERNAL. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof StudioError) return err.toData();
  const data = errorDataOf(err);
  if (data) return data;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

export function isStudioErrorData(v: unknown): v is ErrorData {
  return errorDataOf(v) !== null;
}

/**
 * `v` read as StudioErrorData, as StudioErrorData.safeParse (error-schemas.ts, zod 4) reads it, without zod: an object
 * (not null, not an array; an Error counts) whose `code` is one of ERROR_CODES, `message` a string and `detail` a
 * string or undefined; the result holds those keys only, in that order, `detail` where `v` has the key (inherited
 * keys count, as `in` counts them). null when `v` is no such object. test/unit/errors.test.ts holds it to zod's answer.
 */
function errorDataOf(v: unknown): ErrorData | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as { code?: unknown; message?: unknown; detail?: unknown };
  const { code, message, detail } = o;
  if (typeof code !== 'string' || !CODES.has(code) || typeof message !== 'string') return null;
  if (detail !== undefined && typeof detail !== 'string') return null;
  const out: ErrorData = { code: code as Code, message };
  if ('detail' in o) out.detail = detail as string | undefined;
  return out;
}

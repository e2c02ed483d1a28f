import { z } from 'zod';
import { ERROR_CODES } from './errors';

/** The error codes (errors.ts ERROR_CODES) as a zod schema: the methods' and the wire's schemas read them. */
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * StudioError as data, { code, message, detail? }, as it crosses a process boundary (wire.ts, methods.ts). errors.ts
 * reads it without zod (toErrorData, isStudioErrorData), held to this schema's answers by test/unit/errors.test.ts.
 */
export const StudioErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
});
export type StudioErrorData = z.infer<typeof StudioErrorData>;

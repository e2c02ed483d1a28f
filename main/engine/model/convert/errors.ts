import { StudioError } from '@contract';

/**
 * A conversion that cannot proceed: a missing, corrupt or mismatched input file
 * (the message names the file and says what to do). Code UNREADABLE; a cancelled
 * conversion is a StudioError with code CANCELLED instead.
 */
export class ConvertError extends StudioError {
  constructor(message: string) {
    super('UNREADABLE', message);
    this.name = 'ConvertError';
  }
}

export function cancelled(): StudioError {
  return new StudioError('CANCELLED', 'The conversion was cancelled; nothing was kept.');
}

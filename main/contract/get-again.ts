/**
 * The words a Get's message ends with to say "start it again": the Models panel's button is "Get again", the command
 * line's is the same command run again. The engine writes `GET_AGAIN` into its messages (catalog service, job, lock);
 * each host shows them through `getAgainFor`, the one place that decides the wording per host (tester28: `studio model
 * get` said "Then Get again.", a button the terminal does not have).
 */
export const GET_AGAIN = 'Get again';

/** what a host calls starting a Get again */
export type GetAgainHost = 'panel' | 'cli';

/**
 * `message` in `host`'s words: unchanged for the Models panel; for the command line every `GET_AGAIN` becomes "run the
 * same command again". `undefined` stays `undefined`.
 */
export function getAgainFor<T extends string | undefined>(message: T, host: GetAgainHost): T {
  if (message === undefined || host === 'panel') return message;
  return message.replaceAll(GET_AGAIN, 'run the same command again') as T;
}

/**
 * The words a Get's message ends with to say "start it again": the Models panel's button is "Get again", the command
 * line's is the same command run again. The engine writes `GET_AGAIN` into its messages (catalog service, job, lock);
 * each host shows them through `getAgainFor`, the one place that decides the wording per host (tester28: `studio model
 * get` said "Then Get again.", a button the terminal does not have).
 */
export const GET_AGAIN = 'Get again';

/**
 * The words for getting the rest from the user's own official DeepResonance `ckpt/` folder instead of a download that
 * failed (ImageBind's server refused): the engine writes `GET_FROM_CKPT` (catalog job's downloadFailure); the Models
 * panel shows it as it is (its "Official ckpt/ folder" choice, then Get), the command line names its flag,
 * `studio model get … --from CKPT_DIR` (MODEL_USAGE in main/cli/model.ts).
 */
export const GET_FROM_CKPT = 'Get --from your official ckpt/ folder';

/** what a host calls starting a Get again */
export type GetAgainHost = 'panel' | 'cli';

/**
 * `message` in `host`'s words: unchanged for the Models panel; for the command line every `GET_AGAIN` becomes "run the
 * same command again" and every `GET_FROM_CKPT` "run it with --from CKPT_DIR (your official ckpt/ folder)".
 * `undefined` stays `undefined`.
 */
export function getAgainFor<T extends string | undefined>(message: T, host: GetAgainHost): T {
  if (message === undefined || host === 'panel') return message;
  return message.replaceAll(GET_FROM_CKPT, 'run it with --from CKPT_DIR (your official ckpt/ folder)').replaceAll(GET_AGAIN, 'run the same command again') as T;
}

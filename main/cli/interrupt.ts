/**
 * Ctrl+C (SIGINT) for the CLI's long commands, one rule for all (`studio analyze`, `tags write`, `crate export`'s rows,
 * `ask`, `model get`, `model convert`): the first asks the command to stop cleanly — `first()` cancels, pauses or
 * aborts, and the command then ends by itself with exit 130, saying what it kept; a second exits 130 at once, after
 * `second()` (what must not be skipped even then: a throwaway folder removed, the engine stopped), for a user whose
 * command does not end soon enough (the engine busy loading a model, a conversion's long step).
 * A terminal's Ctrl+C reaches the engine too, which ignores it (main/engine/index.ts); an engine whose host exited
 * ends when its channel closes. Before lock39 `ask` answered a second Ctrl+C not at all, and `model get`/`convert`
 * died of it (killed by SIGINT, no word said).
 */

export interface CtrlC {
  /** the first Ctrl+C: stop cleanly (the command ends with exit 130 by itself) */
  first: () => void;
  /** written on stderr at the first one (a line; none when omitted) */
  stopping?: string;
  /** the second one: written on stderr (a line; none when omitted), before `second` runs */
  stopped?: string;
  /** the second one: what to do before exiting 130 (awaited; its errors ignored) */
  second?: () => void | Promise<void>;
}

/**
 * Answer Ctrl+C as the module says, until the returned function is called.
 * @returns removes the handler (the command's long part is over)
 */
export function onCtrlC(c: CtrlC): () => void {
  let pressed = 0;
  const handler = () => {
    pressed++;
    if (pressed === 1) {
      if (c.stopping) process.stderr.write(`${c.stopping}\n`);
      c.first();
      return;
    }
    if (pressed > 2) process.exit(130); // a third while `second` runs: no more waiting
    if (c.stopped) process.stderr.write(`${c.stopped}\n`);
    void Promise.resolve()
      .then(() => c.second?.())
      .catch(() => undefined)
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

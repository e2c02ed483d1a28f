import { randomUUID } from 'node:crypto';
import type { StateOrder } from '@contract';

/**
 * Stamps the states of one engine-side job maker (the library scanner, the model catalogue's Get) with their order
 * (contract StateOrder): each `stamp` is one more `seq` than the last, under this maker's `engineRun` (a random id, so
 * a restarted engine's states are never compared with the old one's). Stamp a state where it is made — for an event
 * and for a call's answer alike — so a reader can drop an answer that arrives after a later event (isStaleState).
 */
export class StateStamper {
  private readonly engineRun = randomUUID();
  private seq = 0;

  /** `s` with the next seq and this maker's engineRun (a new object; `s` is not changed). */
  stamp<T extends object>(s: T): T & StateOrder {
    return { ...s, seq: ++this.seq, engineRun: this.engineRun };
  }
}

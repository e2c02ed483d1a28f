import { BPM_RANGE_PRESETS, parseBpmRange, type BpmRange } from '@contract';
import { api } from '../../host/api';
import { signal } from '../../lib/test-hooks';
import { app } from './app.svelte';

/** "70-140" for a range, "" for none (the select's value for "as analysed"). */
export const rangeText = (r: BpmRange | null): string => (r ? `${r.min}-${r.max}` : '');

/** The preset ranges as the select offers them ("70-140"). */
export const PRESET_TEXTS = BPM_RANGE_PRESETS.map(rangeText);

/**
 * The half/double BPM display range (the engine's `library:get/set-bpm-range`,
 * kept in the studio database, shared with `studio analyze --bpm-range`):
 * every tempo the library shows, sorts, filters and exports is the stored
 * tempo doubled or halved into this range. Setting it never re-analyses;
 * the engine sends `library:changed`, which refreshes the rows, and whoever
 * shows tempi listens with onChanged (the library view: its rows and detail
 * panel, views/library/state/live.ts; the track view reads `range`).
 */
class BpmRangeSetting {
  range = $state.raw<BpmRange | null>(null);
  busy = $state(false);
  /** a custom range typed that is not one (shown by the control) */
  problem = $state<string | null>(null);
  private readonly listeners = new Set<() => void>();

  /** `l` is called after each change of the range; returns its unsubscribe. */
  onChanged(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async load(): Promise<void> {
    try {
      this.range = await api().call('library:get-bpm-range', {});
    } catch {
      // the library's own calls report an unreachable engine
    }
  }

  /** "" (as analysed) or "MIN-MAX" as typed; a bad custom range is a hint, not a request. */
  async set(text: string): Promise<boolean> {
    let range: BpmRange | null = null;
    if (text.trim()) {
      try {
        range = parseBpmRange(text);
      } catch (err) {
        this.problem = (err as Error).message;
        return false;
      }
    }
    this.problem = null;
    this.busy = true;
    try {
      this.range = await api().call('library:set-bpm-range', { range });
      for (const l of this.listeners) l();
      signal('library-bpm-range', { range: rangeText(this.range) });
      return true;
    } catch (err) {
      app.error(err, 'Could not change the BPM range');
      return false;
    } finally {
      this.busy = false;
    }
  }
}

export const bpmRange = new BpmRangeSetting();

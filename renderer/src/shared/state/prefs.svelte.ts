import type { Spelling } from '../../lib/keys';
import { signal } from '../../lib/test-hooks';

const SPELLING_KEY = 'studio.keySpelling';

function readSpelling(): Spelling {
  const v = localStorage.getItem(SPELLING_KEY);
  return v === 'sharps' || v === 'flats' ? v : 'signature';
}

/** Display preferences of this window (localStorage, per origin). */
class Prefs {
  /** how key names and chord roots are spelled everywhere (lib/keys.ts) */
  keySpelling = $state<Spelling>(readSpelling());

  setKeySpelling(s: Spelling): void {
    this.keySpelling = s;
    localStorage.setItem(SPELLING_KEY, s);
    signal('key-spelling', { spelling: s });
  }
}

export const prefs = new Prefs();

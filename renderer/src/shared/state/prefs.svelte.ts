import type { Spelling } from '@contract';
import { signal } from '../../lib/test-hooks';

const SPELLING_KEY = 'studio.keySpelling';
const NOTATION_KEY = 'studio.keyNotation';

/**
 * How a key is written in the library's Key column and the track view's header: `all` — the name with its Camelot and
 * Open Key codes ("E minor 9A · 2m", the default); `name` — "E minor"; `camelot` — "9A" (Mixed In Key's wheel);
 * `openkey` — "2m" (Traktor's Open Key). The name stays in their tooltips; the detail panel always writes all three.
 */
export type KeyNotation = 'all' | 'name' | 'camelot' | 'openkey';
const GENERATION_KEY = 'studio.generation';

/**
 * Sampling settings sent with every question, as typed (strings; empty =
 * the pack's default, which for converted DeepResonance packs is the
 * paper's: temperature 0.1, top-p 1.0, 512 new tokens, a random seed).
 */
export interface GenerationForm {
  temperature: string;
  topP: string;
  maxNewTokens: string;
  seed: string;
}
export const GENERATION_DEFAULTS = { temperature: 0.1, topP: 1.0, maxNewTokens: 512 } as const;

function readGeneration(): GenerationForm {
  const empty = { temperature: '', topP: '', maxNewTokens: '', seed: '' };
  try {
    return { ...empty, ...(JSON.parse(localStorage.getItem(GENERATION_KEY) ?? '{}') as Partial<GenerationForm>) };
  } catch {
    return empty;
  }
}

/**
 * The generation options of a form, or the first problem in words.
 * Ranges are the contract's: temperature 0–2, top-p (0, 1], 1–2048 tokens, seed 0–2³¹−1.
 */
export function generationOptions(f: GenerationForm): { options: { temperature?: number; topP?: number; maxNewTokens?: number; seed?: number }; problem: string | null } {
  const options: { temperature?: number; topP?: number; maxNewTokens?: number; seed?: number } = {};
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim().replace(',', '.')));
  const t = num(f.temperature);
  if (t !== undefined && !(t >= 0 && t <= 2)) return { options, problem: 'Temperature: a number from 0 to 2.' };
  const p = num(f.topP);
  if (p !== undefined && !(p > 0 && p <= 1)) return { options, problem: 'Top-p: a number above 0, at most 1.' };
  const n = num(f.maxNewTokens);
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 2048)) return { options, problem: 'Max new tokens: a whole number from 1 to 2048.' };
  const seed = num(f.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31)) return { options, problem: 'Seed: a whole number from 0 to 2147483647 (empty: random).' };
  if (t !== undefined) options.temperature = t;
  if (p !== undefined) options.topP = p;
  if (n !== undefined) options.maxNewTokens = n;
  if (seed !== undefined) options.seed = seed;
  return { options, problem: null };
}

function readSpelling(): Spelling {
  const v = localStorage.getItem(SPELLING_KEY);
  return v === 'sharps' || v === 'flats' ? v : 'signature';
}

function readNotation(): KeyNotation {
  const v = localStorage.getItem(NOTATION_KEY);
  return v === 'name' || v === 'camelot' || v === 'openkey' ? v : 'all';
}

/** Display preferences of this window (localStorage, per origin). */
class Prefs {
  /** how key names and chord roots are spelled everywhere (@contract key-spelling.ts) */
  keySpelling = $state<Spelling>(readSpelling());
  /** how a key is written: its name, its Camelot or Open Key code, or all three (KeyNotation) */
  keyNotation = $state<KeyNotation>(readNotation());
  /** the chat's sampling settings (empty fields: the pack's defaults) */
  generation = $state<GenerationForm>(readGeneration());

  /** Keep the sampling settings (called as they are typed). */
  saveGeneration(): void {
    localStorage.setItem(GENERATION_KEY, JSON.stringify(this.generation));
  }

  setKeySpelling(s: Spelling): void {
    this.keySpelling = s;
    localStorage.setItem(SPELLING_KEY, s);
    signal('key-spelling', { spelling: s });
  }

  setKeyNotation(n: KeyNotation): void {
    this.keyNotation = n;
    localStorage.setItem(NOTATION_KEY, n);
    signal('key-notation', { notation: n });
  }
}

export const prefs = new Prefs();

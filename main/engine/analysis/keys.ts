/**
 * Musical keys and their notations: names ("A minor", "Eb major"), Camelot
 * ("8A") and Open Key ("1m"), chord names, and the MIREX weighted key score.
 * Pitch classes count semitones from C (0 = C, 9 = A).
 */

import { keyTonicName } from '@contract';

export type Mode = 'major' | 'minor';

export interface Key {
  /** pitch class of the tonic, 0 = C … 11 = B */
  tonic: number;
  mode: Mode;
}

/** The tonic's one spelling (the contract's keyTonicName: "Eb" of Eb minor, "G#" of G# minor; ASCII b and #). */
export function tonicName(k: Key): string {
  return keyTonicName(k.tonic, k.mode === 'minor');
}

/** "A minor", "Eb major" */
export function keyName(k: Key): string {
  return `${tonicName(k)} ${k.mode}`;
}

const mod12 = (n: number) => ((n % 12) + 12) % 12;

/** Camelot wheel position, 1..12: C major = 8B, A minor = 8A; a step is a fifth. */
export function camelotNumber(k: Key): number {
  const major = k.mode === 'major' ? k.tonic : k.tonic + 3; // relative major
  return mod12(mod12(major * 7) + 7) + 1;
}

/** "8A" (minor) / "8B" (major) */
export function camelot(k: Key): string {
  return `${camelotNumber(k)}${k.mode === 'minor' ? 'A' : 'B'}`;
}

/** Open Key notation: C major = "1d", A minor = "1m". */
export function openKey(k: Key): string {
  return `${mod12(camelotNumber(k) + 4) + 1}${k.mode === 'minor' ? 'm' : 'd'}`;
}

// the mode words in any case ("A Minor", "C MAJOR", "AMin": taggers and DJs write them so); the one-letter marks keep
// theirs (m minor, M major)
const NAME_RE = /^\s*([A-Ga-g])\s*([#♯b♭]?)\s*(m|M|[Mm][Ii][Nn](?:[Oo][Rr])?|[Mm][Aa][Jj](?:[Oo][Rr])?)?\s*$/;
const LETTER: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** Parse "A minor", "Am", "Eb major", "F#", "8A", "1m" (the mode words in any case: "A Minor", "AMin"); null if not a key. */
export function parseKey(s: string): Key | null {
  const cam = /^\s*(\d{1,2})\s*([ABab])\s*$/.exec(s);
  if (cam) {
    const n = Number(cam[1]);
    if (n < 1 || n > 12) return null;
    const minor = cam[2].toUpperCase() === 'A';
    // invert camelotNumber: major pc with (7·pc + 7) mod 12 = n − 1  →  pc = 7·(n − 8) mod 12
    const major = mod12(7 * (n - 8));
    return minor ? { tonic: mod12(major - 3), mode: 'minor' } : { tonic: major, mode: 'major' };
  }
  const ok = /^\s*(\d{1,2})\s*([dmDM])\s*$/.exec(s);
  if (ok) {
    const n = Number(ok[1]);
    if (n < 1 || n > 12) return null;
    return parseKey(`${mod12(n + 6) + 1}${ok[2].toLowerCase() === 'm' ? 'A' : 'B'}`);
  }
  const m = NAME_RE.exec(s);
  if (!m) return null;
  let pc = LETTER[m[1].toUpperCase()];
  if (m[2] === '#' || m[2] === '♯') pc++;
  if (m[2] === 'b' || m[2] === '♭') pc--;
  const q = m[3];
  const minor = q === 'm' || (q !== undefined && /^min/i.test(q));
  return { tonic: mod12(pc), mode: minor ? 'minor' : 'major' };
}

/** Chord label for a triad: "C", "Am", "F#m", "Bb". */
export function chordName(root: number, minor: boolean): string {
  return minor ? `${keyTonicName(root, true)}m` : keyTonicName(root, false);
}

/**
 * MIREX weighted key score (as in mir_eval.key.weighted_score): 1 same key,
 * 0.5 estimate a perfect fifth above the reference in the same mode,
 * 0.3 relative major/minor, 0.2 parallel major/minor, else 0.
 */
export function mirexKeyScore(ref: Key, est: Key): number {
  const rt = mod12(ref.tonic);
  const et = mod12(est.tonic);
  if (ref.mode === est.mode) {
    if (rt === et) return 1;
    if (mod12(et - rt) === 7) return 0.5;
    return 0;
  }
  if (ref.mode === 'major' && est.mode === 'minor' && et === mod12(rt - 3)) return 0.3;
  if (ref.mode === 'minor' && est.mode === 'major' && et === mod12(rt + 3)) return 0.3;
  if (rt === et) return 0.2;
  return 0;
}

/** All 24 keys, majors then minors, each from C. */
export const ALL_KEYS: Key[] = [
  ...Array.from({ length: 12 }, (_, t) => ({ tonic: t, mode: 'major' as const })),
  ...Array.from({ length: 12 }, (_, t) => ({ tonic: t, mode: 'minor' as const })),
];

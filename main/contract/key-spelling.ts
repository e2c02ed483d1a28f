/**
 * How keys and chords are spelled, and the Camelot neighbours of a key
 * (harmonic mixing). Pure helpers shared by the renderer (the convention is a
 * display setting: renderer shared/state/prefs.svelte.ts) and the engine (the
 * features line spells chords as the key's signature does: analysis/text.ts).
 *
 * Conventions:
 * - 'signature' (default): the one name of each key (keyTonicName: the names
 *   the engine stores, so `studio analyze`, the export, the features line and
 *   the tags written read alike), and chord roots as that key's signature
 *   writes them: a key with flats in its signature (F, Bb, Eb, Ab, Db major;
 *   D, G, C, F, Bb, Eb minor) spells every root with flats, one with sharps (G,
 *   D, A, E, B, F# major; E, B, F#, C#, G# minor) with sharps; C major and A
 *   minor use the usual mixed names (Bb, Eb, Ab, C#, F#). A chord root outside the key's scale is named by
 *   the degree it alters (spellChord: Bb, the borrowed bIII, in G major, not A#).
 * - 'sharps' / 'flats': always sharps, always flats.
 */
export type Spelling = 'signature' | 'sharps' | 'flats';

/**
 * The one spelling of every key's tonic, by pitch class (0 = C), majors here and minors in MINOR_TONICS: the
 * standard key signature with the fewer accidentals (Db major, 5 flats, not C# major, 7 sharps; G# minor, 5 sharps, not Ab minor, 7 flats; C# minor, not
 * Db minor), and at six accidentals each way the names DJ software's Camelot charts give (Mixed In Key, rekordbox,
 * Traktor): 2B F# major (not Gb), 2A Eb minor (not D#). README.md lists them (Browse). Chord names of the tonal
 * analyser use the same tables (engine analysis/keys.ts chordName), respelled for the key by spellChord.
 */
export const MAJOR_TONICS: readonly string[] = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
/** The minor keys' tonics, by pitch class (0 = C): see MAJOR_TONICS. */
export const MINOR_TONICS: readonly string[] = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'];

/** The tonic of a key as the studio names it (MAJOR_TONICS / MINOR_TONICS): pitch class (any integer, taken mod 12), minor or major → "Eb". */
export function keyTonicName(pc: number, minor: boolean): string {
  return (minor ? MINOR_TONICS : MAJOR_TONICS)[mod12(pc)];
}

const SHARP = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const FLAT = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'];
/** C major / A minor (no accidentals): the names most written */
const MIXED = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
/** major tonics (pitch class) whose signature has flats; the relative minor is 3 semitones lower */
const FLAT_MAJORS = new Set([5, 10, 3, 8, 1]);
const SHARP_MAJORS = new Set([7, 2, 9, 4, 11, 6]);
const LETTER: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const mod12 = (n: number) => ((n % 12) + 12) % 12;

export interface ParsedKey {
  /** pitch class, 0 = C */
  pc: number;
  minor: boolean;
}

/** "A minor", "Am", "Eb major", "F#", "Bbm" → pitch class and mode; null when not a key. */
export function parseKeyName(name: string): ParsedKey | null {
  const m = /^\s*([A-Ga-g])([#♯b♭]?)\s*(m|min|minor|maj|major)?\s*$/.exec(name);
  if (!m) return null;
  let pc = LETTER[m[1].toUpperCase()];
  if (m[2] === '#' || m[2] === '♯') pc++;
  if (m[2] === 'b' || m[2] === '♭') pc--;
  const minor = m[3] === 'm' || m[3] === 'min' || m[3] === 'minor';
  return { pc: mod12(pc), minor };
}

/** The names table the key calls for: its own name's accidental (keyTonicName), else its signature's. */
function tableFor(key: ParsedKey | null, spelling: Spelling): string[] {
  if (spelling === 'sharps') return SHARP;
  if (spelling === 'flats') return FLAT;
  if (!key) return MIXED;
  // the key's own name first: Eb minor (6 flats) is named with a flat though its relative major is F# (6 sharps)
  const tonic = keyTonicName(key.pc, key.minor);
  if (tonic.endsWith('b')) return FLAT;
  if (tonic.endsWith('#')) return SHARP;
  const major = key.minor ? mod12(key.pc + 3) : key.pc;
  return FLAT_MAJORS.has(major) ? FLAT : SHARP_MAJORS.has(major) ? SHARP : MIXED;
}

/**
 * A key name in the chosen spelling, in the form given ("Db major" → "C# major" with sharps; "Bbm" → "A#m"); with
 * 'signature' the key's one name (keyTonicName: "D# minor" → "Eb minor", "Gb major" → "F# major").
 */
export function spellKey(name: string | null, spelling: Spelling): string | null {
  if (!name) return name;
  const k = parseKeyName(name);
  if (!k) return name;
  const tonic = tableFor(k, spelling)[k.pc];
  return name.replace(/^\s*[A-Ga-g][#♯b♭]?/, tonic);
}

const LETTERS = 'CDEFGAB';

/**
 * The scale degree (0 = tonic, 6 = seventh) whose letter names a root outside the key's scale, by its interval above
 * the tonic (semitones) and its chord's quality — the usual spelling of chromatic chords in harmony texts (Piston,
 * Harmony, ch. 26–29; Aldwell & Schachter, Harmony and Voice Leading): in a major key the major chords a semitone
 * under a scale note are that note lowered — the Neapolitan bII, the borrowed bIII, bVI and bVII (Bb, not A#, in G major)
 * — and the sharp fourth is #IV; minor chords there are the note below raised (C#m, G#m in C major) but for bIII and
 * bVII (Ebm, Bbm); in a minor key (natural minor) the Neapolitan bII, else the raised third, fourth, sixth and
 * seventh of the melodic and harmonic minor (E, F#, A, B in C minor). Undefined for a root in the scale.
 */
function chromaticDegree(interval: number, minorKey: boolean, minorChord: boolean): number | undefined {
  if (minorKey) return ({ 1: minorChord ? 0 : 1, 4: 2, 6: 3, 9: 5, 11: 6 } as Record<number, number>)[interval];
  if (minorChord) return ({ 1: 0, 3: 2, 6: 3, 8: 4, 10: 6 } as Record<number, number>)[interval];
  return ({ 1: 1, 3: 2, 6: 3, 8: 5, 10: 6 } as Record<number, number>)[interval];
}

/**
 * Pitch class `pc` written with the letter of scale degree `degree` of `key` (its one name, keyTonicName, gives the
 * tonic's letter) and one accidental; null where that needs two accidentals or is Cb, Fb, E# or B# (the names a DJ
 * chart never uses: the signature table's name stands).
 */
function degreeSpelling(key: ParsedKey, degree: number, pc: number): string | null {
  const letter = LETTERS[(LETTERS.indexOf(keyTonicName(key.pc, key.minor)[0]) + degree) % 7];
  let d = mod12(pc - LETTER[letter]);
  if (d > 6) d -= 12;
  const name = d === 0 ? letter : d === 1 ? `${letter}#` : d === -1 ? `${letter}b` : null;
  return name === null || ['Cb', 'Fb', 'E#', 'B#'].includes(name) ? null : name;
}

/**
 * A chord name ("Bbm", "F#") spelled for the track's key or the chosen convention. 'signature' with a key: a root in
 * the key's scale as its signature writes it (tableFor), a root outside it by the scale degree it alters
 * (chromaticDegree: Bb and Eb in G major, not A# and D#; Db in C major, Db and E in C minor), else as the signature
 * writes it; 'sharps' / 'flats' (or no key): that table. A name that is no chord comes back as it is.
 */
export function spellChord(chord: string, keyName: string | null, spelling: Spelling): string {
  const m = /^([A-G])([#♯b♭]?)(.*)$/.exec(chord);
  if (!m) return chord;
  let pc = LETTER[m[1]];
  if (m[2] === '#' || m[2] === '♯') pc++;
  if (m[2] === 'b' || m[2] === '♭') pc--;
  pc = mod12(pc);
  const key = keyName ? parseKeyName(keyName) : null;
  if (key && spelling === 'signature') {
    const degree = chromaticDegree(mod12(pc - key.pc), key.minor, m[3].startsWith('m') && !m[3].startsWith('maj'));
    const name = degree === undefined ? null : degreeSpelling(key, degree, pc);
    if (name) return name + m[3];
  }
  return tableFor(key, spelling)[pc] + m[3];
}

/**
 * The keys that mix harmonically with a Camelot code (Mixed In Key's rule):
 * the same code, one step either way on the wheel (same letter), and the
 * relative major/minor (same number, other letter). "8A" → ["8A", "7A", "9A", "8B"].
 * Empty for something that is not a Camelot code.
 */
export function camelotNeighbours(code: string | null): string[] {
  const m = /^\s*(\d{1,2})\s*([ABab])\s*$/.exec(code ?? '');
  if (!m) return [];
  const n = Number(m[1]);
  if (n < 1 || n > 12) return [];
  const l = m[2].toUpperCase();
  const wrap = (x: number) => ((x - 1 + 12) % 12) + 1;
  return [`${n}${l}`, `${wrap(n - 1)}${l}`, `${wrap(n + 1)}${l}`, `${n}${l === 'A' ? 'B' : 'A'}`];
}

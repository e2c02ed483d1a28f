// The held-out rule shared by every development-side set builder and fit:
// which MMA groove families the test set holds (split.json, written by
// build-set.ts) and the held-out sets hold (heldout-units.json beside it,
// written by heldout-set.ts; heldout2-units.json, written by heldout2-set.ts; heldout3-units.json, heldout3-set.ts;
// heldout4-units.json, heldout4-set.ts; heldout5-units.json, heldout5-set.ts),
// so renders of a related family never train or tune anything.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One unit of the split: which set it went to and its files. */
export interface SplitUnit {
  set: string;
  files?: { file: string }[];
}

/** A family's stem: digits and a tempo/style prefix removed ("slowbolero2" → "bolero"). */
const stem = (x: string): string => x.replace(/\d+/g, '').replace(/^(slow|fast|string|country|pop|rb-)/, '');

/**
 * Reads `splitPath` (build-set.ts's split.json). Returns `units` (every split
 * unit by id: its set and files), `unitOf` (eval file
 * name → its split unit, e.g. "mma:bolero" or "midi:…") and `clashOf(family)`:
 * the test-set MMA family that `family` (a groove name without "mma:") is the
 * same as, shares a stem with, or contains / is contained in (names of ≥ 4
 * letters), or undefined when it is unrelated to every test family. When
 * heldout-units.json, heldout2-units.json, heldout3-units.json, heldout4-units.json or heldout5-units.json lies beside split.json, the held-out sets' families count
 * too: its MMA stdlib families by the same relation, its families of MMA's other
 * libraries ("casio/popwaltz") by their full name for a stdlib family, and for
 * another library's family ("casio/8beatballad1") by the relation within one
 * library and by the file name across libraries (alexis/hiphop ~ zoom/hiphop);
 * a held-out unit of another kind (a Hydrogen song, a MIDI file, an LMMS project: "hydrogen:GM_kit_demo1", "lmms:DirtyLove")
 * clashes by its unit id, and heldout2's grooves written there ("here/pop8") by
 * their full name. Throws when the file is missing or is not JSON.
 */
export function splitFamilies(splitPath = 'test/output/eval/split.json'): { units: Record<string, SplitUnit>; unitOf: Map<string, string>; clashOf: (family: string) => string | undefined } {
  const units = (JSON.parse(readFileSync(splitPath, 'utf8')) as { units: Record<string, SplitUnit> }).units;
  const unitOf = new Map<string, string>();
  for (const [k, u] of Object.entries(units)) for (const f of u.files ?? []) unitOf.set(f.file, k);
  const testFamilies = Object.entries(units)
    .filter(([k, v]) => v.set === 'test' && k.startsWith('mma:'))
    .map(([k]) => k.slice(4));
  // the held-out sets: heldout-set.ts', heldout2-set.ts', heldout3-set.ts', heldout4-set.ts' and heldout5-set.ts' (their families "here/<groove>": written there, so
  // only a dev-side groove of the same name clashes)
  const heldoutIds = ['heldout-units.json', 'heldout2-units.json', 'heldout3-units.json', 'heldout4-units.json', 'heldout5-units.json'].flatMap((f) => {
    const heldoutPath = join(dirname(splitPath), f);
    return existsSync(heldoutPath) ? Object.keys((JSON.parse(readFileSync(heldoutPath, 'utf8')) as { units: Record<string, unknown> }).units) : [];
  });
  const heldout = heldoutIds.filter((k) => k.startsWith('mma:')).map((k) => k.slice(4));
  // a held-out unit of another kind, by its id: a Hydrogen song ("hydrogen:GM_kit_demo1"), a MIDI file ("score:…", "abc:…")
  const heldoutOther = new Set(heldoutIds.filter((k) => !k.startsWith('mma:')));
  const heldoutStdlib = heldout.filter((f) => !f.includes('/'));
  const norm = (f: string) => f.toLowerCase().replace(/[^a-z0-9]/g, '');
  const fileOf = (f: string) => norm(f.slice(f.indexOf('/') + 1));
  const libOf = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : 'stdlib');
  // another library's family ("casio/8beatballad1", as dev2-set.ts names them): a held-out family of the same library
  // related by relatedFamily (Casio's numbered variants of one style: 8beatballad1 ~ 16beatballad1), or any held-out
  // family of the same file name in another library (alexis/hiphop ~ zoom/hiphop)
  const libClash = (fam: string) =>
    heldout.find((f) => f === fam) ??
    heldout.find((f) => libOf(f) === libOf(fam) && relatedFamily(fileOf(fam), [fileOf(f)])) ??
    heldout.find((f) => fileOf(f) === fileOf(fam));
  const clashOf = (fam: string) => (heldoutOther.has(fam) ? fam : undefined) ?? relatedFamily(fam, testFamilies) ?? relatedFamily(fam, heldoutStdlib) ?? (fam.includes('/') ? libClash(fam) : undefined);
  return { units, unitOf, clashOf };
}

/**
 * The first of `families` (MMA groove families, lower-case file names without "mma:") that `fam`
 * is the same as, shares a stem with (digits and a slow/fast/string/country/pop/rb- prefix removed:
 * "blues128" ~ "blues68", "slowbolero" ~ "bolero"), or starts or ends with (a family of ≥ 4 letters:
 * "bluefolk" ~ "folk"); undefined when it is unrelated to every one.
 */
export function relatedFamily(fam: string, families: Iterable<string>): string | undefined {
  for (const t of families) if (fam === t || stem(fam) === stem(t) || (t.length >= 4 && (fam.startsWith(t) || fam.endsWith(t)))) return t;
  return undefined;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeyList } from '../../main/engine/library/store';
import { camelotNeighbours, keyTonicName, spellChord, spellKey } from '@contract';
import { keyName, parseKey, tonicName } from '../../main/engine/analysis/keys';

const SHARP = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const FLAT = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'];

/** Issue 12, defect 12: several keys in one filter, Camelot neighbours, one spelling convention. */
describe('keys the DJ way', () => {
  it('a key filter takes several keys, in any notation, separated by commas or spaces', () => {
    assert.deepEqual(parseKeyList('8A 9A'), ['A minor', 'E minor']);
    assert.deepEqual(parseKeyList('8A, 9A'), ['A minor', 'E minor']);
    assert.deepEqual(parseKeyList('A minor, 9A'), ['A minor', 'E minor']);
    assert.deepEqual(parseKeyList('A minor E minor'), ['A minor', 'E minor']);
    assert.deepEqual(parseKeyList('Am Em 1m'), ['A minor', 'E minor'], 'repeats (1m = 8A) are dropped');
    assert.deepEqual(parseKeyList('Eb major'), ['Eb major']);
    assert.deepEqual(parseKeyList('D#'), ['Eb major'], 'stored names are the signature spelling');
    assert.throws(() => parseKeyList('8A H'), (e: Error) => /"H" is not a key/.test(e.message));
    assert.throws(() => parseKeyList('13A'), /not a key/);
  });

  it('a key written with capitals, as taggers and DJs write it ("A Minor", "C Major", "F# Min", "AMin"), is that key (tester24)', () => {
    // the filter refused "A Minor" with '"Minor" is not a key' (the mode words were matched lower-case only)
    assert.deepEqual(parseKeyList('A Minor'), ['A minor']);
    assert.deepEqual(parseKeyList('C MAJOR, F# Min'), ['C major', 'F# minor']);
    assert.deepEqual(parseKeyList('A Minor E Minor'), ['A minor', 'E minor']);
    assert.deepEqual(parseKeyList('AMin Ebmaj'), ['A minor', 'Eb major']);
    assert.deepEqual(parseKey('Bb Major'), { tonic: 10, mode: 'major' });
    // a name in capitals only reads as a key tag does (parseTaggedKey, as Mixxx): "AM" is A minor, "EBM" E♭ minor
    assert.deepEqual(parseKeyList('Am AM'), ['A minor'], 'one key twice: the repeat dropped');
    assert.deepEqual(parseKeyList('EBM, C MAJOR'), ['Eb minor', 'C major']);
  });

  it('a lower-case tonic is minor in the filter as in a key tag ("a" = A minor): the filter and the "Tagged:" line read "a" alike', () => {
    // the filter read "a" as A major while a tag "a" reads A minor (media/tags.ts parseTaggedKey)
    assert.deepEqual(parseKeyList('a'), ['A minor']);
    assert.deepEqual(parseKeyList('f#, bb'), ['F# minor', 'Bb minor']);
    assert.deepEqual(parseKeyList('c major'), ['C major']);
    assert.deepEqual(parseKeyList('A'), ['A major']);
    assert.deepEqual(parseKeyList('8A/Am'), ['A minor'], 'two notations of one key, as a tag may hold');
    assert.throws(() => parseKeyList('aM'), /"aM" is not a key/, 'lower-case minor with the major mark: both, so neither');
  });

  it('Camelot neighbours: the key itself, ±1 on the wheel (12 wraps to 1), the relative major/minor', () => {
    assert.deepEqual(camelotNeighbours('8A'), ['8A', '7A', '9A', '8B']);
    assert.deepEqual(camelotNeighbours('12B'), ['12B', '11B', '1B', '12A']);
    assert.deepEqual(camelotNeighbours('1A'), ['1A', '12A', '2A', '1B']);
    assert.deepEqual(camelotNeighbours(null), []);
    assert.deepEqual(camelotNeighbours('13A'), []);
  });

  it('keys are spelled by their signature, or always with sharps or flats', () => {
    assert.equal(spellKey('Eb major', 'signature'), 'Eb major');
    assert.equal(spellKey('Eb major', 'sharps'), 'D# major');
    assert.equal(spellKey('F# major', 'flats'), 'Gb major');
    assert.equal(spellKey('C# minor', 'signature'), 'C# minor');
    assert.equal(spellKey('C#m', 'flats'), 'Dbm', 'the form given is kept');
    assert.equal(spellKey('A minor', 'sharps'), 'A minor');
    assert.equal(spellKey(null, 'sharps'), null);
  });

  it('chords follow the key: in B major the iii chord is D#m, in Db major the IV chord is Gb', () => {
    assert.equal(spellChord('Ebm', 'B major', 'signature'), 'D#m');
    assert.equal(spellChord('F#', 'Db major', 'signature'), 'Gb');
    assert.equal(spellChord('Bb', 'C major', 'signature'), 'Bb', 'no signature: the usual names');
    assert.equal(spellChord('Bb', 'C major', 'sharps'), 'A#');
    assert.equal(spellChord('C#dim', 'A major', 'flats'), 'Dbdim');
    assert.equal(spellChord('Am', null, 'signature'), 'Am');
  });

  // dj36: a G major song's borrowed bIII was written "A#" (the sharps of G major's signature applied to every root)
  it('a chord outside the key is named by the degree it alters: Bb in G major, Db and E in C minor', () => {
    const inKey = (key: string, chords: string[]) => chords.map((c) => spellChord(c, key, 'signature'));
    // G major: bII, bIII, #IV, bVI, bVII (major chords), then minor chords on the same roots
    assert.deepEqual(inKey('G major', ['G#', 'A#', 'C#', 'D#', 'F']), ['Ab', 'Bb', 'C#', 'Eb', 'F']);
    assert.deepEqual(inKey('G major', ['G#m', 'A#m', 'C#m', 'D#m', 'Fm']), ['G#m', 'Bbm', 'C#m', 'D#m', 'Fm']);
    // C major: the Neapolitan Db (was C# in the mixed names), borrowed Eb, Ab, Bb, the chromatic-mediant minors
    assert.deepEqual(inKey('C major', ['C#', 'D#', 'F#', 'G#', 'A#', 'C#m', 'G#m']), ['Db', 'Eb', 'F#', 'Ab', 'Bb', 'C#m', 'G#m']);
    // C minor: Neapolitan Db; the raised 3rd (Picardy E), 4th, 6th and 7th of the melodic/harmonic minor
    assert.deepEqual(inKey('C minor', ['C#', 'E', 'F#', 'A', 'B', 'Bm']), ['Db', 'E', 'F#', 'A', 'B', 'Bm']);
    // A minor: its dominant's E and the raised 6th/7th F# and G#; the Neapolitan Bb
    assert.deepEqual(inKey('A minor', ['E', 'F#m', 'G#', 'A#']), ['E', 'F#m', 'G#', 'Bb']);
    // one accidental at most, never Cb/Fb/E#/B#: Db major's bIII, bVI, bVII stay E, A, B; B major's #IV stays F
    assert.deepEqual(inKey('Db major', ['E', 'A', 'B', 'G']), ['E', 'A', 'B', 'G']);
    assert.deepEqual(inKey('B major', ['F', 'D', 'G', 'A']), ['F', 'D', 'G', 'A']);
    // the scale's own chords as the signature writes them; sharps/flats untouched
    assert.deepEqual(inKey('Eb minor', ['F#', 'C#', 'G#m', 'A#m']), ['Gb', 'Db', 'Abm', 'Bbm']);
    assert.equal(spellChord('Bb', 'G major', 'sharps'), 'A#');
    assert.equal(spellChord('A#', 'G major', 'flats'), 'Bb');
  });

  // left15: the engine named 2A "Eb minor" (analyze, export, features line, tags) while the library's default
  // 'signature' spelling showed "D# minor" (its relative major F# has sharps): one name per key now, everywhere
  it('one name per key: the engine\'s names are the signature spelling of every key, 2A is Eb minor, 2B F# major', () => {
    for (let pc = 0; pc < 12; pc++) {
      for (const mode of ['major', 'minor'] as const) {
        const name = keyName({ tonic: pc, mode });
        assert.equal(name, `${keyTonicName(pc, mode === 'minor')} ${mode}`);
        assert.equal(spellKey(name, 'signature'), name, `${name} is shown as stored`);
        // any spelling typed reads as the one name
        for (const t of [SHARP[pc], FLAT[pc]]) assert.equal(spellKey(`${t} ${mode}`, 'signature'), name, `${t} ${mode}`);
        assert.equal(tonicName({ tonic: pc, mode }) + (mode === 'minor' ? 'm' : ''), spellKey(`${SHARP[pc]}${mode === 'minor' ? 'm' : ''}`, 'signature'));
      }
    }
    assert.equal(keyName(parseKey('2A')!), 'Eb minor');
    assert.equal(keyName(parseKey('2B')!), 'F# major');
    assert.equal(keyName(parseKey('1A')!), 'G# minor');
    assert.equal(keyName(parseKey('12A')!), 'C# minor');
    assert.equal(keyName(parseKey('3B')!), 'Db major');
    assert.equal(spellKey('D#m', 'signature'), 'Ebm');
    // Eb minor's chords in flats, as its name (the features line and the detail alike)
    assert.equal(spellChord('F#', 'Eb minor', 'signature'), 'Gb');
    assert.equal(spellChord('C#', 'D# minor', 'signature'), 'Db');
    assert.equal(spellChord('D#m', 'G# minor', 'signature'), 'D#m');
  });
});

// A key tag whose tonic letter is lower case ("a", "f#", "bb") is the classical convention for a minor key — Mixxx
// reads a key tag so (KeyUtils::guessKeyFromText: "upper-case means major, lower-case means minor"), Humdrum writes
// keys so; the ID3v2 TKEY frame names only upper-case letters. It was read as the major key ("a" → A major). Now a
// minor key; a lower-case letter with the major mark "M" ("aM") is ambiguous: no key, its text kept (as "8A/Em").
// A name in capitals only ("AM": "Am" upper-cased) was read as A major; Mixxx reads "M" as "m" and "B" after the
// tonic as a flat in any case: A minor ("EBM" E♭ minor, "BB" B♭ major).
// The files are tagged by the taggers people use: id3v2, eyeD3, kid3-cli, metaflac (where installed).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parseTaggedKey } from '../../main/engine/media/tags';
import { probeFile } from '../../main/engine/media/probe';
import { keyName } from '../../main/engine/analysis/keys';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'tagged-key-case');
const has = (tool: string) => spawnSync(tool, ['--help'], { stdio: 'ignore' }).error === undefined;
const named = (text: string) => {
  const k = parseTaggedKey(text);
  return k ? keyName(k) : null;
};

describe('parseTaggedKey: a lower-case tonic letter is minor', () => {
  test('lower case alone, with an accidental, with "m": minor', () => {
    assert.equal(named('a'), 'A minor');
    assert.equal(named('f#'), 'F# minor');
    assert.equal(named('bb'), 'Bb minor');
    assert.equal(named('eb'), 'Eb minor');
    assert.equal(named('b'), 'B minor');
    assert.equal(named('c♯'), 'C# minor');
    assert.equal(named('am'), 'A minor');
    assert.equal(named(' g '), 'G minor');
  });
  test('a mode word overrides the case; upper case as before', () => {
    assert.equal(named('c major'), 'C major');
    assert.equal(named('a minor'), 'A minor');
    assert.equal(named('A'), 'A major');
    assert.equal(named('Bb'), 'Bb major');
    assert.equal(named('F#m'), 'F# minor');
    assert.equal(named('8A'), 'A minor');
    assert.equal(named('8a'), 'A minor'); // Camelot's letter, not a tonic
    assert.equal(named('1m'), 'A minor');
  });
  test('a lower-case letter with the major mark "M" says both: no key', () => {
    assert.equal(parseTaggedKey('aM'), null);
    assert.equal(parseTaggedKey('f#M'), null);
  });
  test('a name in capitals only ("AM", as a tagger set to capitals writes "Am") is read as Mixxx reads it: "M" minor, "B" a flat', () => {
    // "AM" was A major (the mark "M" read as major), "EBM" and "BB" no key; Mixxx's KeyUtils::guessKeyFromText matches
    // the mark and the accidentals case-insensitively: A minor, E♭ minor, B♭ major
    assert.equal(named('AM'), 'A minor');
    assert.equal(named('F#M'), 'F# minor');
    assert.equal(named('C♯M'), 'C# minor');
    assert.equal(named('EBM'), 'Eb minor');
    assert.equal(named('BBM'), 'Bb minor');
    assert.equal(named('BM'), 'B minor');
    assert.equal(named('BB'), 'Bb major');
    assert.equal(named('EB'), 'Eb major');
    assert.equal(named(' A '), 'A major', 'a capital letter alone stays major');
    assert.equal(named('AMIN'), 'A minor');
    assert.equal(named('C MAJOR'), 'C major');
    assert.equal(named('8A/AM'), 'A minor', 'two notations of one key');
    assert.equal(parseTaggedKey('11B/AM'), null, 'A major by Camelot, A minor by the mark');
    assert.equal(parseTaggedKey('HM'), null);
  });
  test('two notations: the lower-case one must agree as a minor key', () => {
    assert.equal(named('8A/a'), 'A minor');
    assert.equal(parseTaggedKey('11B/a'), null); // A major by Camelot, A minor by the case
    assert.equal(named('4A - f'), 'F minor');
  });
  test('no key: "o" (TKEY off key), other text', () => {
    assert.equal(parseTaggedKey('o'), null);
    assert.equal(parseTaggedKey('h'), null);
  });
});

describe('files tagged by real taggers', () => {
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const make = (name: string) => {
      const p = join(DIR, name);
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=1', p]);
      return p;
    };
    if (has('id3v2')) execFileSync('id3v2', ['--TKEY', 'a', make('id3v2-a.mp3')]);
    if (has('eyeD3')) execFileSync('eyeD3', ['-Q', '--text-frame', 'TKEY:f#', make('eyed3-fsharp.mp3')], { stdio: 'ignore' });
    if (has('kid3-cli')) execFileSync('kid3-cli', ['-c', 'set initialkey "eb"', make('kid3-eb.mp3')]);
    if (has('kid3-cli')) execFileSync('kid3-cli', ['-c', 'set initialkey "aM"', make('kid3-aM.mp3')]);
    if (has('metaflac')) execFileSync('metaflac', ['--set-tag=INITIALKEY=bb', make('metaflac-bb.flac')]);
    // names in capitals only
    if (has('id3v2')) execFileSync('id3v2', ['--TKEY', 'AM', make('id3v2-AM.mp3')]);
    if (has('eyeD3')) execFileSync('eyeD3', ['-Q', '--text-frame', 'TKEY:F#M', make('eyed3-FsharpM.mp3')], { stdio: 'ignore' });
    if (has('kid3-cli')) execFileSync('kid3-cli', ['-c', 'set initialkey "EBM"', make('kid3-EBM.mp3')]);
    if (has('metaflac')) execFileSync('metaflac', ['--set-tag=INITIALKEY=AM', make('metaflac-AM.flac')]);
  });
  for (const [name, tool, text, want] of [
    ['id3v2-a.mp3', 'id3v2', 'a', 'A minor'],
    ['eyed3-fsharp.mp3', 'eyeD3', 'f#', 'F# minor'],
    ['kid3-eb.mp3', 'kid3-cli', 'eb', 'Eb minor'],
    ['kid3-aM.mp3', 'kid3-cli', 'aM', null],
    ['metaflac-bb.flac', 'metaflac', 'bb', 'Bb minor'],
    ['id3v2-AM.mp3', 'id3v2', 'AM', 'A minor'],
    ['eyed3-FsharpM.mp3', 'eyeD3', 'F#M', 'F# minor'],
    ['kid3-EBM.mp3', 'kid3-cli', 'EBM', 'Eb minor'],
    ['metaflac-AM.flac', 'metaflac', 'AM', 'A minor'],
  ] as const) {
    test(`${tool} wrote "${text}": the probe's tagged key is ${want ?? 'none (ambiguous), the text kept'}`, { skip: has(tool) ? false : `${tool} is not installed` }, async () => {
      const p = await probeFile(join(DIR, name));
      assert.equal(p.tags.keyText, text);
      assert.equal(p.tags.key, want ?? undefined);
    });
  }
});

// tester34: a Matroska file's BPM and key tags (MKA, MKV, WebM: "track:BPM" as music-metadata lists them, under their
// target level) were not read — the detail had no "Tagged:" line for them. ffmpeg writes them as a remux or an encode does.
describe('Matroska BPM and key tags (ffmpeg -metadata)', () => {
  test('an MKA and a WebM state their tempo and key', async () => {
    mkdirSync(DIR, { recursive: true });
    for (const [name, codec] of [['tagged.mka', 'flac'], ['tagged.webm', 'libopus']] as const) {
      const p = join(DIR, name);
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=1', '-metadata', 'BPM=126.5', '-metadata', 'INITIALKEY=8A', '-c:a', codec, p]);
      const tags = (await probeFile(p)).tags;
      assert.deepEqual([tags.bpm, tags.key, tags.keyText], [126.5, 'A minor', '8A'], name);
    }
  });
});


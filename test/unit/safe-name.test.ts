// File names with bidi controls shown safely (left16): renderer/src/lib/safe-name.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasBidiControl, quotedNameParts, safeName } from '../../renderer/src/lib/safe-name';

test('an override in a name is made visible, in the stored order; the rest is left as it is', () => {
  assert.equal(safeName('\u202Eevil.mp3'), '⟨U+202E⟩evil.mp3');
  assert.equal(safeName('/m/a\u202Dx\u202Cb.mp3'), '/m/a⟨U+202D⟩x⟨U+202C⟩b.mp3');
  assert.equal(safeName('\u2067iso\u2069.mp3'), '⟨U+2067⟩iso⟨U+2069⟩.mp3');
  assert.equal(safeName('שיר.mp3'), 'שיר.mp3', 'a right-to-left name is not changed (the <bdi> isolates it)');
  assert.equal(safeName('plain.mp3'), 'plain.mp3');
  assert.equal(safeName(null), '');
  assert.equal(hasBidiControl('\u202Eevil.mp3'), true);
  assert.equal(hasBidiControl('שיר\u200F.mp3'), false, 'RLM is a mark, not an override: left');
});

test('line breaks and tabs from tags become one space each (app.css draws <bdi> with white-space-collapse: preserve)', () => {
  assert.equal(safeName('Foo\nBar'), 'Foo Bar', 'a nowrap library cell stays one line');
  assert.equal(safeName('a\r\nb\tc'), 'a  b c');
  assert.equal(safeName('x\n\u202Ey'), 'x ⟨U+202E⟩y', 'both at once');
});

test('quotedNameParts: a message quoting a file name gives the name as its own piece (a <bdi>), every piece as safeName draws it (cli40)', () => {
  const name = 'Bravo\n\u202Etake.wav';
  const parts = quotedNameParts(`"${name}" is an RF64 file (the WAV format for audio past 4 GB): its tags are not written.`, name);
  assert.deepEqual(parts, [
    { text: '"', name: false },
    { text: 'Bravo ⟨U+202E⟩take.wav', name: true },
    { text: '"', name: false },
    { text: ' is an RF64 file (the WAV format for audio past 4 GB): its tags are not written.', name: false },
  ]);
  // quoted twice: two name pieces
  assert.equal(quotedNameParts('"a.mp3" and "a.mp3"', 'a.mp3').filter((p) => p.name).length, 2);
  // a message not quoting the name, or no name: one text piece, still made safe
  assert.deepEqual(quotedNameParts('Changed since \u202Eanalysis', 'x.mp3'), [{ text: 'Changed since ⟨U+202E⟩analysis', name: false }]);
  assert.deepEqual(quotedNameParts('plain', ''), [{ text: 'plain', name: false }]);
});

// File names with bidi controls shown safely (left16): renderer/src/lib/safe-name.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasBidiControl, safeName } from '../../renderer/src/lib/safe-name';

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

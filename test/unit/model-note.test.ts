// The chat pane's note where no model pack is chosen. Session 28 split the engine's message at its first ". " into a
// heading and the words under it: a message with an abbreviation ("e.g. ") or a path holding ". " was cut there
// (the heading "No pack at /home/me/Mr." and the rest of the path under it). The engine now sends the heading as its
// own field (ModelStatus.messageHead); without one, the message is shown whole.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { codeSpans, plainCode } from '../../renderer/src/lib/code-spans';
import { missingNote } from '../../renderer/src/lib/model-note';

describe('the no-pack note: heading and words from fields, never by cutting the text', () => {
  it('a message with a path holding ". " and an abbreviation is shown whole, uncut', () => {
    const message = 'The chosen pack "/home/me/Mr. Smith. Packs/beta" is gone, e.g. moved. Choose it again.';
    const note = missingNote(message);
    assert.equal(`${note.head} ${note.rest}`.trim(), message);
    assert.equal(note.head, message, `shown whole: ${JSON.stringify(note)}`);
  });

  it('the engine’s heading (messageHead) is the heading, the rest of the message under it', () => {
    const head = 'No DeepResonance model pack is installed.';
    const rest = 'Get DeepResonance-α or -β in the Models panel (or `studio model get beta`), or choose a pack folder you already have.';
    assert.deepEqual(missingNote(`${head} ${rest}`, head), { head, rest });
    // a heading that does not start the message (an older engine's, or another message): the message whole
    assert.deepEqual(missingNote(`Something else. ${rest}`, head), { head: `Something else. ${rest}`, rest: '' });
  });

  it('no message: a plain heading', () => {
    assert.deepEqual(missingNote(undefined), { head: 'No model pack installed.', rest: '' });
  });
});

test('codeSpans: a message\'s `command` parts, drawn as code without their backticks; an unpaired backtick stays text (newuser35)', () => {
  assert.deepEqual(codeSpans('Get it in the Models panel (or `studio model get beta`), or choose one.'), [
    { text: 'Get it in the Models panel (or ', code: false },
    { text: 'studio model get beta', code: true },
    { text: '), or choose one.', code: false },
  ]);
  assert.deepEqual(codeSpans('Open the address that `studio serve` printed'), [
    { text: 'Open the address that ', code: false },
    { text: 'studio serve', code: true },
    { text: ' printed', code: false },
  ]);
  assert.deepEqual(codeSpans('no code here'), [{ text: 'no code here', code: false }]);
  assert.deepEqual(codeSpans('a `b` and a lone ` here'), [
    { text: 'a ', code: false },
    { text: 'b', code: true },
    { text: ' and a lone ` here', code: false },
  ]);
});

test('plainCode: the same message for a tooltip, the backticks of its code parts dropped; a lone one stays (ui36)', () => {
  assert.equal(plainCode('The server no longer accepts this page’s access token: `studio serve` was restarted.'), 'The server no longer accepts this page’s access token: studio serve was restarted.');
  assert.equal(plainCode('a `b` and a lone ` here'), 'a b and a lone ` here');
  assert.equal(plainCode('no code here'), 'no code here');
});

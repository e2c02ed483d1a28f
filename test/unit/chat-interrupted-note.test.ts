// fix31 (item 5): under an answer kept 'interrupted' whose record states no reason (ChatMessage.error absent or
// empty), the chat pane fell back to "Interrupted: the studio stopped while this answer was being written." — the
// wording session 30 retired (fix30b) because it read as if the whole studio had stopped, where the engine had and
// the app ran on. The note is now contract interruptedNote: the record's own words, else what 'interrupted' means
// (the engine stopped while writing it), worded as the engine's own two notes, which share its constants.
// Not reachable in the page through real use (the engine always writes a reason), so a unit test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANSWER_INTERRUPTED, interruptedNote } from '@contract';

test('no reason recorded: the engine stopped while writing it, never "the studio stopped"', () => {
  for (const error of [undefined, '', '   ']) {
    const note = interruptedNote({ error });
    assert.equal(note, 'The engine stopped while this answer was being written; ask again.', JSON.stringify(error));
    assert.doesNotMatch(note, /studio stopped/i);
  }
});

test('a recorded reason is shown as it is (the engine\'s restart and app-stopped notes among them)', () => {
  assert.equal(interruptedNote({ error: ANSWER_INTERRUPTED.restarted }), 'The engine stopped while this answer was being written and was restarted; ask again.');
  assert.equal(interruptedNote({ error: ANSWER_INTERRUPTED.appStopped }), 'Resonance Studio stopped while this answer was being written; ask again.');
  assert.equal(interruptedNote({ error: 'Out of memory.' }), 'Out of memory.');
});

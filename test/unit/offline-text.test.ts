// The chat's Send-disabled reason while the link to `studio serve` is retried joined its own words to the
// connection's sentence by a string replace of its full stop (chat.svelte.ts: connection.offline.replace(/\.$/, …)):
// a change to either module's words broke the other's silently. Now the sentence is made in one place
// (renderer/src/host/offline-text.ts offlineText), and a pane names only what it keeps.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { offlineText } from '../../renderer/src/host/offline-text';

test('offlineText: the reason while the link is lost, with what a pane keeps said in the same sentence', () => {
  assert.equal(offlineText('reconnecting', null), 'Not connected to the studio server (see the top bar): it reconnects by itself.');
  assert.equal(
    offlineText('reconnecting', null, 'what you typed stays here'),
    'Not connected to the studio server (see the top bar): it reconnects by itself, and what you typed stays here.',
  );
  // a closed link's own reason says what to do; nothing is appended to it
  assert.equal(offlineText('closed', 'No access token: open the address studio serve printed.', 'what you typed stays here'), 'No access token: open the address studio serve printed.');
  assert.equal(offlineText('closed', null), 'Not connected to the studio server.');
  assert.equal(offlineText('open', null, 'x'), null);
  assert.equal(offlineText('connecting', null), null);
});

test('the chat asks the connection for its sentence, rewriting none of its words', () => {
  const chat = readFileSync(new URL('../../renderer/src/shared/state/chat.svelte.ts', import.meta.url), 'utf8');
  assert.match(chat, /connection\.offlineKeeping\('what you typed stays here'\)/);
  assert.doesNotMatch(chat, /connection\.offline\.replace/);
});

// Letter shortcuts by the key's place where the layout types another script (renderer/src/lib/shortcut-letter.ts):
// Ctrl+L on a Russian layout is key "д", code "KeyL" (tester26; the e2e keys-layouts drives it in Chromium).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortcutLetter } from '../../renderer/src/lib/shortcut-letter';

test('a Latin letter is the letter typed, whatever its place (AZERTY, Dvorak); another script is its key\'s place', () => {
  assert.equal(shortcutLetter({ key: 'L', code: 'KeyL' }), 'l');
  assert.equal(shortcutLetter({ key: 'a', code: 'KeyQ' }), 'a', 'AZERTY: the A key sits where US has Q');
  assert.equal(shortcutLetter({ key: 'o', code: 'KeyS' }), 'o', 'Dvorak');
  assert.equal(shortcutLetter({ key: 'д', code: 'KeyL' }), 'l', 'Russian');
  assert.equal(shortcutLetter({ key: 'Щ', code: 'KeyO' }), 'o', 'Russian, Shift');
  assert.equal(shortcutLetter({ key: 'λ', code: 'KeyL' }), 'l', 'Greek');
  assert.equal(shortcutLetter({ key: 'ı', code: 'KeyI' }), 'i', 'Turkish Q: the I key types a dotless ı');
});

test('no letter: a sign on a letter\'s place, a named key, a digit', () => {
  assert.equal(shortcutLetter({ key: ',', code: 'KeyM' }), null, 'AZERTY types "," where US has M');
  assert.equal(shortcutLetter({ key: 'Dead', code: 'KeyE' }), null);
  assert.equal(shortcutLetter({ key: 'Enter', code: 'Enter' }), null);
  assert.equal(shortcutLetter({ key: 'é', code: 'Digit2' }), null, 'AZERTY digit row');
  assert.equal(shortcutLetter({ key: '1', code: 'Digit1' }), null);
});

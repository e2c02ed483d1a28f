// Type-ahead in the file browser's list (lead decision 16: the virtualised list renders only the rows in view, so a
// name past them is reached by typing it, as in Finder, Windows Explorer and GTK's file chooser).
// Run: node --import tsx --test test/unit/type-ahead.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTypeAheadKey, nameStartsWith, typeAheadTarget } from '../../renderer/src/lib/type-ahead';

const list = (...names: string[]) => names.map((name) => ({ name }));

test('nameStartsWith: without case, with accents, in NFC whichever way the name was written', () => {
  assert.ok(nameStartsWith('Track 01.mp3', 'track'));
  assert.ok(nameStartsWith('track 01.mp3', 'TRACK 0'));
  assert.ok(!nameStartsWith('track 01.mp3', 'track 1'));
  assert.ok(nameStartsWith('anything', ''));
  assert.ok(!nameStartsWith('ab', 'abc'), 'a name shorter than the text typed');
  // é decomposed (e + U+0301, as macOS writes names) and typed precomposed, and the other way round
  assert.ok(nameStartsWith('Cafe\u0301 del mar.flac', 'café'));
  assert.ok(nameStartsWith('Café del mar.flac', 'cafe\u0301 d'));
  assert.ok(nameStartsWith('École.mp3', 'é'), 'É and é are one letter in two cases');
  assert.ok(!nameStartsWith('Ecole.mp3', 'é'), 'an accent typed is not ignored: é finds École, not Ecole');
  assert.ok(!nameStartsWith('École.mp3', 'e'));
  assert.ok(nameStartsWith('track 02500 «x».mp3', 'track 02500 «'));
  assert.ok(nameStartsWith('Ünïcödé ♪.ogg', 'ünïcödé ♪'));
});

test('typeAheadTarget: the first entry, in the list order, whose name starts with the text typed', () => {
  const entries = list('Music', 'sub', 'alpha.mp3', 'beta.mp3', 'Beta 2.mp3', 'bravo.mp3', 'é.mp3');
  assert.equal(typeAheadTarget(entries, 'b', 0), 3);
  assert.equal(typeAheadTarget(entries, 'B', 6), 3, 'from the top, wherever the selection is');
  assert.equal(typeAheadTarget(entries, 'br', 3), 5);
  assert.equal(typeAheadTarget(entries, 'beta ', 0), 4);
  assert.equal(typeAheadTarget(entries, 'm', 4), 0, 'folders too');
  assert.equal(typeAheadTarget(entries, 'é', 0), 6);
  assert.equal(typeAheadTarget(entries, 'x', 2), -1, 'no match: the selection stays');
  assert.equal(typeAheadTarget(entries, 'alphax', 2), -1);
  assert.equal(typeAheadTarget([], 'a', 0), -1);
  assert.equal(typeAheadTarget(entries, '', 0), -1);
});

test('typeAheadTarget: one letter pressed again and again cycles through the entries starting with it', () => {
  const entries = list('sub', 'a.mp3', 'b1.mp3', 'b2.mp3', 'B3.mp3', 'c.mp3', 'bb.mp3x');
  // b → b1 (first); b again → the next after the selection, wrapping
  assert.equal(typeAheadTarget(entries, 'b', 0), 2);
  assert.equal(typeAheadTarget(entries, 'bb', 2), 3);
  assert.equal(typeAheadTarget(entries, 'bbb', 3), 4, 'B3: without case');
  assert.equal(typeAheadTarget(entries, 'bbbB', 4), 6);
  assert.equal(typeAheadTarget(entries, 'bbbbb', 6), 2, 'wraps to the first');
  // more text after the repeated letter: a prefix again
  assert.equal(typeAheadTarget(entries, 'bb.', 3), 6);
  // a single entry with the letter: stays on it
  assert.equal(typeAheadTarget(entries, 'cc', 5), 5);
});

test('typeAheadTarget: 20,000 entries, a name near the end', () => {
  const entries = Array.from({ length: 20_000 }, (_, i) => ({ name: `track ${String(i).padStart(5, '0')}.mp3` }));
  assert.equal(typeAheadTarget(entries, 'track 19999', 0), 19_999);
  assert.equal(typeAheadTarget(entries, 'track 1', 0), 10_000);
  assert.equal(typeAheadTarget(entries, 'track 01', 0), 1_000);
});

test('isTypeAheadKey: one character without Ctrl/Meta/Alt (AltGr is text); named keys are not', () => {
  const k = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}, altGr = false) => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods, getModifierState: (m: string) => m === 'AltGraph' && altGr });
  assert.ok(isTypeAheadKey(k('a')));
  assert.ok(isTypeAheadKey(k('A')));
  assert.ok(isTypeAheadKey(k(' ')));
  assert.ok(isTypeAheadKey(k('«')));
  assert.ok(isTypeAheadKey(k('🎵')), 'one character outside the BMP');
  assert.ok(isTypeAheadKey(k('@', { ctrlKey: true, altKey: true }, true)), 'AltGr on Windows reports Ctrl+Alt');
  assert.ok(!isTypeAheadKey(k('a', { ctrlKey: true })));
  assert.ok(!isTypeAheadKey(k('a', { metaKey: true })));
  assert.ok(!isTypeAheadKey(k('a', { altKey: true })));
  for (const named of ['Enter', 'Backspace', 'ArrowDown', 'Home', 'Escape', 'Tab', 'Process', 'Dead', 'F2']) assert.ok(!isTypeAheadKey(k(named)), named);
});

// The longest question the channel takes is counted in characters (Unicode code points), as the chat pane counts
// and says them: it counted UTF-16 units and called them "characters", so 5000 emoji were "10000 characters"
// and refused (tester25). Run: node --import tsx --test test/unit/instruction-length.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_INSTRUCTION_CHARS, methods, textLength } from '@contract';

const ask = (instruction: string) =>
  methods['chat:ask'].input.safeParse({ trackId: 'abcdefgh1234', instruction, attachments: { audio: {}, image: null, video: false } });

test('textLength counts code points', () => {
  assert.equal(textLength(''), 0);
  assert.equal(textLength('ünï cödé'), 8);
  assert.equal(textLength('🎸🥁'), 2);
  assert.equal('🎸🥁'.length, 4);
});

test('a question of at most MAX_INSTRUCTION_CHARS characters is taken, emoji counted once; one more is refused in characters', () => {
  assert.equal(ask('🎸'.repeat(MAX_INSTRUCTION_CHARS)).success, true, `${MAX_INSTRUCTION_CHARS} emoji (${2 * MAX_INSTRUCTION_CHARS} UTF-16 units)`);
  assert.equal(ask('a'.repeat(MAX_INSTRUCTION_CHARS)).success, true);
  for (const q of ['a'.repeat(MAX_INSTRUCTION_CHARS + 1), '🎸'.repeat(MAX_INSTRUCTION_CHARS + 1), 'a'.repeat(5 * MAX_INSTRUCTION_CHARS)]) {
    const r = ask(q);
    assert.equal(r.success, false);
    assert.match(r.error!.issues[0].message, new RegExp(`is longer than ${MAX_INSTRUCTION_CHARS} characters: shorten it`));
  }
});

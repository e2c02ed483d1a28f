// Chat answers whose Markdown breaks the parser (found by tester4, issue 12):
// a small model stuck in a loop writes ">>>>>>…" (thousands of nested block
// quotes), which makes `marked` overflow the stack. The answer must still be
// shown (as its plain text), the rest of the thread drawn as Markdown, the
// page without an uncaught error and still usable.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/chat-markdown-hostile.test.ts
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { TINY_DIR } from '../tools/helpers';
import { doneAnswer, QUESTION, storedThread, useChatStudio } from '../helpers/chat-thread';

describe('chat: an answer the Markdown parser cannot take', { timeout: 300_000 }, () => {
  const studio = useChatStudio();
  let trackId = '';
  const { insert } = storedThread(studio, () => trackId);
  const DONE = doneAnswer(512, 'length');
  const Q = QUESTION;

  before(async () => {
    const { sp } = studio;
    const opened = await sp.openThroughBrowser(join(TINY_DIR, 'media', 'sine.wav'));
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    trackId = (opened.detail as { trackId: string }).trackId;
  });

  test('">>>>…" ×6000 is shown as its text; the answers around it as Markdown; no page error', async () => {
    const { sp } = studio;
    const { page } = sp;
    const q1 = insert('user', 'First?', Q);
    insert('assistant', 'A **bold** start.', DONE, q1);
    const q2 = insert('user', 'Loop?', Q);
    const loop = 'It goes\n' + '>'.repeat(6000) + ' on';
    const bad = insert('assistant', loop, DONE, q2);
    const q3 = insert('user', 'Last?', Q);
    insert('assistant', 'A *calm* end.', DONE, q3);
    await page.reload();
    await sp.waitForEvent('app-ready', { after: 0 });
    await sp.waitForEvent('chat-thread-loaded', { after: 0 });
    const last = sp.chat().answers.last().locator('.bubble');
    await last.locator('em').waitFor().catch(async (e: unknown) => {
      await sp.screenshot('tester4-chat-markdown-loop-failed');
      throw new Error(`the thread was not drawn: ${JSON.stringify(sp.problems).slice(0, 600)}`, { cause: e });
    });
    assert.equal(await last.locator('em').innerText(), 'calm');
    assert.equal(await sp.chat().answers.first().locator('.bubble strong').innerText(), 'bold');
    const badBubble = page.locator(`[data-testid=msg-assistant][data-id="${bad}"] .bubble`);
    assert.ok((await badBubble.innerText()).includes('>'.repeat(6000)), 'the looping answer is shown as its text');
    assert.equal(await badBubble.locator('blockquote').count(), 0, 'no nesting was built');
    await badBubble.scrollIntoViewIfNeeded();
    await sp.screenshot('tester4-chat-markdown-loop');
    assert.deepEqual(sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

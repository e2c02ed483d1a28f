import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT, toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { scanFolder } from './library-page';

/**
 * tester28: with no model installed, the library's "Ask about it" brought the chat out but left the focus on its own
 * button (the question box it focuses is disabled): a new user who then typed a question saw nothing typed, and the
 * "?" in it opened the shortcuts sheet. It now puts the focus where Ctrl+K does — the question box, else the chat
 * pane, whose note says why the chat is off and offers "Get DeepResonance…".
 * Run: npm run build && node --import tsx --test test/e2e/small-tester28.test.ts
 */
describe('Ask about it with no model: the focus goes to the chat pane (tester28)', { timeout: 300_000 }, () => {
  let dir = '';
  const studio = useStudio({
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
    prepare: () => {
      dir = join(OUTPUT, 'e2e-small-tester28');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      copyFileSync(toneFile('small-tester28-tone.wav', 3), join(dir, 'tone.wav'));
    },
  });

  /** the focused element's data-testid (its tag name when it has none) */
  const active = () =>
    studio.sp.page.evaluate(() => {
      const el = (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null; tagName: string } | null } }).document.activeElement;
      return el?.getAttribute('data-testid') ?? el?.tagName ?? null;
    });

  test('Ask about it on a library row, no model pack: the chat pane has the focus, not the button', async () => {
    const { sp } = studio;
    const { page } = sp;
    await scanFolder(sp, dir, 1);
    await page.getByTestId('library-row').first().click();
    const m = await sp.mark();
    await page.getByTestId('detail-ask').click();
    await sp.waitForEvent('library-ask', { after: m });
    await page.getByTestId('model-missing').waitFor();
    const note = await page.getByTestId('model-missing').innerText();
    assert.equal(note.match(/no (deepresonance )?model pack (is )?installed/gi)?.length, 1, `the note says once that no pack is installed: ${note}`);
    assert.equal(await page.getByTestId('chat-input').isEnabled(), false, 'no model: the question box is off');
    await sp.frames(3);
    assert.equal(await active(), 'chat', 'the focus is in the chat pane (it stayed on detail-ask)');
    assert.equal(await page.getByTestId('get-model').isVisible(), true, 'the pane offers the way on');
    await sp.screenshot('small-tester28-ask-no-model');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

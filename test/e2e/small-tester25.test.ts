import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MAX_INSTRUCTION_CHARS } from '@contract';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';

/**
 * tester25's small faults: a file named with two spaces ("ünï cödé  song.wav") was shown with one in the track's
 * title, its file line and Recent (HTML collapses spaces); the too-long-question note counted UTF-16 units and called
 * them characters (an emoji counted twice: 5000 emoji were "10000 characters" and could not be sent).
 * Run: npm run build && node --import tsx --test test/e2e/small-tester25.test.ts
 */
const NAME = 'ünï cödé  song.wav';

describe('names as they are; the question counted in characters (tester25)', { timeout: 300_000 }, () => {
  let dir = '';
  const studio = useStudio({
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
    prepare: () => {
      ensureTinyPacks();
      dir = join(OUTPUT, 'e2e-small-tester25');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(TINY_DIR, 'media', 'sine.wav'), join(dir, NAME));
    },
  });

  test('a name with two spaces keeps them in the title, the file line and Recent', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(join(dir, NAME))).name, 'track-opened');
    // innerText is the text as drawn: collapsed spaces read as one
    assert.equal(await page.getByTestId('track-title').innerText(), NAME);
    assert.equal(await page.getByTestId('track-file').innerText(), NAME);
    assert.equal(await page.getByTestId('chat-for').innerText(), NAME);
    await page.getByTestId('recent').click();
    const item = page.getByTestId('recent-menu').getByRole('menuitem').first();
    await item.waitFor();
    assert.equal(await item.locator('.name').innerText(), NAME);
    assert.match(await item.locator('.sub').innerText(), new RegExp(`^${NAME} · `));
    await sp.screenshot('small-tester25-names');
    await page.keyboard.press('Escape');
  });

  test('the too-long note counts characters (code points), as the channel does', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.chat().choosePack(join(TINY_DIR, 'packs', 'alpha-fp32'))).name, 'pack-chosen');
    const box = page.getByTestId('chat-input');
    const reason = page.getByTestId('chat-disabled-reason');
    // 5000 emoji: 10 000 UTF-16 units, 5000 characters — may be sent
    await box.fill('🎸'.repeat(5000));
    assert.equal((await reason.innerText()).trim(), '');
    assert.equal(await page.getByTestId('chat-send').isDisabled(), false);
    await box.fill('🎸'.repeat(MAX_INSTRUCTION_CHARS + 1));
    assert.match(await reason.innerText(), new RegExp(`^The question is ${MAX_INSTRUCTION_CHARS + 1} characters; at most ${MAX_INSTRUCTION_CHARS} can be sent`));
    assert.equal(await page.getByTestId('chat-send').isDisabled(), true);
    await box.fill('');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { useStudio } from '../helpers/studio';

/**
 * The model pack chooser as a first hour of use found it (issue 12), with the
 * toolchain's tiny packs. Run: npm run build && node tools/run-tests.mjs test/e2e/chat-issue12.test.ts
 */
describe('model pack chooser (issue 12)', { timeout: 300_000 }, () => {
  const packs = join(TINY_DIR, 'packs');
  const alpha = join(packs, 'alpha-fp32');

  const studio = useStudio({ prepare: ensureTinyPacks, viewport: { width: 1440, height: 900 } });

  test('defect 4: "Use this folder" takes the highlighted folder; the earlier error goes once a pack is chosen', async () => {
    const { page } = studio.sp;
    // a wrong choice first: the folder that holds the packs
    await page.getByTestId('choose-pack').click();
    await studio.sp.fileBrowser().goTo(packs);
    let m = await studio.sp.mark();
    await page.getByTestId('browser-use-folder').click();
    const failed = await studio.sp.waitForEvent(['pack-chosen', 'pack-failed'], { after: m });
    assert.equal(failed.name, 'pack-failed', JSON.stringify(failed.detail));
    assert.equal((failed.detail as { path: string }).path, packs);
    assert.equal((await studio.sp.toastTexts('error')).filter((t) => /cannot be used/.test(t)).length, 1);
    // then the pack itself, highlighted in the list (one click), and "Use …"
    await page.getByTestId('choose-pack').click();
    await studio.sp.fileBrowser().goTo(packs);
    await page.locator('[data-testid=browser-list] [data-name="alpha-fp32"]').click();
    const label = await page.getByTestId('browser-use-folder').innerText();
    await studio.sp.screenshot('issue12-4-use-highlighted-folder');
    m = await studio.sp.mark();
    await page.getByTestId('browser-use-folder').click();
    const chosen = await studio.sp.waitForEvent(['pack-chosen', 'pack-failed'], { after: m });
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
    assert.equal((chosen.detail as { path: string }).path, alpha);
    assert.match(label, /alpha-fp32/, 'the button names the folder it will use');
    assert.deepEqual((await studio.sp.toastTexts('error')).filter((t) => /cannot be used/.test(t)), [], 'the wrong choice’s error is gone');
    await studio.sp.screenshot('issue12-4-pack-chosen');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * The in-app file browser names what it leaves out (tester14): it said only
 * "2 entries could not be read." for a Latin-1 file name and a broken link, and
 * left a named pipe out silently. Now each is listed with why and what to do.
 * Run: npm run build && node --import tsx --test test/e2e/browser-skipped.test.ts
 */
describe('file browser: entries it cannot show are named with the reason', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-browser-skipped');
  const studio = useStudio({
    prepare: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'ok.mp3'), 'x');
      writeFileSync(Buffer.concat([Buffer.from(`${dir}/Caf`), Buffer.from([0xe9]), Buffer.from(' latin1.mp3')]), 'x');
      symlinkSync(join(dir, 'gone.mp3'), join(dir, 'dangling.mp3'));
      execFileSync('mkfifo', [join(dir, 'pipe.mp3')]);
      writeFileSync(join(dir, 'notes.txt'), 'liner notes\n');
    },
  });

  test('a name that is not UTF-8, a broken link and a named pipe are listed with why, under the folder\'s entries', async () => {
    const { sp } = studio;
    await sp.page.getByTestId('open').first().click();
    await sp.fileBrowser().goTo(dir);
    assert.deepEqual(await sp.page.locator('[data-testid=browser-list] [data-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))), ['notes.txt', 'ok.mp3']);
    const box = sp.page.getByTestId('browser-skipped');
    assert.match(await box.innerText(), /3 entries are not shown/);
    const items = await sp.page.getByTestId('browser-skipped-entry').allInnerTexts();
    assert.equal(items.length, 3, items.join('\n'));
    assert.ok(items.some((t) => /^Caf\ufffd latin1\.mp3 — the name is not valid UTF-8.*rename it/.test(t)), items.join('\n'));
    assert.ok(items.some((t) => /^dangling\.mp3 — a broken link/.test(t)), items.join('\n'));
    assert.ok(items.some((t) => /^pipe\.mp3 — a named pipe/.test(t)), items.join('\n'));
    await sp.screenshot('browser-skipped');
    assert.deepEqual(sp.problems, []);
    await sp.page.keyboard.press('Escape');
  });

  test('the path of such an entry typed or pasted in the path box says why it is not shown, with its folder listed (tester22)', async () => {
    // before: a named pipe's path said '"…/pipe.mp3" is not a folder.'
    const { sp } = studio;
    const page = sp.page;
    await page.getByTestId('open').first().click();
    await sp.fileBrowser().goTo(join(dir, '..'));
    for (const [name, why] of [['pipe.mp3', /a named pipe/], ['dangling.mp3', /a broken link: its target is gone/]] as const) {
      const m = await sp.mark();
      await page.getByTestId('browser-path').fill(join(dir, name));
      await page.getByTestId('browser-path').press('Enter');
      const ev = await sp.waitForEvent('browser-error', { after: m });
      const msg = (ev.detail as { message: string }).message;
      assert.match(msg, new RegExp(`^"${name.replace('.', '\\.')}" is not shown here: `), msg);
      assert.match(msg, why);
      assert.equal(await page.getByTestId('browser-path').inputValue(), dir, 'its folder is listed');
      assert.match(await page.getByTestId('file-browser').innerText(), new RegExp(`"${name.replace('.', '\\.')}" is not shown here`));
    }
    await sp.screenshot('browser-skipped-typed');
    assert.deepEqual(sp.problems, []);
    await page.keyboard.press('Escape');
  });

  test('a file that cannot be opened: its typed path says why at once, and the footer says why while it is selected (tester26)', async () => {
    // before: the typed path only selected the greyed row; the reason was in its tooltip alone
    const { sp } = studio;
    const page = sp.page;
    await page.getByTestId('open').first().click();
    await sp.fileBrowser().goTo(join(dir, '..'));
    const m = await sp.mark();
    await page.getByTestId('browser-path').fill(join(dir, 'notes.txt'));
    await page.getByTestId('browser-path').press('Enter');
    const ev = await sp.waitForEvent('browser-error', { after: m });
    assert.equal((ev.detail as { message: string }).message, 'notes.txt: not a media file the studio opens.');
    assert.equal(await page.getByTestId('browser-error').innerText(), 'notes.txt: not a media file the studio opens.');
    assert.equal(await page.getByTestId('browser-hint').innerText(), 'notes.txt: not a media file the studio opens');
    assert.equal(await page.getByTestId('browser-open').isDisabled(), true);
    // an entry that can be opened: the footer shows the keys again
    await sp.fileBrowser().select('ok.mp3');
    assert.match(await page.getByTestId('browser-hint').innerText(), /^↑↓ or type a name/);
    await sp.screenshot('browser-refused-reason');
    assert.deepEqual(sp.problems, []);
    await page.keyboard.press('Escape');
  });

  test('studio serve with two allowed folders: where Up stops, the other one is offered (tester33: reached only by typing its path)', async () => {
    // the tests' serve has two roots: test/output and the temporary folder (test/e2e/studio-page.ts startServe)
    const { sp } = studio;
    const page = sp.page;
    await page.getByTestId('open').first().click();
    // the temporary folder: Up stops there wherever the checkout is (test/output may lie inside it, as in a clone under /tmp)
    await sp.fileBrowser().goTo(tmpdir());
    assert.equal(await page.getByTestId('browser-up').isDisabled(), true, 'Up stops at the root');
    const roots = page.getByTestId('browser-roots');
    assert.deepEqual(await roots.locator('option').allInnerTexts(), ['Allowed folders…', OUTPUT, tmpdir()]);
    await sp.screenshot('browser-roots');
    const m = await sp.mark();
    await roots.selectOption(OUTPUT);
    await page.waitForFunction(
      ([after, path]) => (globalThis as unknown as { __studioEvents?: { seq: number; name: string; detail: unknown }[] }).__studioEvents?.some((e) => e.seq > after && e.name === 'browser-listed' && (e.detail as { path: string }).path === path) ?? false,
      [m, OUTPUT] as const,
    );
    assert.equal(await page.getByTestId('browser-path').inputValue(), OUTPUT);
    assert.deepEqual(sp.problems, []);
    await page.keyboard.press('Escape');
  });
});

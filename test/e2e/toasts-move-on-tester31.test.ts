// An error about an action goes when the user moves on, and says no internal code (tester31): "Could not make the
// crate … BAD_ARGS" (a name taken, rightly refused) stayed on screen in the track view and back in the library until
// closed by hand or reloaded, and showed the engine's error code BAD_ARGS under the sentence.
// Needs `npm run build`. Run: node tools/run-tests.mjs test/e2e/toasts-move-on-tester31.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { libraryPage } from './library-page';
import { useStudio } from '../helpers/studio';

describe('error toasts about an action: plain words, gone when the view changes', { timeout: 120_000 }, () => {
  const studio = useStudio({ viewport: { width: 1440, height: 900 } });

  test('a crate name taken: the error says a sentence without BAD_ARGS, and goes in the track view', async () => {
    const { page } = studio.sp;
    const lib = libraryPage(studio.sp);
    await lib.show();
    for (const name of ['Warm-up', 'WARM-UP']) {
      await page.getByTestId('crate-new').click();
      await page.getByTestId('crate-name-input').fill(name);
      const m = await studio.sp.mark();
      await page.getByTestId('crate-name-input').press('Enter');
      await studio.sp.waitForEvent(name === 'Warm-up' ? 'crate-created' : 'error-shown', { after: m });
    }
    await page.keyboard.press('Escape');
    const [error, ...more] = await studio.sp.toastTexts('error');
    assert.deepEqual(more, []);
    assert.match(error, /Could not make the crate/);
    assert.match(error, /There is a crate named "Warm-up" already/);
    await studio.sp.screenshot('tester31-toast-plain');
    assert.doesNotMatch(error, /BAD_ARGS/, 'no internal code shown');
    assert.equal(await page.getByTestId('toast-error').getAttribute('data-code'), 'BAD_ARGS', 'kept for programs (the tests), not shown');
  });

  test('a modal dialog is never covered by a message: the shortcuts sheet\'s last rows are its own (ui36)', async () => {
    // the toasts were drawn above every dialog (z-index 50 over the sheets' 45, the Models panel's 38): at 1280×720 the
    // error covered the shortcuts sheet's last rows. As on the desktop, a modal dialog is the top layer; the window's
    // messages stay under it (dimmed with the rest), and come back as they were when it closes
    const { page } = studio.sp;
    await page.setViewportSize({ width: 1280, height: 720 });
    assert.equal((await studio.sp.toastTexts('error')).length, 1);
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const sheet = page.getByTestId('shortcuts');
    await sheet.waitFor();
    await sheet.locator('tr').last().scrollIntoViewIfNeeded();
    await studio.sp.frames(2);
    const toast = await page.getByTestId('toast-error').boundingBox();
    const box = await sheet.boundingBox();
    assert.ok(toast && box);
    const over = { x: Math.max(toast.x, box.x) + 2, y: Math.max(toast.y, box.y) + 2, w: Math.min(toast.x + toast.width, box.x + box.width) - Math.max(toast.x, box.x), h: Math.min(toast.y + toast.height, box.y + box.height) - Math.max(toast.y, box.y) };
    assert.ok(over.w > 4 && over.h > 4, `the message and the sheet share an area at this size (toast ${JSON.stringify(toast)}, sheet ${JSON.stringify(box)})`);
    // every point of that shared area shows the sheet, none the message
    const seen = await page.evaluate(({ x, y, w, h }) => {
      const d = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document;
      const out: string[] = [];
      for (let i = 0; i <= 4; i++) for (let j = 0; j <= 4; j++) {
        const e = d.elementFromPoint(x + ((w - 4) * i) / 4, y + ((h - 4) * j) / 4);
        out.push(e?.closest('[data-testid=shortcuts]') ? 'sheet' : e?.closest('[data-testid^=toast-]') ? 'toast' : 'other');
      }
      return out;
    }, over);
    await studio.sp.screenshot('ui36-sheet-over-toast');
    assert.deepEqual([...new Set(seen)], ['sheet'], `the sheet shows wherever the message lies under it (${seen.join(' ')})`);
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    assert.equal((await studio.sp.toastTexts('error')).length, 1, 'the message is still there once the sheet is closed');
    await page.getByTestId('toast-error').getByTestId('dismiss').click({ trial: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('… and it goes when the user moves on to the track view', async () => {
    const { page } = studio.sp;
    const lib = libraryPage(studio.sp);
    assert.equal((await studio.sp.toastTexts('error')).length, 1);
    await page.getByTestId('view-track').click();
    await page.getByTestId('toast-error').waitFor({ state: 'detached', timeout: 3000 }).catch(() => undefined);
    assert.deepEqual(await studio.sp.toastTexts('error'), [], 'the error about making the crate went with the view');
    await lib.show();
    assert.deepEqual(await studio.sp.toastTexts('error'), [], 'and does not come back');
    await studio.sp.screenshot('tester31-toast-gone');
  });

  test('a long error is cut to three lines, and shown whole while the pointer is on it or it has the focus (newuser35)', async () => {
    // (newuser35 met it as the Models panel's Get on β with no LLaMA folder: "…point to your LLaMA-7B folder in Hugging
    // Face format (the studio…" was all a new user saw. Since ui36 that Get cannot be pressed, and a message under an
    // open dialog is under it: a crate name taken, a long one, stands in)
    const { page } = studio.sp;
    const lib = libraryPage(studio.sp);
    await lib.show();
    const long = 'Late-night harbour set, for when the room is full and nobody wants to go home yet';
    for (const name of [long, long.toUpperCase()]) {
      await page.getByTestId('crate-new').click();
      await page.getByTestId('crate-name-input').fill(name);
      const m = await studio.sp.mark();
      await page.getByTestId('crate-name-input').press('Enter');
      await studio.sp.waitForEvent(name === long ? 'crate-created' : 'error-shown', { after: m });
    }
    await page.keyboard.press('Escape');
    const message = page.getByTestId('toast-error').locator('.message');
    const cut = () => message.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
    assert.match(await message.innerText(), /harbour set/);
    assert.equal(await cut(), true, 'a message this long is cut at first (three lines)');
    await page.getByTestId('toast-error').hover();
    await studio.sp.frames(2);
    assert.equal(await cut(), false, 'the whole message while the pointer is on it');
    await studio.sp.screenshot('newuser35-toast-whole-on-hover');
    await page.mouse.move(700, 300);
    await studio.sp.frames(2);
    assert.equal(await cut(), true, 'cut again once the pointer left');
    await page.getByTestId('toast-error').getByTestId('dismiss').focus();
    await studio.sp.frames(2);
    assert.equal(await cut(), false, 'the whole message while its Dismiss has the keyboard focus');
  });

  test('the file browser Model settings opens is above it: every point they share shows the browser; a folder that is no pack is said in the settings (tester36)', async () => {
    // Choose model pack… in Model settings (z-index 42) opened the in-app browser (40) under it: the settings covered
    // the browser's right third — its path field's end, its list — and stayed clickable over the modal browser
    const { page } = studio.sp;
    await page.getByTestId('view-track').click();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('model-settings-open').click({ timeout: 10_000 });
    const settings = page.getByTestId('model-settings');
    await settings.waitFor({ timeout: 10_000 });
    await page.getByTestId('settings-choose-pack').click({ timeout: 10_000 });
    const fb = page.getByTestId('file-browser');
    await fb.waitFor({ timeout: 10_000 });
    await studio.sp.frames(2);
    const a = (await fb.boundingBox())!;
    const b = (await settings.boundingBox())!;
    const over = { x: Math.max(a.x, b.x) + 2, y: Math.max(a.y, b.y) + 2, w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x), h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) };
    assert.ok(over.w > 4 && over.h > 4, `the browser and the settings share an area at this size (browser ${JSON.stringify(a)}, settings ${JSON.stringify(b)})`);
    const seen = await page.evaluate(({ x, y, w, h }) => {
      const d = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document;
      const out: string[] = [];
      for (let i = 0; i <= 4; i++) for (let j = 0; j <= 4; j++) {
        const e = d.elementFromPoint(x + ((w - 4) * i) / 4, y + ((h - 4) * j) / 4);
        out.push(e?.closest('[data-testid=file-browser]') ? 'browser' : e?.closest('[data-testid=model-settings]') ? 'settings' : 'other');
      }
      return out;
    }, over);
    await studio.sp.screenshot('tester36-browser-over-model-settings');
    assert.deepEqual([...new Set(seen)], ['browser'], `the browser shows wherever the settings lie under it (${seen.join(' ')})`);
    await page.keyboard.press('Escape');
    await fb.waitFor({ state: 'detached', timeout: 10_000 });
    // a folder that is no pack, chosen there: the reason is said inside the settings (the message under them is dimmed
    // behind their backdrop, cut to three lines, out of the pointer's reach) — they said "No model pack chosen." only
    const notPack = join(OUTPUT, 'e2e-toasts-tester36', 'Not a pack');
    mkdirSync(notPack, { recursive: true });
    writeFileSync(join(notPack, 'readme.txt'), 'no manifest here');
    const ev = await studio.sp.chat().choosePack(notPack, 'settings-choose-pack');
    assert.equal(ev.name, 'pack-failed');
    const said = await settings.getByTestId('settings-error').innerText({ timeout: 5000 }).catch(() => '(nothing said in the settings)');
    assert.match(said, /This model pack cannot be used: .*Not a pack" is not a model pack: it has no manifest\.json/, said);
    await studio.sp.screenshot('tester36-model-settings-pack-failed');
    // the settings closed by their own ✕
    await settings.getByRole('button', { name: /close/i }).click({ timeout: 10_000 });
    await settings.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('the settings\' other actions that fail are said inside them too: the diagnostics the engine died reading (cliui37)', async () => {
    // after tester36 only the pack's errors (ABOUT.pack) were; "Could not read the model diagnostics", "Could not
    // forget the model pack", "Could not unload the model" and the folder dialog's stayed toasts under the backdrop. The
    // engine is frozen as the settings open (their diagnostics call waits), then killed: that call fails, as it does
    // when the engine crashes while the settings read it. The last case of the file: `studio serve` starts another engine
    const { page } = studio.sp;
    await studio.sp.dismissToasts();
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1]);
    assert.ok(pid > 0, 'the engine pid is shown');
    process.kill(pid, 'SIGSTOP');
    const settings = page.getByTestId('model-settings');
    try {
      await page.getByTestId('model-settings-open').click({ timeout: 10_000 });
      await settings.waitFor({ timeout: 10_000 });
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    // its toast (under the backdrop), then what the settings say
    await page.locator('[data-testid=toast-error]', { hasText: 'Could not read the model diagnostics' }).waitFor({ state: 'attached', timeout: 30_000 });
    await studio.sp.frames(2);
    const said = await settings.getByTestId('settings-error').allInnerTexts();
    assert.ok(said.some((t) => /^Could not read the model diagnostics: /.test(t)), `said in the settings: ${JSON.stringify(said)}`);
    await studio.sp.screenshot('cliui37-model-settings-diagnostics-failed');
    await settings.getByRole('button', { name: /close/i }).click({ timeout: 10_000 });
    await settings.waitFor({ state: 'hidden', timeout: 10_000 });
  });
});

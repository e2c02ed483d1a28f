import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { startTestEngine } from '../helpers/engine';
import { OUTPUT, toneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';
import { libraryPage } from './library-page';

/**
 * Error messages go once what they report is put right (issue 15): a model
 * pack remembered from the desktop app outside `studio serve --root` (the
 * answer is refused, saying how to choose one inside; choosing one takes the
 * message back), and a library folder that cannot be added (inside one
 * already; once that one is removed and the folder added, the message goes).
 * Run: npm run build && node tools/run-tests.mjs test/e2e/toasts-resolved.test.ts
 */
describe('error toasts go when fixed (issue 15)', { timeout: 300_000 }, () => {
  const root = join(OUTPUT, 'e2e-toasts-root');
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-e2e-toasts-'));
  const outsidePack = join(TINY_DIR, 'packs', 'beta-fp32');
  const insidePack = join(root, 'pack');
  const outer = join(root, 'music');
  const inner = join(outer, 'inner');

  const studio = useStudio({
    serve: { dataDir, roots: [root] },
    viewport: { width: 1440, height: 900 },
    prepare: async () => {
      ensureTinyPacks();
      rmSync(root, { recursive: true, force: true });
      mkdirSync(inner, { recursive: true });
      copyFileSync(toneFile('e2e-toasts-tone.mp3', 3), join(root, 'tone.mp3'));
      copyFileSync(join(root, 'tone.mp3'), join(inner, 'tone.mp3'));
      cpSync(outsidePack, insidePack, { recursive: true });
      // the desktop app (no roots) chose a pack outside the folders serve will allow
      const { engine } = await startTestEngine({ dataDir });
      await engine.call('model:choose-pack', { path: outsidePack });
      await engine.stop();
    },
  });

  test('a remembered pack outside the roots: the answer is refused with how to fix it; choosing a pack inside takes the message back', async () => {
    const sp = studio.sp;
    await sp.openThroughBrowser(join(root, 'tone.mp3'));
    const chat = sp.chat();
    const failed = await chat.answered(await chat.ask('What is this?'));
    assert.equal(failed.name, 'chat-failed', JSON.stringify(failed.detail));
    assert.equal((failed.detail as { code: string }).code, 'FORBIDDEN');
    const [toast, ...more] = await sp.toastTexts('error');
    assert.deepEqual(more, []);
    assert.match(toast, /The answer failed/);
    assert.match(toast, /outside web mode's allowed folders/);
    assert.match(toast, /Choose a model pack inside them/);
    await sp.screenshot('issue15-toast-pack-outside-roots');
    const m = await sp.mark();
    const chosen = await chat.choosePack(insidePack);
    assert.equal(chosen.name, 'pack-chosen', JSON.stringify(chosen.detail));
    await sp.waitForEvent('toast-resolved', { after: m });
    assert.deepEqual(await sp.toastTexts('error'), [], 'the refused answer’s message went once a pack inside the roots was chosen');
    const answered = await chat.answered(await chat.ask('What is this?'));
    assert.equal(answered.name, 'chat-answered', JSON.stringify(answered.detail));
    assert.deepEqual(await sp.toastTexts('error'), []);
    await sp.screenshot('issue15-toast-pack-fixed');
  });

  test('a library folder that cannot be added: its message goes once it is added', async () => {
    const sp = studio.sp;
    const lib = libraryPage(sp);
    await lib.show();
    assert.equal((await lib.addFolder(outer)).name, 'library-folder-added');
    const failed = await lib.addFolder(inner);
    assert.equal(failed.name, 'library-folder-failed');
    const errors = await sp.toastTexts('error');
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /Could not add .*inner[\s\S]*already in the library/);
    await sp.screenshot('issue15-toast-folder-failed');
    // put right: the outer folder is removed, then the inner one is added
    await sp.page.getByTestId('folder-remove').first().click();
    let m = await sp.mark();
    await sp.page.getByTestId('folder-remove-confirm').click();
    await sp.waitForEvent('library-folder-removed', { after: m });
    assert.equal((await sp.toastTexts('error')).length, 1, 'removing the other folder alone does not claim the add worked');
    m = await sp.mark();
    assert.equal((await lib.addFolder(inner)).name, 'library-folder-added');
    await sp.waitForEvent('toast-resolved', { after: m });
    assert.deepEqual(await sp.toastTexts('error'), []);
    await sp.screenshot('issue15-toast-folder-fixed');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

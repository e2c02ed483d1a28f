import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
import { chooseLlamaFolder, llamaFolderStandIn } from '../helpers/model-sources';
import { useStudio } from '../helpers/studio';

/**
 * The Models panel with a folder chosen that is not what it should be (tester26): a music folder chosen as the
 * LLaMA-7B folder was shown as chosen, with nothing saying it cannot be used — the catalogue quietly listed the parts
 * without it ("point to it" stayed), and only Get said why, in a toast naming the command line's --llama. The panel
 * now says why under the folders, as `studio model get --llama` does. No Hub is reached (HF_ENDPOINT points at a
 * closed port): the panel's catalogue works offline.
 * Run: npm run build && node --import tsx --test test/e2e/models-folder-problem.test.ts
 */
describe('Models panel: a chosen folder that cannot be used, or none, says why', { timeout: 300_000 }, () => {
  const dir = join(OUTPUT, 'e2e-models-folder-problem');
  const studio = useStudio({
    serve: { env: { HF_ENDPOINT: 'http://127.0.0.1:9', STUDIO_IMAGEBIND_URL: 'http://127.0.0.1:9/imagebind_huge.pth' } },
    prepare: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(dir, 'Albums'), { recursive: true });
      writeFileSync(join(dir, 'Albums', 'song.mp3'), 'not a model');
    },
  });

  test('a music folder as the LLaMA-7B folder: the panel names what it lacks; cleared, the note goes', async () => {
    const { sp } = studio;
    const { page } = sp;
    let m = await sp.mark();
    await page.getByTestId('get-model').click();
    await sp.waitForEvent('catalog-loaded', { after: m });
    await page.getByTestId('models-panel').waitFor();
    assert.equal(await page.getByTestId('folders-problem').count(), 0, 'nothing chosen: no problem shown');

    await page.getByTestId('pick-llama').click();
    await sp.fileBrowser().goTo(join(dir, 'Albums'));
    m = await sp.mark();
    await page.getByTestId('browser-use-folder').click();
    await sp.waitForEvent('catalog-loaded', { after: m });
    const note = page.getByTestId('folders-problem');
    await note.waitFor();
    const text = await note.innerText();
    assert.match(text, /The LLaMA-7B folder ".*Albums" lacks config\.json, tokenizer\.model, the weights/);
    assert.doesNotMatch(text, /--llama/, 'the panel is no command line');
    assert.equal(await page.getByTestId('part-alpha-llm').getAttribute('data-state'), 'user');
    await sp.screenshot('models-folder-problem');

    // Get cannot be pressed with that folder, and says why beside it (ui36: it was pressable, and refused in a toast
    // after — a toast that since ui36 lies under the panel)
    const get = page.getByTestId('get-alpha');
    assert.equal(await get.isDisabled(), true, 'Get waits for a usable folder');
    const needs = page.getByTestId('get-needs-alpha');
    assert.match(await needs.innerText(), /The folder chosen for the LLM cannot be used \(said above\): choose another, or clear it/);
    assert.equal(await get.getAttribute('title'), await needs.innerText(), 'the button\'s tooltip says the same');
    assert.equal(await page.getByTestId('toast-error').count(), 0);

    // the folder cleared: the note goes, and Get says what it waits for now
    m = await sp.mark();
    await page.getByRole('button', { name: 'Clear LLaMA-7B folder' }).click();
    await sp.waitForEvent('catalog-loaded', { after: m });
    assert.equal(await page.getByTestId('folders-problem').count(), 0);
    assert.match(await needs.innerText(), /Choose a folder above first: your LLaMA-7B folder/);
  });

  test('Get with no LLM folder chosen says to choose one before it is pressed — offline too', async () => {
    const { sp } = studio;
    const { page } = sp;
    const get = page.getByTestId('get-alpha');
    assert.equal(await get.isDisabled(), true, 'no Get to press with no LLM folder (ui36: it answered with an error toast)');
    assert.equal(await page.getByTestId('get-beta').isDisabled(), true, 'β alike');
    const needs = await page.getByTestId('get-needs-alpha').innerText();
    assert.match(needs, /your LLaMA-7B folder, an assembled Vicuna-7B v0 folder, or the official ckpt\/ folder/);
    assert.doesNotMatch(needs, /Hugging Face Hub could not be reached/);
    assert.match(await page.getByTestId('get-needs-beta').innerText(), /your LLaMA-7B folder/);
    await sp.screenshot('ui36-models-get-needs-folder');
    assert.equal(await page.getByTestId('toast-error').count(), 0);
    assert.equal(await page.getByTestId('get-message').count(), 0, 'no Get was started');
    await page.keyboard.press('Escape');
  });

  test('a Get the engine refuses (the folder gone since it was chosen): said in the panel, no message over it (ui36)', async () => {
    // the toasts lie under a modal dialog since ui36, as a desktop window's do: the panel says its own action's error
    const { sp } = studio;
    const { page } = sp;
    const llama = llamaFolderStandIn(join(dir, 'llama-7b'));
    await chooseLlamaFolder(sp, llama);
    const get = page.getByTestId('get-alpha');
    assert.equal(await get.isDisabled(), false, 'a usable folder: Get can be pressed');
    rmSync(llama, { recursive: true, force: true });
    const m = await sp.mark();
    await get.click();
    const shown = await sp.waitForEvent(['error-shown', 'model-get-started'], { after: m });
    assert.equal(shown.name, 'error-shown', JSON.stringify(shown.detail));
    const said = page.getByTestId('models-error');
    await said.waitFor({ timeout: 10_000 });
    assert.match(await said.innerText(), /^Could not get the model: .*LLaMA-7B folder/);
    const box = (await said.boundingBox())!;
    const there = await page.evaluate(({ x, y }) => {
      const e = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document.elementFromPoint(x, y);
      return !!e?.closest('[data-testid=models-panel]');
    }, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    assert.ok(there, 'the panel\'s own line is what shows there');
    await sp.screenshot('ui36-models-error-in-panel');
    // cleared: the refusal about that folder goes from the panel (and the toasts)
    await page.getByRole('button', { name: 'Clear LLaMA-7B folder' }).click();
    await said.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await page.getByTestId('toast-error').count(), 0);
    await page.keyboard.press('Escape');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

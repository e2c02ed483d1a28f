import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT } from '../helpers/media';
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

    // Get pressed anyway: the refusal names what to do in the panel, not the command line's --llama (tester33: the
    // toast said "Point --llama to LLaMA-7B in Hugging Face format")
    m = await sp.mark();
    await page.getByTestId('get-alpha').click();
    const shown = await sp.waitForEvent(['error-shown', 'model-get-ended'], { after: m });
    assert.equal(shown.name, 'error-shown', JSON.stringify(shown.detail));
    const refused = (shown.detail as { message: string }).message;
    assert.match(refused, /lacks config\.json/);
    assert.doesNotMatch(refused, /--llama|--vicuna/, 'the toast is no command line');
    assert.match(refused, /Choose your LLaMA-7B folder in Hugging Face format/);
    assert.equal(await page.getByTestId('toast-error').count(), 1);

    // the folder it was about cleared: the refusal goes with it (tester33: it stayed up while a Get with a good folder ran)
    m = await sp.mark();
    await page.getByRole('button', { name: 'Clear LLaMA-7B folder' }).click();
    await sp.waitForEvent('catalog-loaded', { after: m });
    assert.equal(await page.getByTestId('folders-problem').count(), 0);
    await page.getByTestId('toast-error').waitFor({ state: 'detached', timeout: 5000 }); // the refusal about the cleared folder is gone
  });

  test('Get with no LLM folder chosen says to choose one at once — offline too, where it said the Hub could not be reached', async () => {
    const { sp } = studio;
    const { page } = sp;
    const m = await sp.mark();
    await page.getByTestId('get-alpha').click();
    const shown = await sp.waitForEvent(['error-shown', 'model-get-ended'], { after: m });
    assert.equal(shown.name, 'error-shown', JSON.stringify(shown.detail));
    const { code, message } = shown.detail as { code: string; message: string };
    assert.equal(code, 'MODEL_MISSING');
    assert.match(message, /point to your LLaMA-7B folder/);
    assert.doesNotMatch(message, /Hugging Face Hub could not be reached/);
    assert.equal(await page.getByTestId('get-message').count(), 0, 'no Get was started');
    await sp.dismissToasts();
    await page.keyboard.press('Escape');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { longToneFile } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * Find beats on a long track (tester14): the tempo analysis of a DJ mix takes
 * minutes, and the button only read "Finding beats…", disabled, with no
 * progress and no way to stop it (the engine's media:beats reports progress
 * and can be cancelled; the page passed neither). Now it shows how far it is
 * and Cancel stops it; Find beats can be pressed again afterwards.
 * Run: npm run build && node --import tsx --test test/e2e/beats-cancel.test.ts
 */

describe('Find beats: progress and Cancel', { timeout: 300_000 }, () => {
  let file = '';
  // 40 minutes (the tempo analyser reads it for tens of seconds even on a fast machine)
  const studio = useStudio({ prepare: () => (file = longToneFile('beats-cancel-40min.mp3', 2400, ['-c:a', 'libmp3lame', '-b:a', '64k'])) });

  test('while the beats are found, the bar shows the fraction done and Cancel stops it; Find beats is offered again', async () => {
    const { sp } = studio;
    const m = await sp.mark();
    const opened = await sp.openThroughBrowser(file);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    const none = (await sp.waitForEvent('beats-loaded', { after: m })).detail as { source: string };
    assert.equal(none.source, 'none');
    await sp.page.getByTestId('find-beats').click();
    // progress: a fraction above 0 shown while it runs
    await sp.page.waitForFunction(() => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector('[data-testid=beats-progress]');
      return el !== null && Number(el.getAttribute('data-fraction')) > 0;
    }, undefined, { polling: 50 });
    await sp.screenshot('beats-cancel-running');
    const c = await sp.mark();
    await sp.page.getByTestId('cancel-beats').click();
    await sp.waitForEvent('beats-cancelled', { after: c });
    await sp.page.locator('[data-testid=find-beats][data-state=none]').waitFor();
    assert.equal(await sp.page.getByTestId('find-beats').isEnabled(), true, 'Find beats can be pressed again');
    assert.equal(await sp.page.getByTestId('beats-progress').count(), 0);
    const loaded = (await sp.events('beats-loaded')).filter((e) => e.seq > c);
    assert.deepEqual(loaded, [], 'no grid arrived after Cancel');
    assert.deepEqual(sp.problems, []);
  });
});

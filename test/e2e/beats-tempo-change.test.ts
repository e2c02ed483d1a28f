import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useStudio } from '../helpers/studio';
import { tempoRender } from '../helpers/tempo-render';

/**
 * The Beat grid of a track whose tempo changes (session 17 tester): the analysis found its sections (90 → 130 → 90
 * BPM) but the track view's Beat grid said nothing of it — one number beside "Beat grid", one steady grid drawn.
 * Now a line under the tools says the tempo changes and that the grid keeps one tempo.
 * Run: npm run build && node --import tsx --test test/e2e/beats-tempo-change.test.ts
 */
describe('Beat grid: a tempo that changes is said', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({ prepare: () => (file = tempoRender('ts-90-130-90.wav', [[90, 90, 30], [130, 130, 30], [90, 90, 30]])) });

  test('Find beats on a 90 → 130 → 90 render: "Tempo changes: 90 → 129 → 90 BPM; the grid keeps one tempo"', async () => {
    const { sp } = studio;
    const m = await sp.mark();
    const opened = await sp.openThroughBrowser(file);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    await sp.waitForEvent('beats-loaded', { after: m });
    const f = await sp.mark();
    await sp.page.getByTestId('find-beats').click();
    const grid = (await sp.waitForEvent('beats-loaded', { after: f })).detail as { bpm: number; source: string };
    assert.equal(grid.source, 'analysed');
    const line = sp.page.getByTestId('beatgrid-tempo-change');
    await line.waitFor();
    assert.match(await line.innerText(), /^Tempo changes: 90 → 1[23]\d → 90 BPM; the grid keeps one tempo \(\d+(\.\d)? BPM\)$/);
    assert.match((await line.getAttribute('title')) ?? '', /^The tempo changes: 0:00–0:3\d 90 BPM, .*its lines drift off the beats\.$/);
    await sp.screenshot('beats-tempo-change');
    assert.deepEqual(sp.problems, []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MIN_CONFIDENCE } from '@contract';
import { media } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * A tempo the app shows "uncertain" draws no beat grid (tester28): a 330 Hz sine in an .mp4 read "Beat grid
 * uncertain" with "0%" in its tooltip, yet the waveform carried a grid of red bar lines numbered 1, 2, 3, … at the
 * best guess (51.7 BPM) — bars where the app itself says it does not know the tempo. Under MIN_CONFIDENCE (the
 * table's and the features line's threshold) no line and no bar number is drawn, and the view says why where the
 * grid would be. The file here is pink noise with a slow tremolo (library-crosscheck's "tempo at low confidence"):
 * the track view's analysis of this machine's sines found no beats at all.
 * Run: npm run build && node --import tsx --test test/e2e/beatgrid-uncertain.test.ts
 */
describe('beat grid: none drawn for an uncertain tempo', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({
    prepare: () => (file = media('e2e-beatgrid-uncertain.mp4', ['-f', 'lavfi', '-i', 'anoisesrc=d=15:c=pink:a=0.3:seed=3', '-af', 'tremolo=f=1.3:d=0.6', '-c:a', 'aac', '-b:a', '128k'])),
  });

  test('tremolo noise: tempo uncertain, no lines or bar numbers, and the reason shown', async () => {
    const { sp } = studio;
    const { page } = sp;
    const m = await sp.mark();
    assert.equal((await sp.openThroughBrowser(file)).name, 'track-opened');
    await sp.waitForEvent('waveform-drawn', { after: m });
    assert.equal(((await sp.waitForEvent('beats-loaded', { after: m })).detail as { source: string }).source, 'none');
    const m2 = await sp.mark();
    await page.getByTestId('find-beats').click();
    const beats = (await sp.waitForEvent('beats-loaded', { after: m2 })).detail as { bpm: number | null; bpmConfidence: number | null; beats: number };
    assert.ok(beats.bpm !== null && beats.beats > 0, `the analyser's best guess has beats: ${JSON.stringify(beats)}`);
    assert.ok((beats.bpmConfidence ?? 0) < MIN_CONFIDENCE, `its tempo is uncertain: ${JSON.stringify(beats)}`);
    assert.equal(await page.getByTestId('beatgrid-bpm').getAttribute('data-certainty'), 'uncertain');
    const drawn = (await sp.waitForEvent('beatgrid-drawn', { after: m2 })).detail as { beats: number; downbeats: number; hidden?: string };
    assert.deepEqual([drawn.beats, drawn.downbeats, drawn.hidden], [0, 0, 'uncertain'], JSON.stringify(drawn));
    // nothing on the grid's canvas: every pixel transparent
    const lit = await page.getByTestId('beat-grid').evaluate((el) => {
      const c = el as unknown as { width: number; height: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.equal(lit, 0, 'no grid pixel drawn');
    // the reason, where the grid would be, and in the button's tooltip
    const note = page.getByTestId('beatgrid-hidden');
    await note.waitFor();
    assert.match(await note.innerText(), /no beat grid.*tempo uncertain/i);
    assert.match((await page.getByTestId('toggle-beatgrid').getAttribute('title')) ?? '', /no grid drawn/i);
    await sp.screenshot('beatgrid-uncertain');
    // the grid switched off: the note goes too
    await page.getByTestId('toggle-beatgrid').click();
    await note.waitFor({ state: 'detached' });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { media } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * left28c: a float WAV peaking above 0 dBFS (+6 dBFS) drew its waveform clipped flat at full height, with no mark,
 * while the library showed its true peak +6.0. The peaks keep the level over full scale (waveform.ts) and the track
 * view draws the part over 0 dBFS in red (white under Colours), with a line saying so. 2 s at −6 dBFS, then 2 s at +6 dBFS (32-bit float).
 * Run: npm run build && node tools/run-tests.mjs test/e2e/wave-over.test.ts
 */
describe('the waveform over full scale', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({
    prepare: () =>
      (file = media('e2e-over-6dbfs-f32.wav', ['-f', 'lavfi', '-i', "aevalsrc=exprs='if(lt(t,2),0.5,2)*sin(2*PI*220*t)':s=44100:d=4", '-c:a', 'pcm_f32le'])),
    viewport: { width: 1280, height: 800 },
  });

  /** RGB of the wave canvas at time t (fitted: x ∝ time) and height fraction yFrac from the top */
  async function pixelAt(t: number, yFrac: number): Promise<[number, number, number, number]> {
    return studio.sp.page.getByTestId('wave-detail').evaluate((el, [tt, yf]) => {
      const c = el as unknown as { width: number; height: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const x = Math.min(c.width - 1, Math.floor((tt / 4) * c.width));
      const p = c.getContext('2d').getImageData(x, Math.floor(yf * c.height), 1, 1).data;
      return [p[0], p[1], p[2], p[3]] as [number, number, number, number];
    }, [t, yFrac] as const);
  }

  test('the part over 0 dBFS is red, the rest as ever; a line names the peak, +6.0 dBFS', async () => {
    const { sp } = studio;
    const m = await sp.mark();
    const opened = await sp.openThroughBrowser(file);
    assert.equal(opened.name, 'track-opened', JSON.stringify(opened.detail));
    const drawn = (await sp.waitForEvent('wave-over-drawn', { after: m })).detail as { overPx: number; width: number; topDb: number };
    // the second half goes over: about half the width's pixels
    assert.ok(drawn.overPx > 0.4 * drawn.width && drawn.overPx < 0.6 * drawn.width, JSON.stringify(drawn));
    assert.ok(Math.abs(drawn.topDb - 6.02) < 0.1, JSON.stringify(drawn));
    assert.match(await sp.page.getByTestId('wave-over').innerText(), /over full scale \(0 dBFS\), peaks up to \+6\.0 dBFS/);
    // the scale is the loudest peak (2.0 at the top): full scale (1.0) lies a quarter of the height from the top
    const red = (p: number[]) => p[3] > 0 && p[0] > 200 && p[1] < 100 && p[2] < 100;
    const over = await pixelAt(3.01, 0.1);
    assert.ok(red(over), `over 0 dBFS at 3 s, near the top: ${over}`);
    const under = await pixelAt(3.01, 0.85);
    assert.ok(red(under), `over 0 dBFS at 3 s, near the bottom: ${under}`);
    const inside = await pixelAt(3.01, 0.5);
    assert.ok(inside[3] > 0 && !red(inside), `within full scale at 3 s: the wave's colour: ${inside}`);
    const quiet = await pixelAt(1.01, 0.1);
    assert.ok(!red(quiet), `the −6 dBFS half reaches no red: ${quiet}`);
    await sp.screenshot('wave-over-6dbfs');
    // on the frequency colours (whose low band is red) the over part is white
    const m2 = await sp.mark();
    await sp.page.getByTestId('toggle-colour').click();
    await sp.waitForEvent('wave-colour-drawn', { after: m2 });
    const white = await pixelAt(3.01, 0.1);
    assert.ok(white[3] > 0 && white.slice(0, 3).every((v) => v > 230), `over 0 dBFS under Colours: white, ${white}`);
    assert.match(await sp.page.getByTestId('wave-over').innerText(), /^White: over full scale/);
    // the note is written in the colour it names (it stayed red under Colours)
    assert.equal(await sp.page.getByTestId('wave-over').evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { color: string } }).getComputedStyle(e).color), 'rgb(255, 255, 255)');
    await sp.screenshot('wave-over-6dbfs-colours');
    await sp.page.getByTestId('toggle-colour').click();
  });

  /**
   * RGBA of the overview strip as the page shows it (an element screenshot: wavesurfer's minimap and whatever is drawn
   * over it), at time t (the strip spans the track) and height fraction yFrac from the top; decoded by the page itself
   */
  async function overviewPixels(points: Array<[number, number]>): Promise<Array<[number, number, number, number]>> {
    const png = (await studio.sp.page.locator('.overview').screenshot()).toString('base64');
    return studio.sp.page.evaluate(async ([b64, pts]) => {
      const g = globalThis as unknown as { Image: new () => { src: string; decode(): Promise<void>; width: number; height: number }; OffscreenCanvas: new (w: number, h: number) => { getContext(k: string): { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } };
      const img = new g.Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const ctx = new g.OffscreenCanvas(img.width, img.height).getContext('2d');
      ctx.drawImage(img, 0, 0);
      return pts.map(([t, yf]) => {
        const d = ctx.getImageData(Math.min(img.width - 1, Math.floor((t / 4) * img.width)), Math.floor(yf * img.height), 1, 1).data;
        return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
      });
    }, [png, points] as const);
  }

  // tester28: the overview strip above the wave drew the +6 dBFS half in its one grey, with no mark, while the wave
  // below marked it red. The strip marks the part over 0 dBFS too, in the same colours (red; white under Colours)
  test('the overview strip marks the part over 0 dBFS as the wave does', async () => {
    const { sp } = studio;
    const red = (p: number[]) => p[0] > 200 && p[1] < 100 && p[2] < 100;
    const white = (p: number[]) => p.slice(0, 3).every((v) => v > 230);
    // the strip is scaled to the loudest peak (2.0 at its top): full scale lies a quarter of its height from the top
    const [overTop, overBottom, inside, quiet] = await overviewPixels([[3.01, 0.1], [3.01, 0.9], [3.01, 0.5], [1.01, 0.1]]);
    assert.ok(red(overTop), `over 0 dBFS at 3 s, near the strip's top: ${overTop}`);
    assert.ok(red(overBottom), `over 0 dBFS at 3 s, near the strip's bottom: ${overBottom}`);
    assert.ok(!red(inside), `within full scale: the strip's own colour: ${inside}`);
    assert.ok(!red(quiet), `the −6 dBFS half: no red: ${quiet}`);
    await sp.screenshot('wave-over-6dbfs-overview');
    const m = await sp.mark();
    await sp.page.getByTestId('toggle-colour').click();
    await sp.waitForEvent('wave-colour-drawn', { after: m });
    await sp.frames(2);
    const [colours] = await overviewPixels([[3.01, 0.1]]);
    assert.ok(white(colours), `under Colours the strip's over part is white too: ${colours}`);
    await sp.screenshot('wave-over-6dbfs-overview-colours');
    await sp.page.getByTestId('toggle-colour').click();
  });
});

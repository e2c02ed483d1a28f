import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTPUT } from '../helpers/media';
import { cadence, keyProgression } from '../helpers/key-render';
import { tempoRender } from '../helpers/tempo-render';
import { scanFolder } from './library-page';
import { launchChromium, startServe, StudioPage, type ServeProcess } from './studio-page';

/**
 * Issue 10 kind 4 in the library's track detail: a track whose tempo changes
 * twice (numpy render, 30 s each at 90, 130 and 90 BPM) reads "Tempo variable
 * 90–130 BPM" with its whole-track estimate beside it, and its sections, each
 * with its times and tempo; the features line states the change. A gradual
 * change (an accelerando 80 → 140) reads as one section "0:00–1:00 80 → 140
 * BPM". A steady track shows no sections.
 * A key that changes (numpy chords, 32 s C major then 32 s G major): the
 * library table marks it ("~" beside the key, its tooltip the keys and
 * sections) as it marks the tempo that changes beside the BPM; the detail
 * reads "Key changes C major → G major" with its sections; Write tags writes
 * its BPM, not one key, and the dialog says why.
 * Run: npm run build && node tools/run-tests.mjs test/e2e/tempo-sections.test.ts
 */
describe('library table and detail: tempo and key sections (issue 10 kind 4)', { timeout: 300_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sp: StudioPage;
  const home = join(OUTPUT, 'e2e-tempo-sections');
  const dir = join(home, 'Music');

  before(async () => {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(tempoRender('ts-90-130-90.wav', [[90, 90, 30], [130, 130, 30], [90, 90, 30]]), join(dir, 'Changes twice.wav'));
    copyFileSync(tempoRender('ts-accel-80-140.wav', [[80, 140, 60]]), join(dir, 'Accelerando.wav'));
    copyFileSync(tempoRender('tempo-steady-60s-120.wav', [[120, 120, 60]]), join(dir, 'Steady.wav'));
    copyFileSync(keyProgression('key-change-c-g-hat.wav', [[cadence(0), 32], [cadence(7), 32]], 120), join(dir, 'Modulation.wav'));
    const launching = launchChromium().then((b) => (browser = b));
    serve = await startServe().finally(() => launching);
    await launching;
    sp = await StudioPage.open(browser, serve, { width: 1440, height: 900 });
    await scanFolder(sp, dir, 4);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const open = async (name: string) => {
    const m = await sp.mark();
    await sp.page.locator('[data-testid=library-row]', { hasText: name }).click();
    await sp.waitForEvent('library-detail', { after: m });
  };

  test('the detail view shows the span, the whole-track estimate and each section; the features line states the change', async () => {
    const { page } = sp;
    await open('Changes twice');
    const tempo = page.getByTestId('detail-tempo');
    assert.equal(await tempo.getAttribute('data-certainty'), 'variable');
    assert.match(await tempo.innerText(), /^Tempo variable (8[89]|9[0-2])–1(2[7-9]|3[0-3]) BPM \(whole-track estimate [\d.]+ BPM, \d+% confidence\)$/);
    assert.match((await tempo.getAttribute('title'))!, /The tempo changes: 0:00–/);
    const sections = await page.getByTestId('detail-tempo-section').allInnerTexts();
    assert.equal(sections.length, 3, sections.join(' / '));
    assert.match(sections[0], /^0:00–0:(2[6-9]|3[0-4]) (8[89]|9[0-2]) BPM$/);
    assert.match(sections[1], /^0:(2[6-9]|3[0-4])–(0:5[6-9]|1:0[0-4]) 1(2[7-9]|3[0-3]) BPM$/);
    assert.match(sections[2], /^(0:5[6-9]|1:0[0-4])–1:30 (8[89]|9[0-2]) BPM$/);
    assert.match(await page.getByTestId('detail-features').innerText(), /^Tempo: changes from \d+ to \d+ to \d+ BPM\./);
    await sp.screenshot('issue10-detail-tempo-sections');

    await open('Accelerando');
    assert.match(await tempo.innerText(), /^Tempo variable (7[4-9]|8[0-6])–1(3[2-9]|4[0-8]) BPM/);
    const ramp = await page.getByTestId('detail-tempo-section').allInnerTexts();
    assert.equal(ramp.length, 1);
    assert.match(ramp[0], /^0:00–1:00 (7[4-9]|8[0-6]) → 1(3[2-9]|4[0-8]) BPM$/);
    assert.match(await page.getByTestId('detail-features').innerText(), /^Tempo: speeds up from \d+ to \d+ BPM\./);
    await sp.screenshot('issue10-detail-tempo-ramp');

    await open('Steady');
    assert.notEqual(await tempo.getAttribute('data-certainty'), 'variable');
    assert.match(await tempo.innerText(), /^120\.0 BPM/);
    assert.equal(await page.getByTestId('detail-tempo-sections').count(), 0);
  });

  test('the table marks the tempo that changes beside its BPM and the key that changes beside its key; the columns keep the whole-track estimates', async () => {
    const { page } = sp;
    const row = (name: string) => page.locator('[data-testid=library-row]', { hasText: name });
    const tempoMark = row('Changes twice').getByTestId('tempo-change-mark');
    assert.equal(await tempoMark.innerText(), '~');
    assert.match((await tempoMark.getAttribute('title'))!, /^Tempo changes: (8[89]|9[0-2])–1(2[7-9]|3[0-3]) BPM \(0:00–0:\d\d \d+ BPM, .*\)\. The BPM column keeps the whole-track estimate \([\d.]+ BPM\): sorted and filtered by it\.$/);
    assert.match(await row('Changes twice').locator('[data-col=bpm]').innerText(), /^~\s*[\d.]+$/, 'the whole-track estimate stays beside the mark (its confidence is in the detail)');
    assert.equal(await row('Changes twice').getByTestId('key-change-mark').count(), 0);
    const keyMark = row('Modulation').getByTestId('key-change-mark');
    assert.equal(await keyMark.innerText(), '~');
    assert.match((await keyMark.getAttribute('title'))!, /^Key changes: C( major)? → G( major)? \(0:00–0:[23]\d C( major)?, 0:[23]\d–1:0\d G( major)?\)\. The key column keeps the whole-track estimate/);
    assert.equal(await row('Modulation').getByTestId('tempo-change-mark').count(), 0);
    for (const name of ['Steady', 'Accelerando']) assert.equal(await row(name).getByTestId('key-change-mark').count(), 0, name);
    assert.equal(await row('Steady').getByTestId('tempo-change-mark').count(), 0);
    assert.equal(await row('Accelerando').getByTestId('tempo-change-mark').count(), 1);
    await sp.screenshot('issue10-table-change-marks');
  });

  test("the detail shows the key's sections; Write tags writes the BPM, not one key, and says why", async () => {
    const { page } = sp;
    await open('Modulation');
    const key = page.getByTestId('detail-key');
    assert.equal(await key.getAttribute('data-certainty'), 'variable');
    assert.match(await key.innerText(), /^Key changes C( major)? → G( major)? \(whole-track estimate .+, \d+% confidence\)$/);
    const sections = await page.getByTestId('detail-key-section').allInnerTexts();
    assert.equal(sections.length, 2, sections.join(' / '));
    assert.match(sections[0], /^0:00–0:[23]\d C( major)?$/);
    assert.match(sections[1], /^0:[23]\d–1:0\d G( major)?$/);
    assert.doesNotMatch(await page.getByTestId('detail-features').innerText(), /Key|Chords/);
    await sp.screenshot('issue10-detail-key-sections');
    await page.getByTestId('detail-write-tags').click();
    await page.getByTestId('tag-write-dialog').waitFor();
    const m = await sp.mark();
    await page.getByTestId('tag-write-go').click();
    const done = await sp.waitForEvent('tag-write-done', { after: m });
    assert.deepEqual(done.detail, { written: 1, failed: 0 });
    assert.match(await page.getByTestId('tag-write-left-out').innerText(), /^"Modulation\.wav": key not written: the key changes \(0:00–0:[23]\d C( major)?, 0:[23]\d–1:0\d G( major)?\), and one key tag would be wrong for part of the track\.$/);
    await sp.screenshot('issue10-tag-write-key-changes');
    await page.getByTestId('tag-write-cancel').click();
    await page.getByTestId('tag-write-dialog').waitFor({ state: 'hidden' });
  });
});

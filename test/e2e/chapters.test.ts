import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ff, OUTPUT, setOpusHeaderGain } from '../helpers/media';
import { useStudio } from '../helpers/studio';

/**
 * A file's own chapters (session 26; "Matroska chapters not shown", note25): an audiobook's M4B written by ffmpeg from an
 * FFMETADATA chapter list (as audiobook tools make them: a chapter track and Nero chpl), shown as a dashed line at each
 * start with its title under the cue flags, listed in the track's facts ("Chapters 4"), and a click on a title plays
 * from that chapter's start. Failed before: no chapter marker, no "Chapters" row (the probe did not read them).
 * Run: npm run build && node --import tsx --test test/e2e/chapters.test.ts
 */
const TITLES = ['Opening Credits', 'Chapter One — Ölçü ve Ünlü', 'A very long chapter title that will not fit in its short span at all', 'Epilogue'];
const STARTS = [0, 6, 21, 27];
const END = 40;

describe('the file’s chapters on the waveform (M4B audiobook)', { timeout: 300_000 }, () => {
  let file = '';
  const studio = useStudio({
    serve: { env: { STUDIO_DISABLE_WEBGPU: '1' } },
    prepare: () => {
      const dir = join(OUTPUT, 'e2e-chapters');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const meta = join(dir, 'chapters.txt');
      writeFileSync(
        meta,
        ';FFMETADATA1\ntitle=The Book\n' +
          TITLES.map((t, i) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${STARTS[i] * 1000}\nEND=${(STARTS[i + 1] ?? END) * 1000}\ntitle=${t}\n`).join(''),
      );
      file = join(dir, 'the book.m4b');
      ff(['-f', 'lavfi', '-i', `sine=frequency=330:duration=${END}`, '-i', meta, '-map', '0:a', '-map_metadata', '1', '-map_chapters', '1', '-c:a', 'aac', '-b:a', '64k', file]);
      // a song with its lyrics in an LRC file beside it, as a Windows LRC editor saves one (BOM, CRLF, an offset)
      song = join(dir, 'Ça va — the song.mp3');
      ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=14', '-c:a', 'libmp3lame', '-b:a', '96k', song]);
      writeFileSync(join(dir, 'Ça va — the song.lrc'), '\ufeff[ti:Ça va]\r\n[ar:Someone]\r\n[offset:+500]\r\n[00:02.50]Première ligne\r\n[00:05.50]Second line <00:06.00>with word times\r\n[00:09.50][00:12.00]Chorus (twice)\r\n');
      // a FLAC whose lyrics are plain text in a Vorbis comment (foobar2000, Picard: LYRICS / UNSYNCEDLYRICS)
      plain = join(dir, 'plain lyrics.flac');
      ff(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=6', plain]);
      execFileSync('metaflac', ['--set-tag=UNSYNCEDLYRICS=Line one\nLine two, no times', plain]);
      // a long song's lyrics as lrclib.net and LRC editors write them (metadata tags, blank timed lines, "♪" lines,
      // 120 lines), beside a file whose header is long (long title, artist, album, comment)
      long = join(dir, 'long lyrics.mp3');
      ff(['-f', 'lavfi', '-i', 'sine=frequency=330:duration=40', '-c:a', 'libmp3lame', '-b:a', '64k',
        '-metadata', `title=${'A very long song title that goes on and on '.repeat(3)}`, '-metadata', `artist=${'The Artist With A Long Name & Friends, '.repeat(3)}`,
        '-metadata', `album=${'An Album Named At Length '.repeat(3)}`, '-metadata', `comment=${'A long comment that a tagger left here. '.repeat(12)}`, long]);
      const lrc = ['[ti:Long]', '[ar:Artist]', '[by:]', '[re:LRC Editor]', '[ve:1.0]', '[length: 00:40]', ''];
      for (let i = 0; i < LONG_LINES; i++) lrc.push(`[00:${(i * 0.3).toFixed(2).padStart(5, '0')}]${i % 10 === 9 ? '' : i % 10 === 4 ? '♪' : `Line ${i + 1} of the long song`}`);
      writeFileSync(join(dir, 'long lyrics.lrc'), `${lrc.join('\n')}\n`);
      // a USLT frame per language, as Mp3tag, kid3 and foobar2000 keep them: tagged by kid3-cli
      languages = join(dir, 'three languages.mp3');
      ff(['-f', 'lavfi', '-i', 'sine=frequency=550:duration=6', '-c:a', 'libmp3lame', '-b:a', '64k', languages]);
      // an Opus file whose header sets an output gain (+6 dB, as opusgain-style tools edit it), tagged by loudgain
      // (R128_TRACK_GAIN, on top of the header's gain: RFC 7845 §5.2.1)
      opus = join(dir, 'header gain.opus');
      ff(['-f', 'lavfi', '-i', 'anoisesrc=d=6:c=pink:a=0.2', '-ar', '48000', join(dir, 'noise.wav')]);
      execFileSync('opusenc', ['--quiet', join(dir, 'noise.wav'), opus]);
      setOpusHeaderGain(opus, 6);
      execFileSync('loudgain', ['-q', '-s', 'e', opus], { stdio: 'ignore' });
      execFileSync('kid3-cli', ['-c', 'set lyrics "English one\nEnglish two"', '-c', 'set lyrics.language eng', '-c', 'set lyrics[1] "Deutsch eins"', '-c', 'set lyrics[1].language deu', '-c', 'set lyrics[2] "日本語の歌詞"', '-c', 'set lyrics[2].language jpn', languages]);
    },
  });
  const LONG_LINES = 120;
  let song = '';
  let plain = '';
  let long = '';
  let languages = '';
  let opus = '';

  test('a dashed line and a title per chapter, the count in the facts, a click plays from the chapter', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(file)).name, 'track-opened');
    const markers = page.getByTestId('chapter-marker');
    await markers.first().waitFor();
    assert.equal(await markers.count(), 4);
    assert.deepEqual(await markers.locator('button').allInnerTexts(), TITLES);
    assert.equal(await sp.fact('chapters'), '4 (marked on the waveform)');
    // each line at its start: the markers' left edges in the waveform's own width
    const lefts = await markers.evaluateAll((els) => els.map((e) => Number.parseFloat((e as unknown as { style: { left: string } }).style.left)));
    STARTS.forEach((s, i) => assert.ok(Math.abs(lefts[i] - (s / END) * 100) < 1, `chapter ${i + 1} at ${lefts[i]} %, expected ${(s / END) * 100}`));
    // the long title is cut to its chapter's span, not drawn over the next
    const [long, next] = await Promise.all([markers.nth(2).locator('button').boundingBox(), markers.nth(3).boundingBox()]);
    assert.ok(long && next && long.x + long.width <= next.x + 1, `${JSON.stringify(long)} runs past ${JSON.stringify(next)}`);
    assert.match((await markers.nth(1).locator('button').getAttribute('title')) ?? '', /^Chapter 2: Chapter One — Ölçü ve Ünlü, 0:06\.0–0:21\.0 /);
    await sp.screenshot('chapters-m4b');
    await markers.nth(2).locator('button').click();
    await sp.waitForMediaTime(STARTS[2] - 0.05, STARTS[2] + 0.5);
    await markers.nth(0).locator('button').click();
    await sp.waitForMediaTime(0, 0.5);
  });

  test('lyrics: an LRC file beside the song follows playback, a click on a line plays from it; plain lyrics from a tag shown as text', async () => {
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(song)).name, 'track-opened');
    const panel = page.getByTestId('lyrics');
    await panel.waitFor();
    assert.equal(await panel.getAttribute('data-timed'), 'true');
    assert.equal((await page.getByTestId('lyrics-toggle').innerText()).replace(/\s+/g, ' ').trim(), '▾ Lyrics 4 lines, timed, from Ça va — the song.lrc');
    // and said among the track's facts, where a long header on a small window hides the panel below it (tester34)
    assert.equal(await sp.fact('lyrics'), '4 lines, timed, from Ça va — the song.lrc (below)');
    const lines = page.getByTestId('lyrics-line');
    // the offset (+500 ms: sooner), the word times dropped, a line with two times listed at each
    assert.deepEqual(await lines.allInnerTexts(), ['Première ligne', 'Second line with word times', 'Chorus (twice)', 'Chorus (twice)']);
    assert.equal(await lines.nth(1).getAttribute('title'), 'Play from 5.00 s');
    await lines.nth(1).click();
    await sp.waitForMediaTime(4.95, 5.5);
    await page.locator('[data-testid=lyrics-lines] li[aria-current=true]', { hasText: 'Second line' }).waitFor({ timeout: 10_000 });
    await sp.screenshot('lyrics-lrc');
    // hidden and shown again by its toggle (kept)
    await page.getByTestId('lyrics-toggle').click();
    assert.equal(await lines.count(), 0);
    await page.getByTestId('lyrics-toggle').click();
    assert.equal(await lines.count(), 4);
    assert.equal((await sp.openThroughBrowser(plain)).name, 'track-opened');
    await page.getByTestId('lyrics-text').filter({ hasText: 'Line two, no times' }).waitFor();
    assert.equal(await page.getByTestId('lyrics').getAttribute('data-timed'), 'false');
    assert.match(await page.getByTestId('lyrics-toggle').innerText(), /2 lines, from the tags/);
  });

  test('lyrics: 120 lines beside a long header on a small window (1280×720) — the header stays where the person put it while the lines follow playback', async () => {
    const { sp } = studio;
    const { page } = sp;
    await page.setViewportSize({ width: 1280, height: 720 });
    try {
      assert.equal((await sp.openThroughBrowser(long)).name, 'track-opened');
      const lines = page.getByTestId('lyrics-line');
      await lines.first().waitFor();
      assert.equal(await lines.count(), LONG_LINES);
      // a blank timed line and one with only "♪" are the same to a listener: a pause in the words — named so to a
      // screen reader, and not counted as lines of words (before: 108 "lines", 24 buttons named "♪" or "")
      assert.match(await page.getByTestId('lyrics-toggle').innerText(), /Lyrics 96 lines, timed, from long lyrics\.lrc/);
      assert.equal(await page.getByRole('button', { name: 'Instrumental', exact: true }).count(), 24);
      assert.equal(await page.getByRole('button', { name: 'Line 1 of the long song', exact: true }).count(), 1);
      await sp.screenshot('lyrics-long-1280x720');
      const left = page.locator('.left');
      const scrolls = () => Promise.all([left.evaluate((e) => e.scrollTop), page.getByTestId('lyrics-lines').evaluate((e) => e.scrollTop)]);
      assert.deepEqual(await scrolls(), [0, 0]);
      // play from line 20, then scroll the column back up to read the header; while the lines follow (the list
      // scrolls), the column stays there (before: each line sung scrolled the whole column, 471 px down)
      await lines.nth(19).click();
      await left.evaluate((e) => (e.scrollTop = 0));
      const listBefore = (await scrolls())[1];
      await page.keyboard.press('Space');
      await page.locator('[data-testid=play][data-playing=true]').waitFor();
      // line 41 or past it: each line is sung for 0.3 s, a window a busy page's polling can miss (it then saw line 69)
      await page.waitForFunction(() => {
        const cur = (globalThis as any).document.querySelector('[data-testid=lyrics-lines] li[aria-current=true]') as { textContent: string } | null;
        return Number(/Line (\d+) /.exec(cur?.textContent ?? '')?.[1] ?? 0) >= 41;
      }, null, { polling: 50, timeout: 30_000 });
      await page.keyboard.press('Space');
      const [leftTop, listTop] = await scrolls();
      await sp.screenshot('lyrics-long-playing-1280x720');
      assert.ok(listTop > listBefore, `the list follows the line sung (${listBefore} → ${listTop})`);
      assert.equal(leftTop, 0, 'the header column stays where it was');
    } finally {
      await page.setViewportSize({ width: 1400, height: 860 });
    }
  });

  test('lyrics by keyboard: the list is one Tab stop (the line sung, or the first), arrows move in it, Enter plays from a line', async () => {
    const { sp } = studio;
    const { page } = sp;
    // still the long song (120 lines), paused on line 41 or near it
    const focused = () => page.evaluate(() => {
      const el = (globalThis as any).document.activeElement as { dataset: { testid?: string }; textContent: string } | null;
      return el ? `${el.dataset.testid ?? ''}:${el.textContent.trim()}` : '';
    });
    const sung = await page.locator('[data-testid=lyrics-lines] li[aria-current=true]').innerText();
    await page.getByTestId('lyrics-toggle').focus();
    await page.keyboard.press('Tab');
    assert.equal(await focused(), `lyrics-line:${sung.trim()}`, 'Tab goes to the line sung');
    // before (tester34): every one of the 120 lines was a Tab stop between the header and the rest of the window
    await page.keyboard.press('Tab');
    assert.notEqual((await focused()).split(':')[0], 'lyrics-line', 'the next Tab leaves the lyrics');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), `lyrics-line:${sung.trim()}`, 'Shift+Tab comes back to the same line');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const target = await focused();
    assert.notEqual(target, `lyrics-line:${sung.trim()}`);
    const title = await page.evaluate(() => ((globalThis as any).document.activeElement as { title: string }).title);
    const at = Number(/Play from ([\d.]+) s/.exec(title)![1]);
    await page.keyboard.press('Enter');
    await sp.waitForMediaTime(at - 0.05, at + 0.5);
    await page.keyboard.press('Home');
    assert.equal((await focused()).split(':')[0], 'lyrics-line', 'Home moves to the first line, in the list');
    assert.equal(await page.evaluate(() => ((globalThis as any).document.activeElement as { title: string }).title), 'Play from 0.00 s');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => ((globalThis as any).document.activeElement as { title: string }).title), 'Play from 0.00 s', 'ArrowUp on the first stays');
    await sp.screenshot('lyrics-keyboard');
  });

  test('lyrics in three languages (kid3-cli: eng, deu, jpn): which is shown is said, another is chosen by keyboard and kept for the next track', async () => {
    // before (tester34): the first frame alone, nothing said that the others were there
    const { sp } = studio;
    const { page } = sp;
    assert.equal((await sp.openThroughBrowser(languages)).name, 'track-opened');
    await page.getByTestId('lyrics-text').filter({ hasText: 'English two' }).waitFor();
    assert.equal(await sp.fact('lyrics'), '2 lines, from the tags (eng); also deu · jpn (below)');
    const version = page.getByTestId('lyrics-version');
    assert.deepEqual(await version.locator('option').allInnerTexts(), ['eng', 'deu', 'jpn']);
    assert.match(await page.getByTestId('lyrics').innerText(), /Version\s+\(3 in this file\)/);
    // by keyboard: from the toggle, Tab to the list, the arrows choose
    await page.getByTestId('lyrics-toggle').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => ((globalThis as any).document.activeElement as { dataset: { testid?: string } }).dataset.testid), 'lyrics-version');
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('lyrics-text').filter({ hasText: 'Deutsch eins' }).waitFor({ timeout: 5_000 });
    assert.match(await page.getByTestId('lyrics-toggle').innerText(), /1 line, from the tags \(deu\)/);
    // the facts row describes the version shown, not the file's first (ui36: it still said "2 lines … (eng)")
    assert.equal(await sp.fact('lyrics'), '1 line, from the tags (deu); also eng · jpn (below)');
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('lyrics-text').filter({ hasText: '日本語の歌詞' }).waitFor({ timeout: 5_000 });
    await sp.screenshot('lyrics-languages');
    // the language chosen is chosen again for the next track holding it
    assert.equal((await sp.openThroughBrowser(song)).name, 'track-opened');
    assert.equal(await page.getByTestId('lyrics-version').count(), 0, 'one version: no list');
    assert.equal((await sp.openThroughBrowser(languages)).name, 'track-opened');
    await page.getByTestId('lyrics-text').filter({ hasText: '日本語の歌詞' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('lyrics-version').inputValue(), '2');
    assert.equal(await sp.fact('lyrics'), '1 line, from the tags (jpn); also eng · deu (below)', 'the kept language\'s version, in the facts too');
  });

  test('an Opus file with a header output gain under its R128 tag: the facts say both and what a player applies in all', async () => {
    // before: "R128 track −x dB (to −23 LUFS)" alone, the +6 dB every player applies first unsaid
    const { sp } = studio;
    assert.equal((await sp.openThroughBrowser(opus)).name, 'track-opened');
    const text = await sp.fact('replaygain');
    const m = /^header gain \+6\.00 dB \(every player applies it\) · R128 track ([+−]\d+\.\d\d) dB \(to −23 LUFS; ([+−]\d+\.\d\d) dB with the header's\)$/.exec(text);
    assert.ok(m, text);
    const n = (x: string) => Number(x.replace('−', '-'));
    assert.ok(Math.abs(n(m[1]) + 6 - n(m[2])) < 0.006, text);
    await sp.screenshot('opus-header-gain');
  });

  test('no page errors', () => {
    assert.deepEqual(studio.sp.problems.filter((p) => p.startsWith('pageerror')), []);
  });
});

// The words of a library scan's summary (main/contract/scan-text.ts), one source for the scan bar and `studio analyze`,
// and the count rule of every contract text function (scan40). Before: a Rescan of an unplugged library folder ended
// "Scan finished 0 / 0" with no word of the folder (no nothingScannedText); the skipped summary read "5 files skipped:
// 3 playlist (…) · 2 hidden or system folder (…)" for 3 files and 2 folders; movedText / resumedText / lyricsSummary
// wrote their counts in a fixed 'en' (or none: "12345 lines"), so the page's toasts and bar did not group them in the
// page's locale.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { enCount, lyricsSummary, movedText, nothingScannedText, resumedText, skippedText, type CountText } from '@contract';

const ROOT = join(import.meta.dirname, '../..');
/** a page in German: "12.345" */
const de: CountText = (n) => new Intl.NumberFormat('de-DE').format(n);

test('skippedText: files and folders counted apart, each group in its plural, largest first', () => {
  const playlist = { reason: 'playlist (not a track: …)', many: 'playlists (not tracks: …)' };
  const hidden = { reason: 'hidden or system folder (not walked: …)', many: 'hidden or system folders (not walked: …)', folder: true };
  assert.equal(
    skippedText({ count: 5, folders: 2, groups: [{ ...hidden, count: 2 }, { ...playlist, count: 3 }] }, enCount),
    '3 files, 2 folders skipped: 3 playlists (not tracks: …) · 2 hidden or system folders (not walked: …)',
  );
  assert.equal(skippedText({ count: 1, groups: [{ ...playlist, count: 1 }] }, enCount), '1 file skipped: 1 playlist (not a track: …)');
  assert.equal(skippedText({ count: 1, folders: 1, groups: [{ ...hidden, count: 1 }] }, enCount), '1 folder skipped: 1 hidden or system folder (not walked: …)');
  // a reason without other words for many is said as it is
  assert.equal(skippedText({ count: 2, groups: [{ reason: 'not audio (text)', count: 2 }] }, enCount), '2 files skipped: 2 not audio (text)');
  assert.equal(skippedText({ count: 0 }, enCount), '');
  // every count through the formatter given
  assert.equal(skippedText({ count: 12345, folders: 1000, groups: [{ ...playlist, count: 11345 }, { ...hidden, count: 1000 }] }, de), '11.345 files, 1.000 folders skipped: 11.345 playlists (not tracks: …) · 1.000 hidden or system folders (not walked: …)');
});

test('nothingScannedText: a finished scan that found nothing because its library folder is not there says so', () => {
  const missing = { path: '/media/usb/Music Library', message: 'Library folder is missing (unplugged drive, moved or deleted). Its tracks are kept.', code: 'NOT_FOUND', kind: 'folder-missing' };
  assert.equal(
    nothingScannedText({ state: 'finished', total: 0, problems: [missing] }, enCount),
    'Nothing scanned: the library folder "/media/usb/Music Library" is not there (an unplugged drive, moved or deleted?); its tracks are kept.',
  );
  // the same folder named twice (its own problem and leaveGone's) is one folder
  const two = nothingScannedText({ state: 'finished', total: 0, problems: [missing, missing, { ...missing, path: '/media/b' }] }, enCount, (p) => `<${p}>`);
  assert.equal(two, 'Nothing scanned: 2 library folders are not there ("</media/usb/Music Library>", "</media/b>": unplugged drives, moved or deleted?); their tracks are kept.');
  // files found elsewhere, a scan still running, or no folder missing: not this case
  assert.equal(nothingScannedText({ state: 'finished', total: 3, problems: [missing] }, enCount), null);
  assert.equal(nothingScannedText({ state: 'running', total: 0, problems: [missing] }, enCount), null);
  assert.equal(nothingScannedText({ state: 'finished', total: 0, problems: [{ path: '/m/x' }] }, enCount), null);
  assert.equal(nothingScannedText({ state: 'finished', total: 0, problems: [] }, enCount), null);
});

test('the count rule: moved, resumed, lyrics and skipped counts written by the formatter the reader passes', () => {
  assert.equal(movedText(12345, enCount), '12,345 files followed as moved or renamed');
  assert.equal(movedText(12345, de), '12.345 files followed as moved or renamed');
  assert.equal(movedText(1, de), '1 file followed as moved or renamed');
  assert.equal(resumedText({ done: 1400, total: 1600 }, de), 'Resumed after an interruption: 1.400 of 1.600 files were done');
  assert.equal(resumedText({ done: 0, total: 1 }, enCount), 'Resumed after an interruption: 0 of 1 file was done');
  const lines = Array.from({ length: 1234 }, (_, i) => `line ${i}`).join('\n');
  assert.equal(lyricsSummary({ source: 'tags', text: lines } as Parameters<typeof lyricsSummary>[0], de), '1.234 lines, from the tags');
  assert.equal(lyricsSummary({ source: 'tags', text: lines } as Parameters<typeof lyricsSummary>[0], enCount), '1,234 lines, from the tags');
});

test('no contract text function formats a count by itself: toLocaleString / Intl.NumberFormat only in scan-text.ts enCount', () => {
  const found: string[] = [];
  const dir = join(ROOT, 'main', 'contract');
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ts') || name === 'scan-text.ts') continue;
    readFileSync(join(dir, name), 'utf8').split('\n').forEach((line, i) => {
      if (/\.toLocaleString\(|Intl\.NumberFormat/.test(line)) found.push(`${name}:${i + 1}`);
    });
  }
  assert.deepEqual(found, []);
});

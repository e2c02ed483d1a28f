// Counts the renderer shows go through one formatter, renderer/src/lib/format.ts fmtCount (ui40): "Write tags (12345)…"
// had no grouping beside the library's "12,345 tracks" (lead39), the Write tags dialog grouped with a fixed 'en-US'
// and the export's toast with 'en' while the rest used the browser's locale.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { countOf, fmtCount } from '../../renderer/src/lib/format';
import { importToast } from '../../renderer/src/lib/playlist-import';
import { skippedText } from '@contract';

const ROOT = join(import.meta.dirname, '../..');
const grouped = (n: number) => new Intl.NumberFormat().format(n);

test('fmtCount / countOf: the locale\'s grouping, the noun by the count', () => {
  assert.equal(fmtCount(12345), grouped(12345));
  assert.notEqual(fmtCount(12345), '12345', 'grouped (this Node has ICU)');
  assert.equal(fmtCount(0), '0');
  assert.equal(countOf(1, 'track', 'tracks'), '1 track');
  assert.equal(countOf(0, 'track', 'tracks'), '0 tracks');
  assert.equal(countOf(12345, 'track', 'tracks'), `${grouped(12345)} tracks`);
});

test('a playlist import\'s toast and the scan\'s skipped summary group their counts', () => {
  const r = { crate: { name: 'Big' }, added: 12000, listed: 12345, duplicates: 1200, moved: [], missing: Array.from({ length: 1345 }, (_, i) => ({ entry: `/m/${i}.mp3`, reason: 'no such file' })) };
  const { message } = importToast(r as unknown as Parameters<typeof importToast>[0]);
  assert.match(message, new RegExp(`^${grouped(12000)} of ${grouped(12345)} entries added \\(${grouped(1200)} listed twice\\)\\.`));
  assert.match(message, new RegExp(`Not added: ${grouped(1345)} — .*, and ${grouped(1342)} more\\.$`));
  assert.equal(skippedText({ count: 1500, groups: [{ reason: 'not audio (.txt file)', many: 'not audio (.txt files)', count: 1500 }] }, fmtCount), `${grouped(1500)} files skipped: ${grouped(1500)} not audio (.txt files)`);
});

test('no other number formatting in the renderer: toLocaleString / Intl.NumberFormat only in lib/format.ts', () => {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|svelte)$/.test(e.name) && !p.endsWith(join('lib', 'format.ts'))) {
        readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
          if (/\.toLocaleString\(|Intl\.NumberFormat/.test(line)) found.push(`${relative(ROOT, p)}:${i + 1}`);
        });
      }
    }
  };
  walk(join(ROOT, 'renderer/src'));
  assert.deepEqual(found, [], 'route these through fmtCount (renderer/src/lib/format.ts)');
});

// Bidi override characters in tags (tester21): an MP3 whose artist tag is RLO "evil" PDF ", ok" (U+202E … U+202C)
// showed as "live, ok" in the library table, the track detail and the track view — an override lays the letters
// after it out reversed, the "Trojan Source" spoof. The studio now removes U+202D/U+202E from the text tags it reads
// and says so in a warning; Hebrew text (laid out right to left by the bidi algorithm, no override) is unchanged.
// The file is made by ffmpeg at test time; ffprobe is the second reader that shows the file holds the override.
// Run: node --import tsx --test test/integration/tags-bidi-override.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { probeFile } from '../../main/engine/media/probe';
import { withoutBidiOverrides } from '../../main/engine/media/tags';
import { OUTPUT, toneFile } from '../helpers/media';

const DIR = join(OUTPUT, 'tags-bidi');
const RLO = '\u202e';
const PDF = '\u202c';

describe('tags with bidi override characters', () => {
  after(() => rmSync(DIR, { recursive: true, force: true }));

  test('an RLO in the artist is removed (with a warning); a Hebrew title and a plain album stay as they are', async () => {
    mkdirSync(DIR, { recursive: true });
    const file = join(DIR, 'override.mp3');
    const meta = ['-metadata', `artist=${RLO}evil${PDF}, ok`, '-metadata', 'title=שלום עולם', '-metadata', 'album=Plain', '-metadata', `genre=${RLO}kcor`];
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', toneFile('bidi-tone.mp3', 1), '-c', 'copy', ...meta, file]);
    const held = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file], { encoding: 'utf8' })) as { format: { tags: Record<string, string> } };
    assert.equal(held.format.tags.artist, `${RLO}evil${PDF}, ok`, 'the file holds the override');
    const p = await probeFile(file);
    assert.equal(p.tags.artist, `evil${PDF}, ok`);
    assert.equal(p.tags.title, 'שלום עולם');
    assert.equal(p.tags.album, 'Plain');
    assert.deepEqual(p.tags.genre, ['kcor']);
    const w = p.warnings.filter((x) => /bidi override/.test(x));
    assert.equal(w.length, 1, p.warnings.join('\n'));
    assert.match(w[0], /The artist, genre tags hold a bidi override character/);
  });

  test('withoutBidiOverrides: only U+202D and U+202E go; embeddings, isolates and marks stay; no warning without one', () => {
    const warnings: string[] = [];
    const keep = { title: '\u202bמוזיקה 2\u202c', artist: '\u2067abc\u2069', album: 'a\u200fb' };
    assert.deepEqual(withoutBidiOverrides({ ...keep }, warnings), keep);
    assert.deepEqual(warnings, []);
    assert.deepEqual(withoutBidiOverrides({ title: `\u202dLTR${RLO}x`, comment: `${RLO}` }, warnings), { title: 'LTRx', comment: '' });
    assert.match(warnings[0], /^The title, comment tags hold a bidi override character/);
  });
});

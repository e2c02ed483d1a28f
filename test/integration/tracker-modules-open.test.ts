// fix31 (item 6): tracker modules (.mod, .xm, .it, .s3m, .mptm), which ffmpeg reads through libopenmpt: `studio probe`
// accepted a .mod (container "libopenmpt") and the library scan analysed it (sniffed by content), but the in-app file
// browser greyed it ("not a media file the studio opens"), the desktop Open… dialog's Audio filters left it out and a
// .mod handed to the app on the command line was dropped. One way now: offered to open everywhere. The scan still
// decides by content (MODULE_EXTENSIONS are not taken at their word): ".it" is also an Italian text's name (vim's
// tutor.it), which stays out of the library as text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openDialogOptions } from '../../main/electron/shell-methods';
import { pathsFromArgv } from '../../main/electron/open-paths';
import { listDir } from '../../main/engine/fs/list-dir';
import { sniffAudio } from '../../main/engine/library/sniff';
import { modBytes, OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'tracker-modules-open');
const MODULES = ['song.mod', 'tune.xm', 'track.it', 'beat.s3m', 'new.mptm', 'LOUD.MOD'];
const hasOpenmpt = / libopenmpt /.test(execFileSync('ffmpeg', ['-hide_banner', '-formats'], { encoding: 'utf8' }));
/** a ProTracker module from a Debian game package (tecnoballz), where installed */
const DEBIAN_MOD = '/usr/share/games/tecnoballz/musics/area1-game.mod';

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const n of MODULES) writeFileSync(join(DIR, n), modBytes(['Square']));
  writeFileSync(join(DIR, 'leggimi.it'), 'Questo è un file di testo, non musica.\n');
  writeFileSync(join(DIR, 'notes.txt'), 'x');
});

test('the file browser offers modules to open (was greyed)', async () => {
  const l = await listDir(DIR);
  const openable = Object.fromEntries(l.entries.map((e) => [e.name, e.openable]));
  for (const n of MODULES) assert.equal(openable[n], true, n);
  assert.equal(openable['notes.txt'], false);
});

test('the Open… dialog\'s "Audio and video" and "Audio" filters list them; the command line keeps a .mod', () => {
  const filters = openDialogOptions('media').filters!;
  for (const name of ['Audio and video', 'Audio']) {
    const f = filters.find((x) => x.name === name)!;
    for (const ext of ['mod', 'xm', 'it', 's3m', 'mptm']) assert.ok(f.extensions.includes(ext), `${name}: ${ext}`);
  }
  const isFile = (p: string) => p === '/m/song.mod' || p === '/m/notes.txt';
  assert.deepEqual(pathsFromArgv(['/opt/studio/resonance-studio', '/m/song.mod', '/m/notes.txt'], { cwd: '/m', isPackaged: true, isFile }), ['/m/song.mod']);
});

test('the library scan still decides by content: a module is audio, a text named .it is not', async (t) => {
  if (!hasOpenmpt) return t.skip('this ffmpeg has no libopenmpt');
  const mods = [join(DIR, 'song.mod'), ...(existsSync(DEBIAN_MOD) ? [DEBIAN_MOD] : [])];
  for (const p of mods) assert.equal((await sniffAudio(p, statSync(p).size)).audio, true, p);
  assert.deepEqual(await sniffAudio(join(DIR, 'leggimi.it'), statSync(join(DIR, 'leggimi.it')).size), { audio: false, reason: 'not audio (text)' });
});

// The scan's walk and sniff on real files: named pipes and sockets are listed
// as skipped (never opened: a pipe would block), names that are not UTF-8 are
// problems with a reason, and every file ffmpeg decodes as audio is found —
// whatever its extension — while text and images are skipped with the reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { storedProblems } from '../../main/engine/library/job';
import { CUE_SHEET_REASON, CUE_SHEETS_REASON, sniffAudio } from '../../main/engine/library/sniff';
import { problemsSummary } from '../../renderer/src/lib/library-notes';
import { walkFolder, type Found, type Problem, type Skip } from '../../main/engine/library/walk';
import { OUTPUT, imageFile, media } from '../helpers/media';

const DIR = join(OUTPUT, 'library-scan-unit');

async function walk(root: string): Promise<{ files: Found[]; problems: Problem[]; skips: Skip[] }> {
  const out = { files: [] as Found[], problems: [] as Problem[], skips: [] as Skip[] };
  await walkFolder(root, null, { file: (f) => out.files.push(f), problem: (p) => out.problems.push(p), skip: (s) => out.skips.push(s) });
  return out;
}

test('named pipes are skipped with the reason, without being opened; a name that is not UTF-8 is a problem with its bytes', async () => {
  const root = join(DIR, 'special');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execFileSync('mkfifo', [join(root, 'pipe.mp3')]);
  copyFileSync(media('scan-unit-ok.flac', ['-f', 'lavfi', '-i', 'sine=f=440:d=1']), join(root, 'ok.flac'));
  // "caf\xe9.mp3" in Latin-1, as an old archive or a Windows share gives it
  const latin1 = Buffer.concat([Buffer.from(root + '/caf'), Buffer.from([0xe9]), Buffer.from('.mp3')]);
  writeFileSync(latin1, 'x');
  const { files, problems, skips } = await walk(root);
  assert.deepEqual(files.map((f) => f.path), [join(root, 'ok.flac')]);
  assert.deepEqual(skips, [{ path: join(root, 'pipe.mp3'), reason: 'not a regular file (named pipe)', many: 'not regular files (named pipes)' }]);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.match(problems[0].message, /not valid UTF-8 \(bytes 63 61 66 e9 2e 6d 70 33\)/);
  assert.equal(problems[0].code, 'UNREADABLE');
});

test('a second link to a folder and a looping link are problems of their kind (ScanProblem.kind), set by the walk', async () => {
  const root = join(DIR, 'links');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'Albums', 'X'), { recursive: true });
  symlinkSync(join(root, 'Albums', 'X'), join(root, 'Favourites')); // a second way to a folder walked anyway
  symlinkSync('loop', join(root, 'loop')); // a link to itself: ELOOP
  symlinkSync('plain-broken-target', join(root, 'broken')); // a broken link: no kind
  const { problems } = await walk(root);
  const kinds = Object.fromEntries(problems.map((p) => [p.path.slice(root.length + 1), [p.code, p.kind ?? null]]));
  // which of Favourites and Albums/X is walked first is the walk's order; the other is the second link
  const seen = kinds.Favourites ? 'Favourites' : 'Albums/X';
  assert.deepEqual(kinds, { [seen]: ['UNREADABLE', 'folder-seen'], loop: ['NOT_FOUND', null], broken: ['NOT_FOUND', null] }, JSON.stringify(problems));
  // a root that is itself a looping link: the folder cannot be read, of kind link-loop
  const looped = await walk(join(root, 'loop'));
  assert.deepEqual(looped.problems.map((p) => [p.code, p.kind]), [['UNREADABLE', 'link-loop']]);
});

test('sniff: audio in any container ffmpeg reads is audio whatever its name; text and images are not', async () => {
  const root = join(DIR, 'sniff');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const tone = ['-f', 'lavfi', '-i', 'sine=f=330:d=1'];
  const made = {
    'wavpack.dat': media('scan-unit.wv', [...tone, '-c:a', 'wavpack']),
    'wave64.bin': media('scan-unit.w64', [...tone, '-f', 'w64']), // file-type does not know Wave64: ffmpeg is asked
    'mpeg-layer2.xyz': media('scan-unit.mp2', [...tone, '-c:a', 'mp2']),
    'matroska': media('scan-unit.mka', [...tone, '-c:a', 'flac']),
  };
  for (const [name, src] of Object.entries(made)) {
    copyFileSync(src, join(root, name));
    const r = await sniffAudio(join(root, name), 1000);
    assert.equal(r.audio, true, `${name}: ${JSON.stringify(r)}`);
  }
  writeFileSync(join(root, 'album.cue'), 'PERFORMER "X"\nTITLE "Y"\nFILE "a.flac" WAVE\n');
  writeFileSync(join(root, 'README'), 'Ripped with care.\n');
  copyFileSync(imageFile('scan-unit-cover.png'), join(root, 'folder.jpg.bak'));
  writeFileSync(join(root, 'random.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 255)));
  // tester19: a CUE sheet beside one big FLAC of a whole album was skipped as "not audio (.cue file)", which never said
  // that the album is then one track (its tracks are not split); now the reason says so, in the scan bar and in analyze
  assert.deepEqual(await sniffAudio(join(root, 'album.cue'), 60), { audio: false, reason: CUE_SHEET_REASON, many: CUE_SHEETS_REASON });
  assert.match(CUE_SHEET_REASON, /^CUE sheet \(not split: the audio file it names is analysed as one whole track\)$/);
  assert.deepEqual(await sniffAudio(join(root, 'ALBUM.CUE'), 60), { audio: false, reason: CUE_SHEET_REASON, many: CUE_SHEETS_REASON });
  assert.deepEqual(await sniffAudio(join(root, 'README'), 18), { audio: false, reason: 'not audio (text)' });
  assert.deepEqual(await sniffAudio(join(root, 'folder.jpg.bak'), 1000), { audio: false, reason: 'not audio (image/png)' });
  const r = await sniffAudio(join(root, 'random.bin'), 4096);
  assert.equal(r.audio, false);
  assert.match((r as { reason: string }).reason, /^not audio/);
});

test('problems stored before ScanProblem.kind (a scan interrupted across an update) are read back with their kind', () => {
  // review15: problemsSummary groups on `kind` alone since left15; a job stored by an older build (resumed, or a killed
  // `studio analyze` closed at start) had none, so its second links read "could not be read" and its missing library
  // folder "gone (deleted, or a broken link)" — the very groupings the kind was made to fix
  const old = [
    { path: '/m/Favourites', code: 'UNREADABLE', message: 'Symlink loop (or second link to a folder): this folder is already scanned as "/m/Albums/X". Skipped.' },
    { path: '/m/up', code: 'UNREADABLE', message: 'Folder cannot be read: symlink loop. Skipped.' },
    { path: '/media/usb/Music', code: 'NOT_FOUND', message: 'Library folder is missing (unplugged drive, moved or deleted). Its tracks are kept.' },
    { path: '/m/locked', code: 'UNREADABLE', message: 'Folder cannot be read: EACCES: permission denied. Skipped.' },
    { path: '/m/a.mp3', code: 'NOT_FOUND', message: 'Symlink loop. Skipped.' },
  ];
  const read = storedProblems(JSON.stringify(old));
  assert.deepEqual(read.map((p) => p.kind ?? null), ['folder-seen', 'link-loop', 'folder-missing', null, null]);
  assert.equal(problemsSummary(read), '2 links to folders already scanned (or loops) · 1 not there (library folders: their tracks are kept) · 1 could not be read · 1 gone (deleted, or a broken link)');
  // a kind stored is kept, whatever the words
  const now: Problem[] = [{ path: '/m/x', code: 'UNREADABLE', kind: 'folder-seen', message: 'Already walked.' }];
  assert.deepEqual(storedProblems(JSON.stringify(now)), now);
});

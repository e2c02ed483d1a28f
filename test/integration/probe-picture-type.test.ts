// fix31 (item 4): a FLAC with a back and a front cover (metaflac --import-picture-from="4||||back.jpg", then
// "3||||front.jpg") — `studio probe` listed "stream 1 video: mjpeg, 48x48, cover art" and "stream 2 … 32x32, cover
// art": nothing said which picture is which. Each attached picture now states its picture type, the ID3v2 APIC / FLAC
// METADATA_BLOCK_PICTURE code and its standard name ("picture type 4: Cover (back)"), in the probe's streams (JSON
// `pictureType`), its text and the library's stored probe; an MP3 tagged by eyeD3 (APIC BACK_COVER first) likewise.
// Guard (right before): the track's cover is the FRONT one though the back one comes first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatProbe } from '../../main/cli/studio';
import { embeddedCover } from '../../main/engine/media/cover';
import { probeFile } from '../../main/engine/media/probe';
import { libraryProber } from '../helpers/library-probe';
import { OUTPUT } from '../helpers/media';

const DIR = join(OUTPUT, 'probe-picture-type');
const F = { flac: join(DIR, 'back-first.flac'), mp3: join(DIR, 'back-first.mp3'), front: join(DIR, 'front.jpg'), back: join(DIR, 'back.jpg') };
let prober: ReturnType<typeof libraryProber>;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const ff = (...a: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...a]);
  ff('-f', 'lavfi', '-i', 'color=red:s=32x32', '-frames:v', '1', F.front);
  ff('-f', 'lavfi', '-i', 'color=blue:s=48x48', '-frames:v', '1', F.back);
  ff('-f', 'lavfi', '-i', 'sine=d=2', F.flac);
  execFileSync('metaflac', [`--import-picture-from=4||||${F.back}`, F.flac]);
  execFileSync('metaflac', [`--import-picture-from=3||||${F.front}`, F.flac]);
  ff('-f', 'lavfi', '-i', 'sine=d=2', '-c:a', 'libmp3lame', F.mp3);
  // descriptions that name no side: the type alone says which is the front
  execFileSync('eyeD3', ['-Q', '--add-image', `${F.back}:BACK_COVER:scan 1`, '--add-image', `${F.front}:FRONT_COVER:scan 2`, F.mp3]);
  prober = libraryProber(DIR);
});
after(() => prober?.close());

for (const key of ['flac', 'mp3'] as const) {
  test(`${key}: each attached picture names its type (probe, its text, the library's stored probe)`, async () => {
    const p = await probeFile(F[key]);
    const pics = p.streams.filter((s) => s.attachedPic);
    assert.deepEqual(pics.map((s) => [s.width, s.pictureType]), [[48, 'Cover (back)'], [32, 'Cover (front)']]);
    const text = formatProbe(p);
    assert.match(text, /stream 1 {4}video: mjpeg, 48x48, cover art, picture type 4: Cover \(back\)\n/, text);
    assert.match(text, /stream 2 {4}video: mjpeg, 32x32, cover art, picture type 3: Cover \(front\)\n/, text);
    const stored = (await prober.stored(F[key])).probe;
    assert.deepEqual(stored.streams.filter((s) => s.attachedPic).map((s) => s.pictureType), ['Cover (back)', 'Cover (front)']);
  });

  test(`${key}: guard — the track's cover is the front one, though the back one is first`, async () => {
    const c = await embeddedCover(F[key], join(DIR, `cache-${key}`), (key === 'flac' ? 'c' : 'd').repeat(32));
    assert.ok(c);
    assert.ok(readFileSync(c.path).equals(readFileSync(F.front)), 'the front cover\'s bytes');
  });
}

// A playlist under a media name (tester26): an HLS playlist — text beginning "#EXTM3U" — saved as "song.mp3" was read
// by ffmpeg's hls demuxer, which opens the files the playlist names, wherever they are: `studio probe` showed the audio
// of a file in another folder as the playlist's ("container hls", "ffmpeg renders this file's audio … synthesises the
// music"), and in web mode a playlist inside an allowed folder read a file outside them — what the roots refuse for a
// symlink. Every ffmpeg run goes through demuxer.ts withInputFixes, so the probe, the PCM reader (track view, library,
// model) and playback copies all refuse it, naming it a playlist.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StudioError } from '@contract';
import { fileListKind } from '../../main/engine/media/demuxer';
import { probeFile } from '../../main/engine/media/probe';
import { readPcm } from '../../main/engine/media/pcm';
import { OUTPUT, toneFile } from '../helpers/media';

const DIR = join(OUTPUT, 'playlist-as-media');
const ALLOWED = join(DIR, 'allowed');
const OUTSIDE = join(DIR, 'outside', 'private.mp3');
const LIST = join(ALLOWED, 'song.mp3');

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(ALLOWED, { recursive: true });
  mkdirSync(join(DIR, 'outside'), { recursive: true });
  copyFileSync(toneFile('playlist-as-media.mp3', 4), OUTSIDE);
  // an HLS media playlist, as a phone's or a streaming tool's download leaves it, naming a file by absolute path
  writeFileSync(LIST, `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:5\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:4.0,\n${OUTSIDE}\n#EXT-X-ENDLIST\n`);
});
after(() => rmSync(DIR, { recursive: true, force: true }));

const refused = (e: StudioError) => e.code === 'NOT_MEDIA' && /"song\.mp3" is a playlist/.test(e.message) && /open the files it lists/.test(e.message);

test('an HLS playlist named .mp3 is refused as a playlist by the probe, not read as the file it names', async () => {
  await assert.rejects(probeFile(LIST), refused);
});

test('the PCM reader refuses it too: no sample of the file outside is read', async () => {
  let frames = 0;
  await assert.rejects(readPcm(LIST, { onFrames: (f: Float32Array) => (frames += f.length) }), refused);
  assert.equal(frames, 0);
});

test('a plain M3U (no HLS tags; ffmpeg reads none of it) and one with a byte order mark: the same words', async () => {
  const plain = join(ALLOWED, 'plain.mp3');
  writeFileSync(plain, `\ufeff#EXTM3U\n#EXTINF:4,Tone\n${OUTSIDE}\n`);
  await assert.rejects(probeFile(plain), (e: StudioError) => e.code === 'NOT_MEDIA' && /"plain\.mp3" is a playlist/.test(e.message));
});

// session 26 (tester26's "found and left"): ffmpeg's other demuxers that open the files a text file names
test('an ffconcat list naming a symlink out of the allowed folder is refused as a list (probe read the outside audio before)', async () => {
  mkdirSync(join(ALLOWED, 'sub'), { recursive: true });
  symlinkSync(OUTSIDE, join(ALLOWED, 'sub', 'x.mp3'));
  const list = join(ALLOWED, 'concat.mp3');
  writeFileSync(list, "ffconcat version 1.0\nfile 'sub/x.mp3'\n");
  await assert.rejects(probeFile(list), (e: StudioError) => e.code === 'NOT_MEDIA' && /^"concat\.mp3" is a ffmpeg concat list \(ffconcat\): a text file that names other files/.test(e.message));
  let frames = 0;
  await assert.rejects(readPcm(list, { onFrames: (f: Float32Array) => (frames += f.length) }), (e: StudioError) => e.code === 'NOT_MEDIA');
  assert.equal(frames, 0);
});

test('a DASH manifest and an IMF composition playlist under media names are refused; a binary file with "<MPD" after a NUL is not a list', async () => {
  const mpd = join(ALLOWED, 'stream.m4a');
  writeFileSync(mpd, `<?xml version="1.0" encoding="UTF-8"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011" type="static" mediaPresentationDuration="PT4S">\n <Period><AdaptationSet mimeType="audio/mpeg"><Representation id="a" bandwidth="64000"><BaseURL>${OUTSIDE}</BaseURL></Representation></AdaptationSet></Period>\n</MPD>\n`);
  await assert.rejects(probeFile(mpd), (e: StudioError) => e.code === 'NOT_MEDIA' && /"stream\.m4a" is a DASH manifest \(MPD\)/.test(e.message));
  const cpl = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2013">\n</CompositionPlaylist>\n');
  assert.equal(fileListKind(cpl), 'IMF composition playlist (CPL)');
  const imf = join(ALLOWED, 'film.mka');
  writeFileSync(imf, cpl);
  await assert.rejects(probeFile(imf), (e: StudioError) => e.code === 'NOT_MEDIA' && /^"film\.mka" is an IMF composition playlist \(CPL\)/.test(e.message));
  assert.equal(fileListKind(Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), Buffer.from('<MPD >')])), null);
  assert.equal(fileListKind(Buffer.from('ID3\u0004\0\0\0\0\0\0')), null);
});

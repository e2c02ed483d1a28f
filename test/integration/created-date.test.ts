// tester25: a phone's recording showed no date. The probe states the container's creation time (Tags.created), as
// the devices and muxers write it: an MP4/M4A's mvhd (Android's recorder, cameras), Apple's
// com.apple.quicktime.creationdate beside it (iPhone: local time and offset), Matroska's DateUTC (mkvmerge, at muxing).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT } from '../helpers/media';

const ff = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

test("the container's creation time: an M4A's mvhd, an iPhone-style MOV's creationdate, mkvmerge's DateUTC; none where none is written", async () => {
  const dir = join(OUTPUT, 'created-date');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const m4a = join(dir, 'voice memo.m4a');
  ff('-f', 'lavfi', '-i', 'sine=d=2', '-c:a', 'aac', '-metadata', 'creation_time=2024-05-01T10:00:00Z', m4a);
  assert.equal((await probeFile(m4a)).tags.created, '2024-05-01T10:00:00.000000Z');
  const mov = join(dir, 'IMG_0001.MOV');
  ff('-f', 'lavfi', '-i', 'sine=d=2', '-f', 'lavfi', '-i', 'testsrc=d=2:s=160x120', '-c:a', 'aac', '-c:v', 'mpeg4', '-movflags', 'use_metadata_tags', '-metadata', 'com.apple.quicktime.creationdate=2024-05-01T12:00:00+0200', '-metadata', 'creation_time=2024-05-01T10:00:00Z', mov);
  assert.equal((await probeFile(mov)).tags.created, '2024-05-01T12:00:00+0200');
  // mkvmerge writes the time it muxed (DateUTC) unless told not to
  const mka = join(dir, 'muxed.mka');
  execFileSync('mkvmerge', ['-q', '-o', mka, m4a]);
  const year = Number((await probeFile(mka)).tags.created?.slice(0, 4));
  assert.ok(year >= 2025, `mkvmerge's DateUTC: ${year}`);
  const plain = join(dir, 'plain.m4a');
  ff('-f', 'lavfi', '-i', 'sine=d=2', '-c:a', 'aac', plain);
  assert.equal((await probeFile(plain)).tags.created, undefined);
});

// tester24: a download cut short — an MP3 whose Xing header still counts 30 s over 6.2 s of frames — was played as it
// is. Chromium believes the header: the track view read "0:00.0 / 0:30.0", the waveform's cursor and clicks were
// scaled to 30 s, and playback jumped from the audio's end to 0:30 and ended (seen in web mode, headless Chromium).
// It now plays from a proxy whose own header counts what it holds (the frames copied, not re-encoded).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeProxy, playPlan } from '../../main/engine/media/playable';
import { probeFile } from '../../main/engine/media/probe';
import { OUTPUT } from '../helpers/media';

const statedSec = (file: string) => Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());

test('an MP3 cut short under a header that counts the whole plays from a proxy stating what decodes', async () => {
  const dir = join(OUTPUT, 'playable-misstated-length');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const whole = join(dir, 'whole.mp3');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=220:d=30', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '256k', whole]);
  const cut = join(dir, 'cut short.mp3');
  writeFileSync(cut, readFileSync(whole).subarray(0, 200_000));
  assert.ok(statedSec(cut) > 29, 'the cut file still states 30 s (what a browser reads)');
  const p = await probeFile(cut);
  assert.ok(Math.abs(p.durationSec - 6.22) < 0.1, `probe ${p.durationSec}`);
  // the probe states the header's length as a fact beside its warning (what the proxy decision reads)
  assert.ok(p.statedDurationSec !== undefined && Math.abs(p.statedDurationSec - 30) < 0.1, `statedDurationSec ${p.statedDurationSec}`);
  assert.ok(p.warnings.some((w) => /header states 0:30/.test(w)), p.warnings.join(' | '));
  const plan = playPlan(p);
  assert.equal(plan.kind, 'proxy', JSON.stringify(plan));
  if (plan.kind !== 'proxy') return;
  assert.equal(plan.ext, 'mp3');
  const made = await makeProxy(cut, p, plan, join(dir, 'cache'), 'a'.repeat(32));
  assert.equal(made.mime, 'audio/mpeg');
  assert.ok(Math.abs(statedSec(made.path) - p.durationSec) < 0.1, `proxy states ${statedSec(made.path)} s, the audio is ${p.durationSec} s`);
  // the frames themselves, not re-encoded: the same bitrate, and nearly the cut file's size
  const size = readFileSync(made.path).length;
  assert.ok(size > 190_000 && size < 205_000, `proxy ${size} bytes`);
  // the whole file plays as it is, and states no other length
  const wp = await probeFile(whole);
  assert.equal(wp.statedDurationSec, undefined);
  assert.deepEqual(playPlan(wp), { kind: 'original' });
});

test('raw ADTS AAC, its length only estimated, plays from an MP4 copy of its frames that states what decodes', async () => {
  const dir = join(OUTPUT, 'playable-misstated-length');
  mkdirSync(dir, { recursive: true });
  const raw = join(dir, 'raw.aac');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=20:a=0.3', '-c:a', 'aac', '-b:a', '128k', raw]);
  // (Chromium read this file as 20.89 s, as ffmpeg's estimate: checked in headless Chromium)
  assert.ok(statedSec(raw) - 20 > 0.3, `ffmpeg's estimate ${statedSec(raw)}`);
  const p = await probeFile(raw);
  assert.ok(p.statedDurationSec !== undefined && Math.abs(p.statedDurationSec - statedSec(raw)) < 0.05, `statedDurationSec ${p.statedDurationSec}, ffmpeg's estimate ${statedSec(raw)}`);
  const plan = playPlan(p);
  assert.ok(plan.kind === 'proxy' && plan.ext === 'mp4', JSON.stringify(plan));
  if (plan.kind !== 'proxy') return;
  const made = await makeProxy(raw, p, plan, join(dir, 'cache'), 'b'.repeat(32));
  assert.equal(made.mime, 'audio/mp4');
  assert.ok(Math.abs(statedSec(made.path) - p.durationSec) < 0.05, `proxy states ${statedSec(made.path)} s, the audio is ${p.durationSec} s`);
});

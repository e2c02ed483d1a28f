// Session 14 tester: `studio analyze` said why a file has no tempo but not why it has no key, and printed an empty
// "features" line for a file without features. Now the key says which cause applied (NO_KEY) in the text and in
// --json (keyReason), and the features line is left out when there are none. Needs `npm run build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_KEY } from '../../main/engine/analysis/tonal';
import { ROOT, media } from '../helpers/media';

const bin = join(ROOT, 'bin', 'studio.js');

test('studio analyze: why there is no key, and no empty features line', () => {
  const silence = media('nokey-silence-6s.wav', ['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '6', '-c:a', 'pcm_s16le']);
  const noise = media('nokey-white-noise-6s.wav', ['-f', 'lavfi', '-i', 'anoisesrc=d=6:c=white:a=0.5:s=5', '-ar', '44100', '-c:a', 'pcm_s16le']);
  const short = media('nokey-tone-0.2s.wav', ['-f', 'lavfi', '-i', 'sine=f=440:d=0.2', '-ar', '44100', '-c:a', 'pcm_s16le']);
  const json = spawnSync(process.execPath, [bin, 'analyze', silence, noise, short, '--json'], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; key: string | null; keyReason: string | null; loudnessRange: number | null });
  const by = (p: string) => rows.find((r) => r.path === p)!;
  assert.equal(by(silence).keyReason, NO_KEY.silence);
  assert.equal(by(noise).keyReason, NO_KEY.unpitched);
  assert.equal(by(short).keyReason, NO_KEY.short);
  for (const r of rows) assert.equal(r.key, null, r.path);
  // the loudness range is absent where never measured (under 3 s; silence), not 0
  assert.equal(by(short).loudnessRange, null);
  assert.equal(by(silence).loudnessRange, null);
  const text = spawnSync(process.execPath, [bin, 'analyze', silence, short], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.ok(text.stdout.includes(`  key         none (${NO_KEY.silence})\n`), text.stdout);
  assert.ok(text.stdout.includes(`  key         none (${NO_KEY.short})\n`), text.stdout);
  assert.doesNotMatch(text.stdout, /features\s*\n/, text.stdout);
});

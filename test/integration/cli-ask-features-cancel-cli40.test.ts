// cli40 (lock39 noticed): `studio ask --features` analyses the track for its features line before the answer, and its
// first Ctrl+C aborted only the answer: the scan got no signal, so the command waited for the whole analysis (minutes
// for a long track) and only then said "Stopped". Now the first Ctrl+C cancels the scan, its decode stopped, and the
// command ends with exit 130. The decode is made to hang (a wrapper as STUDIO_FFMPEG that never ends the track's
// decode while its engine lives), so a Ctrl+C that does not reach the scan shows as a hang, not as a slower run.
// No model is needed: the Ctrl+C comes before the pack is read.
// Run: npm run build && node tools/run-tests.mjs test/integration/cli-ask-features-cancel-cli40.test.ts
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { media, ROOT } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-ask-features-cancel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** a hang guard only */
const HANG_GUARD_MS = 60_000;

test('studio ask --features: the first Ctrl+C during the features scan cancels it and exits 130', async () => {
  const track = join(dir, 'a tone.mp3');
  copyFileSync(media('cli-names-1s.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', '-b:a', '64k']), track);
  const mark = join(dir, 'decode-started');
  const wrapper = join(dir, 'ffmpeg-hang.sh');
  // the track's decode never ends while the engine that started it lives; every other ffmpeg run is the real one
  writeFileSync(wrapper, `#!/bin/sh
for a in "$@"; do
  if [ "$a" = "$STUDIO_TEST_HANG_ON" ]; then
    echo started > "$STUDIO_TEST_HANG_MARK"
    while kill -0 $PPID 2>/dev/null; do sleep 0.2; done
    exit 1
  fi
done
exec ffmpeg "$@"
`);
  chmodSync(wrapper, 0o755);
  const pack = join(dir, 'no-pack');
  mkdirSync(pack);
  const p = spawn(process.execPath, [join(ROOT, 'bin', 'studio.js'), 'ask', '--features', '--audio', track, '--pack', pack, '--data-dir', join(dir, 'data'), 'What is the tempo?'], {
    env: { ...process.env, STUDIO_FFMPEG: wrapper, STUDIO_TEST_HANG_ON: track, STUDIO_TEST_HANG_MARK: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  // once the features scan's decode has begun (the wrapper's mark), one Ctrl+C
  for (const guard = Date.now() + HANG_GUARD_MS; !existsSync(mark); ) {
    assert.ok(Date.now() < guard && p.exitCode === null, `the decode never began: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  p.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), HANG_GUARD_MS)))]);
  clearTimeout(timer);
  if (code === 'hung') p.kill('SIGKILL');
  // before: 'hung' — the scan went on waiting for its decode; the abort reached only the answer, not yet asked for
  assert.equal(code, 130, err);
  assert.match(err, /^studio: Stopped \(Ctrl\+C\) before the answer began\.$/m);
  assert.doesNotMatch(err, /manifest\.json/, 'the pack was never read: the command ended at the features scan');
});

// cli40 (lock39 noticed): Ctrl+C at `studio model get`'s "Continue? [y/N]" was unchecked. On a terminal readline reads
// the ^C as a key (raw mode) and readline/promises rejected the question with an AbortError: "studio: Unexpected error: Aborted with
// Ctrl+C", exit 1, as if the Get had failed; a SIGINT sent to the process there (no handler yet) killed it without a
// word. Both now end the question: "studio: stopped (Ctrl+C); nothing was downloaded.", exit 130, nothing downloaded.
// The prompt needs a terminal: the built CLI runs on a pseudo-terminal (Python's pty, /usr/bin/python3), against the
// local Hub of test/helpers/model-sources.ts.
// Run: npm run build && node tools/run-tests.mjs test/integration/cli-model-get-prompt-cli40.test.ts
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureTinyPacks, TINY_DIR } from '../tools/helpers';
import { ROOT } from '../helpers/media';
import { publishTinySources, type PublishedSources } from '../helpers/model-sources';

/**
 * Runs argv on a pseudo-terminal (its stdin, stdout and stderr); once the terminal shows "Continue? [y/N] " it types
 * ^C (`how` 'key': the byte 0x03, as a terminal sends the key) or sends the process SIGINT ('signal'); prints what the
 * terminal showed and the exit status (or the signal that ended it) as JSON. A hang guard of 90 s kills it.
 */
const PTY_RUN = `
import json, os, pty, select, signal, sys, time
how, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out, sent, guard = b'', False, time.time() + 90
while time.time() < guard:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b''
        if not chunk:
            break
        out += chunk
    if not sent and b'Continue? [y/N] ' in out:
        sent = True
        if how == 'key':
            os.write(fd, b'\\x03')
        else:
            os.kill(pid, signal.SIGINT)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
else:
    os.kill(pid, signal.SIGKILL)
    done, status = os.waitpid(pid, 0)
if not done:
    done, status = os.waitpid(pid, 0)
print(json.dumps({'out': out.decode('utf8', 'replace'), 'asked': sent, 'code': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, 'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None}))
`;

let src: PublishedSources;
const dir = mkdtempSync(join(tmpdir(), 'rs-model-prompt-'));
before(async () => {
  ensureTinyPacks();
  src = await publishTinySources(TINY_DIR);
});
after(async () => {
  await src?.hub.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `studio model get alpha` (no --yes) on a pseudo-terminal, answered by Ctrl+C `how` */
function getAnsweredByCtrlC(how: 'key' | 'signal', dataDir: string): Promise<{ out: string; asked: boolean; code: number | null; signal: number | null }> {
  const argv = [process.execPath, join(ROOT, 'bin', 'studio.js'), 'model', 'get', 'alpha', '--vicuna', src.vicunaDir, '--precision', 'fp32'];
  // async: the local Hub answers from this process
  const p = spawn('/usr/bin/python3', ['-c', PTY_RUN, how, ...argv], { env: { ...process.env, ...src.env, STUDIO_DATA_DIR: dataDir, COLUMNS: '160' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let json = '';
  p.stdout.setEncoding('utf8').on('data', (d: string) => (json += d));
  return new Promise((resolve) => p.on('close', () => resolve(JSON.parse(json))));
}

describe('Ctrl+C at studio model get\'s "Continue? [y/N]" (cli40)', { timeout: 300_000 }, () => {
  for (const how of ['key', 'signal'] as const) {
    it(`${how === 'key' ? 'the terminal\'s ^C key' : 'a SIGINT'}: "stopped (Ctrl+C); nothing was downloaded.", exit 130, no stack trace, nothing downloaded`, async () => {
      const dataDir = join(dir, how);
      const r = await getAnsweredByCtrlC(how, dataDir);
      assert.ok(r.asked, `the question was asked: ${r.out}`);
      // before: 'key' — "studio: Unexpected error: Aborted with Ctrl+C", exit 1; 'signal' — killed by SIGINT (code null, signal 2), no word
      assert.equal(r.signal, null, `ended by itself, not killed by the signal: ${r.out}`);
      assert.equal(r.code, 130, r.out);
      assert.match(r.out, /Continue\? \[y\/N\] .*\r?\nstudio: stopped \(Ctrl\+C\); nothing was downloaded\.\r?\n/s);
      assert.doesNotMatch(r.out, /AbortError|Aborted with Ctrl\+C|\n\s+at /, 'no error name or stack trace');
      // nothing downloaded: no part file, no pack under the models folder
      const models = join(dataDir, 'models');
      const files = existsSync(models) ? readdirSync(models, { recursive: true }).map(String).filter((n) => /\.(part|pt|bin|pth|onnx)$/.test(n)) : [];
      assert.deepEqual(files, []);
    });
  }
});

/**
 * /usr/bin/python3 for the tests' oracle runs (torch, torchaudio, Pillow, numpy), without importing torch each run.
 * Importing torch costs ~2 s of CPU a process (1.4 s user + 0.5 s sys here) and the media-truth and toolchain tests
 * start Python many times per file. `python()` starts, once per test process, test/helpers/python_zygote.py: a
 * Python that has imported them and forks per run; it returns the path of an executable that stands for
 * /usr/bin/python3 — `spawnSync(python(), ['-c', code, …], opts)` behaves as `spawnSync('/usr/bin/python3', …)`
 * (argv, cwd, environment, stdin/stdout/stderr, exit status), and where the server cannot serve a run (other
 * interpreter options, a start-up variable such as OMP_NUM_THREADS changed, the server gone) that executable
 * runs /usr/bin/python3 itself. Test tooling only.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The interpreter the tests' Python runs are (Debian's, with python3-torch and friends). */
export const REAL_PYTHON = '/usr/bin/python3';
const ZYGOTE = fileURLToPath(new URL('./python_zygote.py', import.meta.url));

let wrapper: string | undefined;

/**
 * The path of an executable that runs `/usr/bin/python3 ARGS` in a fork of a Python with numpy, torch, torchaudio and
 * PIL.Image already imported (started on the first call, ended with this process). Same results as REAL_PYTHON.
 * Set STUDIO_TEST_PYTHON_FORK=0 to get REAL_PYTHON itself (to tell a fault of this helper from one of the test).
 * @returns an absolute path, for spawn/spawnSync/execFileSync as the command
 */
export function python(): string {
  if (process.env.STUDIO_TEST_PYTHON_FORK === '0') return REAL_PYTHON;
  if (wrapper) return wrapper;
  const dir = mkdtempSync(join(tmpdir(), 'rs-py-'));
  const sock = join(dir, 's');
  const server = spawn(REAL_PYTHON, ['-B', ZYGOTE, 'serve', sock], { stdio: ['pipe', 'ignore', 'ignore'], detached: false });
  server.on('error', () => undefined);
  server.stdin!.on('error', () => undefined);
  server.unref();
  (server.stdin as unknown as { unref(): void }).unref();
  process.once('exit', () => {
    try {
      server.kill('SIGKILL');
    } catch {
      /* gone */
    }
    rmSync(dir, { recursive: true, force: true });
  });
  wrapper = join(dir, 'python3');
  writeFileSync(
    wrapper,
    `#!${REAL_PYTHON} -SB\nimport sys\nsys.path.insert(0, ${JSON.stringify(fileURLToPath(new URL('.', import.meta.url)))})\nimport python_zygote\npython_zygote.client(${JSON.stringify(sock)}, sys.argv[1:])\n`,
  );
  chmodSync(wrapper, 0o755);
  // the server binds its socket before its imports (clients wait in the backlog); until it is bound a run falls back
  // to REAL_PYTHON, so wait for it here (a bare interpreter starts in well under a second)
  const until = Date.now() + 5000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(sock) && Date.now() < until && server.exitCode === null) Atomics.wait(nap, 0, 0, 10);
  return wrapper;
}

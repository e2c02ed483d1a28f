// test/helpers/python.ts: the forking stand-in for /usr/bin/python3 gives what /usr/bin/python3 gives — stdout,
// stderr, exit status or signal — for the ways the tests run Python (-c with arguments, a script file, -W ignore,
// stdin, cwd, an environment of their own, an uncaught exception, sys.exit, files left open, torch and torchaudio
// results), and a run killed by its caller's timeout does not run on.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { python, REAL_PYTHON } from '../helpers/python';
import { media } from '../helpers/media';

const dir = mkdtempSync(join(tmpdir(), 'rs-pyfork-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** runs `args` with both and asserts the same outcome; returns the forked run's */
function same(args: string[], opts: SpawnSyncOptions = {}) {
  const a = spawnSync(REAL_PYTHON, args, { encoding: 'utf8', ...opts });
  const b = spawnSync(python(), args, { encoding: 'utf8', ...opts });
  assert.deepEqual(
    { status: b.status, signal: b.signal, stdout: b.stdout, stderr: b.stderr },
    { status: a.status, signal: a.signal, stdout: a.stdout, stderr: a.stderr },
    JSON.stringify(args),
  );
  return b;
}

describe('python(): /usr/bin/python3 without importing torch each run', () => {
  test('argv, cwd, sys.path[0] and __name__ of -c; stdin; the environment given', () => {
    same(['-c', 'import sys, os; print(sys.argv, os.getcwd(), repr(sys.path[0]), __name__)', 'a b', '-c'], { cwd: dir });
    same(['-c', 'import sys; print(sys.stdin.read().upper())'], { input: 'héllo\n' });
    same(['-c', 'import os; print(os.environ.get("RS_PYFORK"), os.environ.get("PATH") is None)'], { env: { ...process.env, RS_PYFORK: 'yes' } });
    same(['-c', 'import os; print(os.environ.get("OMP_NUM_THREADS"))'], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
  });

  test('a script file: its argv, its folder first on sys.path, __file__', () => {
    const script = join(dir, 'script.py');
    writeFileSync(script, 'import sys, os\nprint(sys.argv[1:], sys.path[0] == os.path.dirname(os.path.realpath(__file__)), __name__)\n');
    same([script, 'x', '--y']);
  });

  test('exit status, sys.exit with a message, an uncaught exception, a signal, warnings with and without -W ignore', () => {
    same(['-c', 'import sys; sys.stderr.write("err\\n"); sys.exit(3)']);
    same(['-c', 'import sys; sys.exit("a message")']);
    same(['-c', 'def f():\n    raise ValueError("boom")\nf()']);
    same(['-c', 'import os, signal; os.kill(os.getpid(), signal.SIGTERM)']);
    same(['-c', 'import warnings; warnings.warn("careful"); print("ok")']);
    same(['-W', 'ignore', '-c', 'import warnings; warnings.warn("careful"); print("ok")']);
    same(['-u', '-c', 'import sys; print("a"); sys.stderr.write("b\\n"); print("c")']);
  });

  test('a file the script leaves open is written out, as at interpreter exit', () => {
    const out = join(dir, 'unclosed.txt');
    const r = spawnSync(python(), ['-c', `f = open(${JSON.stringify(out)}, "w"); f.write("data")`]);
    assert.equal(r.status, 0, String(r.stderr));
    assert.equal(readFileSync(out, 'utf8'), 'data');
  });

  test("torch's and torchaudio's results are the same bytes", () => {
    const wav = media('pyfork-tone.wav', ['-f', 'lavfi', '-i', 'sine=f=440:d=0.5', '-ar', '44100']);
    same(['-c', `import torch, torchaudio, hashlib
x, sr = torchaudio.load(${JSON.stringify(wav)})
f = torchaudio.compliance.kaldi.fbank(x[:1] * 32768, sample_frequency=16000, num_mel_bins=128)
y = torch.nn.functional.interpolate(torch.arange(60.).reshape(1, 1, 6, 10), size=(13, 7), mode='bicubic', align_corners=False)
print(sr, tuple(x.shape), hashlib.sha256(x.numpy().tobytes()).hexdigest(), hashlib.sha256(f.numpy().tobytes()).hexdigest(), hashlib.sha256(y.numpy().tobytes()).hexdigest(), torch.get_num_threads())`]);
  });

  test("a run its caller's timeout kills does not run on", () => {
    const mark = join(dir, 'late.txt');
    const pidFile = join(dir, 'late.pid');
    const r = spawnSync(python(), ['-c', `import os, time; open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid())); time.sleep(3); open(${JSON.stringify(mark)}, "w").write("ran on")`], { timeout: 500 });
    assert.equal(r.signal, 'SIGTERM');
    // the run's own process, once gone (dead or a zombie), has written all it ever will: a run that runs on writes the
    // mark 3 s in and only then ends (was: a fixed 4 s sleep). One killed before it wrote its pid: the 4 s as before.
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
    if (pid > 0) {
      const runs = () => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
        } catch {
          return false;
        }
      };
      const guard = Date.now() + 60_000;
      while (runs()) {
        assert.ok(Date.now() < guard, `hang guard: pid ${pid} still runs`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    } else spawnSync('sleep', ['4']);
    assert.equal(existsSync(mark), false, 'the script ran on after its caller was killed');
  });

  test('several runs at once', async () => {
    const { spawn } = await import('node:child_process');
    const outs = await Promise.all(
      [1, 2, 3, 4].map(
        (i) =>
          new Promise<string>((resolve) => {
            const p = spawn(python(), ['-c', `import time, sys; time.sleep(0.3); print(${i} * 7, sys.argv[1:])`, String(i)]);
            let o = '';
            p.stdout.on('data', (d) => (o += d));
            p.on('close', () => resolve(o));
          }),
      ),
    );
    assert.deepEqual(outs, [1, 2, 3, 4].map((i) => `${i * 7} ['${i}']\n`));
  });
});

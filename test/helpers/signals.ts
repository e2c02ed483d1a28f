// Signals sent to a real child process the way a user sends them.
import { readFileSync } from 'node:fs';

/**
 * Ctrl+C twice: SIGINT to `pid`, then — once the first has been delivered — a second. Two signals of one kind sent
 * back to back are one if the first is still pending when the second comes (signal(7): standard signals do not
 * queue), so the second waits until the first is no longer pending for the process (`/proc/<pid>/status` ShdPnd,
 * the process-wide pending mask; SIGINT is bit 1 << 1). A process gone meanwhile is not signalled again.
 * Where there is no /proc (not Linux), the second is sent after a macrotask.
 */
export async function ctrlCTwice(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  const guard = Date.now() + 60_000;
  for (;;) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return; // gone
      await new Promise((r) => setImmediate(r));
      break;
    }
    const pending = BigInt(`0x${/^ShdPnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'}`);
    if (!(pending & 2n) || /^State:\s*Z/m.test(status)) break;
    if (Date.now() > guard) throw new Error(`hang guard: SIGINT still pending for pid ${pid}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    // exited after the first
  }
}

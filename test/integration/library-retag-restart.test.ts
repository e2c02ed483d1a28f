// An engine restarted while the scan's re-read of old rows' tags was paused (session 20, media20). The job was kept
// as paused in the database, and its unchanged rows were recorded done when classified (the re-read comes after the
// analyses), so the scan resumed after the restart finished at once and left the rows not yet re-read for the next
// full scan — with nothing said. Now the resumed scan re-reads them (job.ts resumePhase: classify's needsRetag). The
// set-up is library-retag-pause's: a real engine on a data folder whose library holds only rows stored before the
// probe's tags held the tempo and key (lib_versions without ",tags:2").
// Run: npm run build && node --import tsx --test test/integration/library-retag-restart.test.ts
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventName, ScanState } from '@contract';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';
import { oldFormatLibrary } from '../helpers/library-rows';

/** rows in the library: enough that the re-read is still going when the pause reaches it */
const N = 1200;

describe('the scan\'s tags re-read, paused, then the engine restarted', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-retag-restart-'));
  const lib = join(root, 'Library');
  const dataDir = join(root, 'data');
  let engine: EngineHost | undefined;
  const ids = new Map<string, string>();
  const events: Array<{ name: EventName; payload: unknown; at: number }> = [];
  let seq = 0;
  const listen = (e: EngineHost) => e.onEvent((name, payload) => void events.push({ name, payload, at: ++seq }));

  before(async () => {
    // an MP3 whose ID3v2 tag states TBPM 128 and TKEY 8A, copied N times, stored as an older build stored it
    for (const [path, id] of await oldFormatLibrary(lib, dataDir, N)) ids.set(path, id);
  });
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function nextEvent<T>(name: EventName, after: number, ok: (p: T) => boolean = () => true): Promise<T> {
    const end = Date.now() + 60_000;
    for (;;) {
      const e = events.find((x) => x.at > after && x.name === name && ok(x.payload as T));
      if (e) return e.payload as T;
      assert.ok(Date.now() < end, `no ${name} event came`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async function reread(e: EngineHost): Promise<number> {
    let n = 0;
    for (const trackId of ids.values()) if ((await e.call('library:track-detail', { trackId })).tagged !== null) n++;
    return n;
  }

  test('the resumed scan re-reads the rows the paused one had left (was: finished at once, left for the next scan); after the restart it is shown paused and Resume resumes it', async () => {
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    listen(engine);
    const start = seq;
    await engine.call('library:scan', {});
    await nextEvent<ScanState>('library:scan-state', start, (s) => s.state === 'running' && !!s.currentFile && ids.has(s.currentFile));
    const mark = seq;
    const paused = await engine.call('library:scan-control', { action: 'pause' });
    assert.equal(paused.state, 'paused');
    await nextEvent('library:changed', mark);
    const k = await reread(engine);
    assert.ok(k > 0 && k < N, `paused part way: ${k} of ${N} re-read`);
    await engine.stop();
    engine = undefined;

    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    listen(engine);
    // a paused job is not resumed by itself; it is shown paused, with its counts (it was shown nowhere: the state
    // said idle until the next Scan resumed it), and Resume resumes it
    assert.equal(await reread(engine), k, 'nothing re-read before the scan is asked for');
    const held = await engine.call('library:scan-state', {});
    assert.deepEqual([held.state, held.jobId, held.total, held.done, held.failed], ['paused', paused.jobId, N, k, 0], JSON.stringify(held));
    assert.equal((await engine.call('library:idle', {})).state, 'paused', 'paused counts as at rest');
    assert.equal((await engine.call('library:scan-control', { action: 'resume' })).state, 'running');
    await engine.call('library:idle', {});
    assert.equal(await reread(engine), N, 'every row re-read by the resumed scan');
    const end = await engine.call('library:scan-state', {});
    assert.deepEqual([end.state, end.done, end.failed, end.total], ['finished', N, 0, N]);
  });
});

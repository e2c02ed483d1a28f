// The scan's re-read of old rows' tags (lib_versions without ",tags:2": rows analysed before the probe's tags held the
// tempo and key a file states, fix18b) honours Pause — tested here end to end for the first time (left19b): a real
// engine on a data folder whose library holds only such rows, paused while it re-reads them, then resumed. Faults this
// found and fixed (each assertion failed before): while paused the progress said every file was done (the re-read rows
// were counted done when found, so "Scan paused 1200 / 1200" with the bar full), the file named as current was one
// already re-read, and the rows re-read since the last batch of 500 were not announced (library:changed) until the scan
// went on, so the table showed them without their tags while paused.
// Run: npm run build && node --import tsx --test test/integration/library-retag-pause.test.ts
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
const TAGGED = { bpm: 128, key: 'A minor', keyText: '8A' };


describe('the scan\'s tags re-read of old rows: Pause and Resume (left19b)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-retag-pause-'));
  const lib = join(root, 'Library');
  const dataDir = join(root, 'data');
  let engine: EngineHost;
  const ids = new Map<string, string>(); // path → track id
  const events: Array<{ name: EventName; payload: unknown; at: number }> = [];
  let seq = 0;

  before(async () => {
    // an MP3 whose ID3v2 tag states TBPM 128 and TKEY 8A, copied N times, stored as an older build stored it
    for (const [path, id] of await oldFormatLibrary(lib, dataDir, N)) ids.set(path, id);
    ({ engine } = await startTestEngine({ dataDir, env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
    engine.onEvent((name, payload) => void events.push({ name, payload, at: ++seq }));
  });
  after(async () => {
    await engine?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** the next event `name` after sequence number `after` that `ok` accepts (a hang guard of 60 s) */
  async function nextEvent<T>(name: EventName, after: number, ok: (p: T) => boolean = () => true): Promise<{ payload: T; at: number }> {
    const end = Date.now() + 60_000;
    for (;;) {
      const e = events.find((x) => x.at > after && x.name === name && ok(x.payload as T));
      if (e) return { payload: e.payload as T, at: e.at };
      assert.ok(Date.now() < end, `no ${name} event came`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** the paths whose row has its tags re-read (the detail's "Tagged:" tempo and key) */
  async function reread(): Promise<Set<string>> {
    const done = new Set<string>();
    for (const [path, trackId] of ids) {
      const d = await engine.call('library:track-detail', { trackId });
      if (d.tagged !== null) {
        assert.deepEqual(d.tagged, TAGGED, path);
        done.add(path);
      }
    }
    return done;
  }

  test('paused during the re-read: it stops, the progress and the current file say where, nothing is lost; Resume finishes it', async () => {
    assert.equal((await reread()).size, 0, 'no row has its tagged tempo/key yet');
    const start = seq;
    await engine.call('library:scan', {});
    // the re-read under way: a file of the library named as current (no file is analysed: all rows are current)
    await nextEvent<ScanState>('library:scan-state', start, (s) => s.state === 'running' && !!s.currentFile && ids.has(s.currentFile));
    const mark = seq;
    const paused = await engine.call('library:scan-control', { action: 'pause' });
    assert.equal(paused.state, 'paused');
    // the re-read reaches the pause (the file being read when it was asked finishes first): what it re-read is announced
    await nextEvent('library:changed', mark);
    const first = await reread();
    const k = first.size;
    assert.ok(k > 0 && k < N, `paused part way: ${k} of ${N} re-read`);
    // nothing goes on while paused (checked after reading every row, which takes a while)
    const second = await reread();
    assert.equal(second.size, k, 'no row re-read while paused');
    const st = await engine.call('library:scan-state', {});
    assert.equal(st.state, 'paused');
    assert.equal(st.total, N);
    assert.equal(st.done + st.failed, k, `the progress counts the rows re-read, not all ${N} (was ${st.done} / ${st.total})`);
    assert.ok(st.currentFile !== null && ids.has(st.currentFile) && !first.has(st.currentFile), `the current file is the next to re-read: ${st.currentFile}`);
    // every row still there, none analysed again
    const rows = await engine.call('library:query', { offset: 0, limit: 5 });
    assert.equal(rows.total, N);
    // Resume: the rest re-read, none twice, none lost
    const r = seq;
    await engine.call('library:scan-control', { action: 'resume' });
    await engine.call('library:idle', {});
    const all = await reread();
    assert.equal(all.size, N, 'every row re-read after Resume');
    const end = await engine.call('library:scan-state', {});
    assert.deepEqual([end.state, end.done, end.failed, end.total], ['finished', N, 0, N]);
    assert.ok(events.some((e) => e.at > r && e.name === 'library:changed'), 'the rest announced');
    // once re-read, a new scan re-reads none of them
    const again = seq;
    await engine.call('library:scan', {});
    await engine.call('library:idle', {});
    assert.ok(!events.some((e) => e.at > again && e.name === 'library:scan-state' && ids.has((e.payload as ScanState).currentFile ?? '')), 'nothing re-read twice');
  });
});

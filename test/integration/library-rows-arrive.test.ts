// A big folder's rows reach the library as they are recorded (left16, a tester's leftover: 20,000 files left the
// table empty ~15 s, then filled it at once). The scan records found files CLASSIFY_BATCH (500) per transaction and
// lets the event loop go between, so a query answered meanwhile sees part of the rows. Before: one transaction for
// the whole folder held the engine (a query waited 4.9 s for 6000 files here) and answered 0, then all of them.
// Deterministic: the queries are answered only where the engine lets go, so the totals seen are 0, whole batches, N.
// Needs `npm run build`.
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineHost } from '../../main/engine-host';
import { startTestEngine } from '../helpers/engine';
import { media } from '../helpers/media';

const N = 2000;

describe('library: rows arrive in batches while a big folder is recorded (left16)', () => {
  let engine: EngineHost;
  let tmp: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rs-rows-arrive-'));
    const tone = media('rows-arrive-tiny.mp3', ['-f', 'lavfi', '-i', 'sine=f=440:d=1', '-ac', '1', '-b:a', '32k']);
    for (let d = 0; d < N / 500; d++) {
      mkdirSync(join(tmp, 'Music', `disc ${d}`), { recursive: true });
      for (let i = 0; i < 500; i++) linkSync(tone, join(tmp, 'Music', `disc ${d}`, `track ${i}.mp3`));
    }
    ({ engine } = await startTestEngine({ env: { STUDIO_ANALYSIS_WORKERS: '1' } }));
  });
  after(async () => {
    await engine?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test(`${N} hard links: a query made while they are recorded sees part of them`, async () => {
    await engine.call('library:add-folder', { path: join(tmp, 'Music') });
    const seen: number[] = [];
    for (;;) {
      const { total } = await engine.call('library:query', { offset: 0, limit: 50 });
      if (seen.at(-1) !== total) seen.push(total);
      if (total >= N) break;
      // a scan that ends short of N (a file skipped or failed) must fail here, not poll for ever
      const { state } = await engine.call('library:scan-state', {});
      if (state === 'finished' || state === 'cancelled') {
        const last = await engine.call('library:query', { offset: 0, limit: 50 });
        if (last.total >= N) break;
        assert.fail(`the scan ended (${state}) with ${last.total} of ${N} rows; totals seen: ${seen.join(' → ')}`);
      }
    }
    await engine.call('library:scan-control', { action: 'cancel' });
    assert.equal(seen.at(-1), N);
    assert.ok(seen.some((t) => t > 0 && t < N), `totals seen: ${seen.join(' → ')} (before: 0 → ${N})`);
    assert.ok(seen.every((t) => t % 500 === 0), `whole batches: ${seen.join(' → ')}`);
  });
});

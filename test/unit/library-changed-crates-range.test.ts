// A crate changed or the BPM range set is told to every page (library:changed), as a scan's rows are: both called
// LibraryScanner.bumpChanged({}), whose all-zero change flushChanged dropped (now tellChanged), so a second tab (web mode) or window kept
// a crate's old count and the tempi outside the new range until it was reloaded (catchup27 noticed).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventName, EventPayload } from '@contract';
import { openDb } from '../../main/engine/db';
import type { EngineContext } from '../../main/engine/context';
import { CrateService } from '../../main/engine/library/crates';
import { InlineAnalyse } from '../../main/engine/library/pool';
import { LibraryService } from '../../main/engine/library/service';

const dir = mkdtempSync(join(tmpdir(), 'rs-changed-crates-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a crate made or renamed and the BPM range set each send one library:changed', async () => {
  const events: { name: string; payload: unknown }[] = [];
  const db = openDb(join(dir, 'data'));
  const ctx = {
    db, dataDir: join(dir, 'data'), cacheDir: join(dir, 'data', 'cache'), mode: 'desktop', version: 'test', startedAt: Date.now(), restarts: 0,
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void events.push({ name, payload }),
  } as EngineContext;
  const library = new LibraryService(ctx, { makePool: () => new InlineAnalyse(), background: false });
  const crates = new CrateService(db, () => library.scanner.tellChanged());
  const changes = () => events.filter((e) => e.name === 'library:changed').length;
  const settle = () => new Promise((r) => setTimeout(r, 400)); // told within 250 ms

  library.setBpmRange({ min: 70, max: 140 });
  await settle();
  assert.equal(changes(), 1, 'the BPM range set');
  assert.deepEqual(events.at(-1)!.payload, { added: 0, updated: 0, removed: 0 });

  const c = crates.create('Warm-up');
  await settle();
  assert.equal(changes(), 2, 'a crate made');
  crates.rename(c.id, 'Peak time');
  library.setBpmRange(null);
  await settle();
  assert.equal(changes(), 3, 'two changes within 250 ms are told once');
  db.close();
});

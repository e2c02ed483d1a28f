// Session 20 left: the Track view header's tempo and key were not refreshed when the library finished analysing the
// open track (it read them once, when the track was opened), and it read the whole library:track-detail (beats, key
// strengths, loudness curve, chords) for a row and two reasons. Now library:changed names the rows whose analysis was
// stored (`analysed`, failures too), and library:track-summary answers the header's fields alone — the same values
// detail states (the tempo in the BPM range; why there is no tempo or key).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EventName, EventPayload } from '@contract';
import { openDb } from '../../main/engine/db';
import type { EngineContext } from '../../main/engine/context';
import { InlineAnalyse } from '../../main/engine/library/pool';
import { LibraryService } from '../../main/engine/library/service';
import { media } from '../helpers/media';
import { LIBRARY_TRACKS, trackArgs } from '../e2e/library-page';

const dir = mkdtempSync(join(tmpdir(), 'rs-track-summary-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('library:changed names the rows analysed (and failed); library:track-summary states what library:track-detail does, in the BPM range too', async () => {
  const lib = join(dir, 'Music');
  mkdirSync(lib, { recursive: true });
  const beat = join(lib, 'beat.flac');
  const tone = join(lib, 'tone.flac');
  const bad = join(lib, 'bad.mp3');
  // a click at 128 BPM over an E minor cadence (the e2e library's "Gamma"), a 2 s tone (no tempo: its reason), a text file
  const gamma = LIBRARY_TRACKS.find((t) => t.bpm === 128)!;
  copyFileSync(media('summary-gamma-12s.flac', trackArgs({ ...gamma, codec: 'flac' }, 12)), beat);
  copyFileSync(media('summary-tone-2s.flac', ['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:a', 'flac']), tone);
  writeFileSync(bad, 'not an mp3\n'.repeat(40));
  const events: { name: string; payload: unknown }[] = [];
  const db = openDb(join(dir, 'data'));
  const ctx = {
    db, dataDir: join(dir, 'data'), cacheDir: join(dir, 'data', 'cache'), mode: 'desktop', version: 'test', startedAt: Date.now(), restarts: 0,
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void events.push({ name, payload }),
  } as EngineContext;
  const library = new LibraryService(ctx, { makePool: () => new InlineAnalyse(), background: false });
  await library.addFolder(lib);
  await library.scanner.whenIdle();
  const ids = new Map(library.query({ offset: 0, limit: 10 }).rows.map((r) => [r.fileName, r.id]));
  assert.equal(ids.size, 3);
  // the last library:changed is sent within 250 ms of the last row stored
  const told = () => new Set(events.filter((e) => e.name === 'library:changed').flatMap((e) => (e.payload as EventPayload<'library:changed'>).analysed ?? []));
  for (let i = 0; i < 100 && told().size < 3; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual([...told()].sort(), [...ids.values()].sort(), 'every row analysed or failed is named once stored');

  // storedBpm (the analysed tempo, sent only with a BPM range set): the header names it beside a folded one (dj33)
  const pick = (d: ReturnType<LibraryService['detail']>) => ({ track: d.track, tempoReason: d.tempoReason, keyReason: d.keyReason, ...(d.storedBpm !== undefined && { storedBpm: d.storedBpm }) });
  const check = (why: string) => {
    for (const [name, id] of ids) {
      if (name === 'bad.mp3') {
        assert.equal(library.summary(id).track.status, 'failed');
        continue;
      }
      assert.deepEqual(library.summary(id), pick(library.detail(id)), `${name} ${why}`);
    }
  };
  check('as analysed');
  const b = library.summary(ids.get('beat.flac')!);
  assert.equal(Math.round(b.track.bpm!), 128);
  assert.equal(b.tempoReason, null);
  const t = library.summary(ids.get('tone.flac')!);
  assert.equal(t.track.bpm, null);
  assert.ok(t.tempoReason, 'why the tone has no tempo');
  library.setBpmRange({ min: 60, max: 120 });
  check('in the BPM range 60–120');
  assert.equal(Math.round(library.summary(ids.get('beat.flac')!).track.bpm!), 64, 'folded into the range as the detail folds it');
  // the header's read is the row, not the plots: a fraction of the detail's size
  const sizes = [JSON.stringify(library.summary(ids.get('beat.flac')!)).length, JSON.stringify(library.detail(ids.get('beat.flac')!)).length];
  assert.ok(sizes[0] * 3 < sizes[1], `summary ${sizes[0]} B, detail ${sizes[1]} B`);
  library.close();
  db.close();
});

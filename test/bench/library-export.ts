// Export ▾ → CSV / JSON / rekordbox XML of a 30,003-row library through a real engine process (cliui37): each format
// through the one row loop (service.ts exportEach: "n of m tracks" and Cancel), timed as the app calls it, with the
// longest the engine went without a progress message within the loop (what Cancel may wait for) — against the lower bound measured in
// the same run: the same rows made in one synchronous piece in this process (toCsv / JSON.stringify, the CSV and JSON
// export before cliui37, less its database read).
//
//   npm run build && nice node --import tsx test/bench/library-export.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../main/engine/db';
import { jsonItem, toCsv, type ExportRow } from '../../main/engine/library/service';
import { startTestEngine } from '../helpers/engine';
import { bulkCopies, oldFormatLibrary } from '../helpers/library-rows';

const runs = Number(process.argv[2] ?? 5);
const BULK = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'rs-export-bench-'));
const data = join(dir, 'data');
try {
  // three analysed rows as the scan stores them, then 30,000 copies in SQL (test/unit/library-export-progress.test.ts)
  await oldFormatLibrary(join(dir, 'lib'), data, 3);
  const db = openDb(data);
  bulkCopies(db, join(dir, 'lib', 'bulk', 'bulk-'), BULK);
  db.close();
  const { engine } = await startTestEngine({ dataDir: data, env: { STUDIO_LIBRARY_BACKGROUND: '0' } });
  try {
    const rows = JSON.parse((await engine.call('library:export', { format: 'json' })).content) as ExportRow[];
    const time = async (format: 'csv' | 'json' | 'rekordbox') => {
      const t0 = performance.now();
      let last = t0;
      let gap = 0;
      let first = NaN;
      let said = 0;
      await engine.call('library:export', { format }, {
        onProgress: () => {
          const now = performance.now();
          if (!said++) first = now - t0;
          else gap = Math.max(gap, now - last);
          last = now;
        },
      });
      const ms = performance.now() - t0;
      // `gap`: between the first progress and the last (the loop, where a Cancel lands); `tail`: the last progress to
      // the answer (the file joined and sent to this process: no row left to stop at)
      return { ms, first, gap, tail: ms - (last - t0), said };
    };
    const onePiece = (format: 'csv' | 'json') => {
      const t0 = performance.now();
      if (format === 'csv') toCsv(rows);
      else JSON.stringify(rows, null, 1);
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(' ')})`;
    console.log(`${rows.length} rows, ${runs} runs each, alternating`);
    for (const format of ['csv', 'json', 'rekordbox'] as const) {
      const r: Awaited<ReturnType<typeof time>>[] = [];
      const bound: number[] = [];
      for (let i = 0; i < runs; i++) {
        r.push(await time(format));
        if (format !== 'rekordbox') bound.push(onePiece(format));
      }
      console.log(`${format}: engine call median ${fmt(r.map((x) => x.ms))}; first progress ${fmt(r.map((x) => x.first))}; longest between progress messages ${fmt(r.map((x) => x.gap))}; last progress to the answer ${fmt(r.map((x) => x.tail))}; ${median(r.map((x) => x.said))} progress messages`);
      if (bound.length) console.log(`${format}: one synchronous piece in this process, same rows (lower bound, no database read, no IPC): ${fmt(bound)}`);
    }
    // crate38: where the JSON's tail goes — the parts of it that run in one piece in a process, measured here on the same
    // answer: the items joined (the engine, service.ts export), the wire message made (the engine's process.send:
    // serialization 'json' is JSON.stringify) and read (the host's JSON.parse). The rest of the tail is the pipe between
    const parts = rows.map(jsonItem);
    const answer = await engine.call('library:export', { format: 'json' });
    const join: number[] = [];
    const wire: number[] = [];
    const read: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      const content = `[\n${parts.join(',\n')}\n]`;
      join.push(performance.now() - t0);
      t0 = performance.now();
      const message = JSON.stringify({ t: 'res', id: 'c1', ok: true, value: { ...answer, content } });
      wire.push(performance.now() - t0);
      bytes = Buffer.byteLength(message);
      t0 = performance.now();
      JSON.parse(message);
      read.push(performance.now() - t0);
    }
    console.log(`json tail, in this process: join ${fmt(join)}; wire message made ${fmt(wire)} (${(bytes / 1e6).toFixed(1)} MB, content ${(Buffer.byteLength(answer.content) / 1e6).toFixed(1)} MB); read ${fmt(read)}`);
  } finally {
    await engine.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

import type { MethodInput } from '@contract';
import { fmtCount } from '../../../lib/format';
import { api, asStudioError, isCancelled } from '../../../host/api';
import { signal } from '../../../lib/test-hooks';
import { downloadText } from '../../../lib/download';
import { ABOUT, app } from '../../../shared/state/app.svelte';
import { selection } from './selection.svelte';
import { table } from './table.svelte';

export type ExportScope = 'all' | 'filter' | 'selection';

/** Export of the library (`library:export`) as CSV, JSON or a rekordbox XML collection, handed to the browser as a download. */
class Exporter {
  busy = $state(false);
  /** the export's progress ("1,234 of 10,000 tracks", every format: the engine's exportEach), null when none runs */
  progress = $state<{ fraction: number; message: string } | null>(null);
  private controller: AbortController | null = null;

  /** Stop the export under way (it stops between tracks; nothing is downloaded). */
  cancel(): void {
    this.controller?.abort();
  }

  /** Every track, those shown (the filter, in the crate shown), or the selected rows; in the table's order. */
  async run(format: 'csv' | 'json' | 'rekordbox', scope: ExportScope): Promise<void> {
    this.busy = true;
    try {
      // in the table's order: a crate's own order, a column sort (the rows came by path whatever the table showed).
      // The whole library from a crate in crate order: that order means nothing outside it, so the library's own sort
      // (the one the table shows outside the crate); a column sort chosen in the crate goes along as it is
      const sort = scope === 'all' && table.sort.column === 'crate' ? table.librarySort : table.sort;
      const args: MethodInput<'library:export'> = { format, sort: { ...sort } };
      // the rows shown: the filter, within the crate shown (table.queryFilter)
      if (scope === 'filter' && (table.filtered || table.crateId)) args.filter = table.queryFilter;
      if (scope === 'selection') {
        if (!selection.ids.size) {
          app.notice('Nothing selected', 'Select rows first (Shift or Ctrl/⌘-click for several).', 'warning');
          return;
        }
        args.trackIds = [...selection.ids];
        // rows selected in a crate: the crate named, for its order (they are all in it)
        if (table.crateId) args.filter = { crateId: table.crateId };
      }
      this.controller = new AbortController();
      const res = await api().call('library:export', args, {
        signal: this.controller.signal,
        onProgress: (p) => (this.progress = { fraction: p.fraction ?? 0, message: p.message ?? '' }),
      });
      // Cancel pressed after the engine's loop had ended, while its answer was on its way (a 30 MB JSON at 30,000 rows
      // takes ~2 s to be joined and carried: BENCHMARKS.md, cliui37's "tail"): the engine had nothing left to stop, so
      // the answer came whole — and was downloaded though Cancel was pressed (crate38). Nothing is downloaded now
      if (this.controller.signal.aborted) {
        app.notice('Export cancelled', `Cancelled once every track (${fmtCount(res.count)}) was read: nothing was downloaded.`);
        signal('library-export-cancelled', { format, scope, count: res.count });
        return;
      }
      downloadText(res.content, res.mime, res.fileName);
      app.resolved(ABOUT.export);
      signal('library-exported', { fileName: res.fileName, count: res.count, format, scope });
    } catch (err) {
      // the engine's own words where it stopped the job ("Stopped after 3,000 of 30,004 tracks: nothing was written."):
      // said once the engine's loop has ended, so the toast is the job's end, not only the bar's
      if (isCancelled(err)) {
        const said = asStudioError(err).message;
        app.notice('Export cancelled', /^Stopped after /.test(said) ? said : 'Nothing was downloaded.');
      }
      else app.error(err, 'Could not export the library', ABOUT.export);
    } finally {
      this.busy = false;
      this.progress = null;
      this.controller = null;
    }
  }
}

export const exporter = new Exporter();

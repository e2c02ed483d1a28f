import type { RecentEntry } from '@contract';
import { api } from '../../host/api';
import { ABOUT, app } from './app.svelte';

class RecentFiles {
  entries = $state<RecentEntry[]>([]);
  loaded = $state(false);

  async load(): Promise<void> {
    try {
      this.entries = await api().call('recent:list', {});
      this.loaded = true;
      app.resolved(ABOUT.recent);
    } catch (err) {
      app.error(err, 'Could not read recent files', ABOUT.recent);
    }
  }

  async remove(trackId: string): Promise<void> {
    try {
      await api().call('recent:remove', { trackId });
      this.entries = this.entries.filter((e) => e.trackId !== trackId);
    } catch (err) {
      app.error(err, 'Could not remove the recent file');
    }
  }

  async clear(): Promise<void> {
    try {
      await api().call('recent:clear', {});
      this.entries = [];
    } catch (err) {
      app.error(err, 'Could not clear recent files');
    }
  }
}

export const recent = new RecentFiles();

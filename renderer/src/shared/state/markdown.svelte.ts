import type { MarkdownBlock } from '../../lib/markdown';

/**
 * The Markdown renderer (lib/markdown.ts with marked and DOMPurify, ~90 KB)
 * is its own chunk, fetched once after the window's first paint rather than
 * in the bundle that paint waits for. `render` is null until it has arrived;
 * answers are shown as plain text until then (a moment, once per page).
 */
class MarkdownLoader {
  render = $state.raw<((src: string) => MarkdownBlock[]) | null>(null);
  private loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.loading ??= import('../../lib/markdown').then((m) => {
      this.render = m.markdownBlocks;
    });
    return this.loading;
  }
}

export const markdown = new MarkdownLoader();

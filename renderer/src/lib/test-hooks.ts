/**
 * Signals the end-to-end tests wait on instead of sleeping (Signal Desktop's
 * waitForEvent idea): every notable moment is appended to
 * window.__studioEvents and mirrored as a data flag on <body>.
 * Cheap and harmless in production.
 */
export interface StudioTestEvent {
  seq: number;
  name: string;
  detail?: unknown;
  at: number;
}

declare global {
  interface Window {
    __studioEvents?: StudioTestEvent[];
  }
}

let seq = 0;
const MAX = 500;

export function signal(name: string, detail?: unknown): void {
  const list = (window.__studioEvents ??= []);
  list.push({ seq: ++seq, name, detail, at: performance.now() });
  if (list.length > MAX) list.splice(0, list.length - MAX);
  document.body.dataset[toDatasetKey(name)] = String(seq);
}

function toDatasetKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

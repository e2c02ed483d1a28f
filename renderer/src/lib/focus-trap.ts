/**
 * Keeps keyboard focus inside a modal dialog (the ARIA dialog pattern that `aria-modal="true"` promises): Tab
 * from the last control goes to the first, Shift+Tab from the first to the last, so a keyboard user cannot end up
 * on the page behind the backdrop (tester15: Tab from "Open folder" in Open… reached the top bar's Track and
 * Library buttons, where Space and Enter acted behind the dialog). Focus moves into the dialog when it opens if it
 * is not there already (the dialog itself when it has no control), and goes back to where it was when it closes.
 *
 * A Svelte attachment: `<div role="dialog" aria-modal="true" tabindex="-1" {@attach trapFocus}>`.
 */
export function trapFocus(node: HTMLElement): () => void {
  const before = document.activeElement as HTMLElement | null;
  const focusables = (): HTMLElement[] =>
    [...node.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]')].filter(
      (el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.getClientRects().length > 0,
    );
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const all = focusables();
    const active = document.activeElement as HTMLElement | null;
    if (all.length === 0) {
      e.preventDefault();
      node.focus();
      return;
    }
    const first = all[0];
    const last = all[all.length - 1];
    const inside = active !== null && node.contains(active);
    if (e.shiftKey && (!inside || active === first || active === node)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (!inside || active === last)) {
      e.preventDefault();
      first.focus();
    }
  };
  node.addEventListener('keydown', onKey);
  // after the dialog's own first focus (a list, an input) has had its turn
  const t = setTimeout(() => {
    if (!node.contains(document.activeElement)) node.focus();
  }, 0);
  return () => {
    clearTimeout(t);
    node.removeEventListener('keydown', onKey);
    if (before?.isConnected && (document.activeElement === null || document.activeElement === document.body || !document.activeElement.isConnected)) before.focus();
  };
}

/**
 * Where rows dragged within a crate's view (crate order) land: crates:move-tracks puts them in front of `beforeId`
 * (null: at the end). The rule: in front of the first row at or after the drop point `at` (a row index of the table,
 * 0…total) that is not itself among the dragged rows; the end when every row from `at` on is dragged.
 *
 * The table holds only the pages near the view (state/table PAGE_SIZE rows each): a row not loaded is read first
 * (`fetch`, the page's library:query) — before, an unloaded row ended the search and the rows went to the crate's end
 * (note21: a drop on the last loaded row's lower half). `row(k)`: the row at index k if loaded. Returns the id to move
 * in front of, null for the end, or undefined when a row could not be read (offline, an error): then nothing moves.
 */
export async function crateDropBefore(
  at: number,
  total: number,
  moved: ReadonlySet<string>,
  row: (index: number) => { id: string } | undefined,
  fetch: (index: number) => Promise<void>,
): Promise<string | null | undefined> {
  for (let k = at; k < total; k++) {
    let r = row(k);
    if (!r) {
      await fetch(k);
      r = row(k);
      if (!r) return undefined;
    }
    if (!moved.has(r.id)) return r.id;
  }
  return null;
}

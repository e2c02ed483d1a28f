/**
 * Order statistics without a full sort.
 */

/**
 * The value `a[k]` would hold after `a.sort()` (ascending; 0 ≤ k < a.length), found by Hoare's selection
 * (quickselect, median-of-three pivot): O(n) on average where a sort is O(n log n). `a` is reordered in place
 * (as C++'s std::nth_element leaves it). For arrays without NaN the result equals the sorted array's element
 * exactly (it is one of the inputs, selected by comparisons only); ±0 compare equal, so either may be returned
 * where a sort would put −0 first. @throws RangeError when k is outside the array.
 */
export function nthSmallest(a: Float64Array, k: number): number {
  const n = a.length;
  if (!(k >= 0 && k < n)) throw new RangeError(`nthSmallest: k = ${k} outside 0 … ${n - 1}`);
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      // short range: insertion sort, then the answer is in place
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i];
        let j = i - 1;
        while (j >= lo && a[j] > v) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return a[k];
    }
    // median of three as the pivot, moved to lo
    const mid = (lo + hi) >> 1;
    let x = a[lo], y = a[mid], z = a[hi];
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    // Hoare partition: a[lo..j] ≤ pivot ≤ a[j+1..hi]
    let i = lo - 1;
    let j = hi + 1;
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (a[j] > pivot);
      if (i >= j) break;
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    if (k <= j) hi = j;
    else lo = j + 1;
  }
  return a[k];
}

// Grouping numbers by value: the fits reduce their customers to distinct (x, t_x, T) or (x, m̄) with
// weights. A Map per column, keyed by a hundred thousand fractional numbers, cost a large share of a
// fit at scale; this open-addressing hash on the numbers' bits does the same grouping in a few ms.

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/**
 * Group ids of items 0..n−1 by their values in `columns` (all of length ≥ n): items whose values are
 * equal column by column (as `===` compares them: 0 equals −0; no NaN expected) share an id, and ids
 * count up in order of first appearance. `first[g]` is the first item of group g.
 */
export function distinctIds(columns: readonly Float64Array[], n: number): { ids: Int32Array; first: Int32Array; count: number } {
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const ids = new Int32Array(n);
  const first = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (const column of columns) {
      bits[0] = column[i]! + 0; // −0 + 0 is +0: the same bits as 0
      h = Math.imul(h ^ words[0]!, 0x01000193);
      h = Math.imul(h ^ words[1]!, 0x01000193);
    }
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const g = table[slot]!;
      if (g === -1) {
        table[slot] = count;
        first[count] = i;
        ids[i] = count++;
        break;
      }
      const f = first[g]!;
      let same = true;
      for (const column of columns)
        if (column[f] !== column[i]) {
          same = false;
          break;
        }
      if (same) {
        ids[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { ids, first: first.subarray(0, count), count };
}

/** The distinct values of a list in order of first appearance, and each item's index among them. */
export function distinctValues(list: ArrayLike<number>): { ids: Int32Array; values: Float64Array } {
  const column = list instanceof Float64Array ? list : Float64Array.from(list);
  const { ids, first } = distinctIds([column], column.length);
  return { ids, values: Float64Array.from(first, (i) => column[i]!) };
}

/**
 * The distinct ages T of the customers with each repeat count x (valid histories only: x a whole number
 * ≥ 0, T finite ≥ 0), in order of first appearance: the (x, T) pairs a model's predictions depend on.
 */
export function agesByRepeats(customers: Iterable<{ x: number; T: number }>): Map<number, number[]> {
  const sets = new Map<number, Set<number>>();
  for (const { x, T } of customers) {
    if (!(Number.isInteger(x) && x >= 0 && Number.isFinite(T) && T >= 0)) continue;
    let Ts = sets.get(x);
    if (!Ts) sets.set(x, (Ts = new Set()));
    Ts.add(T);
  }
  return new Map([...sets].map(([x, Ts]) => [x, [...Ts]]));
}

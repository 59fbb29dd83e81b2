// Words for people: counts with the right noun.

// One formatter per number of decimals: toLocaleString with options builds a new one on every call,
// which made an 82,000-row table spend 11 s here.
const formats = new Map<number, Intl.NumberFormat>();

/** A number for a table, with thousands separators like every other: `grouped(1978.6)` → "1,978.60". */
export function grouped(n: number, digits = 2): string {
  let format = formats.get(digits);
  if (!format) formats.set(digits, (format = new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return format.format(n);
}

/** `plural(1, "contact")` → "1 contact"; `plural(1234, "copy", "copies")` → "1,234 copies". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${grouped(n, 0)} ${n === 1 ? word : many}`;
}

/** An interaction's type, with the way an email went: "email ← in", "email → out", "call". */
export function interactionKind(i: { type: string; direction?: string | null }): string {
  return i.direction === "in" ? `${i.type} ← in` : i.direction === "out" ? `${i.type} → out` : i.type;
}

// Words for people: counts with the right noun.

/** A number for a table, with thousands separators like every other: `grouped(1978.6)` → "1,978.60". */
export function grouped(n: number, digits = 2): string {
  return n.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `plural(1, "contact")` → "1 contact"; `plural(1234, "copy", "copies")` → "1,234 copies". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? word : many}`;
}

/** An interaction's type, with the way an email went: "email ← in", "email → out", "call". */
export function interactionKind(i: { type: string; direction?: string | null }): string {
  return i.direction === "in" ? `${i.type} ← in` : i.direction === "out" ? `${i.type} → out` : i.type;
}

// Words for people: counts with the right noun.

/** `plural(1, "contact")` → "1 contact"; `plural(1234, "copy", "copies")` → "1,234 copies". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? word : many}`;
}

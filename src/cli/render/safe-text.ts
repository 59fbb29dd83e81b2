// Text from the database or from imported files on its way to a terminal. A name can hold anything a
// file held: ESC starts terminal commands (clear the screen, set the window title, recolour), NUL and
// BEL and C1 controls do their own things, CR overwrites the line, and bidirectional overrides
// (U+202A–U+202E, U+2066–U+2069) reorder what follows ("Trojan Source"). Such characters are written
// out as \uXXXX escapes, so they are visible and harmless; line breaks and tabs are left to the caller.
// Kept free of imports: the one error printer uses it on every failure.

// eslint-disable-next-line no-control-regex -- matching control characters is what this module is for
const UNSAFE = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `text` with control characters and bidi overrides escaped; `\n` and `\t` are kept. With `keepColour`,
 * SGR colour sequences (ESC [ … m, what chalk writes) pass through.
 */
export function terminalSafe(text: string, keepColour = false): string {
  return text.replace(UNSAFE, (m) => (m.length === 1 ? escape(m) : keepColour ? m : escape(m[0]!) + m.slice(1)));
}

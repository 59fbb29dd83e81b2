// Text from the database or from imported files on its way to a terminal. A name can hold anything a
// file held: ESC starts terminal commands (clear the screen, set the window title, recolour), NUL and
// BEL and C1 controls do their own things, CR overwrites the line, and bidirectional overrides
// (U+202A–U+202E, U+2066–U+2069) reorder what follows ("Trojan Source"); direction marks (U+200E,
// U+200F, U+061C) and zero-width characters (U+200B, U+2060–U+2064, U+FEFF…) are invisible, and line and
// paragraph separators (U+2028/9) break a line where a table does not expect it. Such characters are
// written out as \uXXXX escapes, so they are visible and harmless; line breaks and tabs are left to the
// caller. Zero-width joiners and non-joiners (U+200D, U+200C) are kept between letters or emoji, where
// scripts and emoji sequences (👩‍👩‍👧) need them, and escaped anywhere else.
// Kept free of imports: the one error printer uses it on every failure.

const JOINABLE = "[\\p{L}\\p{M}\\p{N}\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\ufe0f]";
const UNSAFE = new RegExp(
  [
    "\\u001b\\[[0-9;]*m",
    "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u180e\\u200b\\u200e\\u200f\\u2028-\\u202e\\u2060-\\u2069\\u206a-\\u206f\\ufeff]",
    `(?<!${JOINABLE})[\\u200c\\u200d]`,
    `[\\u200c\\u200d](?!${JOINABLE})`,
  ].join("|"),
  "gu",
);

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `text` with control characters and bidi overrides escaped; `\n` and `\t` are kept. With `keepColour`,
 * SGR colour sequences (ESC [ … m, what chalk writes) pass through.
 */
export function terminalSafe(text: string, keepColour = false): string {
  return text.replace(UNSAFE, (m) => (m.length === 1 ? escape(m) : keepColour ? m : escape(m[0]!) + m.slice(1)));
}

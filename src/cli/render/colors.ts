// The terminal colours crm uses, as chalk 5 writes them at level 1 (basic ANSI), without loading chalk
// on every command: chalk and its colour detection cost more start-up than the rest of a list command.
// Same output as `new Chalk({ level })` for these styles: codes re-opened after a nested close, and
// closed before / re-opened after each line break.

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  gray: [90, 39],
  grey: [90, 39],
} as const;

export type Style = (...text: unknown[]) => string;
export type Colors = Record<keyof typeof CODES, Style>;

function reopen(text: string, close: string, open: string): string {
  let index = text.indexOf(close);
  if (index === -1) return text;
  let end = 0;
  let out = "";
  do {
    out += text.slice(end, index) + close + open;
    end = index + close.length;
    index = text.indexOf(close, end);
  } while (index !== -1);
  return out + text.slice(end);
}

function encaseLines(text: string, close: string, open: string, index: number): string {
  let end = 0;
  let out = "";
  do {
    const cr = text[index - 1] === "\r";
    out += text.slice(end, cr ? index - 1 : index) + close + (cr ? "\r\n" : "\n") + open;
    end = index + 1;
    index = text.indexOf("\n", end);
  } while (index !== -1);
  return out + text.slice(end);
}

/** Colours on (`enabled`) or off (every style returns its text unchanged, as chalk at level 0). */
export function makeColors(enabled: boolean): Colors {
  const colors = {} as Colors;
  for (const [name, [on, off]] of Object.entries(CODES) as [keyof typeof CODES, readonly [number, number]][]) {
    const open = `\u001B[${on}m`;
    const close = `\u001B[${off}m`;
    colors[name] = (...parts) => {
      let text = parts.length === 1 ? "" + parts[0] : parts.join(" ");
      if (!enabled || !text) return text;
      if (text.includes("\u001B")) text = reopen(text, close, open);
      const lf = text.indexOf("\n");
      if (lf !== -1) text = encaseLines(text, close, open, lf);
      return open + text + close;
    };
  }
  return colors;
}

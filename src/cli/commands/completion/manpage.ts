// The manual page crm(1), written from the command tree itself (every command, its arguments and
// options, their help text), so it can never describe commands that no longer exist. The build writes it
// to man/crm.1 (scripts/build.mjs, through the hidden `crm __man`); `man -l man/crm.1` shows it.
import type { Command, Option } from "commander";
import type { Ctx } from "../../context.js";

/**
 * Text made safe for roff: backslashes, hyphens (so they stay hyphens), a dot or quote at a line's start,
 * and characters beyond ASCII as roff's Unicode escapes (\[u2014]), which every troff reads.
 */
const roff = (text: string) =>
  text
    .replaceAll("\\", "\\e")
    .replaceAll("-", "\\-")
    .replace(/[\u0080-\u{10FFFF}]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`)
    .split("\n")
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join("\n");

const bold = (text: string) => `\\fB${roff(text)}\\fR`;
const italic = (text: string) => `\\fI${roff(text)}\\fR`;

/** `--tag <tag>` with the flag in bold and its value in italics. */
function flags(option: Option): string {
  const [names, ...value] = option.flags.split(/\s+(?=[<[])/);
  return `${bold(names!)}${value.length ? ` ${italic(value.join(" "))}` : ""}`;
}

function optionList(options: readonly Option[]): string[] {
  return options.filter((o) => !o.hidden).flatMap((o) => [".TP", flags(o), roff(o.description)]);
}

/** The commands a person can type, depth first: groups (contact, report…) by their subcommands. */
function runnable(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  const help = cmd.createHelp();
  return help
    .visibleCommands(cmd)
    .filter((c) => c.name() !== "help")
    .flatMap((c) => (c.commands.length ? runnable(c, [...path, c.name()]) : [{ path: [...path, c.name()], cmd: c }]));
}

const EXIT_CODES: [number, string][] = [
  [0, "success, also when nothing was found"],
  [1, "unexpected failure (a bug: report it with the output of CRM_DEBUG=1)"],
  [2, "invalid usage or input: unknown option, bad date, bad email, missing --yes"],
  [3, "not found: no such contact, deal, follow-up"],
  [4, "conflict: duplicate email or external id, ambiguous reference"],
  [5, "storage problem: database locked past the timeout, read-only, corrupt, not a crm database, or made by a newer crm"],
  [130, "interrupted by Ctrl-C; nothing was changed"],
  [143, "stopped by SIGTERM during an import; nothing was imported"],
];

const ENVIRONMENT: [string, string][] = [
  ["CRM_DB", "the database file, unless --db is given"],
  ["XDG_DATA_HOME", "where the database lives by default: $XDG_DATA_HOME/crm/crm.db, else ~/.local/share/crm/crm.db"],
  ["CRM_NOW", "treat this date/time as now, unless --as-of is given"],
  ["NO_COLOR", "when set and not empty: no colour (https://no-color.org)"],
  ["FORCE_COLOR", "colour even when not on a terminal (0 or false: none)"],
  ["TERM", "dumb: no colour"],
  ["CRM_PAGER, PAGER", "the pager for output taller than the terminal (default: less -FRX); empty or cat: none"],
  ["COLUMNS, LINES", "the terminal's size, when set, instead of what the terminal says"],
  ["CRM_BUSY_TIMEOUT_MS", "how long to wait for a database another crm is writing"],
  ["CRM_DEBUG", "print the stack of an unexpected error"],
];

function manPage(program: Command): string {
  const lines = [
    `.TH CRM 1 "" "crm ${program.version() ?? ""}" "User Commands"`,
    ".SH NAME",
    `crm \\- ${roff(program.description())}`,
    ".SH SYNOPSIS",
    `${bold("crm")} [${italic("global options")}] ${italic("command")} [${italic("options")}] [${italic("arguments")}]`,
    ".SH DESCRIPTION",
    roff(
      "crm keeps contacts, interactions, follow-ups, deals, purchases and survey answers in one SQLite file. " +
        "Commands that print records take --format table|json|csv and -o <file> (file.json and file.csv choose the format). " +
        "On a terminal, tables fit the screen (--wide shows them whole) and output taller than the screen goes through a pager (--no-pager: never). " +
        "Messages, warnings and prompts go to standard error.",
    ),
    ".SH GLOBAL OPTIONS",
    ...optionList(program.options),
    ".SH COMMANDS",
  ];
  for (const { path, cmd } of runnable(program)) {
    const usage = cmd.usage().replace(/^\[options\]\s*/, "");
    lines.push(`.SS "${roff(["crm", ...path].join(" "))}${usage ? ` ${roff(usage)}` : ""}"`);
    if (cmd.aliases().length) lines.push(roff(`Also: crm ${[...path.slice(0, -1), cmd.aliases()[0]!].join(" ")}.`), ".br");
    lines.push(roff(cmd.description()));
    const args = cmd.registeredArguments.filter((a) => a.description);
    for (const a of args) lines.push(".TP", italic(a.name()), roff(a.description));
    lines.push(...optionList(cmd.options));
  }
  lines.push(".SH ENVIRONMENT");
  for (const [name, text] of ENVIRONMENT) lines.push(".TP", bold(name), roff(text));
  lines.push(".SH EXIT STATUS");
  for (const [code, text] of EXIT_CODES) lines.push(".TP", bold(String(code)), roff(text));
  lines.push(
    ".SH EXAMPLES",
    ".nf",
    roff('crm add "Ada Lovelace" --email ada@example.com --tag client'),
    roff('crm followup add ada --due friday --note "Send the quote"'),
    roff("crm today"),
    roff("crm report segments -o segments.csv"),
    roff("0 8 * * * crm remind --quiet | mail -s CRM me"),
    ".fi",
    ".SH SEE ALSO",
    roff("sqlite3(1), less(1). Shell completion: crm completion bash|zsh|fish."),
  );
  return lines.join("\n") + "\n";
}

/** `crm __man`, which the build runs: the page for the program `root`. */
export function printManPage(root: Command) {
  return (ctx: Ctx): void => ctx.print(manPage(root));
}

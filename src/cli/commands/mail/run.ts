// `crm mail add|list|rm|sync|suggest`. Parse → one core call → render. The password is read here, from
// $CRM_MAIL_PASSWORD or the account's password command, and handed to core; it is never printed.
import type { Ctx } from "../../context.js";
import type { OutputOptions } from "../../action.js";
import type { Interval } from "../../../io/interval.js";
import type { MailSecurity } from "../../../io/imap.js";
import type { MailAccount } from "../../../core/mail/accounts.js";
import type { SyncReport } from "../../../core/mail/sync.js";
import type { CaptureCounts } from "../../../core/mail/capture.js";
import { addMailAccount, listMailAccounts, removeMailAccount, suggestContacts } from "../../../core/mail/accounts.js";
import { quote, usageError } from "../../../errors.js";
import { localDateTime } from "../../../io/dates.js";
import { printRecords } from "../../render/output.js";
import { progressBar } from "../../render/progress.js";
import { interruptible } from "../../interrupt.js";
import { toJson } from "../../render/json.js";
import { plural } from "../../render/words.js";

export interface MailAddOptions {
  host: string;
  port?: number;
  user?: string;
  security: MailSecurity;
  passwordCommand?: string;
  folders?: string[];
  caFile?: string;
}

export async function add(ctx: Ctx, [name]: [string], opts: MailAddOptions): Promise<void> {
  const user = opts.user ?? (name.includes("@") ? name : undefined);
  if (!user) throw usageError("missing the login of the mail account", `pass --user, e.g. crm mail add ${name} --host ${opts.host} --user me@example.com`);
  if (opts.caFile) {
    const { default: fs } = await import("node:fs");
    if (!fs.statSync(opts.caFile, { throwIfNoEntry: false })?.isFile())
      throw usageError(`no CA file at ${quote(opts.caFile)}`, "give --ca-file the path of a PEM certificate");
  }
  const { default: path } = await import("node:path");
  const account = addMailAccount(
    ctx.store(),
    {
      name,
      host: opts.host,
      port: opts.port,
      user,
      security: opts.security,
      passwordCommand: opts.passwordCommand,
      folders: opts.folders,
      caFile: opts.caFile && path.resolve(opts.caFile),
    },
    ctx.now,
  );
  ctx.info(`added mail account ${account.name} (${account.host}:${account.port}, ${account.security}); run crm mail sync ${account.name}`);
}

const accountRecord = (a: MailAccount) => ({
  name: a.name,
  host: a.host,
  port: a.port,
  user: a.user,
  security: a.security,
  folders: a.folders,
  caFile: a.caFile,
  passwordCommand: a.passwordCommand,
  lastSyncAt: a.lastSyncAt,
});

export async function list(ctx: Ctx, _args: [], _opts: OutputOptions): Promise<void> {
  await printRecords(ctx, {
    rows: listMailAccounts(ctx.store()),
    columns: [
      { header: "name", cell: (a) => a.name },
      { header: "server", cell: (a) => `${a.host}:${a.port} (${a.security})` },
      { header: "user", cell: (a) => a.user },
      { header: "folders", cell: (a) => (a.folders.length ? a.folders.join(", ") : "inbox + sent") },
      { header: "password", cell: (a) => (a.passwordCommand ? "command" : "$CRM_MAIL_PASSWORD") },
      { header: "last sync", cell: (a) => (a.lastSyncAt ? localDateTime(new Date(a.lastSyncAt)) : "never") },
    ],
    record: accountRecord,
    fields: ["name", "host", "port", "user", "security", "folders", "caFile", "passwordCommand", "lastSyncAt"],
    empty: "no mail account: add one with crm mail add <name> --host <imap server> --user <login>",
  });
}

export async function remove(ctx: Ctx, [name]: [string]): Promise<void> {
  const account = removeMailAccount(ctx.store(), name);
  ctx.info(`removed mail account ${account.name}; the interactions it logged stay`);
}

export interface MailSyncOptions {
  since?: Interval;
  dryRun?: boolean;
  store?: "snippet";
  json?: boolean;
}

/** "12 messages seen, 5 logged, 1 already logged, 3 ignored (bulk), 3 with no contact": no personal data. */
export function countsLine(c: CaptureCounts): string {
  const parts = [`${plural(c.seen, "message")} seen`, `${c.logged.toLocaleString("en")} logged`];
  if (c.already) parts.push(`${c.already.toLocaleString("en")} already logged`);
  parts.push(`${c.ignored.toLocaleString("en")} ignored (bulk or automatic)`);
  if (c.unknown) parts.push(`${c.unknown.toLocaleString("en")} with no contact`);
  return parts.join(", ");
}

export async function sync(ctx: Ctx, [name]: [string?], opts: MailSyncOptions): Promise<void> {
  const { syncMail } = await import("../../../core/mail/sync.js");
  const { addInterval } = await import("../../../io/dates.js");
  const { runPasswordCommand } = await import("../../../io/imap.js");
  const since = addInterval(ctx.now, opts.since ?? { count: 90, unit: "day" }, -1);
  const env = ctx.io.env;
  const password = async (account: MailAccount) => {
    if (env.CRM_MAIL_PASSWORD) return env.CRM_MAIL_PASSWORD;
    if (account.passwordCommand) return runPasswordCommand(account.passwordCommand, env);
    throw usageError(
      `no password for mail account ${account.name}`,
      `set CRM_MAIL_PASSWORD, or add the account again with --password-command "pass show mail/${account.name}"`,
    );
  };
  const bar = progressBar("reading mail", ctx.io.stderr);
  let reports: SyncReport[];
  try {
    reports = await interruptible((signal) =>
      syncMail(
        ctx.store(),
        { account: name, since, dryRun: Boolean(opts.dryRun), storeSnippet: opts.store === "snippet", password, onProgress: bar.update, signal },
        ctx.now,
      ),
    );
  } finally {
    bar.finish();
  }
  if (opts.json) ctx.print(toJson(reports));
  for (const r of reports) {
    const reset = r.folders.filter((f) => f.reset).map((f) => f.folder);
    if (reset.length) ctx.warn(`${r.account}: ${reset.join(", ")} changed UIDVALIDITY (the server renumbered it): read again since the --since date`);
    ctx.info(`${opts.dryRun ? "dry run, nothing written: " : ""}${r.account}: ${countsLine(r)}`);
  }
}

export interface MailSuggestOptions extends OutputOptions {
  limit: number;
}

export async function suggest(ctx: Ctx, _args: [], opts: MailSuggestOptions): Promise<void> {
  await printRecords(ctx, {
    rows: suggestContacts(ctx.store(), opts.limit),
    columns: [
      { header: "address", cell: (s) => s.address },
      { header: "name", cell: (s) => s.name ?? "" },
      { header: "messages", cell: (s) => s.messages, align: "right" },
      { header: "last", cell: (s) => localDateTime(new Date(s.lastAt)) },
    ],
    fields: ["address", "name", "messages", "lastAt"],
    empty: "no suggestion: everyone you wrote to is a contact (or nothing was synced yet)",
  });
}

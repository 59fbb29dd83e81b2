// `crm mail add|list|rm|sync|suggest`: mail accounts and the capture of email into the interaction log.
// Declarations only; the code is in ./run.ts, loaded when one runs.
import type { Command } from "commander";
import { lazy, withOutput } from "../../action.js";
import { count, interval, oneOf } from "../../flags.js";

const load = () => import("./run.js");

const folderList = (value: string) =>
  value
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);

export function declareMail(program: Command): void {
  const mail = program.command("mail").description("log email with your contacts automatically: IMAP accounts, sync, suggestions");

  mail
    .command("add <name>")
    .description("add an IMAP account; the password is never stored, only the command that prints it")
    .requiredOption("--host <host>", "the IMAP server, e.g. imap.fastmail.com")
    .option("--port <n>", "the port (default: 993 with tls, 143 with starttls)", count(1, 65535))
    .option("--user <user>", "the login (default: the account name when it is an email address)")
    .option("--security <mode>", "tls (implicit TLS) or starttls", oneOf(["tls", "starttls"]), "tls")
    .option("--password-command <cmd>", 'a command that prints the password, e.g. "pass show mail/work" (else $CRM_MAIL_PASSWORD)')
    .option("--folders <list>", "the folders to read, comma-separated (default: the inbox and the folder flagged \\Sent)", folderList)
    .option("--ca-file <file>", "trust this certificate authority (PEM), for a private CA or a self-signed server")
    .addHelpText("after", '\nExample:\n  crm mail add work --host imap.fastmail.com --user me@example.com --password-command "pass show mail/work"')
    .action(lazy(load, "add"));

  withOutput(mail.command("list").description("list the mail accounts and when they were last synced")).action(lazy(load, "list"));

  mail.command("rm <name>").description("remove a mail account and its sync state (the interactions it logged stay)").action(lazy(load, "remove"));

  mail
    .command("sync [name]")
    .description("log new email with your contacts as interactions (every account, or the one named)")
    .option("--since <interval>", "how far back the first sync of a folder reads, e.g. 90d, 1y", interval)
    .option("--dry-run", "read and count; write nothing")
    .option("--store <what>", "also keep a snippet of each body in the summary: snippet", oneOf(["snippet"]))
    .option("--json", "print the summary as JSON on stdout")
    .addHelpText(
      "after",
      "\nThe password comes from $CRM_MAIL_PASSWORD, else from the account's --password-command.\nCron example:\n  */30 * * * * crm mail sync && crm remind --quiet",
    )
    .action(lazy(load, "sync"));

  withOutput(
    mail.command("suggest").description("the addresses you wrote to most that are not contacts yet").option("--limit <n>", "at most n addresses", count(1), 20),
  ).action(lazy(load, "suggest"));
}

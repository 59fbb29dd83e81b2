// Mail accounts (`crm mail add|list|rm`): where `crm mail sync` reads mail. An account holds the server,
// the user, the security mode, the folders and the command that prints the password — never the
// password itself.
import { inTransaction, type Store } from "../../db/open.js";
import type { MailAccountRow } from "../../db/rows.js";
import { conflict, notFound, usageError, quote } from "../../errors.js";
import type { MailSecurity } from "../../io/imap.js";

export interface MailAccount {
  id: number;
  name: string;
  host: string;
  port: number;
  user: string;
  security: MailSecurity;
  passwordCommand: string | null;
  /** The folders read; empty means the inbox and the folder flagged \Sent. */
  folders: string[];
  caFile: string | null;
  createdAt: string;
  /** When a folder of it was last synced (ISO UTC), null before the first sync. */
  lastSyncAt: string | null;
}

export interface NewMailAccount {
  name: string;
  host: string;
  port?: number;
  user: string;
  security: MailSecurity;
  passwordCommand?: string;
  folders?: string[];
  caFile?: string;
}

type AccountRow = Omit<MailAccountRow, "folders" | "security"> & { folders: string | null; security: MailSecurity; lastSyncAt: string | null };

const toAccount = (r: AccountRow): MailAccount => ({ ...r, folders: r.folders ? r.folders.split(",") : [] });

const SELECT = `select a.id, a.name, a.host, a.port, a.user, a.security, a.password_command as passwordCommand, a.folders,
  a.ca_file as caFile, a.created_at as createdAt, (select max(synced_at) from mail_folders f where f.account_id = a.id) as lastSyncAt
  from mail_accounts a`;

export function addMailAccount(store: Store, input: NewMailAccount, now: Date): MailAccount {
  const name = input.name.trim();
  if (!/^[\w.@-]{1,64}$/.test(name)) throw usageError(`invalid account name ${quote(input.name)}`, "use letters, digits, . _ - or @, e.g. work");
  if (!input.host.trim() || /\s/.test(input.host.trim())) throw usageError(`invalid mail server host ${quote(input.host)}`);
  if (!input.user.trim()) throw usageError("the account needs a user name");
  const port = input.port ?? (input.security === "tls" ? 993 : 143);
  return inTransaction(store, () => {
    if (store.sqlite.prepare("select 1 from mail_accounts where name = ? collate nocase").get(name))
      throw conflict(`a mail account named ${quote(name)} exists already`, `remove it first: crm mail rm ${name}`);
    const row = store.sqlite
      .prepare<[string, string, number, string, string, string | null, string | null, string | null, string], { id: number }>(
        `insert into mail_accounts(name, host, port, user, security, password_command, folders, ca_file, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      )
      .get(
        name,
        input.host.trim(),
        port,
        input.user.trim(),
        input.security,
        input.passwordCommand ?? null,
        input.folders?.length ? input.folders.join(",") : null,
        input.caFile ?? null,
        now.toISOString(),
      )!;
    return getMailAccount(store, String(row.id));
  });
}

export function listMailAccounts(store: Store): MailAccount[] {
  return store.sqlite.prepare<[], AccountRow>(`${SELECT} order by a.name collate nocase`).all().map(toAccount);
}

/** An account by name (case-insensitive) or id; exit 3 when there is none. */
export function getMailAccount(store: Store, ref: string): MailAccount {
  const row = store.sqlite.prepare<[string, string], AccountRow>(`${SELECT} where a.name = ? collate nocase or cast(a.id as text) = ?`).get(ref, ref);
  if (!row) throw notFound(`no mail account ${quote(ref)}`, "see `crm mail list`");
  return toAccount(row);
}

/** Removes an account and its sync state; the interactions it logged stay. */
export function removeMailAccount(store: Store, ref: string): MailAccount {
  return inTransaction(store, () => {
    const account = getMailAccount(store, ref);
    store.sqlite.prepare("delete from mail_accounts where id = ?").run(account.id);
    return account;
  });
}

/** The addresses you wrote to most that are not contacts yet (`crm mail suggest`). */
export function suggestContacts(store: Store, limit: number): { address: string; name: string | null; messages: number; lastAt: string }[] {
  return store.sqlite
    .prepare<[number], { address: string; name: string | null; messages: number; lastAt: string }>(
      `select r.address, max(r.name) as name, count(*) as messages, max(r.at) as lastAt from mail_recipients r
       where not exists (select 1 from contacts c where c.email = r.address)
       group by r.address order by messages desc, lastAt desc, r.address limit ?`,
    )
    .all(limit);
}

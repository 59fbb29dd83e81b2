// The product's rules for turning an email into interactions, shared by `crm mail sync` (IMAP) and
// `crm import mail` (mbox, Maildir): which messages are bulk or automatic (never logged), which way a
// message went (sent by you or received), which contacts it concerns (from, to or cc a contact's
// email), and the write itself — one interaction per message and contact, idempotent by Message-ID
// whatever folder, account or archive the message is read from. Unknown correspondents never become
// contacts; the addresses you wrote to are remembered for `crm mail suggest`.
import type { Store } from "../../db/open.js";
import type { MailAddress, MailMessage } from "../../io/mail.js";
import { getSetting } from "../config/settings.js";

export interface CaptureRules {
  /** Your own addresses: mail from them was sent by you. */
  me: Set<string>;
  /** Sender domains never logged (`crm config set mail.ignore`). */
  ignoreDomains: string[];
  /** A contact's email (lower-cased) → the contact's id. */
  contacts: Map<string, number>;
  /** Kept on each interaction: "mail:<account>" or "import:<file>". */
  source: string;
  /** Append the first words of the body to the summary (`--store snippet`). */
  storeSnippet: boolean;
}

/** What became of the messages read, for the summary line. */
export interface CaptureCounts {
  seen: number;
  /** Messages that added at least one interaction. */
  logged: number;
  /** Messages whose interactions were all there already. */
  already: number;
  /** Bulk and automatic mail (newsletters, bounces, no-reply senders, ignored domains). */
  ignored: number;
  /** Messages that concern no contact. */
  unknown: number;
}

export const noCounts = (): CaptureCounts => ({ seen: 0, logged: 0, already: 0, ignored: 0, unknown: 0 });

export function addCounts(into: CaptureCounts, more: CaptureCounts): void {
  for (const k of Object.keys(into) as (keyof CaptureCounts)[]) into[k] += more[k];
}

/** The rules as the database says now: contacts' emails, the accounts' users and `mail.me`, `mail.ignore`. */
export function captureRules(store: Store, opts: { source: string; storeSnippet: boolean; me?: readonly string[] }): CaptureRules {
  const contacts = new Map<string, number>();
  // The oldest contact wins when --allow-duplicate let two share an email.
  for (const r of store.sqlite
    .prepare<[], { id: number; email: string }>("select id, lower(email) as email from contacts where email is not null order by id desc")
    .all())
    contacts.set(r.email.trim(), r.id);
  const users = store.sqlite.prepare<[], string>("select lower(user) from mail_accounts").pluck().all();
  const configured = getSetting(store, "mail.me").split(",");
  const me = new Set([...users, ...configured, ...(opts.me ?? [])].map((a) => a.trim().toLowerCase()).filter((a) => a.includes("@")));
  const ignoreDomains = getSetting(store, "mail.ignore").split(",").filter(Boolean);
  return { me, ignoreDomains, contacts, source: opts.source, storeSnippet: opts.storeSnippet };
}

const NO_REPLY = /^(no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?|notifications?|newsletter|news|info-?noreply)([+._-].*)?$/i;

/** Newsletters, mailing lists, bounces, auto-replies, no-reply senders and ignored domains. */
export function isBulk(msg: MailMessage, rules: Pick<CaptureRules, "ignoreDomains">): boolean {
  const h = msg.bulkHeaders;
  if (h["list-unsubscribe"] !== undefined || h["list-id"] !== undefined) return true;
  if (h.precedence && /^(bulk|junk|list)$/i.test(h.precedence)) return true;
  if (h["auto-submitted"] && !/^no\b/i.test(h["auto-submitted"])) return true;
  if (h["content-type"] && /^multipart\/report\b/i.test(h["content-type"])) return true;
  const from = msg.from?.address;
  if (!from) return false;
  const [local = "", domain = ""] = from.split("@");
  if (NO_REPLY.test(local)) return true;
  return rules.ignoreDomains.some((d) => domain === d || domain.endsWith("." + d));
}

export type Direction = "in" | "out";

export type Verdict =
  | { kind: "ignored" }
  | {
      kind: "match";
      direction: Direction;
      /** The contacts it concerns; empty when none. */
      contactIds: number[];
      /** Addresses you wrote to that are not contacts (only for sent mail). */
      strangers: MailAddress[];
    };

/** Which way a message went and whom it concerns; `sentFolder` when it was read from your Sent folder. */
export function classify(msg: MailMessage, rules: CaptureRules, sentFolder: boolean): Verdict {
  const fromMe = Boolean(msg.from && rules.me.has(msg.from.address));
  const direction: Direction = sentFolder || fromMe || msg.labels.some((l) => /^sent$/i.test(l)) ? "out" : "in";
  if (direction === "in" && isBulk(msg, rules)) return { kind: "ignored" };
  const people = direction === "out" ? [...msg.to, ...msg.cc] : [...(msg.from ? [msg.from] : []), ...msg.to, ...msg.cc];
  const contactIds = new Set<number>();
  const strangers = new Map<string, MailAddress>();
  for (const p of people) {
    if (rules.me.has(p.address)) continue;
    const id = rules.contacts.get(p.address);
    if (id !== undefined) contactIds.add(id);
    else if (direction === "out" && !strangers.has(p.address)) strangers.set(p.address, p);
  }
  return { kind: "match", direction, contactIds: [...contactIds], strangers: [...strangers.values()] };
}

/** One message read from a folder or an archive. */
export interface ReadMessage {
  message: MailMessage;
  /** Read from your Sent folder. */
  sentFolder: boolean;
  /** The server's arrival date, used when the message has no usable Date header. */
  receivedAt?: Date;
}

/**
 * Writes the interactions of a batch of messages. Call it inside a transaction: the caller keeps
 * where it stopped (a folder's last UID) in the same one, so a run killed half-way starts again at
 * the batch it lost, and the unique Message-ID index turns what it reads twice into no-ops.
 */
export function captureMessages(store: Store, batch: readonly ReadMessage[], rules: CaptureRules, now: Date): CaptureCounts {
  const counts = noCounts();
  const insert = store.sqlite.prepare<[number, string, string, string, string, string, Direction, string]>(
    `insert into interactions(contact_id, type, summary, at, source, message_id, thread_id, direction, created_at)
     values (?, 'email', ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
  );
  const remember = store.sqlite.prepare<[string, string, string | null, string]>(
    "insert into mail_recipients(address, message_id, name, at) values (?, ?, ?, ?) on conflict do nothing",
  );
  // A reply that names only its parent (In-Reply-To, no References) joins the parent's thread.
  const threadOf = store.sqlite.prepare<[string], string>("select thread_id from interactions where message_id = ? and thread_id is not null limit 1").pluck();
  for (const { message: m, sentFolder, receivedAt } of batch) {
    counts.seen++;
    const verdict = classify(m, rules, sentFolder);
    if (verdict.kind === "ignored") {
      counts.ignored++;
      continue;
    }
    const at = (m.date ?? receivedAt ?? now).toISOString();
    for (const s of verdict.strangers) remember.run(s.address, m.messageId, s.name || null, at);
    if (!verdict.contactIds.length) {
      counts.unknown++;
      continue;
    }
    const subject = m.subject || "(no subject)";
    const summary = rules.storeSnippet && m.snippet ? `${subject} — ${m.snippet}` : subject;
    const thread = (m.threadId !== m.messageId && threadOf.get(m.threadId)) || m.threadId;
    let added = 0;
    for (const contactId of verdict.contactIds)
      added += insert.run(contactId, summary, at, rules.source, m.messageId, thread, verdict.direction, now.toISOString()).changes;
    if (added) counts.logged++;
    else counts.already++;
  }
  return counts;
}

/** Thrown inside a dry run's transaction to roll it back once its counts are known. */
class DryRun extends Error {}

/** Runs `write` in one transaction, rolled back when `dryRun` (so a dry run counts exactly what a run would do). */
export function writeBatch<T>(store: Store, dryRun: boolean, write: () => T): T {
  let result: T | undefined;
  try {
    store.sqlite
      .transaction(() => {
        result = write();
        if (dryRun) throw new DryRun();
      })
      .immediate();
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
  }
  return result!;
}

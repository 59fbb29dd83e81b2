// `crm mail sync`: reads the new messages of each account's folders over IMAP and logs the ones that
// concern contacts. Incremental: per folder the UIDVALIDITY and the last UID seen are kept, so a run
// fetches only UIDs above it; the first run (or a folder whose UIDVALIDITY changed) is bounded by
// `since` instead, and what it reads again is absorbed by the Message-ID index. Messages are fetched
// header-only (the whole message only for `--store snippet`) in batches; each batch is written in one
// transaction with the folder's new last UID, so a killed run resumes where its last batch ended.
import type { ImapFlow } from "imapflow";
import type { Store } from "../../db/open.js";
import { connectImap, isRemoteFailure, remoteFailure, sentFolder } from "../../io/imap.js";
import { parseMessage } from "../../io/mail.js";
import { interruptedError, notFound, quote } from "../../errors.js";
import { addCounts, captureMessages, captureRules, noCounts, writeBatch, type CaptureCounts, type ReadMessage } from "./capture.js";
import { getMailAccount, listMailAccounts, type MailAccount } from "./accounts.js";

/** Messages per transaction. */
const BATCH = 250;

/** The header fields crm reads (BODY.PEEK[HEADER.FIELDS (...)]): not the Received and DKIM lines. */
const HEADERS = [
  "from",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "list-unsubscribe",
  "list-id",
  "precedence",
  "auto-submitted",
  "content-type",
  "x-gmail-labels",
];
const CRLF = Buffer.from("\r\n");

/** "1:250,300,302:310": a sorted UID list as IMAP ranges. */
function uidRanges(uids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < uids.length;) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    parts.push(i === j ? String(uids[i]) : `${uids[i]}:${uids[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export interface SyncOptions {
  /** One account by name; all of them when absent. */
  account?: string;
  /** The oldest message a first sync reads. */
  since: Date;
  dryRun: boolean;
  storeSnippet: boolean;
  /** The account's password: from the environment or its password command. */
  password(account: MailAccount): Promise<string>;
  /** Told as each folder's messages are read: `done` of `total` in this folder. */
  onProgress?(done: number, total: number): void;
  /** Stops the sync after the batch being written (Ctrl-C): what was written stays, and the next sync continues. */
  signal?: AbortSignal;
}

export interface FolderReport {
  folder: string;
  /** New messages fetched. */
  fetched: number;
  /** The folder's UIDVALIDITY changed since the last sync: it was read again from `since`. */
  reset: boolean;
}

export interface SyncReport extends CaptureCounts {
  account: string;
  folders: FolderReport[];
}

interface FolderState {
  uidValidity: string;
  lastUid: number;
}

function folderState(store: Store, accountId: number, folder: string): FolderState | undefined {
  return store.sqlite
    .prepare<[number, string], FolderState>("select uid_validity as uidValidity, last_uid as lastUid from mail_folders where account_id = ? and folder = ?")
    .get(accountId, folder);
}

function saveFolderState(store: Store, accountId: number, folder: string, state: FolderState, now: Date): void {
  store.sqlite
    .prepare(
      `insert into mail_folders(account_id, folder, uid_validity, last_uid, synced_at) values (?, ?, ?, ?, ?)
       on conflict(account_id, folder) do update set uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, synced_at = excluded.synced_at`,
    )
    .run(accountId, folder, state.uidValidity, state.lastUid, now.toISOString());
}

async function syncFolder(
  store: Store,
  client: ImapFlow,
  account: MailAccount,
  folder: string,
  isSent: boolean,
  opts: SyncOptions,
  now: Date,
  counts: CaptureCounts,
): Promise<FolderReport> {
  let lock;
  try {
    lock = await client.getMailboxLock(folder, { readOnly: true });
  } catch (err) {
    if ((err as { mailboxMissing?: boolean }).mailboxMissing || /NONEXISTENT|doesn't exist|not exist/i.test(String((err as Error).message)))
      throw notFound(
        `no folder ${quote(folder)} in mail account ${quote(account.name)}`,
        "see the folders your mail client shows; crm mail add --folders names them",
      );
    throw err;
  }
  try {
    const box = client.mailbox;
    if (!box) throw new Error(`could not open ${folder}`);
    const uidValidity = String(box.uidValidity);
    const known = folderState(store, account.id, folder);
    const reset = known !== undefined && known.uidValidity !== uidValidity;
    const lastUid = known && !reset ? known.lastUid : 0;
    // UIDs above the last one seen; on a first read, the messages since `since` (SINCE is by arrival date).
    const found = lastUid > 0 ? await client.search({ uid: `${lastUid + 1}:*` }, { uid: true }) : await client.search({ since: opts.since }, { uid: true });
    const uids = (found || []).filter((u) => u > lastUid).sort((a, b) => a - b);
    const rules = captureRules(store, { source: `mail:${account.name}`, storeSnippet: opts.storeSnippet });
    let done = 0;
    let batch: ReadMessage[] = [];
    let batchLast = lastUid;
    const commit = () => {
      const written = batch;
      const last = batchLast;
      addCounts(
        counts,
        writeBatch(store, opts.dryRun, () => {
          const c = captureMessages(store, written, rules, now);
          saveFolderState(store, account.id, folder, { uidValidity, lastUid: last }, now);
          return c;
        }),
      );
      done += written.length;
      batch = [];
      opts.onProgress?.(done, uids.length);
    };
    // One FETCH for the whole set (servers answer in UID order), written every BATCH messages.
    if (uids.length)
      for await (const msg of client.fetch(
        uidRanges(uids),
        { uid: true, internalDate: true, ...(opts.storeSnippet ? { source: true } : { headers: HEADERS }) },
        { uid: true },
      )) {
        if (msg.uid <= lastUid) continue;
        const raw = opts.storeSnippet ? msg.source : msg.headers;
        if (raw) {
          const message = await parseMessage(opts.storeSnippet ? raw : Buffer.concat([raw, CRLF]), opts.storeSnippet);
          batch.push({ message, sentFolder: isSent, receivedAt: msg.internalDate ? new Date(msg.internalDate) : undefined });
        }
        batchLast = Math.max(batchLast, msg.uid);
        if (batch.length >= BATCH) {
          commit();
          // Messages the server already sent are read without waiting on I/O: let a Ctrl-C be seen
          // between batches, not only after the last one.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (opts.signal?.aborted) throw interruptedError(opts.signal.reason, "what was read so far is logged; crm mail sync continues from there");
      }
    if (batch.length || batchLast > lastUid) commit();
    // An empty folder (or nothing new) still records its UIDVALIDITY, so the next run is incremental.
    if (!uids.length && !opts.dryRun && (!known || reset))
      writeBatch(store, false, () => saveFolderState(store, account.id, folder, { uidValidity, lastUid: lastUid || Math.max(0, box.uidNext - 1) }, now));
    return { folder, fetched: uids.length, reset };
  } finally {
    lock.release();
  }
}

async function syncAccount(store: Store, account: MailAccount, opts: SyncOptions, now: Date): Promise<SyncReport> {
  const password = await opts.password(account);
  const client = await connectImap(account, password);
  const counts = noCounts();
  const folders: FolderReport[] = [];
  try {
    const sent = await sentFolder(client);
    const wanted = account.folders.length ? account.folders : ["INBOX", ...(sent ? [sent] : [])];
    for (const folder of wanted) folders.push(await syncFolder(store, client, account, folder, folder === sent || /^sent\b/i.test(folder), opts, now, counts));
  } catch (err) {
    throw isRemoteFailure(err) ? remoteFailure(account, err) : err;
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { account: account.name, folders, ...counts };
}

/** Syncs one account, or every account in turn; stops at the first that fails (what was written stays). */
export async function syncMail(store: Store, opts: SyncOptions, now: Date): Promise<SyncReport[]> {
  const accounts = opts.account ? [getMailAccount(store, opts.account)] : listMailAccounts(store);
  if (!accounts.length) throw notFound("no mail account yet", "add one: crm mail add work --host imap.example.com --user me@example.com");
  const reports: SyncReport[] = [];
  for (const account of accounts) reports.push(await syncAccount(store, account, opts, now));
  return reports;
}

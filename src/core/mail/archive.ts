// `crm import mail <mbox file | Maildir folder>`: the same capture as `crm mail sync`, from an offline
// archive (a Gmail Takeout mbox, Thunderbird's mbox files, a mutt or isync Maildir). Messages in a Sent
// folder (or labelled Sent by Gmail) or from your own addresses are yours; the rest were received.
// Written in batches of one transaction each; reading the archive again adds nothing twice.
import fs from "node:fs";
import path from "node:path";
import type { Store } from "../../db/open.js";
import { isMaildir, parseMessage, readMaildir, readMbox } from "../../io/mail.js";
import { notFound, usageError, quote } from "../../errors.js";
import { addCounts, captureMessages, captureRules, noCounts, writeBatch, type CaptureCounts, type ReadMessage } from "./capture.js";

const BATCH = 500;

export interface ArchiveOptions {
  /** Your addresses besides the accounts' users and `mail.me` (`--me`). */
  me: readonly string[];
  dryRun: boolean;
  storeSnippet: boolean;
  /** Told after each batch: messages read so far. */
  onProgress?(done: number): void;
}

export interface ArchiveReport extends CaptureCounts {
  file: string;
  format: "mbox" | "maildir";
}

export async function importMailArchive(store: Store, file: string, opts: ArchiveOptions, now: Date): Promise<ArchiveReport> {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw notFound(`no such file or folder ${quote(file)}`);
  const format = stat.isDirectory() ? "maildir" : "mbox";
  if (format === "maildir" && !isMaildir(file))
    throw usageError(`${quote(file)} is a folder but not a Maildir (no cur/ and new/ in it)`, "give an mbox file or a Maildir folder");
  const rules = captureRules(store, { source: `import:${path.basename(file)}`, storeSnippet: opts.storeSnippet, me: opts.me });
  const counts = noCounts();
  const messages = format === "maildir" ? readMaildir(file, opts.storeSnippet) : readMbox(file, opts.storeSnippet);
  let batch: ReadMessage[] = [];
  const flush = () => {
    addCounts(
      counts,
      writeBatch(store, opts.dryRun, () => captureMessages(store, batch, rules, now)),
    );
    batch = [];
    opts.onProgress?.(counts.seen);
  };
  for await (const m of messages) {
    batch.push({ message: await parseMessage(m.raw, opts.storeSnippet), sentFolder: /^sent\b/i.test(m.folder) });
    if (batch.length >= BATCH) flush();
  }
  if (batch.length) flush();
  if (!counts.seen && format === "mbox" && stat.size > 0)
    throw usageError(`${quote(file)} holds no message: is it an mbox file?`, 'an mbox file starts with a line "From sender date"');
  return { file, format, ...counts };
}

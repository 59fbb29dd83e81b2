// Email messages as crm reads them: the header facts of one message (parsed by postal-mime, which decodes
// RFC 2047 names and subjects), and the two offline archive formats — an mbox file (Gmail Takeout,
// Thunderbird) read line by line, and a Maildir folder (mutt, isync, Dovecot) read file by file. Only the
// header block is read unless a snippet of the body is asked for, so large archives cost little memory.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import PostalMime, { type Address } from "postal-mime";

export interface MailAddress {
  /** Lower-cased. */
  address: string;
  name: string;
}

export interface MailMessage {
  /** The Message-ID without its angle brackets; made from the date, sender and subject when missing. */
  messageId: string;
  /** The Message-ID of the thread's first message (first of References, else In-Reply-To, else its own). */
  threadId: string;
  date: Date | null;
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** The headers that tell bulk and automatic mail apart, lower-cased names; only those present. */
  bulkHeaders: Partial<Record<"list-unsubscribe" | "list-id" | "precedence" | "auto-submitted" | "content-type", string>>;
  /** Gmail's labels (X-Gmail-Labels in a Takeout mbox), e.g. "Sent". */
  labels: string[];
  /** The first words of the plain-text body, when the body was read. */
  snippet?: string;
}

const BULK_HEADERS = ["list-unsubscribe", "list-id", "precedence", "auto-submitted", "content-type"] as const;
const SNIPPET_CHARS = 160;

const bareId = (id: string | undefined) => id?.trim().replace(/^<|>$/g, "").trim() || undefined;
const firstId = (ids: string | undefined) => bareId(ids?.match(/<[^>]+>/)?.[0] ?? ids?.trim().split(/\s+/)[0]);

function mailboxes(list: Address[] | Address | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of Array.isArray(list) ? list : list ? [list] : []) {
    if ("group" in a && a.group) out.push(...mailboxes(a.group));
    else if (a.address) out.push({ address: a.address.trim().toLowerCase(), name: a.name?.trim() ?? "" });
  }
  return out;
}

function snippetOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  // Quoted replies and signatures say nothing new about this message.
  const lines = text.split(/\r?\n/).filter((l) => !l.startsWith(">"));
  const cut = lines.findIndex((l) => l === "-- " || /^On .+ wrote:$/.test(l.trim()));
  const words = (cut >= 0 ? lines.slice(0, cut) : lines).join(" ").replace(/\s+/g, " ").trim();
  if (!words) return undefined;
  return words.length > SNIPPET_CHARS ? words.slice(0, SNIPPET_CHARS - 1) + "…" : words;
}

/** Parses one message (its header block, or the whole of it when `withSnippet`). */
export async function parseMessage(raw: Uint8Array | string, withSnippet = false): Promise<MailMessage> {
  const email = await PostalMime.parse(raw);
  const header = (key: string) => email.headers.find((h) => h.key === key)?.value;
  const from = mailboxes(email.from)[0] ?? null;
  const dateText = email.date;
  const parsedDate = dateText ? new Date(dateText) : null;
  const date = parsedDate && !Number.isNaN(parsedDate.getTime()) ? parsedDate : null;
  const subject = (email.subject ?? "").replace(/\s+/g, " ").trim();
  const messageId =
    bareId(email.messageId) ??
    "crm-" +
      createHash("sha1")
        .update(`${dateText ?? ""}\n${from?.address ?? ""}\n${subject}`)
        .digest("hex")
        .slice(0, 24) +
      "@crm.local";
  const bulkHeaders: MailMessage["bulkHeaders"] = {};
  for (const key of BULK_HEADERS) {
    const v = header(key);
    if (v !== undefined) bulkHeaders[key] = v.trim();
  }
  return {
    messageId,
    threadId: firstId(email.references) ?? firstId(email.inReplyTo) ?? messageId,
    date,
    subject,
    from,
    to: mailboxes(email.to),
    cc: mailboxes(email.cc),
    bulkHeaders,
    labels: (header("x-gmail-labels") ?? "")
      .split(",")
      .map((l) => l.trim())
      .filter(Boolean),
    snippet: withSnippet ? snippetOf(email.text) : undefined,
  };
}

/** One message of an archive: its raw text (header block only unless the body was asked for) and its folder. */
export interface ArchivedMessage {
  raw: string;
  /** The Maildir folder it was in ("" for the top one), or "" in an mbox. */
  folder: string;
}

/** Reads the messages of an mbox file one at a time ("From " lines separate them). */
export async function* readMbox(file: string, withBody: boolean): AsyncGenerator<ArchivedMessage> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let head: string[] = [];
  let body: string[] = [];
  let inHeader = false;
  let started = false;
  let previousBlank = true;
  const flush = (): ArchivedMessage | undefined =>
    started && head.length ? { raw: head.join("\r\n") + "\r\n\r\n" + body.join("\r\n"), folder: "" } : undefined;
  for await (const line of lines) {
    if (line.startsWith("From ") && previousBlank) {
      const m = flush();
      if (m) yield m;
      head = [];
      body = [];
      inHeader = true;
      started = true;
      previousBlank = false;
      continue;
    }
    previousBlank = line === "";
    if (!started) continue;
    if (inHeader) {
      if (line === "") inHeader = false;
      else head.push(line);
    } else if (withBody && body.length < 2000) body.push(line.replace(/^>(>*From )/, "$1"));
  }
  const m = flush();
  if (m) yield m;
}

const HEADER_END = /\r?\n\r?\n/;

function readHead(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(16 * 1024);
    for (let read = 0, total = 0; total < 1024 * 1024; total += read) {
      read = fs.readSync(fd, buf, 0, buf.length, null);
      if (!read) break;
      chunks.push(Buffer.from(buf.subarray(0, read)));
      const text = Buffer.concat(chunks).toString("utf8");
      const end = HEADER_END.exec(text);
      if (end) return text.slice(0, end.index) + "\r\n\r\n";
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Is `dir` a Maildir (it has cur/ and new/)? */
export function isMaildir(dir: string): boolean {
  return ["cur", "new"].every((d) => fs.statSync(path.join(dir, d), { throwIfNoEntry: false })?.isDirectory());
}

/** Reads the messages of a Maildir and of its Maildir++ subfolders (.Sent, .Archive…). */
export async function* readMaildir(dir: string, withBody: boolean): AsyncGenerator<ArchivedMessage> {
  const folders = [""];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory() && e.name.startsWith(".") && isMaildir(path.join(dir, e.name))) folders.push(e.name);
  for (const folder of folders)
    for (const sub of ["cur", "new"]) {
      const where = path.join(dir, folder, sub);
      for (const name of fs.readdirSync(where).sort()) {
        // Maildir files never start with a dot (.gitkeep, editors' files do).
        if (name.startsWith(".")) continue;
        const file = path.join(where, name);
        if (!fs.statSync(file).isFile()) continue;
        yield { raw: withBody ? fs.readFileSync(file, "utf8") : readHead(file), folder: folder.replace(/^\./, "") };
      }
    }
}

// `crm import responses`: survey answers from a CSV file (a form or survey tool's export). Every row is
// checked before anything is written; the answers (and, with --create-contacts, new contacts) are then
// written in one transaction — all of them or none.
//
// Recognised headers (case, spaces, "-" and "_" ignored): the respondent by `email` (`e-mail`,
// `email address`, `mail`) or `contact id` (`contact_id`, `contactId`, `contact`); `score` (`rating`, `nps`,
// `csat`, `answer`); `comment` (`comments`, `feedback`, `reason`); `date` (`at`, `submitted`,
// `submitted at`, `timestamp`, `responded at`, `response date`, `created at`); and `name` (`full name`,
// used only for contacts created with --create-contacts). Other columns are ignored.
import { parse } from "csv-parse/sync";
import type { Store } from "../db/open.js";
import { inTransaction } from "../db/open.js";
import { usageError, quote } from "../errors.js";
import { parseIsoWhen, localDateTime } from "../io/dates.js";
import { normaliseEmail } from "./contacts/contacts.js";
import { checkScore, type Survey } from "./surveys/surveys.js";
import { bulkSearchIndex } from "./import.js";

export type ResponseColumn = "email" | "contactId" | "name" | "score" | "comment" | "date";

export const RESPONSE_HEADERS: Record<ResponseColumn, readonly string[]> = {
  email: ["email", "e-mail", "email address", "e-mail address", "mail"],
  contactId: ["contact id", "contact_id", "contact"],
  name: ["name", "full name"],
  score: ["score", "rating", "nps", "csat", "answer"],
  comment: ["comment", "comments", "feedback", "reason"],
  date: ["date", "at", "submitted", "submitted at", "timestamp", "responded at", "response date", "created at"],
};

const squash = (header: string) => header.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
const MAX_COMMENT = 10_000;

export interface RowProblem {
  /** 1-based line of the file where the row starts. */
  line: number;
  reason: string;
  /** The row's cells under the file's own headers (for a rejects file). */
  cells: string[];
}

interface PlannedAnswer {
  line: number;
  /** An existing contact's id… */
  contactId?: number;
  /** …or the email of a contact this import creates. */
  newContact?: string;
  score: number;
  comment: string | null;
  at: string;
}

export interface ResponsesImportPlan {
  survey: Survey;
  header: string[];
  /** Data rows read (empty lines are not rows). */
  rows: number;
  answers: PlannedAnswer[];
  problems: RowProblem[];
  /** Contacts to create, by email: their name. */
  newContacts: Map<string, string>;
  /** Rows identical to an answer already stored (or to an earlier row): left out, so re-imports add nothing. */
  duplicates: number;
  /** Columns the import does not use. */
  ignoredColumns: string[];
  /** True when the file has no date column and every answer is dated now. */
  datedNow: boolean;
}

function detectDelimiter(firstLine: string): string {
  const outside = firstLine.replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t"].map((d) => [d, outside.split(d).length - 1] as const);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ",";
}

function decode(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw usageError(`${quote(file)} is not UTF-8 text`, "save the file as CSV UTF-8 and import it again");
  }
}

interface Row {
  line: number;
  cells: string[];
}

/** Parses the CSV text into a header and rows that know the line they start on. */
export function readCsvRows(bytes: Uint8Array, file: string): { header: string[]; rows: Row[] } {
  // Line ends normalised first: the parser's line count is off after CRLF, and a comment is a comment.
  const text = decode(bytes, file).replace(/\r\n?/g, "\n");
  const firstLine = text.slice(0, text.indexOf("\n") < 0 ? undefined : text.indexOf("\n"));
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(firstLine),
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw usageError(`${quote(file)}${e.lines ? ` line ${e.lines}` : ""}: not valid CSV (${e.message.replace(/^Invalid.*?: /, "").split("\n")[0]})`, "check the quotes on that line");
  }
  if (!records.length) throw usageError(`${quote(file)} is empty`, "the first line names the columns, e.g. email,score,comment,date");
  const [head, ...body] = records;
  const rows = body.map(({ record, info }) => {
    const newlines = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - newlines, cells: record };
  });
  return { header: head!.record.map((h) => h.trim()), rows };
}

function mapColumns(header: string[], file: string): { columns: Partial<Record<ResponseColumn, number>>; ignored: string[] } {
  const columns: Partial<Record<ResponseColumn, number>> = {};
  const ignored: string[] = [];
  header.forEach((h, i) => {
    const key = squash(h);
    const column = (Object.keys(RESPONSE_HEADERS) as ResponseColumn[]).find((c) => RESPONSE_HEADERS[c].some((name) => squash(name) === key));
    if (column && columns[column] === undefined) columns[column] = i;
    else ignored.push(h || `(column ${i + 1})`);
  });
  const found = header.map((h) => quote(h)).join(", ");
  const expected = "name the columns email (or contact id), score, and optionally comment and date";
  if (columns.score === undefined) throw usageError(`${quote(file)} has no score column (its columns: ${found})`, expected);
  if (columns.email === undefined && columns.contactId === undefined)
    throw usageError(`${quote(file)} has no email or contact id column (its columns: ${found})`, expected);
  return { columns, ignored };
}

/** "ada.lovelace@example.com" → "Ada Lovelace": a name for a contact created from an email alone. */
export function nameFromEmail(email: string): string {
  const local = email.split("@")[0]!.replace(/[._+-]+/g, " ").trim();
  return local ? local.replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : email;
}

/** Checks every row of the file against the survey and the contacts. Writes nothing. */
export function planResponsesImport(
  store: Store,
  survey: Survey,
  bytes: Uint8Array,
  file: string,
  opts: { createContacts?: boolean },
  now: Date,
): ResponsesImportPlan {
  const { header, rows } = readCsvRows(bytes, file);
  const { columns, ignored } = mapColumns(header, file);
  const s = store.sqlite;
  const idSet = new Set((s.prepare("select id from contacts").raw().all() as [number][]).map(([id]) => id));
  const byEmail = new Map<string, number[]>();
  for (const [id, email] of s.prepare("select id, email from contacts where email is not null order by id").raw().all() as [number, string][])
    (byEmail.get(email) ?? byEmail.set(email, []).get(email)!).push(id);
  const seen = new Set(
    (s.prepare("select contact_id, at, score, coalesce(comment, '') from responses where survey_id = ?").raw().all(survey.id) as [number | null, string, number, string][]).map(
      ([c, at, score, comment]) => JSON.stringify([c, at, score, comment]),
    ),
  );
  const plan: ResponsesImportPlan = {
    survey, header, rows: rows.length, answers: [], problems: [], newContacts: new Map(), duplicates: 0, ignoredColumns: ignored,
    datedNow: columns.date === undefined,
  };
  const nowIso = now.toISOString();
  const cell = (row: Row, c: ResponseColumn) => (columns[c] === undefined ? "" : (row.cells[columns[c]!] ?? "").trim());

  for (const row of rows) {
    const reasons: string[] = [];
    if (row.cells.length > header.length && row.cells.slice(header.length).some((c) => c.trim()))
      reasons.push(`it has ${row.cells.length} cells but the header has ${header.length} (a comma in an unquoted comment?)`);

    // Who answered: a contact id (a `contact` cell may hold an email instead), else the email column.
    let contactId: number | undefined;
    let newContact: string | undefined;
    const idCell = cell(row, "contactId");
    let emailCell = cell(row, "email");
    const idGiven = /^\d+$/.test(idCell);
    if (idGiven) {
      if (idSet.has(Number(idCell))) contactId = Number(idCell);
      else reasons.push(`no contact #${idCell}`);
    } else if (idCell) {
      if (idCell.includes("@") && !emailCell) emailCell = idCell;
      else reasons.push(`invalid contact id ${quote(idCell)} (a whole number)`);
    }
    if (emailCell) {
      let email: string | undefined;
      try {
        email = normaliseEmail(emailCell);
      } catch {
        reasons.push(`invalid email ${quote(emailCell)}`);
      }
      const ids = email ? (byEmail.get(email) ?? []) : [];
      if (!email || idGiven) {
        if (contactId !== undefined && ids.length && !ids.includes(contactId))
          reasons.push(`contact #${contactId} does not have the email ${quote(email)}`);
      } else if (ids.length === 1) contactId = ids[0];
      else if (ids.length > 1) reasons.push(`email ${quote(email)} belongs to several contacts (${ids.map((i) => `#${i}`).join(", ")}): use the contact id`);
      else if (opts.createContacts) {
        newContact = email;
      } else reasons.push(`no contact with email ${quote(email)} (add them first, or pass --create-contacts)`);
    }
    if (!idCell && !emailCell) reasons.push("no email or contact id");

    const scoreCell = cell(row, "score");
    let score: number | undefined;
    if (!scoreCell) reasons.push("missing score");
    else {
      const checked = checkScore(scoreCell, survey.type);
      if ("problem" in checked) reasons.push(checked.problem);
      else score = checked.score;
    }

    let at = nowIso;
    if (columns.date !== undefined) {
      const dateCell = cell(row, "date");
      const when = dateCell ? parseIsoWhen(dateCell) : undefined;
      if (!dateCell) reasons.push("missing date");
      else if (!when) reasons.push(`cannot read the date ${quote(dateCell)} (use ISO 8601, e.g. 2026-03-01 or 2026-03-01T14:30:00Z)`);
      else if (when.date.getTime() > now.getTime()) reasons.push(`the date ${quote(dateCell)} is after now (${localDateTime(now)})`);
      else at = when.date.toISOString();
    }

    const comment = cell(row, "comment") || null;
    if (comment && comment.length > MAX_COMMENT) reasons.push(`the comment is longer than ${MAX_COMMENT.toLocaleString("en")} characters`);

    if (reasons.length) {
      plan.problems.push({ line: row.line, reason: reasons.join("; "), cells: row.cells });
      continue;
    }
    const key = JSON.stringify([contactId ?? `new:${newContact}`, at, score, comment ?? ""]);
    if (seen.has(key)) {
      plan.duplicates++;
      continue;
    }
    seen.add(key);
    if (newContact && !plan.newContacts.has(newContact)) plan.newContacts.set(newContact, cell(row, "name") || nameFromEmail(newContact));
    plan.answers.push({ line: row.line, contactId, newContact, score: score!, comment, at });
  }
  return plan;
}

/** Writes a checked plan's answers (and new contacts) in one transaction. */
export function applyResponsesImport(
  store: Store,
  plan: ResponsesImportPlan,
  now: Date,
  onProgress?: (done: number, total: number) => void,
): { imported: number; createdContacts: number } {
  const stamp = now.toISOString();
  return inTransaction(store, () => {
    const s = store.sqlite;
    const created = new Map<string, number>();
    const addContact = s.prepare("insert into contacts(name, email, source, created_at, updated_at) values (?, ?, ?, ?, ?) returning id");
    for (const [email, name] of plan.newContacts)
      created.set(email, (addContact.get(name, email, `survey import: ${plan.survey.name}`, stamp, stamp) as { id: number }).id);
    const insert = s.prepare("insert into responses(survey_id, contact_id, score, comment, at, created_at) values (?, ?, ?, ?, ?, ?)");
    // Comments are indexed for crm find in one bulk insert at the end rather than by a trigger per row.
    const searchIndex = bulkSearchIndex(s, "responses");
    plan.answers.forEach((a, i) => {
      insert.run(plan.survey.id, a.contactId ?? created.get(a.newContact!)!, a.score, a.comment, a.at, stamp);
      if (onProgress && (i + 1) % 5000 === 0) onProgress(i + 1, plan.answers.length);
    });
    searchIndex?.finish();
    return { imported: plan.answers.length, createdContacts: created.size };
  });
}

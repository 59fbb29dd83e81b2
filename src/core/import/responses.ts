// `crm import responses`: survey answers from a CSV file (a form or survey tool's export), on the shared
// engine (./engine.ts): recognised headers or the user's column mapping, every bad row reported by line,
// one transaction that writes all rows or none (or, when told to skip invalid rows, the good ones), dry
// runs, interrupts.
//
// Recognised headers (case, spaces, "-" and "_" ignored): the respondent by `email` (`e-mail`,
// `email address`, `mail`) or `contact id` (`contact_id`, `contact`); `score` (`rating`, `nps`, `csat`,
// `answer`); `comment` (`comments`, `feedback`, `reason`); `date` (`at`, `submitted`, `submitted at`,
// `timestamp`, `responded at`, `response date`, `created at`); and `name` (`full name`, used only for
// contacts the import creates). Other columns are ignored.
//
// Form tools' downloads (Google Forms, Sheets, Typeform: ./presets/responses.ts) head the score column
// with the question's text: the score, comment and email columns are then found by their question.
//
// An answer already stored — the same form-tool id (Typeform's #, kept as `external_ref`), else the same
// person answering at the same moment — or an earlier row of the file is skipped, so importing the same
// download twice adds nothing the second time.
import type { Store } from "../../db/open.js";
import { quote } from "../../errors.js";
import { localDateTime } from "../../io/dates.js";
import { normaliseEmail } from "../contacts/contacts.js";
import { checkScore, type Survey } from "../surveys/surveys.js";
import {
  cell,
  InvalidRow,
  missingColumn,
  SkipRow,
  resolveColumns,
  runImport,
  type ColumnSpec,
  type ImportOptions,
  type ImportReport,
  type Importer,
} from "./engine.js";
import { importDateParser, openImportSource, type ReadOptions } from "./source.js";

/** Recognised response columns, as `headerKey`s (lower-case letters and digits only). */
const RESPONSE_COLUMNS: readonly ColumnSpec[] = [
  { field: "email", description: "the respondent's email", aliases: ["email", "emailaddress", "mail"] },
  { field: "contact_id", description: "the respondent's crm contact id (or an email)", aliases: ["contactid", "contact"] },
  { field: "name", description: "the name of a contact the import creates", aliases: ["name", "fullname"] },
  { field: "score", description: "the answer: NPS 0–10, CSAT 1–5", aliases: ["score", "rating", "nps", "csat", "answer"] },
  { field: "comment", description: "what they wrote", aliases: ["comment", "comments", "feedback", "reason"] },
  {
    field: "date",
    description: "when they answered (not after now)",
    aliases: ["date", "at", "submitted", "submittedat", "submitdateutc", "submitdate", "timestamp", "respondedat", "responsedate", "createdat"],
  },
  {
    field: "id",
    description: "the form tool's id of the response (Typeform's #)",
    aliases: ["externalref", "responseid", "token", "submissionid", "responsetoken"],
  },
];

/** A question asking for a score, when a form tool heads the column with the question's text. */
const SCORE_QUESTION = /recommend|how likely|\bnps\b|net promoter|satisf|\brate\b|rating|\bscore\b|scale of|0\s*[-–]\s*10|1\s*[-–]\s*5/i;
/** The open question that usually follows it. */
const COMMENT_QUESTION = /\bwhy\b|reason|comment|feedback|tell us|anything else|improve|explain|suggest/i;

/**
 * Form tools (Google Forms, Typeform) head each column with its question: the score is the first
 * question asking for one, its comment the first open question after it, the respondent the column
 * asking for an email. Fills only what the recognised headers and the mapping left open; a column
 * already used (or mapped to ignore) is not taken again.
 */
function questionColumns(header: readonly string[], columns: Map<string, number>, mapped: ReadonlyMap<number, string>): void {
  const free = (i: number) => ![...columns.values()].includes(i) && !mapped.has(i);
  // Typeform's response id is the column headed "#".
  const hash = header.findIndex((h) => h.trim() === "#");
  if (!columns.has("id") && hash >= 0 && free(hash)) columns.set("id", hash);
  if (!columns.has("score")) {
    const i = header.findIndex((h, i) => free(i) && SCORE_QUESTION.test(h) && !COMMENT_QUESTION.test(h));
    if (i >= 0) columns.set("score", i);
  }
  const score = columns.get("score");
  if (!columns.has("comment") && score !== undefined) {
    const i = header.findIndex((h, i) => i > score && free(i) && COMMENT_QUESTION.test(h));
    if (i >= 0) columns.set("comment", i);
  }
  if (!columns.has("email") && !columns.has("contact_id")) {
    const i = header.findIndex((h, i) => free(i) && /e-?mail/i.test(h));
    if (i >= 0) columns.set("email", i);
  }
}

const MAX_COMMENT = 10_000;

export interface ResponseImportOptions extends ImportOptions, ReadOptions {
  /** Source column → target field. */
  map?: ReadonlyMap<string, string>;
  createContacts?: boolean;
}

export interface ResponseImportResult {
  report: ImportReport;
  /** The file's header, for the rejects file. */
  header: string[];
  survey: Survey;
  /** Columns the import does not use (those mapped to `ignore` left out). */
  ignoredColumns: string[];
  /** True when the file has no date column and every answer is dated now. */
  datedNow: boolean;
}

interface Answer {
  /** An existing contact's id… */
  contactId?: number;
  /** …or the email of a contact this import creates, with the name to give it. */
  newContact?: { email: string; name: string };
  score: number;
  comment: string | null;
  at: string;
  /** Whether the file gave a time of day, not only a date. */
  timed: boolean;
  /** The form tool's id of the answer. */
  ref: string | null;
}

/** "ada.lovelace@example.com" → "Ada Lovelace": a name for a contact created from an email alone. */
function nameFromEmail(email: string): string {
  const local = email
    .split("@")[0]!
    .replace(/[._+-]+/g, " ")
    .trim();
  return local ? local.replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : email;
}

export async function importResponses(store: Store, survey: Survey, file: string, now: Date, opts: ResponseImportOptions = {}): Promise<ResponseImportResult> {
  const csv = await openImportSource(file, "responses", opts);
  const header = csv.header;
  const { columns, mapped } = resolveColumns(header, RESPONSE_COLUMNS, csv.map, { file });
  questionColumns(header, columns, mapped);
  const spec = (f: string) => RESPONSE_COLUMNS.find((s) => s.field === f);
  if (!columns.has("score")) throw missingColumn(file, header, "score", spec("score"), "Rating=score");
  if (!columns.has("email") && !columns.has("contact_id")) throw missingColumn(file, header, "respondent (email or contact id)", spec("email"), "Mail=email");
  const used = new Set(columns.values());
  const ignoredColumns = header.filter((_, i) => !used.has(i) && mapped.get(i) !== "ignore");

  const c = Object.fromEntries(RESPONSE_COLUMNS.map((s) => [s.field, columns.get(s.field)])) as Record<string, number | undefined>;
  const s = store.sqlite;
  const stamp = now.toISOString();
  const parseDate = await importDateParser(store, csv, opts);
  const addContact = s.prepare("insert into contacts(name, email, source, created_at, updated_at) values (?, ?, ?, ?, ?) returning id");
  const insert = s.prepare("insert into responses(survey_id, contact_id, score, comment, at, external_ref, created_at) values (?, ?, ?, ?, ?, ?, ?)");
  // Respondents unknown to crm become contacts when asked, or when the form tool's preset says so.
  const createContacts = opts.createContacts ?? csv.preset?.createContacts ?? false;
  /**
   * What makes an answer the same answer: its id; else who answered at that moment (a form's
   * submission time); with a bare date only (no time of day), who answered what on that day.
   */
  const answerKey = (a: { contact: number | null; at: string; ref: string | null; timed: boolean; score: number; comment: string | null }) =>
    a.ref !== null ? `ref\u0000${a.ref}` : JSON.stringify(a.timed ? [a.contact, a.at] : [a.contact, a.at, a.score, a.comment ?? ""]);

  // What must not be duplicated is read on first use, inside the import's write transaction: read any
  // earlier, it would miss the answers and contacts another process writes while this one waits for
  // the lock (the same file imported twice at once went in twice).
  let ids: Set<number>;
  let byEmail: Map<string, number[]>;
  let seen: Set<string>;
  let loaded = false;
  const load = () => {
    if (loaded) return;
    loaded = true;
    ids = new Set((s.prepare("select id from contacts").raw().all() as [number][]).map(([id]) => id));
    byEmail = new Map();
    for (const [id, email] of s.prepare("select id, email from contacts where email is not null order by id").raw().all() as [number, string][])
      (byEmail.get(email) ?? byEmail.set(email, []).get(email)!).push(id);
    seen = new Set();
    for (const [contact, at, ref, score, comment] of s
      .prepare("select contact_id, at, external_ref, score, comment from responses where survey_id = ?")
      .raw()
      .all(survey.id) as [number | null, string, string | null, number, string | null][]) {
      // A stored answer is matched whichever way the file dates it.
      for (const timed of [true, false]) seen.add(answerKey({ contact, at, ref: null, timed, score, comment }));
      if (ref !== null) seen.add(answerKey({ contact, at, ref, timed: true, score, comment }));
    }
  };
  let created = 0;

  const importer: Importer<Answer> = {
    validate({ cells }) {
      load();
      const reasons: string[] = [];
      // An unknown email the import could create a contact for: a command may say how.
      let unknownContact: string | undefined;
      if (cells.length > header.length && cells.slice(header.length).some((x) => x.trim()))
        reasons.push(`it has ${cells.length} cells but the header has ${header.length} (a comma in an unquoted comment?)`);

      // Who answered: a contact id (a `contact` cell may hold an email instead), else the email column.
      let contactId: number | undefined;
      let newContact: Answer["newContact"];
      const idCell = cell(cells, c.contact_id) ?? "";
      let emailCell = cell(cells, c.email) ?? "";
      const idGiven = /^\d+$/.test(idCell);
      if (idGiven) {
        if (ids.has(Number(idCell))) contactId = Number(idCell);
        else reasons.push(`no contact #${idCell}`);
      } else if (idCell) {
        if (idCell.includes("@") && !emailCell) emailCell = idCell;
        else reasons.push(`invalid contact id ${quote(idCell)}`);
      }
      if (emailCell) {
        let email: string | undefined;
        try {
          email = normaliseEmail(emailCell);
        } catch {
          reasons.push(`invalid email ${quote(emailCell)}`);
        }
        const owners = email ? (byEmail.get(email) ?? []) : [];
        if (!email || idGiven) {
          if (contactId !== undefined && owners.length && !owners.includes(contactId))
            reasons.push(`contact #${contactId} does not have the email ${quote(email)}`);
        } else if (owners.length === 1) contactId = owners[0];
        else if (owners.length > 1)
          reasons.push(`email ${quote(email)} belongs to several contacts (${owners.map((i) => `#${i}`).join(", ")}): use the contact id`);
        else if (createContacts) newContact = { email, name: cell(cells, c.name) || nameFromEmail(email) };
        else reasons.push((unknownContact = `no contact with email ${quote(email)}`));
      }
      // A form tool's anonymous answer (the form did not collect emails) is no one's: counted, not imported.
      if (!idCell && !emailCell && csv.preset) throw new SkipRow("no email address: an anonymous answer");
      if (!idCell && !emailCell) reasons.push("no email or contact id");

      const scoreCell = cell(cells, c.score);
      let score: number | undefined;
      if (scoreCell === undefined) reasons.push("no score");
      else {
        const checked = checkScore(scoreCell, survey.type);
        if ("problem" in checked) reasons.push(checked.problem);
        else score = checked.score;
      }

      let at = stamp;
      if (c.date !== undefined) {
        const dateCell = cell(cells, c.date);
        if (dateCell === undefined) reasons.push("no date");
        else {
          try {
            at = parseDate(dateCell);
            if (Date.parse(at) > now.getTime()) reasons.push(`the date ${quote(dateCell)} is after now (${localDateTime(now)})`);
          } catch (err) {
            if (!(err instanceof InvalidRow)) throw err;
            reasons.push(err.message);
          }
        }
      }

      // One spelling of a line break in stored text, whatever the file used.
      const comment = cell(cells, c.comment)?.replace(/\r\n?/g, "\n") ?? null;
      if (comment && comment.length > MAX_COMMENT) reasons.push(`the comment is longer than ${MAX_COMMENT.toLocaleString("en")} characters`);

      if (reasons.length) throw new InvalidRow(reasons.join("; "), false, unknownContact);
      const timed = /\d:\d/.test(cell(cells, c.date) ?? "");
      return { contactId, newContact, score: score!, comment, at, timed, ref: cell(cells, c.id) ?? null };
    },
    write(answer) {
      let contactId = answer.contactId;
      if (contactId === undefined) {
        const { email, name } = answer.newContact!;
        // An earlier row of the file may have created this contact already.
        contactId = byEmail.get(email)?.[0];
        if (contactId === undefined) {
          contactId = (addContact.get(name, email, `survey import: ${survey.name}`, stamp, stamp) as { id: number }).id;
          byEmail.set(email, [contactId]);
          ids.add(contactId);
          created++;
        }
      }
      const key = answerKey({ contact: contactId, ...answer });
      if (seen.has(key)) return "skipped";
      seen.add(key);
      insert.run(survey.id, contactId, answer.score, answer.comment, answer.at, answer.ref, stamp);
      return "added";
    },
    createdContacts: () => created,
    // Comments are indexed for crm find in one bulk insert at the end rather than by a trigger per row.
    searchIndexed: "responses",
  };
  const report = await runImport(store, csv, importer, opts);
  return { report, header, survey, ignoredColumns, datedNow: c.date === undefined };
}

// Surveys: NPS and CSAT questions, the answers people give (with a comment and a date), and the
// numbers read from them — a survey's results, the NPS/CSAT reports with their trend, and mail-merge
// lists of who to ask. Plain records in and out; the score maths lives in src/analytics/nps.ts.
//
// A person may answer the same survey again later: every answer is kept. Their latest answer (by its
// date) is their *current* score, which is what a survey's results and the headline of a report count;
// a trend counts every answer in the period it was given. Only answers dated up to "now" are read.
import type { Store } from "../../db/open.js";
import { inTransaction } from "../../db/open.js";
import type { ContactRow, IdRow, ResponseRow, SurveyRow } from "../../db/rows.js";
import { conflict, notFound, usageError, quote } from "../../errors.js";
import { localDateTime, localPeriod, localPeriodsBetween } from "../../io/dates.js";
import { csat, headlineScore, nps, SCORE_RANGES, type CsatScore, type NpsScore, type SurveyType } from "../../analytics/nps.js";

export type { SurveyType } from "../../analytics/nps.js";

/** The standard wording: Reichheld's recommendation question, and the usual satisfaction question. */
export const DEFAULT_QUESTIONS: Record<SurveyType, string> = {
  nps: "How likely is it that you would recommend us to a friend or colleague?",
  csat: "How satisfied were you with our service?",
};

export interface Survey extends Omit<SurveyRow, "type"> {
  type: SurveyType;
}

const MAX_COMMENT = 10_000;

/** "NPS answers are whole numbers from 0 to 10": the rule, for error messages and help. */
function scoreRule(type: SurveyType): string {
  const { min, max } = SCORE_RANGES[type];
  return `${type.toUpperCase()} answers are whole numbers from ${min} to ${max}`;
}

/** Returns the reason `text` is not a valid answer for `type`, or the score. */
export function checkScore(text: string, type: SurveyType): { score: number } | { problem: string } {
  const t = text.trim();
  const { min, max } = SCORE_RANGES[type];
  if (!/^[+-]?\d+$/.test(t)) return { problem: `invalid score ${quote(text)}: ${scoreRule(type)}` };
  const score = Number(t);
  if (score < min || score > max) return { problem: `score ${quote(text)} is out of range: ${scoreRule(type)}` };
  return { score };
}

const fold = (s: string) => s.normalize("NFC").toLowerCase();

function normaliseName(name: string): string {
  const n = name.trim();
  if (!n) throw usageError("a survey needs a name", 'e.g. crm survey create "Customer NPS 2026"');
  if (/^#?\d+$/.test(n)) throw usageError(`invalid survey name ${quote(n)}: it would read as a survey id`, "use a name with at least one letter");
  if (/[\r\n\t]/.test(n) || n.length > 200) throw usageError(`invalid survey name ${quote(n)}`, "a name is one line of up to 200 characters");
  return n;
}

function allSurveys(store: Store): Survey[] {
  return store.sqlite.prepare<[], Survey>("select id, name, type, question, created_at as createdAt from surveys order by id").all();
}

/** A new survey; an NPS survey unless `type` says otherwise. */
export function createSurvey(store: Store, input: { name: string; type?: SurveyType; question?: string }, now: Date): Survey {
  const name = normaliseName(input.name);
  const type = input.type ?? "nps";
  const question = input.question?.trim() || DEFAULT_QUESTIONS[type];
  return inTransaction(store, () => {
    // Compared in JavaScript: SQLite's NOCASE folds ASCII only, and "Zufriedenheit Ü" must clash too.
    const clash = allSurveys(store).find((s) => fold(s.name) === fold(name));
    if (clash) throw conflict(`a survey named ${quote(clash.name)} already exists (#${clash.id})`, "choose another name, or see `crm survey list`");
    const createdAt = now.toISOString();
    const { id } = store.sqlite
      .prepare<[string, string, string, string], IdRow>("insert into surveys(name, type, question, created_at) values (?, ?, ?, ?) returning id")
      .get(name, type, question, createdAt)!;
    return { id, name, type, question, createdAt };
  });
}

/** A `<survey>`: its numeric id, or its name (case-insensitive). */
export function resolveSurvey(store: Store, ref: string): Survey {
  const text = ref.trim();
  if (!text) throw usageError("an empty survey reference", "give a survey id or name; see `crm survey list`");
  const surveys = allSurveys(store);
  // An id, also as crm prints it: "#3".
  const id = /^#?\d+$/.test(text) ? Number(text.replace("#", "")) : undefined;
  const found = id !== undefined ? surveys.find((s) => s.id === id) : surveys.find((s) => fold(s.name) === fold(text));
  if (!found) throw notFound(`no survey ${id !== undefined ? `#${id}` : quote(text)}`, "use a survey id or name; see `crm survey list`");
  return found;
}

function assertNotFuture(at: Date, now: Date, what = "the answer's date"): void {
  if (at.getTime() > now.getTime()) throw usageError(`${what} ${localDateTime(at)} is after now (${localDateTime(now)})`, "answers are dated now or earlier");
}

export interface RecordedResponse {
  id: number;
  score: number;
  /** The contact's answer this one replaces as their current score, if any. */
  replaces?: { id: number; score: number; at: string };
}

export function recordResponse(
  store: Store,
  input: { surveyId: number; contactId: number; score: number; comment?: string | null; at: Date },
  now: Date,
): RecordedResponse {
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > MAX_COMMENT) throw usageError(`the comment is longer than ${MAX_COMMENT.toLocaleString("en")} characters`);
  assertNotFuture(input.at, now);
  const at = input.at.toISOString();
  return inTransaction(store, () => {
    const previous = store.sqlite
      .prepare<[number, number, string], Pick<ResponseRow, "id" | "score" | "at">>(
        "select id, score, at from responses where survey_id = ? and contact_id = ? and at <= ? order by at desc, id desc limit 1",
      )
      .get(input.surveyId, input.contactId, now.toISOString());
    const { id } = store.sqlite
      .prepare<unknown[], IdRow>("insert into responses(survey_id, contact_id, score, comment, at, created_at) values (?, ?, ?, ?, ?, ?) returning id")
      .get(input.surveyId, input.contactId, input.score, comment, at, now.toISOString())!;
    return { id, score: input.score, replaces: previous && previous.at <= at ? previous : undefined };
  });
}

// ---------------------------------------------------------------------------------------------------
// Reading answers

type Answer = Pick<ResponseRow, "id" | "surveyId" | "contactId" | "score" | "at">;

/** Every answer to these surveys dated up to `now`, oldest first. */
function answersOf(store: Store, surveyIds: number[], now: Date): Answer[] {
  if (!surveyIds.length) return [];
  return store.sqlite
    .prepare<[string, string], Answer>(
      `select id, survey_id as surveyId, contact_id as contactId, score, at from responses
       where survey_id in (select value from json_each(?)) and at <= ? order by at, id`,
    )
    .all(JSON.stringify(surveyIds), now.toISOString());
}

/** The latest answer of each respondent to each survey; an erased person's answers each stand alone. */
function currentAnswers(answers: Answer[]): Answer[] {
  const latest = new Map<string, Answer>();
  for (const a of answers) latest.set(a.contactId === null ? `r${a.id}` : `${a.surveyId}:${a.contactId}`, a);
  return [...latest.values()];
}

export type ScoreStats = NpsScore | CsatScore;

function stats(type: SurveyType, scores: number[]): ScoreStats {
  return type === "nps" ? nps(scores) : csat(scores);
}

export interface SurveySummary extends Survey {
  /** Answers counted in the current score: the latest of each respondent. */
  responses: number;
  /** Earlier answers replaced by a later answer of the same person. */
  superseded: number;
  /** NPS (−100…100) or CSAT (% satisfied) of the current answers; null without answers. */
  score: number | null;
  lastResponseAt: string | null;
}

export function listSurveys(store: Store, now: Date): SurveySummary[] {
  const surveys = allSurveys(store);
  const answers = answersOf(
    store,
    surveys.map((s) => s.id),
    now,
  );
  const bySurvey = new Map<number, Answer[]>();
  for (const a of answers) (bySurvey.get(a.surveyId) ?? bySurvey.set(a.surveyId, []).get(a.surveyId)!).push(a);
  return surveys.map((s) => {
    const all = bySurvey.get(s.id) ?? [];
    const current = currentAnswers(all);
    return {
      ...s,
      responses: current.length,
      superseded: all.length - current.length,
      score: headlineScore(
        s.type,
        current.map((a) => a.score),
      ),
      lastResponseAt: all.length ? all[all.length - 1]!.at : null,
    };
  });
}

export interface SurveyComment extends Pick<ResponseRow, "contactId" | "score" | "at"> {
  responseId: ResponseRow["id"];
  contactName: ContactRow["name"] | null;
  comment: string;
}

export interface SurveyResults {
  survey: Survey;
  score: ScoreStats;
  superseded: number;
  /** How many current answers gave each possible score, lowest first. */
  distribution: { score: number; count: number }[];
  /** Every comment dated up to now, newest first (including those of superseded answers). */
  comments: SurveyComment[];
}

export function surveyResults(store: Store, survey: Survey, now: Date): SurveyResults {
  const all = answersOf(store, [survey.id], now);
  const current = currentAnswers(all);
  const { min, max } = SCORE_RANGES[survey.type];
  const counts = new Map<number, number>();
  for (const a of current) counts.set(a.score, (counts.get(a.score) ?? 0) + 1);
  const comments = store.sqlite
    .prepare<[number, string], SurveyComment>(
      `select r.id as responseId, r.contact_id as contactId, c.name as contactName, r.score, r.comment, r.at
       from responses r left join contacts c on c.id = r.contact_id
       where r.survey_id = ? and r.at <= ? and r.comment is not null order by r.at desc, r.id desc`,
    )
    .all(survey.id, now.toISOString());
  return {
    survey,
    score: stats(
      survey.type,
      current.map((a) => a.score),
    ),
    superseded: all.length - current.length,
    distribution: Array.from({ length: max - min + 1 }, (_, i) => ({ score: min + i, count: counts.get(min + i) ?? 0 })),
    comments,
  };
}

// ---------------------------------------------------------------------------------------------------
// Who to ask

export interface Recipient {
  id: number;
  name: string;
  firstName: string;
  email: string;
  company: string | null;
  /** Their latest answer to this survey (up to now), if any. */
  lastScore: number | null;
  lastResponseAt: string | null;
}

export interface RecipientQuery {
  tag?: string;
  /** Restrict to these contacts (e.g. the members of an RFM segment). */
  ids?: number[];
  /** Leave out whoever answered this survey at or after this moment. */
  notRespondedSince?: Date;
}

/** A mail-merge list for a survey: matching contacts with an email; `withoutEmail` counts the others. */
export function surveyRecipients(store: Store, survey: Survey, q: RecipientQuery, now: Date): { rows: Recipient[]; withoutEmail: number } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.tag) {
    where.push("c.id in (select ct.contact_id from contact_tags ct join tags t on t.id = ct.tag_id where t.name = ? collate nocase)");
    params.push(q.tag.trim());
  }
  if (q.ids) {
    where.push("c.id in (select value from json_each(?))");
    params.push(JSON.stringify(q.ids));
  }
  // Each contact's latest answer, read in one pass and joined here: SQLite would otherwise look it up
  // (or scan for it) once per contact.
  const last = new Map<number, { score: number; at: string }>();
  for (const [contactId, score, at] of store.sqlite
    .prepare<[number, string], [number, number, string]>(
      "select contact_id, score, at from responses where survey_id = ? and at <= ? and contact_id is not null order by at, id",
    )
    .raw()
    .all(survey.id, now.toISOString()))
    last.set(contactId, { score, at });
  const since = q.notRespondedSince?.toISOString();
  const rows = store.sqlite
    .prepare<(string | number)[], Pick<ContactRow, "id" | "name" | "email" | "company">>(
      `select c.id, c.name, c.email, c.company from contacts c ${where.length ? "where " + where.join(" and ") : ""}
         order by c.name collate nocase, c.id`,
    )
    .all(...params)
    .map((c) => ({ ...c, lastScore: last.get(c.id)?.score ?? null, lastResponseAt: last.get(c.id)?.at ?? null }))
    .filter((c) => !since || c.lastResponseAt === null || c.lastResponseAt < since);
  const withEmail = rows.filter((r) => r.email);
  return {
    rows: withEmail.map((r) => ({ ...r, email: r.email!, firstName: r.name.trim().split(/\s+/)[0] ?? r.name })),
    withoutEmail: rows.length - withEmail.length,
  };
}

// ---------------------------------------------------------------------------------------------------
// Reports: the headline (current answers) and a breakdown by period or by customer segment

export type ReportBy = "month" | "quarter" | "segment";

export interface SurveyReport {
  type: SurveyType;
  surveys: { id: number; name: string }[];
  by: ReportBy;
  /** The current answer of each respondent to each survey. */
  current: ScoreStats;
  /** by month|quarter: every answer in the period it was given, first to last period, gaps included. */
  trend: ({ period: string } & ScoreStats)[];
  /** by segment: current answers by the respondent's RFM segment ("none" for no segment). */
  segments: ({ segment: string } & ScoreStats)[];
}

/** "survey "Support" is a CSAT survey": why a survey is not part of a report of the other type. */
export function wrongTypeMessage(survey: Survey): string {
  return `survey ${quote(survey.name)} is ${survey.type === "nps" ? "an NPS" : "a CSAT"} survey`;
}

export function surveyReport(
  store: Store,
  q: { type: SurveyType; survey?: Survey; by: ReportBy; segmentOf?: Map<number, string>; segmentOrder?: readonly string[] },
  now: Date,
): SurveyReport {
  if (q.survey && q.survey.type !== q.type) throw usageError(wrongTypeMessage(q.survey), `its score is in the ${q.survey.type.toUpperCase()} report`);
  const surveys = q.survey ? [q.survey] : allSurveys(store).filter((s) => s.type === q.type);
  const answers = answersOf(
    store,
    surveys.map((s) => s.id),
    now,
  );
  const current = currentAnswers(answers);
  const report: SurveyReport = {
    type: q.type,
    surveys: surveys.map(({ id, name }) => ({ id, name })),
    by: q.by,
    current: stats(
      q.type,
      current.map((a) => a.score),
    ),
    trend: [],
    segments: [],
  };
  if (q.by === "segment") {
    if (!q.segmentOf) throw new Error("surveyReport by segment needs the segment of each contact");
    const groups = new Map<string, number[]>();
    for (const a of current) {
      const segment = (a.contactId !== null && q.segmentOf.get(a.contactId)) || "none";
      (groups.get(segment) ?? groups.set(segment, []).get(segment)!).push(a.score);
    }
    const order = [...(q.segmentOrder ?? []), "none"];
    const rank = (s: string) => (order.indexOf(s) < 0 ? order.length : order.indexOf(s));
    report.segments = [...groups.entries()]
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
      .map(([segment, scores]) => ({ segment, ...stats(q.type, scores) }));
    return report;
  }
  if (!answers.length) return report;
  const by = q.by;
  const groups = new Map<string, number[]>();
  for (const a of answers) {
    const p = localPeriod(new Date(a.at), by);
    (groups.get(p) ?? groups.set(p, []).get(p)!).push(a.score);
  }
  report.trend = localPeriodsBetween(new Date(answers[0]!.at), new Date(answers[answers.length - 1]!.at), by).map((period) => ({
    period,
    ...stats(q.type, groups.get(period) ?? []),
  }));
  return report;
}

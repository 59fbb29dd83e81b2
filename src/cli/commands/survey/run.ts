// The survey commands: parse → one core call → render. (`crm import responses` is an import.)
import type { Ctx } from "../../context.js";
import {
  checkScore,
  createSurvey,
  listSurveys,
  recordResponse,
  resolveSurvey,
  surveyRecipients,
  surveyResults,
  type SurveySummary,
  type Recipient,
  type SurveyComment,
} from "../../../core/surveys/surveys.js";
import { npsCategory, type CsatScore, type NpsScore } from "../../../analytics/nps.js";
import { resolveContact } from "../../../core/contacts/contacts.js";
import { localDate, localDateTime } from "../../../io/dates.js";
import { usageError, quote } from "../../../errors.js";
import { whenDate } from "../../flags.js";
import { emit } from "../../render/sink.js";
import { printRecords } from "../../render/output.js";
import { toCsv } from "../../render/csv.js";
import { toJson } from "../../render/json.js";
import { plainTable, boxTable, type Column } from "../../render/table.js";
import { bar } from "../../render/chart.js";
import { fixed1, round2, scoreRecord, uncertaintyText } from "../../render/scores.js";
import { plural } from "../../render/words.js";
import type { SurveyCreateOptions, SurveyListOptions, SurveyRecipientsOptions, SurveyRespondOptions, SurveyResultsOptions } from "./declare.js";

const day = (iso: string | null) => (iso ? localDate(new Date(iso)) : "");
const scoreText = (type: string, score: number | null) => (score === null ? "" : type === "nps" ? fixed1(score) : `${fixed1(score)}%`);

export async function create(ctx: Ctx, [name]: [string], opts: SurveyCreateOptions): Promise<void> {
  const survey = createSurvey(ctx.store(), { name, type: opts.type, question: opts.question }, ctx.now);
  ctx.print(`${survey.id}\n`);
  ctx.info(`created ${survey.type.toUpperCase()} survey #${survey.id} ${quote(survey.name)}`);
}

export const SURVEY_FIELDS = ["id", "name", "type", "question", "responses", "superseded", "score", "lastResponseAt", "createdAt"];

export async function list(ctx: Ctx, _args: [], _opts: SurveyListOptions): Promise<void> {
  const rows = listSurveys(ctx.store(), ctx.now);
  const columns: Column<SurveySummary>[] = [
    { header: "id", cell: (s) => s.id, align: "right" },
    { header: "name", cell: (s) => s.name },
    { header: "type", cell: (s) => s.type.toUpperCase() },
    { header: "responses", cell: (s) => s.responses, align: "right" },
    { header: "score", cell: (s) => scoreText(s.type, s.score), align: "right" },
    { header: "last answer", cell: (s) => day(s.lastResponseAt) },
    { header: "question", cell: (s) => s.question },
  ];
  await printRecords(ctx, {
    rows,
    columns,
    record: (s) => ({ ...s, score: round2(s.score) }),
    fields: SURVEY_FIELDS,
    empty: 'no surveys yet — create one with: crm survey create "Customer NPS" --type nps',
  });
}

export async function respond(ctx: Ctx, [surveyRef, ref, scoreText]: [string, string, string], opts: SurveyRespondOptions): Promise<void> {
  const store = ctx.store();
  const survey = resolveSurvey(store, surveyRef);
  // The answer's scale is the survey's: read once the survey is known.
  const checked = checkScore(scoreText, survey.type);
  if ("problem" in checked) throw usageError(checked.problem);
  const score = checked.score;
  const at = (opts.at ? await whenDate(opts.at, ctx.now, "--at") : undefined) ?? ctx.now;
  if (at > ctx.now)
    throw usageError(
      `the answer's date ${localDateTime(at)} is after now (${localDateTime(ctx.now)})`,
      'answers are dated now or earlier, e.g. --at "last friday" or --at 2026-03-01',
    );
  const contact = resolveContact(store, ref);
  const r = recordResponse(store, { surveyId: survey.id, contactId: contact.id, score, comment: opts.comment, at }, ctx.now);
  ctx.print(`${r.id}\n`);
  const kind = survey.type === "nps" ? ` (${npsCategory(score)})` : "";
  const replaces = r.replaces ? `; it replaces their answer ${r.replaces.score} of ${day(r.replaces.at)} as their current score` : "";
  ctx.info(`recorded ${survey.type.toUpperCase()} ${score}${kind} from #${contact.id} ${contact.name} for ${quote(survey.name)}${replaces}`);
}

export const RECIPIENT_FIELDS = ["id", "name", "firstName", "email", "company", "lastScore", "lastResponseAt"];

export async function recipients(ctx: Ctx, [surveyRef]: [string], opts: SurveyRecipientsOptions): Promise<void> {
  const store = ctx.store();
  const survey = resolveSurvey(store, surveyRef);
  const since = opts.notRespondedSince ? await whenDate(opts.notRespondedSince, ctx.now, "--not-responded-since") : undefined;
  let ids: number[] | undefined;
  if (opts.segment) {
    const { contactIdsInSegment } = await import("../../../core/customers/segments.js");
    ids = contactIdsInSegment(store, opts.segment, ctx.now);
  }
  const { rows, withoutEmail } = surveyRecipients(store, survey, { tag: opts.tag, ids, notRespondedSince: since }, ctx.now);
  if (withoutEmail)
    ctx.warn(`${withoutEmail} matching contact${withoutEmail === 1 ? " has" : "s have"} no email and ${withoutEmail === 1 ? "is" : "are"} left out`);
  const columns: Column<Recipient>[] = [
    { header: "id", cell: (r) => r.id, align: "right" },
    { header: "name", cell: (r) => r.name },
    { header: "first name", cell: (r) => r.firstName },
    { header: "email", cell: (r) => r.email },
    { header: "company", cell: (r) => r.company },
    { header: "last score", cell: (r) => r.lastScore, align: "right" },
    { header: "last answer", cell: (r) => day(r.lastResponseAt) },
  ];
  await printRecords(ctx, { rows, columns, fields: RECIPIENT_FIELDS, empty: "no contacts match" });
}

export async function results(ctx: Ctx, [surveyRef]: [string], _opts: SurveyResultsOptions): Promise<void> {
  const store = ctx.store();
  const survey = resolveSurvey(store, surveyRef);
  const r = surveyResults(store, survey, ctx.now);
  const record = { survey: r.survey, ...scoreRecord(r.score), superseded: r.superseded, distribution: r.distribution, comments: r.comments };
  if (ctx.format === "json") return emit(ctx, toJson(record));
  if (ctx.format === "csv") {
    // One summary row; the answers themselves are in `crm export responses`.
    const { distribution: _d, comments: _c, survey: s, ...rest } = record;
    return emit(ctx, toCsv([{ surveyId: s.id, survey: s.name, type: s.type, ...rest, comments: r.comments.length }]));
  }
  const c = ctx.color;
  const lines: string[] = [c.bold(`#${survey.id} ${survey.name}`) + c.dim(` — ${survey.type.toUpperCase()}${survey.question ? `: ${survey.question}` : ""}`)];
  if (survey.type === "nps") {
    const s = r.score as NpsScore;
    lines.push(
      s.responses
        ? `NPS ${fixed1(s.nps)} from ${plural(s.responses, "respondent")}; ${uncertaintyText(s.npsLow, s.npsHigh, s.marginOfError, s.fewAnswers)} — ` +
            `${plural(s.promoters, "promoter")} (${fixed1(s.promotersPercent)}%), ${plural(s.passives, "passive")} (${fixed1(s.passivesPercent)}%), ${plural(s.detractors, "detractor")} (${fixed1(s.detractorsPercent)}%)`
        : "no answers yet",
    );
  } else {
    const s = r.score as CsatScore;
    lines.push(
      s.responses
        ? `CSAT ${fixed1(s.csatPercent)}% satisfied (answered 4 or 5), mean ${s.mean!.toFixed(2)}, from ${plural(s.responses, "respondent")}; ${uncertaintyText(s.csatLowPercent, s.csatHighPercent, s.marginOfError, s.fewAnswers, "%")}`
        : "no answers yet",
    );
  }
  if (r.superseded)
    lines.push(c.dim(`each respondent's latest answer counts; ${r.superseded} earlier answer${r.superseded === 1 ? " was" : "s were"} replaced`));
  if (r.score.responses) {
    const most = Math.max(...r.distribution.map((d) => d.count));
    lines.push("", c.bold("Answers"));
    for (const d of r.distribution) {
      lines.push(`  ${String(d.score).padStart(2)}  ${String(d.count).padStart(5)}  ${c.cyan(bar(d.count, most, 30, { step: "cell" }))}`);
    }
  }
  if (r.comments.length) {
    lines.push("", c.bold(`Comments (${r.comments.length}, newest first)`));
    const table = ctx.tableStyle === "box" ? await boxTable(ctx, commentColumns, r.comments) : plainTable(commentColumns, r.comments);
    lines.push(table.trimEnd());
  }
  emit(ctx, lines.join("\n") + "\n");
}

const commentColumns: Column<SurveyComment>[] = [
  { header: "date", cell: (x) => day(x.at) },
  { header: "score", cell: (x) => x.score, align: "right" },
  { header: "contact", cell: (x) => x.contactName ?? "(erased)" },
  { header: "comment", cell: (x) => x.comment },
];

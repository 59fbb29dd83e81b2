// `crm report nps` and `crm report csat`: the headline score of the current answers, and its trend by
// month or quarter (every answer in the period it was given) or its breakdown by RFM segment.
import type { Ctx } from "../../context.js";
import { usageError } from "../../../errors.js";
import { resolveSurvey, wrongTypeMessage, surveyReport, type SurveyReport, type SurveyType } from "../../../core/surveys/surveys.js";
import { MIN_ANSWERS_FOR_MARGIN, type CsatScore, type NpsScore } from "../../../analytics/nps.js";
import { RFM_SEGMENTS } from "../../../analytics/rfm.js";
import { sparkline } from "../../render/chart.js";
import { localDateTime } from "../../../io/dates.js";
import { boxTable, plainTable, type Column } from "../../render/table.js";
import { emit } from "../../render/sink.js";
import { toCsv } from "../../render/csv.js";
import { jsonAsOf, toJson } from "../../render/json.js";
import { fixed1, marginCell, scoreRecord, uncertaintyText } from "../../render/scores.js";
import { plural } from "../../render/words.js";
import type { ReportScoreOptions } from "./declare.js";

export const NPS_FIELDS = [
  "responses",
  "nps",
  "promoters",
  "passives",
  "detractors",
  "promotersPercent",
  "passivesPercent",
  "detractorsPercent",
  "npsLow",
  "npsHigh",
  "marginOfError",
  "fewAnswers",
];
export const CSAT_FIELDS = ["responses", "csatPercent", "satisfied", "mean", "csatLowPercent", "csatHighPercent", "marginOfError", "fewAnswers"];

async function segmentMembership(ctx: Ctx): Promise<Map<number, string>> {
  const { segmentOfEachCustomer } = await import("../../../core/customers/segments.js");
  return segmentOfEachCustomer(ctx.store(), ctx.now);
}

async function scoreReport(ctx: Ctx, type: SurveyType, opts: ReportScoreOptions): Promise<void> {
  const by = opts.by;
  const store = ctx.store();
  const survey = opts.survey !== undefined ? resolveSurvey(store, opts.survey) : undefined;
  if (survey && survey.type !== type) throw usageError(wrongTypeMessage(survey), `use crm report ${survey.type} --survey ${JSON.stringify(survey.name)}`);
  const segmentOf = by === "segment" ? await segmentMembership(ctx) : undefined;
  const report = surveyReport(store, { type, survey, by, segmentOf, segmentOrder: RFM_SEGMENTS }, ctx.now);
  const fields = type === "nps" ? NPS_FIELDS : CSAT_FIELDS;
  const key = by === "segment" ? "segment" : "period";
  const rows: ({ label: string } & (NpsScore | CsatScore))[] =
    by === "segment"
      ? report.segments.map(({ segment, ...s }) => ({ label: segment, ...s }))
      : report.trend.map(({ period, ...s }) => ({ label: period, ...s }));

  if (ctx.format === "json") {
    const breakdown = rows.map(({ label, ...s }) => ({ [key]: label, ...scoreRecord(s) }));
    return emit(
      ctx,
      toJson({
        type,
        asOf: jsonAsOf(ctx.now),
        surveys: report.surveys,
        ...scoreRecord(report.current),
        by,
        ...(by === "segment" ? { segments: breakdown } : { trend: breakdown }),
      }),
    );
  }
  if (ctx.format === "csv") {
    const all = [{ label: "all", ...report.current }, ...rows].map(({ label, ...s }) => ({ [key]: label, ...scoreRecord(s) }));
    return emit(ctx, toCsv(all, [key, ...fields]));
  }
  emit(ctx, await renderTable(ctx, report, rows));
}

async function renderTable(ctx: Ctx, report: SurveyReport, rows: ({ label: string } & (NpsScore | CsatScore))[]): Promise<string> {
  const c = ctx.color;
  const type = report.type;
  const name = type.toUpperCase();
  const cur = report.current;
  const lines: string[] = [];
  if (!cur.responses && !rows.some((r) => r.responses)) {
    ctx.info(
      report.surveys.length
        ? `no ${name} answers up to ${localDateTime(ctx.now)}`
        : `no ${name} surveys yet — create one with: crm survey create <name> --type ${type}`,
    );
    return "";
  }
  const respondents = plural(cur.responses, "respondent");
  if (type === "nps") {
    const s = cur as NpsScore;
    lines.push(
      `${c.bold(`NPS ${fixed1(s.nps)}`)} from ${respondents}${s.responses ? `; ${uncertaintyText(s.npsLow, s.npsHigh, s.marginOfError, s.fewAnswers)}` : ""}`,
      `  promoters (9–10)  ${String(s.promoters).padStart(6)}  ${fixed1(s.promotersPercent).padStart(5)}%`,
      `  passives (7–8)    ${String(s.passives).padStart(6)}  ${fixed1(s.passivesPercent).padStart(5)}%`,
      `  detractors (0–6)  ${String(s.detractors).padStart(6)}  ${fixed1(s.detractorsPercent).padStart(5)}%`,
      c.dim("NPS = % promoters − % detractors (Reichheld 2003); each respondent's latest answer counts; interval: adjusted Wald (Rocks 2016)."),
    );
  } else {
    const s = cur as CsatScore;
    lines.push(
      `${c.bold(`CSAT ${fixed1(s.csatPercent)}%`)} satisfied, mean ${s.mean === null ? "–" : s.mean.toFixed(2)} of 5, from ${respondents}${
        s.responses ? `; ${uncertaintyText(s.csatLowPercent, s.csatHighPercent, s.marginOfError, s.fewAnswers, "%")}` : ""
      }`,
      `  satisfied (4–5)   ${String(s.satisfied).padStart(6)} of ${s.responses}`,
      c.dim("CSAT = share of answers that are 4 or 5, in percent; each respondent's latest answer counts; interval: Wilson score."),
    );
  }
  lines.push(c.dim(`Surveys: ${report.surveys.map((s) => s.name).join(", ")}`));
  if (rows.length) {
    const by = report.by;
    const first: Column<(typeof rows)[number]> = { header: by === "segment" ? "segment" : by, cell: (r) => r.label };
    // The rows hold the report's own kind of score: NPS rows for an NPS report, CSAT rows for CSAT.
    type Row = (typeof rows)[number];
    const npsNum = (header: string, f: (r: NpsScore) => string | number): Column<Row> => ({ header, cell: (r) => f(r as NpsScore), align: "right" });
    const csatNum = (header: string, f: (r: CsatScore) => string | number): Column<Row> => ({ header, cell: (r) => f(r as CsatScore), align: "right" });
    const columns: Column<Row>[] =
      type === "nps"
        ? [
            first,
            npsNum("responses", (r) => r.responses),
            npsNum("promoters", (r) => r.promoters),
            npsNum("passives", (r) => r.passives),
            npsNum("detractors", (r) => r.detractors),
            npsNum("NPS", (r) => fixed1(r.nps)),
            npsNum("±", (r) => marginCell(r)),
          ]
        : [
            first,
            csatNum("responses", (r) => r.responses),
            csatNum("satisfied", (r) => r.satisfied),
            csatNum("CSAT %", (r) => fixed1(r.csatPercent)),
            csatNum("mean", (r) => (r.mean === null ? "" : r.mean.toFixed(2))),
            csatNum("±", (r) => marginCell(r)),
          ];
    lines.push("", by === "segment" ? c.bold("By RFM segment (each respondent's latest answer)") : c.bold(`By ${by} (every answer given in the ${by})`));
    lines.push((ctx.tableStyle === "box" ? await boxTable(ctx, columns, rows) : plainTable(columns, rows)).trimEnd());
    if (rows.some((r) => r.responses && r.fewAnswers)) lines.push(c.dim(`few: fewer than ${MIN_ANSWERS_FOR_MARGIN} answers, too few for a margin of error`));
    if (ctx.tableStyle === "box" && by !== "segment" && rows.length > 1) {
      const values = rows.map((r) => (type === "nps" ? (r as NpsScore).nps : (r as CsatScore).csatPercent));
      lines.push(`${name} trend  ${c.cyan(sparkline(values, { baseline: "min" }))}  ${rows[0]!.label} → ${rows[rows.length - 1]!.label}`);
    }
  }
  return lines.join("\n") + "\n";
}

export async function nps(ctx: Ctx, _args: [], opts: ReportScoreOptions): Promise<void> {
  await scoreReport(ctx, "nps", opts);
}

export async function csat(ctx: Ctx, _args: [], opts: ReportScoreOptions): Promise<void> {
  await scoreReport(ctx, "csat", opts);
}

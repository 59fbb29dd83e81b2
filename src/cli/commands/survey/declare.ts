// `crm survey create|list|respond|recipients|results`: declarations only; the code is in ./run.ts.
// (Scores and trends are reports: ../report/.)
import type { Command } from "commander";
import type { SurveyType } from "../../../core/surveys/surveys.js";
import { lazy, withOutput, type OutputOptions } from "../../action.js";
import { oneOf } from "../../flags.js";

const load = () => import("./run.js");

const SURVEY_TYPES = ["nps", "csat"] as const satisfies readonly SurveyType[];

export interface SurveyCreateOptions {
  type: SurveyType;
  question?: string;
}
export type SurveyListOptions = OutputOptions;
export interface SurveyRespondOptions {
  comment?: string;
  /** A date as typed; read when the command runs (it needs "now"). */
  at?: string;
}
export interface SurveyRecipientsOptions extends OutputOptions {
  tag?: string;
  segment?: string;
  notRespondedSince?: string;
}
export type SurveyResultsOptions = OutputOptions;

export function declareSurvey(program: Command): void {
  const survey = program
    .command("survey")
    .description("NPS and CSAT surveys: create them, record answers, list whom to ask, read the results")
    .addHelpText("after", "\n<survey> is a survey id or name (case-insensitive). Scores and trends: crm report nps|csat.");
  survey
    .command("create <name>")
    .description("create a survey (NPS answers 0–10, CSAT answers 1–5); prints its id")
    .option("--type <type>", "nps|csat", oneOf(SURVEY_TYPES), "nps")
    .option("--question <text>", "the question asked (default: the standard NPS or CSAT question)")
    .addHelpText("after", '\nExample: crm survey create "Customer NPS 2026" --type nps')
    .action(lazy(load, "create"));
  withOutput(survey.command("list").alias("ls").description("surveys with their response counts and current score")).action(lazy(load, "list"));
  survey
    .command("respond <survey> <ref> <score>")
    .description("record a contact's answer (NPS 0–10, CSAT 1–5, whole numbers); prints its id")
    .option("--comment <text>", "what they said")
    .option("--at <when>", "when they answered (default: now)")
    .addHelpText("after", '\nExample: crm survey respond "Customer NPS 2026" ada 9 --comment "Quick and friendly" --at yesterday')
    .action(lazy(load, "respond"));
  withOutput(
    survey
      .command("recipients <survey>")
      .description("a mail-merge list of whom to ask: contacts with an email, with their last answer to the survey")
      .option("--tag <tag>", "only contacts with this tag")
      .option("--segment <segment>", 'only customers in this RFM segment, e.g. "At Risk"')
      .option("--not-responded-since <when>", "leave out whoever answered this survey since then"),
  ).action(lazy(load, "recipients"));
  withOutput(survey.command("results <survey>").description("the score, the counts per answer, and the comments")).action(lazy(load, "results"));
}

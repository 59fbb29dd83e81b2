// `crm demo`, surveys: a relationship NPS survey improving over 18 months, and a support CSAT survey.
import { addMonths, startOfMonth } from "../../io/dates.js";
import { DEFAULT_QUESTIONS } from "../surveys/surveys.js";
import type { ContactRow, IdRow } from "../../db/rows.js";
import type { DemoRandom, Seeder } from "./random.js";

const NPS_COMMENTS = {
  promoter: [
    "Always quick to reply and the work is excellent",
    "Recommended you to two colleagues already",
    "Great value, and the new onboarding is much smoother",
    "Reliable, friendly and on time",
    "The workshop was worth every penny",
  ],
  passive: [
    "Good work, but invoices are sometimes late",
    "Fine overall; the onboarding was a bit confusing",
    "Solid, if a little pricey",
    "Happy enough, communication could be faster",
  ],
  detractor: [
    "Deadline slipped twice this quarter",
    "Hard to reach by phone",
    "The last invoice was wrong and took weeks to fix",
    "Too expensive for what we got",
  ],
};
const CSAT_COMMENTS = {
  happy: ["Sorted within the hour, thank you", "Very helpful and patient", "Quick fix, clear explanation"],
  neutral: ["Took a couple of emails but got there"],
  unhappy: ["Waited three days for an answer", "Problem came back the next week"],
};

/** Demo surveys: answers every month for 18 months, NPS rising from about 10 to about 35. */
export const seedSurveys: Seeder = (store, rnd, now, contactIds) => {
  if (!contactIds.length) return;
  const s = store.sqlite;
  const months = 18;
  const start = addMonths(startOfMonth(now), 1 - months);
  const insertSurvey = s.prepare<[string, string, string, string], IdRow>(
    "insert into surveys(name, type, question, created_at) values (?, ?, ?, ?) returning id",
  );
  const npsId = insertSurvey.get("Customer NPS", "nps", DEFAULT_QUESTIONS.nps, new Date(start.getTime() - 86_400_000).toISOString())!.id;
  const csatId = insertSurvey.get(
    "Support CSAT",
    "csat",
    "How satisfied were you with how we handled your request?",
    new Date(start.getTime() - 86_400_000).toISOString(),
  )!.id;
  const insert = s.prepare("insert into responses(survey_id, contact_id, score, comment, at, created_at) values (?, ?, ?, ?, ?, ?)");
  const created = new Map(
    s
      .prepare<[], Pick<ContactRow, "id" | "createdAt">>("select id, created_at as createdAt from contacts")
      .all()
      .map((c) => [c.id, c.createdAt]),
  );
  const answerAt = (month: number, rndDay: DemoRandom) => {
    const monthStart = addMonths(start, month);
    const monthEnd = Math.min(addMonths(start, month + 1).getTime(), now.getTime());
    return new Date(monthStart.getTime() + rndDay.next() * (monthEnd - monthStart.getTime()));
  };
  const respondent = (at: Date) => {
    for (let tries = 0; tries < 20; tries++) {
      const id = rnd.pick(contactIds);
      if ((created.get(id) ?? "") <= at.toISOString()) return id;
    }
    return rnd.pick(contactIds);
  };
  const record = (surveyId: number, score: number, comments: string[], at: Date) => {
    const comment = rnd.chance(0.35) ? rnd.pick(comments) : null;
    insert.run(surveyId, respondent(at), score, comment, at.toISOString(), at.toISOString());
  };
  for (let m = 0; m < months; m++) {
    // Stratified counts (with a little noise) so the monthly NPS follows the target, as a real
    // improving business would show: passives stay near 35%, detractors turn into promoters.
    const target = 10 + (25 * m) / (months - 1) + rnd.int(-3, 3);
    const n = rnd.int(26, 34);
    const promoters = Math.round((n * (0.65 + target / 100)) / 2);
    const detractors = Math.round((n * (0.65 - target / 100)) / 2);
    const passives = n - promoters - detractors;
    const plan: [number, () => number, string[]][] = [
      [promoters, () => rnd.pick([9, 9, 10, 10, 10]), NPS_COMMENTS.promoter],
      [passives, () => rnd.pick([7, 8, 8]), NPS_COMMENTS.passive],
      [detractors, () => rnd.pick([2, 3, 4, 5, 5, 6, 6, 6]), NPS_COMMENTS.detractor],
    ];
    for (const [count, score, comments] of plan) for (let i = 0; i < count; i++) record(npsId, score(), comments, answerAt(m, rnd));
    // Support CSAT: fewer answers, satisfaction improving from about 70% to about 85%.
    const satisfiedShare = 0.7 + (0.15 * m) / (months - 1);
    const tickets = rnd.int(10, 16);
    for (let i = 0; i < tickets; i++) {
      const happy = rnd.chance(satisfiedShare);
      const score = happy ? rnd.pick([4, 5, 5]) : rnd.pick([1, 2, 3, 3]);
      record(csatId, score, happy ? CSAT_COMMENTS.happy : score === 3 ? CSAT_COMMENTS.neutral : CSAT_COMMENTS.unhappy, answerAt(m, rnd));
    }
  }
};

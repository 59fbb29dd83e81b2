// The user-facing contract of surveys, response imports and the NPS/CSAT reports, run in-process through
// main(argv, io). The clock is fixed at 2026-03-15 12:00 unless a test says otherwise.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { fixtureDir, freshDbDir, ok, run, runJson, tempDir, sha256 } from "../helpers.js";

const NOW = { CRM_NOW: "2026-03-15T12:00" };
const crm = (dir: string, args: string[]) => run(dir, args, { env: NOW });
const json = <T = any>(dir: string, args: string[]) => runJson<T>(dir, args, { env: NOW });

function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const surveys = new Map<string, () => Promise<string>>();

/**
 * A database with one survey of `type` and one answer per score, each from a new contact, via the import;
 * built once per file for each set of answers, and copied for each test.
 */
function surveyWith(type: "nps" | "csat", scores: number[], dates?: string[]): Promise<string> {
  const key = JSON.stringify([type, scores, dates]);
  let fixture = surveys.get(key);
  if (!fixture) {
    fixture = fixtureDir(async (dir) => {
      expect((await crm(dir, ["survey", "create", "Pulse", "--type", type])).code).toBe(0);
      const rows = scores.map((s, i) => `person${i + 1}@example.com,${s},,${dates?.[i % dates.length] ?? "2026-03-01"}`);
      const file = writeFile(dir, "answers.csv", ["email,score,comment,date", ...rows].join("\n") + "\n");
      const r = await crm(dir, ["import", "responses", "pulse", file, "--create-contacts"]);
      expect(r.code, r.stderr).toBe(0);
    });
    surveys.set(key, fixture);
  }
  return fixture();
}

const npsScores = (promoters: number, passives: number, detractors: number) => [
  ...Array.from({ length: promoters }, (_, i) => (i % 2 ? 9 : 10)),
  ...Array.from({ length: passives }, (_, i) => (i % 2 ? 7 : 8)),
  ...Array.from({ length: detractors }, (_, i) => i % 7),
];

describe("crm survey create and list", () => {
  it("create prints the new survey's id", async () => {
    const dir = freshDbDir();
    const r = await crm(dir, ["survey", "create", "Customer NPS"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1\n");
  });

  it("a name already taken in any letter case exits 4 with one line, and creates nothing", async () => {
    const dir = freshDbDir();
    ok(await crm(dir, ["survey", "create", "Customer NPS"]));
    const again = await crm(dir, ["survey", "create", "customer nps", "--type", "csat"]);
    expect(again.code).toBe(4);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
    expect(again.stderr).toContain('"Customer NPS"');
    expect(await json(dir, ["survey", "list"])).toHaveLength(1);
  });

  it("rejects an unknown --type with exit 2, naming it", async () => {
    const dir = freshDbDir();
    const bad = await crm(dir, ["survey", "create", "Pulse", "--type", "ces"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"ces"');
  });

  it("rejects an all-digit name with exit 2", async () => {
    const dir = freshDbDir();
    expect((await crm(dir, ["survey", "create", "2026"])).code).toBe(2);
  });

  it("lists surveys with type, question, response counts and the current score, in JSON", async () => {
    const dir = await surveyWith("nps", [10, 9, 3]);
    await crm(dir, ["survey", "create", "Support", "--type", "csat", "--question", "How did we do?"]);
    const list = await json(dir, ["survey", "list"]);
    expect(list).toEqual([
      expect.objectContaining({
        id: 1,
        name: "Pulse",
        type: "nps",
        responses: 3,
        superseded: 0,
        score: 33.33,
        lastResponseAt: expect.stringMatching(/^2026-03-01T/),
      }),
      expect.objectContaining({ id: 2, name: "Support", type: "csat", question: "How did we do?", responses: 0, score: null, lastResponseAt: null }),
    ]);
    expect(list[0].question).toMatch(/recommend/);
  });

  it("lists surveys as a table with the score", async () => {
    const dir = await surveyWith("nps", [10, 9, 3]);
    const table = (await crm(dir, ["survey", "list"])).stdout;
    expect(table.split("\n")[0]).toMatch(/^ID\s+NAME\s+TYPE\s+RESPONSES\s+SCORE/);
    expect(table).toContain("33.3");
  });

  it("lists surveys as CSV with every column", async () => {
    const dir = await surveyWith("nps", [10, 9, 3]);
    expect((await crm(dir, ["survey", "list", "--format", "csv"])).stdout.split("\n")[0]).toBe(
      "id,name,type,question,responses,superseded,score,lastResponseAt,createdAt",
    );
  });
});

describe("crm survey respond", () => {
  /** Ada answered the NPS survey 3 on 2026-01-10, then 10 on 2026-02-10. */
  const answeredTwice = fixtureDir(async (dir) => {
    await crm(dir, ["add", "Ada"]);
    await crm(dir, ["survey", "create", "NPS"]);
    ok(await crm(dir, ["survey", "respond", "NPS", "ada", "3", "--at", "2026-01-10"]));
    ok(await crm(dir, ["survey", "respond", "NPS", "ada", "10", "--at", "2026-02-10"]));
  });

  it("records an answer with a comment and a date, printing its id", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    await crm(dir, ["survey", "create", "Customer NPS"]);
    const r = await crm(dir, ["survey", "respond", "customer nps", "ada", "9", "--comment", "Quick and friendly", "--at", "2026-03-01"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("1\n");
    expect(r.stderr).toContain("promoter");
    const results = await json(dir, ["survey", "results", "1"]);
    expect(results.comments).toEqual([
      { responseId: 1, contactId: 1, contactName: "Ada Lovelace", score: 9, comment: "Quick and friendly", at: "2026-03-01T00:00:00.000Z" },
    ]);
  });

  it("exits 2 for scores out of range or not whole numbers, naming the value and the range, and writes nothing", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada"]);
    await crm(dir, ["survey", "create", "NPS"]);
    await crm(dir, ["survey", "create", "CSAT", "--type", "csat"]);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    for (const [survey, score, range] of [
      ["NPS", "11", "0 to 10"],
      ["NPS", "-1", "0 to 10"],
      ["NPS", "7.5", "0 to 10"],
      ["NPS", "ten", "0 to 10"],
      ["CSAT", "0", "1 to 5"],
      ["CSAT", "6", "1 to 5"],
      ["CSAT", "4.0", "1 to 5"],
    ]) {
      const r = await crm(dir, ["survey", "respond", survey!, "ada", score!]);
      expect(r.code, `${survey} ${score}`).toBe(2);
      expect(r.stderr).toContain(`"${score}"`);
      expect(r.stderr).toContain(range);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(sha256(db)).toBe(before);
    expect((await json(dir, ["survey", "list"])).map((s: any) => s.responses)).toEqual([0, 0]);
  });

  it("exits 3 for an unknown survey (by name or id) or contact", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada"]);
    await crm(dir, ["survey", "create", "NPS"]);
    const noSurvey = await crm(dir, ["survey", "respond", "Onboarding", "ada", "9"]);
    expect(noSurvey.code).toBe(3);
    expect(noSurvey.stderr).toContain('"Onboarding"');
    expect((await crm(dir, ["survey", "respond", "7", "ada", "9"])).code).toBe(3);
    expect((await crm(dir, ["survey", "respond", "NPS", "grace", "9"])).code).toBe(3);
  });

  it("exits 2 for an answer dated after now, and records nothing", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada"]);
    await crm(dir, ["survey", "create", "NPS"]);
    const future = await crm(dir, ["survey", "respond", "NPS", "ada", "9", "--at", "tomorrow"]);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain("after now");
    expect((await json(dir, ["survey", "list"]))[0].responses).toBe(0);
  });

  it("a contact's second answer replaces the first as current; the results count the first as superseded", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada"]);
    await crm(dir, ["survey", "create", "NPS"]);
    await crm(dir, ["survey", "respond", "NPS", "ada", "3", "--at", "2026-01-10"]);
    const again = await crm(dir, ["survey", "respond", "NPS", "ada", "10", "--at", "2026-02-10"]);
    expect(again.stderr).toContain("replaces their answer 3");
    const results = await json(dir, ["survey", "results", "NPS"]);
    expect(results).toMatchObject({ nps: 100, promoters: 1, detractors: 0, responses: 1, superseded: 1 });
  });

  it("report nps counts only the latest answer as current, and its trend counts both", async () => {
    const dir = await answeredTwice();
    const report = await json(dir, ["report", "nps"]);
    expect(report).toMatchObject({ nps: 100, responses: 1 });
    expect(report.trend.map((t: any) => [t.period, t.nps, t.responses])).toEqual([
      ["2026-01", -100, 1],
      ["2026-02", 100, 1],
    ]);
  });

  it("report nps --as-of a date between the two answers takes the first as current", async () => {
    const dir = await answeredTwice();
    // As of the end of January only the first answer exists, so it is the current one.
    const asOf = await runJson(dir, ["report", "nps", "--as-of", "2026-01-31"]);
    expect(asOf).toMatchObject({ nps: -100, responses: 1 });
  });

  it("contact show gives the latest answer, and as of a date between the answers the first", async () => {
    const dir = await answeredTwice();
    expect((await runJson(dir, ["contact", "show", "ada"], { env: NOW })).latestScores).toEqual([
      { survey: "NPS", type: "nps", score: 10, comment: null, at: "2026-02-10T00:00:00.000Z" },
    ]);
    expect((await runJson(dir, ["contact", "show", "ada", "--as-of", "2026-01-31"])).latestScores[0].score).toBe(3);
  });
});

describe("crm survey results", () => {
  /** A CSAT survey answered 5 by Ada and 2 by Alan, each with a comment. */
  const twoSupportAnswers = fixtureDir(async (dir) => {
    await crm(dir, ["add", "Ada"]);
    await crm(dir, ["add", "Alan"]);
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    ok(await crm(dir, ["survey", "respond", "support", "ada", "5", "--comment", "Sorted within the hour", "--at", "2026-03-02"]));
    ok(await crm(dir, ["survey", "respond", "support", "alan", "2", "--comment", "Waited three days", "--at", "2026-03-03"]));
  });

  it("gives the score, the count of each answer and the comments in JSON", async () => {
    const dir = await twoSupportAnswers();
    const r = await json(dir, ["survey", "results", "support"]);
    expect(r).toMatchObject({ survey: { id: 1, name: "Support", type: "csat" }, csat: 50, satisfied: 1, responses: 2, mean: 3.5, superseded: 0 });
    expect(r.distribution).toEqual([1, 2, 3, 4, 5].map((score) => ({ score, count: score === 2 || score === 5 ? 1 : 0 })));
    expect(r.comments.map((c: any) => [c.contactName, c.comment])).toEqual([
      ["Alan", "Waited three days"],
      ["Ada", "Sorted within the hour"],
    ]);
  });

  it("gives the score, the mean and the comments in a table", async () => {
    const dir = await twoSupportAnswers();
    const table = (await crm(dir, ["survey", "results", "support"])).stdout;
    expect(table).toContain("CSAT 50.0% satisfied");
    expect(table).toContain("mean 3.50");
    expect(table).toContain("Waited three days");
  });

  it("gives the score and the count of comments in CSV", async () => {
    const dir = await twoSupportAnswers();
    const csv = (await crm(dir, ["survey", "results", "support", "--format", "csv"])).stdout.trim().split("\n");
    expect(csv[0]).toBe("surveyId,survey,type,csat,satisfied,responses,mean,marginOfError,superseded,comments");
    expect(csv[1]).toMatch(/^1,Support,csat,50,1,2,3\.5,69\.3,0,2$/);
  });

  it("exits 3 for an unknown survey", async () => {
    const dir = freshDbDir();
    expect((await crm(dir, ["survey", "results", "nope"])).code).toBe(3);
  });
});

describe("crm report nps", () => {
  it("30 promoters, 50 passives, 20 detractors: NPS 10 (not 0) and a 13.72-point margin, in JSON", async () => {
    const dir = await surveyWith("nps", npsScores(30, 50, 20));
    const r = await json(dir, ["report", "nps"]);
    expect(r).toMatchObject({
      type: "nps",
      surveys: [{ id: 1, name: "Pulse" }],
      nps: 10,
      promoters: 30,
      passives: 50,
      detractors: 20,
      responses: 100,
      promoterShare: 30,
      passiveShare: 50,
      detractorShare: 20,
      marginOfError: 13.72,
      by: "month",
    });
    expect(r.trend).toEqual([
      {
        period: "2026-03",
        nps: 10,
        promoters: 30,
        passives: 50,
        detractors: 20,
        responses: 100,
        promoterShare: 30,
        passiveShare: 50,
        detractorShare: 20,
        marginOfError: 13.72,
      },
    ]);
  });

  it("the same in CSV, where the `all` row is the headline", async () => {
    const dir = await surveyWith("nps", npsScores(30, 50, 20));
    const csv = (await crm(dir, ["report", "nps", "--format", "csv"])).stdout.trim().split("\n");
    expect(csv).toEqual([
      "period,responses,nps,promoters,passives,detractors,promoterShare,passiveShare,detractorShare,marginOfError",
      "all,100,10,30,50,20,30,50,20,13.72",
      "2026-03,100,10,30,50,20,30,50,20,13.72",
    ]);
  });

  it("the same in the table: score, margin, each group with its share, and the trend", async () => {
    const dir = await surveyWith("nps", npsScores(30, 50, 20));
    const table = await crm(dir, ["report", "nps"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("NPS 10.0 ±13.7 (95% margin of error) from 100 respondents");
    expect(table.stdout).toMatch(/promoters \(9–10\)\s+30\s+30\.0%/);
    expect(table.stdout).toMatch(/passives \(7–8\)\s+50\s+50\.0%/);
    expect(table.stdout).toMatch(/detractors \(0–6\)\s+20\s+20\.0%/);
    expect(table.stdout).toMatch(/2026-03\s+100\s+30\s+50\s+20\s+10\.0\s+13\.7/);
  });

  it("trends by month, with every month between the first and last answer", async () => {
    const dates = ["2025-11-05", "2026-01-20", "2026-02-14"];
    // Answers go to the dates in turn: November 10, 10; January 3, 8; February 9, 9.
    const dir = await surveyWith("nps", [10, 3, 9, 10, 8, 9], dates);
    const month = await json(dir, ["report", "nps", "--by", "month"]);
    expect(month.trend.map((t: any) => [t.period, t.responses, t.nps])).toEqual([
      ["2025-11", 2, 100],
      ["2025-12", 0, null],
      ["2026-01", 2, -50],
      ["2026-02", 2, 100],
    ]);
  });

  it("trends by quarter", async () => {
    const dates = ["2025-11-05", "2026-01-20", "2026-02-14"];
    const dir = await surveyWith("nps", [10, 3, 9, 10, 8, 9], dates);
    const quarter = await json(dir, ["report", "nps", "--by", "quarter"]);
    expect(quarter.trend.map((t: any) => [t.period, t.responses, t.promoters, t.passives, t.detractors])).toEqual([
      ["2025-Q4", 2, 2, 0, 0],
      ["2026-Q1", 4, 2, 1, 1],
    ]);
  });

  it("--as-of leaves out later answers and later periods", async () => {
    const dates = ["2025-11-05", "2026-01-20", "2026-02-14"];
    const dir = await surveyWith("nps", [10, 3, 9, 10, 8, 9], dates);
    const early = await runJson(dir, ["report", "nps", "--as-of", "2025-12-31"]);
    expect(early).toMatchObject({ responses: 2, nps: 100 });
    expect(early.trend).toHaveLength(1);
  });

  it("--survey picks one survey by name in any letter case, and -o writes the report to a file, not stdout", async () => {
    const dir = await surveyWith("nps", npsScores(30, 50, 20));
    await crm(dir, ["survey", "create", "Other"]);
    const out = path.join(dir, "nps.json");
    expect((await crm(dir, ["report", "nps", "--survey", "OTHER", "--format", "json", "-o", out])).stdout).toBe("");
    expect(JSON.parse(fs.readFileSync(out, "utf8"))).toMatchObject({ surveys: [{ id: 2, name: "Other" }], nps: null, responses: 0, trend: [] });
  });

  it("--survey picks one survey by id", async () => {
    const dir = await surveyWith("nps", npsScores(30, 50, 20));
    await crm(dir, ["survey", "create", "Other"]);
    expect((await json(dir, ["report", "nps", "--survey", "1"])).nps).toBe(10);
  });

  it("exits 3 for an unknown --survey", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    expect((await crm(dir, ["report", "nps", "--survey", "nope"])).code).toBe(3);
  });

  it("exits 2 for a CSAT survey, pointing at crm report csat", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    const wrong = await crm(dir, ["report", "nps", "--survey", "support"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("crm report csat");
  });

  it("exits 2 for an unknown --by, naming it", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    const by = await crm(dir, ["report", "nps", "--by", "week"]);
    expect(by.code).toBe(2);
    expect(by.stderr).toContain('"week"');
  });

  it('breaks the score down by the respondents\' RFM segments, non-customers under "none"', async () => {
    const dir = await surveyWith("nps", [9, 3]);
    // person1 is a customer (one purchase); person2 never bought anything.
    const db = new Database(path.join(dir, "crm.db"));
    db.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (1, 5000, 'EUR', ?, ?)").run(
      "2026-03-01T10:00:00.000Z",
      "2026-03-01T10:00:00.000Z",
    );
    db.close();
    const segment = (await json(dir, ["report", "segments", "--detail"]))[0].segment;
    const report = await json(dir, ["report", "nps", "--by", "segment"]);
    expect(report.segments).toEqual([
      expect.objectContaining({ segment, responses: 1, nps: 100 }),
      expect.objectContaining({ segment: "none", responses: 1, nps: -100 }),
    ]);
  });

  it("without answers: exit 0, nothing on stdout, a message on stderr", async () => {
    const dir = freshDbDir();
    const r = await crm(dir, ["report", "nps"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no NPS surveys");
  });

  it("without answers: nulls and empty lists in JSON", async () => {
    const dir = freshDbDir();
    expect(await json(dir, ["report", "nps"])).toMatchObject({ nps: null, responses: 0, marginOfError: null, surveys: [], trend: [] });
  });
});

describe("crm report csat", () => {
  it("answers 5, 5, 4, 3, 1 give 60% satisfied and a mean of 3.6, in JSON", async () => {
    const dir = await surveyWith("csat", [5, 5, 4, 3, 1]);
    expect(await json(dir, ["report", "csat"])).toMatchObject({ type: "csat", csat: 60, satisfied: 3, responses: 5, mean: 3.6, marginOfError: 42.94 });
  });

  it("the same 60% satisfied and mean of 3.6 in CSV", async () => {
    const dir = await surveyWith("csat", [5, 5, 4, 3, 1]);
    const csv = (await crm(dir, ["report", "csat", "--format", "csv"])).stdout.trim().split("\n");
    expect(csv[0]).toBe("period,responses,csat,satisfied,mean,marginOfError");
    expect(csv[1]).toBe("all,5,60,3,3.6,42.94");
  });

  it("the same 60% satisfied and mean of 3.6 in the table", async () => {
    const dir = await surveyWith("csat", [5, 5, 4, 3, 1]);
    const table = (await crm(dir, ["report", "csat"])).stdout;
    expect(table).toContain("CSAT 60.0% satisfied ±42.9 (95% margin of error), mean 3.60 of 5, from 5 respondents");
    expect(table).toMatch(/satisfied \(4–5\)\s+3 of 5/);
  });

  it("covers every CSAT survey without --survey, and none of the NPS ones", async () => {
    const dir = await surveyWith("csat", [5, 1]);
    await crm(dir, ["survey", "create", "Onboarding", "--type", "csat"]);
    await crm(dir, ["survey", "create", "Loyalty", "--type", "nps"]);
    await crm(dir, ["survey", "respond", "onboarding", "person1@example.com", "4", "--at", "2026-03-02"]);
    const r = await json(dir, ["report", "csat"]);
    expect(r.surveys.map((s: any) => s.name)).toEqual(["Pulse", "Onboarding"]);
    expect(r).toMatchObject({ responses: 3, satisfied: 2 });
  });
});

describe("crm survey recipients", () => {
  /** Ada (client, answered 9 lately), Alan (client, answered 6 long ago), Grace (client, no email), Linus (no answer). */
  const recipientsDb = fixtureDir(async (dir) => {
    await crm(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "client", "--company", "Engines"]);
    await crm(dir, ["add", "Alan Turing", "--email", "alan@example.com", "--tag", "client"]);
    await crm(dir, ["add", "Grace Hopper", "--tag", "client"]);
    await crm(dir, ["add", "Linus", "--email", "linus@example.com"]);
    await crm(dir, ["survey", "create", "NPS"]);
    ok(await crm(dir, ["survey", "respond", "NPS", "ada", "9", "--at", "2026-03-01"]));
    ok(await crm(dir, ["survey", "respond", "NPS", "alan", "6", "--at", "2025-06-01"]));
  });

  it("lists contacts with an email as a mail-merge list filtered by --tag, saying how many matching contacts have none", async () => {
    const dir = await recipientsDb();
    const r = await crm(dir, ["survey", "recipients", "NPS", "--tag", "client", "--format", "json"]);
    expect(r.stderr).toContain("1 matching contact has no email");
    expect(JSON.parse(r.stdout)).toEqual([
      { id: 1, name: "Ada Lovelace", firstName: "Ada", email: "ada@example.com", company: "Engines", lastScore: 9, lastResponseAt: "2026-03-01T00:00:00.000Z" },
      { id: 2, name: "Alan Turing", firstName: "Alan", email: "alan@example.com", company: null, lastScore: 6, lastResponseAt: "2025-06-01T00:00:00.000Z" },
    ]);
  });

  it("--not-responded-since lists who has not answered since that date, or never", async () => {
    const dir = await recipientsDb();
    const due = await json(dir, ["survey", "recipients", "NPS", "--not-responded-since", "2026-01-01"]);
    expect(due.map((c: any) => c.name)).toEqual(["Alan Turing", "Linus"]);
  });

  it("--format csv gives the mail-merge columns", async () => {
    const dir = await recipientsDb();
    const csv = (await crm(dir, ["survey", "recipients", "NPS", "--format", "csv"])).stdout.split("\n");
    expect(csv[0]).toBe("id,name,firstName,email,company,lastScore,lastResponseAt");
  });

  it("an unreadable --not-responded-since exits 2", async () => {
    const dir = await recipientsDb();
    expect((await crm(dir, ["survey", "recipients", "NPS", "--not-responded-since", "whenever"])).code).toBe(2);
  });

  it("--segment lists only the members of that RFM segment", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    await crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    await crm(dir, ["add", "Alan", "--email", "alan@example.com"]);
    const db = new Database(path.join(dir, "crm.db"));
    db.prepare("insert into purchases(contact_id, amount_minor, currency, at, created_at) values (1, 5000, 'EUR', ?, ?)").run(
      "2026-03-01T10:00:00.000Z",
      "2026-03-01T10:00:00.000Z",
    );
    db.close();
    const segment = (await json(dir, ["report", "segments", "--detail"]))[0].segment;
    expect((await json(dir, ["survey", "recipients", "NPS", "--segment", segment])).map((r: any) => r.email)).toEqual(["ada@example.com"]);
  });

  it("an unknown --segment exits 2, naming it", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    const bad = await crm(dir, ["survey", "recipients", "NPS", "--segment", "Royalty"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Royalty"');
  });
});

describe("crm import responses", () => {
  const BAD_SUPPORT_ANSWERS =
    "contact id,email,score,date\n,ada@example.com,5,2026-03-01\n42,,4,2026-03-01\n,new@example.com,0,2026-03-01\n,ghost@example.com,3,2026-13-01\n,,4,2026-03-01\n";
  const EDITOR_EXPORT =
    '\uFEFFE-Mail;Rating;Feedback;Submitted At\r\nzoe@example.com;9;"Très bien;\r\nmerci";2026-02-01 10:00\r\n\r\nzoe@example.com;x;;2026-02-02\r\n';
  const TWO_NEW_RESPONDENTS =
    "email,name,score,comment,date\nada@example.com,Ada Lovelace,10,Superb,2026-03-01\ngrace.hopper@example.com,,8,,2026-03-02T09:30:00Z\n";

  it("imports nothing when one row is bad, and names its line and reason on stderr", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    await crm(dir, ["add", "Alan", "--email", "alan@example.com"]);
    await crm(dir, ["survey", "create", "NPS"]);
    const file = writeFile(
      dir,
      "answers.csv",
      "email,score,comment,date\nada@example.com,9,Great,2026-03-01\nalan@example.com,7,,2026-03-02\nada@example.com,11,Typo,2026-03-03\n",
    );
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const r = await crm(dir, ["import", "responses", "NPS", file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe('line 4: score "11" is out of range: NPS answers are whole numbers from 0 to 10');
    expect(lines[lines.length - 1]).toMatch(/1 of 3 rows is invalid \(line 4\); nothing was imported/);
    expect(sha256(db)).toBe(before);
    expect((await json(dir, ["survey", "list"]))[0].responses).toBe(0);
  });

  it("reports every bad row, including unknown contacts, by line", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    const file = writeFile(dir, "answers.csv", BAD_SUPPORT_ANSWERS);
    const r = await crm(dir, ["import", "responses", "support", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 3: no contact #42");
    expect(r.stderr).toContain('line 4: no contact with email "new@example.com"');
    expect(r.stderr).toMatch(/line 4: .*score "0" is out of range: CSAT answers are whole numbers from 1 to 5/);
    expect(r.stderr).toMatch(/line 5: .*cannot read the date "2026-13-01"/);
    expect(r.stderr).toContain("line 6: no email or contact id");
    expect(r.stderr).not.toContain("line 2:");
  });

  it("creates no contact with --create-contacts when other rows are invalid", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    const file = writeFile(dir, "answers.csv", BAD_SUPPORT_ANSWERS);
    const withCreate = await crm(dir, ["import", "responses", "support", file, "--create-contacts"]);
    expect(withCreate.code).toBe(2);
    expect((await json(dir, ["contact", "list"])).map((c: any) => c.email)).toEqual(["ada@example.com"]);
  });

  it("counts lines as an editor does, through a BOM, CRLF line ends, a quoted line break and a blank line", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Zoë", "--email", "zoe@example.com"]);
    await crm(dir, ["survey", "create", "NPS"]);
    const text = EDITOR_EXPORT;
    const file = writeFile(dir, "export.csv", text);
    const bad = await crm(dir, ["import", "responses", "NPS", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 5: invalid score "x"');
  });

  it("reads a UTF-8 BOM, CRLF line ends, semicolons and multi-line comments", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Zoë", "--email", "zoe@example.com"]);
    await crm(dir, ["survey", "create", "NPS"]);
    const text = EDITOR_EXPORT;
    const file = writeFile(dir, "export.csv", text);
    fs.writeFileSync(file, text.replace(";x;", ";10;"));
    const ok = await crm(dir, ["import", "responses", "NPS", file]);
    expect(ok.code, ok.stderr).toBe(0);
    const r = await json(dir, ["survey", "results", "NPS"]);
    expect(r).toMatchObject({ responses: 1, superseded: 1, nps: 100 });
    expect(r.comments.map((c: any) => c.comment)).toContain("Très bien;\nmerci");
  });

  it("--dry-run says what it would import, new contacts included, and writes nothing", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    const file = writeFile(dir, "a.csv", TWO_NEW_RESPONDENTS);
    const db = path.join(dir, "crm.db");
    const before = sha256(db);
    const dry = await crm(dir, ["import", "responses", "NPS", file, "--create-contacts", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain("would import 2 answers");
    expect(dry.stderr).toContain("2 new contacts");
    expect(sha256(db)).toBe(before);
  });

  it("--create-contacts creates the respondents, named by the file or after their email", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    const file = writeFile(dir, "a.csv", TWO_NEW_RESPONDENTS);
    expect((await crm(dir, ["import", "responses", "NPS", file, "--create-contacts"])).code).toBe(0);
    expect((await json(dir, ["contact", "list"])).map((c: any) => [c.name, c.email])).toEqual([
      ["Ada Lovelace", "ada@example.com"],
      ["Grace Hopper", "grace.hopper@example.com"],
    ]);
  });

  it("re-importing the same file adds nothing twice", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    const file = writeFile(dir, "a.csv", TWO_NEW_RESPONDENTS);
    ok(await crm(dir, ["import", "responses", "NPS", file, "--create-contacts"]));
    const again = await crm(dir, ["import", "responses", "NPS", file, "--create-contacts"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("2 rows already imported, skipped");
    expect(await json(dir, ["survey", "results", "NPS"])).toMatchObject({ responses: 2, superseded: 0, promoters: 1, passives: 1 });
  });

  it("--skip-invalid imports the valid rows and writes the rejects with their reasons", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    await crm(dir, ["survey", "create", "NPS"]);
    const file = writeFile(dir, "a.csv", "email,score,date\nada@example.com,9,2026-03-01\nada@example.com,99,2026-03-02\n");
    const r = await crm(dir, ["import", "responses", "NPS", file, "--skip-invalid"]);
    expect(r.code, r.stderr).toBe(0);
    expect((await json(dir, ["survey", "list"]))[0].responses).toBe(1);
    const rejects = fs.readFileSync(`${file}.rejects.csv`, "utf8").trim().split("\n");
    expect(rejects[0]).toBe("line,reason,email,score,date");
    expect(rejects[1]).toMatch(/^3,"score ""99"" is out of range.*",ada@example.com,99,2026-03-02$/);
  });

  it("refuses a file without a score column with exit 2", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    const noScore = writeFile(dir, "a.csv", "email,comment\nada@example.com,hi\n");
    const r = await crm(dir, ["import", "responses", "NPS", noScore]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no score column");
  });

  it("refuses a file that cannot be read with exit 2", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    expect((await crm(dir, ["import", "responses", "NPS", path.join(dir, "missing.csv")])).code).toBe(2);
  });

  it("an unknown survey exits 3", async () => {
    const dir = freshDbDir();
    await crm(dir, ["survey", "create", "NPS"]);
    const noScore = writeFile(dir, "a.csv", "email,comment\nada@example.com,hi\n");
    expect((await crm(dir, ["import", "responses", "Nope", noScore])).code).toBe(3);
  });
});

describe("crm import responses on the shared import engine", () => {
  /** A database with Ada and an NPS survey. */
  const withAda = fixtureDir(async (dir) => {
    await crm(dir, ["add", "Ada", "--email", "ada@example.com"]);
    await crm(dir, ["survey", "create", "NPS"]);
  });
  const responses = async (dir: string) => (await json(dir, ["survey", "list"]))[0].responses;
  const FORMULA_IN_BAD_ROW = 'email,score,comment,date\nada@example.com,9,ok,2026-03-01\nada@example.com,12,"=HYPERLINK(""http://x"",""y"")",2026-03-02\n';

  it("--map names columns the import does not recognise; a column mapped to ignore is not warned about", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "form.csv", "Respondent,Q1,Why,Sent,Browser\nada@example.com,9,Fast,2026-03-01,Firefox\n");
    const r = await crm(dir, ["import", "responses", "NPS", file, "--map", "Respondent=email,Q1=score", "--map", "Why=comment,Sent=date,Browser=ignore"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('imported 1 answer into "NPS"\n');
    expect((await json(dir, ["survey", "results", "NPS"])).comments.map((c: any) => [c.score, c.comment, c.at])).toEqual([
      [9, "Fast", "2026-03-01T00:00:00.000Z"],
    ]);
  });

  it("rejects an unknown --map target (exit 2)", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "form.csv", "Respondent,Q1,Why,Sent,Browser\nada@example.com,9,Fast,2026-03-01,Firefox\n");
    const bad = await crm(dir, ["import", "responses", "NPS", file, "--map", "Q1=grade"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--map target "grade" is not a field this import knows');
  });

  it("--dry-run --json gives the counts of a real run and writes nothing", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "a.csv", "email,score,date\nada@example.com,9,2026-03-01\nnew@example.com,3,2026-03-02\nada@example.com,9,2026-03-01\n");
    const before = sha256(path.join(dir, "crm.db"));
    const r = await crm(dir, ["import", "responses", "NPS", file, "--create-contacts", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      file,
      dryRun: true,
      committed: false,
      rows: 3,
      added: 2,
      updated: 0,
      skipped: 1,
      invalid: 0,
      createdContacts: 1,
      notImported: {},
      readAs: null,
      notes: [],
      rejectsFile: null,
      issues: [],
    });
    expect(r.stderr).toBe('dry run: would import 2 answers into "NPS" (1 new contact; 1 row already imported, skipped); nothing was written\n');
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
  });

  it("--skip-invalid --rejects writes a formula-safe, private rejects file with the reasons", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "a.csv", FORMULA_IN_BAD_ROW);
    const rejects = path.join(dir, "bad.csv");
    const r = await crm(dir, ["import", "responses", "NPS", file, "--skip-invalid", "--rejects", rejects]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`1 rejected row, with reasons, written to ${rejects}`);
    expect(await responses(dir)).toBe(1);
    const text = fs.readFileSync(rejects, "utf8");
    expect(text).toBe(
      'line,reason,email,score,comment,date\n3,"score ""12"" is out of range: NPS answers are whole numbers from 0 to 10",ada@example.com,12,"\'=HYPERLINK(""http://x"",""y"")",2026-03-02\n',
    );
    expect((fs.statSync(rejects).mode & 0o777).toString(8)).toBe("600");
  });

  it("the rejects file, once fixed, imports back as it was, its line and reason columns left out without a warning", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "a.csv", FORMULA_IN_BAD_ROW);
    const rejects = path.join(dir, "bad.csv");
    ok(await crm(dir, ["import", "responses", "NPS", file, "--skip-invalid", "--rejects", rejects]));
    const text = fs.readFileSync(rejects, "utf8");
    // Fixed and imported again: the comment comes back without the quote that made it safe.
    fs.writeFileSync(rejects, text.replace(",12,", ",10,"));
    const again = await crm(dir, ["import", "responses", "NPS", rejects]);
    expect(again.code, again.stderr).toBe(0);
    // Its line and reason columns are left out, without a warning.
    expect(again.stderr).toBe('imported 1 answer into "NPS"\n');
    expect((await json(dir, ["survey", "results", "NPS"])).comments.map((c: any) => c.comment)).toContain('=HYPERLINK("http://x","y")');
  });

  it("refuses a rejects file it cannot write before importing anything", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "a.csv", "email,score,date\nada@example.com,9,2026-03-01\nada@example.com,99,2026-03-02\n");
    const before = sha256(path.join(dir, "crm.db"));
    const r = await crm(dir, ["import", "responses", "NPS", file, "--skip-invalid", "--rejects", "/no/such/dir/x.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crm: cannot write the rejects file "/no/such/dir/x.csv": ENOENT — choose another path with --rejects\n');
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
  });

  it("refuses --rejects without --skip-invalid before importing anything", async () => {
    const dir = await withAda();
    const file = writeFile(dir, "a.csv", "email,score,date\nada@example.com,9,2026-03-01\nada@example.com,99,2026-03-02\n");
    const before = sha256(path.join(dir, "crm.db"));
    const alone = await crm(dir, ["import", "responses", "NPS", file, "--rejects", path.join(dir, "r.csv")]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--rejects needs --skip-invalid");
    expect(sha256(path.join(dir, "crm.db"))).toBe(before);
  });
});

describe("survey comments and scores elsewhere", () => {
  it("crm find finds a survey comment", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada Lovelace"]);
    await crm(dir, ["survey", "create", "NPS"]);
    await crm(dir, ["survey", "respond", "NPS", "ada", "6", "--comment", "The onboarding was confusing"]);
    const hits = await json(dir, ["find", "onboarding"]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: "response", id: 1, contactName: "Ada Lovelace" });
    expect(hits[0].snippet).toContain("onboarding");
  });

  it("crm contact show shows the latest score of each survey", async () => {
    const dir = freshDbDir();
    await crm(dir, ["add", "Ada Lovelace"]);
    await crm(dir, ["survey", "create", "NPS"]);
    await crm(dir, ["survey", "create", "Support", "--type", "csat"]);
    await crm(dir, ["survey", "respond", "NPS", "ada", "7", "--at", "2026-01-05"]);
    await crm(dir, ["survey", "respond", "NPS", "ada", "9", "--at", "2026-03-05", "--comment", "Much better now"]);
    await crm(dir, ["survey", "respond", "Support", "ada", "4", "--at", "2026-02-05"]);
    const show = (await crm(dir, ["contact", "show", "ada"])).stdout;
    expect(show).toContain("NPS 9 on 2026-03-05 — “Much better now”");
    expect(show).toContain("CSAT 4 on 2026-02-05");
    expect(show).not.toContain("NPS 7");
  });
});

describe("the demo database", () => {
  it("has an NPS survey improving from about 10 to about 35 over 18 months, and a CSAT survey", async () => {
    const dir = tempDir();
    const db = path.join(dir, "demo.db");
    const made = await run(dir, ["--db", db, "demo"], { env: NOW });
    expect(made.code, made.stderr).toBe(0);
    const surveys = await runJson(db, ["survey", "list"], { env: NOW });
    expect(surveys.map((s: any) => [s.name, s.type])).toEqual([
      ["Customer NPS", "nps"],
      ["Support CSAT", "csat"],
    ]);
    const report = await runJson(db, ["report", "nps"], { env: NOW });
    expect(report.trend).toHaveLength(18);
    const avg = (rows: any[]) => rows.reduce((a, r) => a + r.nps, 0) / rows.length;
    const first = avg(report.trend.slice(0, 3));
    const last = avg(report.trend.slice(-3));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(20);
    expect(last).toBeGreaterThan(25);
    expect(last).toBeLessThan(45);
    const support = await runJson(db, ["report", "csat"], { env: NOW });
    expect(support.csat).toBeGreaterThan(60);
    expect(support.responses).toBeGreaterThan(50);
    expect((await runJson(db, ["find", "onboarding"], { env: NOW })).some((h: any) => h.kind === "response")).toBe(true);
  });
});

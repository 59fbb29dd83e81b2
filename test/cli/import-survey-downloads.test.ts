// Survey answers as Google Forms, a Google Sheet and Typeform download them
// (test/fixtures/imports/<tool>/): the score column headed by the question's text, the answer's own
// timestamp, respondents created as contacts, anonymous and partial answers skipped with their reason,
// and a second import of the same download adding nothing.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, ok, run, runJson, ROOT } from "../helpers.js";

const fixture = (...p: string[]) => path.join(ROOT, "test", "fixtures", "imports", ...p);

async function importTwice(file: string, expected: Record<string, unknown>): Promise<{ dir: string; stderr: string }> {
  const dir = freshDbDir();
  ok(await run(dir, ["survey", "create", "Feedback", "--type", "nps"]));
  const first = await run(dir, ["import", "responses", "Feedback", file, "--json"], { env: { CRM_NOW: "2026-11-20T12:00:00Z" } });
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject(expected);
  const again = await run(dir, ["import", "responses", "Feedback", file, "--json"], { env: { CRM_NOW: "2026-11-21T12:00:00Z" } });
  expect(again.code, again.stderr).toBe(0);
  const added = expected.added as number;
  expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, skipped: added, createdContacts: 0 });
  return { dir, stderr: first.stderr };
}

const answers = (dir: string) =>
  runJson<any[]>(dir, ["export", "responses", "--format", "json"]).then((rows) =>
    rows.map(({ contactEmail, score, comment, at }) => ({ contactEmail, score, comment, at })),
  );

describe("survey downloads import with nothing but the file", () => {
  it("Google Forms: the question-headed score and comment, the Timestamp with its GMT offset, an anonymous answer skipped", async () => {
    const { dir, stderr } = await importTwice(fixture("google-forms", "Customer feedback (Responses).csv"), {
      rows: 5,
      added: 4,
      createdContacts: 3,
      invalid: 0,
      notImported: { "no email address: an anonymous answer": 1 },
    });
    expect(stderr).toContain("preset google-forms");
    expect(await answers(dir)).toEqual([
      { contactEmail: "ines@sousa.example", score: 10, comment: "Fast delivery, lovely prints.", at: "2026-10-05T07:14:03.000Z" },
      { contactEmail: "jonas@berg.example", score: 7, comment: null, at: "2026-10-05T16:02:47.000Z" },
      {
        contactEmail: "mei@pixelorchard.example",
        score: 3,
        comment: "The second order arrived damaged,\nand nobody answered my email.",
        at: "2026-10-28T22:30:00.000Z",
      },
      // The same person, in another letter case, answering again later: a second answer.
      { contactEmail: "ines@sousa.example", score: 9, comment: "Still happy.", at: "2026-11-02T07:05:12.000Z" },
    ]);
    // Ines's later answer is the one the score counts: 1 promoter, 1 passive, 1 detractor.
    const results = await runJson<any>(dir, ["survey", "results", "Feedback"], { env: { CRM_NOW: "2026-11-20T12:00:00Z" } });
    expect(results).toMatchObject({ responses: 3, superseded: 1, promoters: 1, passives: 1, detractors: 1, nps: 0 });
  });

  it("Google Sheets: the sheet's month-first Timestamp in local time", async () => {
    const { dir } = await importTwice(fixture("google-sheets", "Customer feedback (Responses) - Form Responses 1.csv"), {
      rows: 4,
      added: 4,
      createdContacts: 3,
      invalid: 0,
    });
    expect((await answers(dir)).map((a) => a.at)).toEqual([
      "2026-10-05T09:14:03.000Z",
      "2026-10-05T18:02:47.000Z",
      "2026-10-28T23:30:00.000Z",
      "2026-11-02T08:05:12.000Z",
    ]);
  });

  it("Typeform: # kept as the answer's id, Submit Date (UTC) as its time, the email question, a partial response skipped", async () => {
    const { dir, stderr } = await importTwice(fixture("typeform", "responses.csv"), {
      rows: 4,
      added: 3,
      createdContacts: 3,
      invalid: 0,
      notImported: { "a partial response, never submitted": 1 },
    });
    expect(stderr).toContain("preset typeform");
    expect(await answers(dir)).toEqual([
      { contactEmail: "ines@sousa.example", score: 9, comment: "Great colour accuracy", at: "2026-10-05T07:14:03.000Z" },
      { contactEmail: "tomasz@nowak.example", score: 6, comment: "Shipping was slow", at: "2026-10-06T12:01:55.000Z" },
      { contactEmail: "kofi@mensah.example", score: 10, comment: null, at: "2026-10-07T19:45:00.000Z" },
    ]);
  });

  it("a known respondent's answer goes to their contact; no contact is created for them", async () => {
    const dir = freshDbDir();
    ok(await run(dir, ["add", "Inês Sousa", "--email", "ines@sousa.example"]));
    ok(await run(dir, ["survey", "create", "Feedback"]));
    const r = await run(dir, ["import", "responses", "Feedback", fixture("typeform", "responses.csv"), "--json"], { env: { CRM_NOW: "2026-11-20T12:00:00Z" } });
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 3, createdContacts: 2 });
    expect((await answers(dir))[0]).toMatchObject({ contactEmail: "ines@sousa.example", score: 9 });
    expect((await runJson<any[]>(dir, ["contact", "list"])).map((c) => c.name).sort()).toEqual(["Inês Sousa", "Kofi", "Tomasz"]);
  });
});

// Output for people: who is behind an id, labels in words, thousands separators, plurals, and
// keep-in-touch lines that say how to act on them.
import { describe, expect, it } from "vitest";
import { fixtureDir, run, runOk } from "../helpers.js";

const env = { CRM_NOW: "2026-03-02T09:00" };

const shop = fixtureDir(async (dir) => {
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@example.com", "--cadence", "30d"], { env: { CRM_NOW: "2025-12-01T09:00" } });
  await runOk(dir, ["add", "Grace Hopper", "--email", "grace@example.com"], { env });
  await runOk(dir, ["purchase", "add", "ada", "1234.50", "--at", "2026-01-10"], { env });
  await runOk(dir, ["purchase", "add", "ada", "20", "--at", "2026-02-10"], { env });
  await runOk(dir, ["purchase", "add", "grace", "15", "--at", "2026-02-20"], { env });
  await runOk(dir, ["survey", "create", "Pulse"], { env });
  await runOk(dir, ["survey", "respond", "Pulse", "ada", "10"], { env });
});

describe("words for people", () => {
  it("report segments --detail shows each customer's name and email, in every format", async () => {
    const dir = await shop();
    const table = await runOk(dir, ["report", "segments", "--detail"], { env });
    expect(table).toMatch(/Ada Lovelace\s+ada@example\.com/);
    expect(table).toMatch(/Grace Hopper\s+grace@example\.com/);
    expect(table).toContain("1,254.50");
    const csv = await runOk(dir, ["report", "segments", "--detail", "--format", "csv"], { env });
    expect(csv.split("\n")[0]).toMatch(/^contactId,name,email,/);
    const kmeans = await runOk(dir, ["report", "segments", "--detail", "--method", "kmeans", "--k", "2"], { env });
    expect(kmeans).toMatch(/Ada Lovelace\s+ada@example\.com/);
  });

  it("amounts in report tables have thousands separators, as in contact show", async () => {
    const dir = await shop();
    expect(await runOk(dir, ["report", "segments"], { env })).toContain("1,254.50");
    expect(await runOk(dir, ["contact", "show", "ada"], { env })).toContain("1,254.50 EUR");
  });

  it("contact show labels the analytics in words", async () => {
    const out = await runOk(await shop(), ["contact", "show", "ada"], { env });
    expect(out).toMatch(/RFM scores\s+R\d F\d M\d/);
    expect(out).not.toMatch(/pAlive|clv12Months/);
  });

  it("one promoter is '1 promoter'", async () => {
    const out = await runOk(await shop(), ["survey", "results", "Pulse"], { env });
    expect(out).toContain("from 1 respondent;");
    expect(out).toContain("1 promoter (100.0%), 0 passives (0.0%), 0 detractors (0.0%)");
  });

  it("keep-in-touch lines give the contact's id and how to clear them", async () => {
    const dir = await shop();
    const remind = await run(dir, ["remind"], { env: { CRM_NOW: "2026-06-01T09:00" } });
    expect(remind.stdout).toMatch(/^Ada Lovelace \(#1\) — keep in touch/);
    // For cron, one line a reminder and nothing more; at a terminal, how to clear it.
    expect(remind.stderr).toBe("");
    const atTerminal = await run(dir, ["remind"], { env: { CRM_NOW: "2026-06-01T09:00" }, tty: true });
    expect(atTerminal.stderr).toContain("crm contact edit <id> --cadence ''");
    const today = await runOk(dir, ["today"], { env: { CRM_NOW: "2026-06-01T09:00" } });
    expect(today).toMatch(/#1\s+Ada Lovelace/);
    expect(today).toContain("--cadence ''");
  });
});

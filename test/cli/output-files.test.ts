// Where output goes and in which format: `-o file.json` / `-o file.csv` choose the format from the
// extension on every command that prints records, a contradicting --format is refused, --bom for
// spreadsheets, and purchases exported with their local calendar day.
import fs from "node:fs";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { fixtureDir, run, runOk } from "../helpers.js";

const withData = fixtureDir(async (dir) => {
  await runOk(dir, ["add", "Jürgen Weiß", "--email", "j@example.com", "--phone", "+49 30 1234567"]);
  await runOk(dir, ["survey", "create", "Pulse"]);
  await runOk(dir, ["survey", "respond", "Pulse", "1", "9"]);
  await runOk(dir, ["purchase", "add", "1", "12.50", "--at", "2024-06-15T00:30"], { env: { TZ: "Europe/Berlin" } });
});

describe("-o chooses the format from the file's extension", () => {
  it.each([
    ["contact", "list"],
    ["report", "nps"],
    ["survey", "list"],
    ["purchase", "list"],
  ])("crm %s %s -o file.csv writes CSV and -o file.json writes JSON", async (...command) => {
    const dir = await withData();
    const csv = path.join(dir, "out.csv");
    const json = path.join(dir, "out.json");
    expect((await run(dir, [...command, "-o", csv])).code).toBe(0);
    expect((await run(dir, [...command, "-o", json])).code).toBe(0);
    const rows = parseCsv(fs.readFileSync(csv, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(fs.readFileSync(csv, "utf8")).not.toMatch(/[│┌]/);
    expect(() => JSON.parse(fs.readFileSync(json, "utf8"))).not.toThrow();
  });

  it("a --format the extension contradicts is exit 2 and writes nothing", async () => {
    const dir = await withData();
    const file = path.join(dir, "nps.csv");
    const r = await run(dir, ["report", "nps", "--format", "json", "-o", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--format json contradicts -o .*nps\.csv/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("an extension naming a format the command cannot write is exit 2", async () => {
    const dir = await withData();
    const r = await run(dir, ["contact", "list", "-o", path.join(dir, "people.vcf")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not write vcf/);
  });

  it("another extension keeps the table, and --format still decides", async () => {
    const dir = await withData();
    const file = path.join(dir, "report.txt");
    await runOk(dir, ["contact", "list", "-o", file]);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^ID\s+NAME/);
    await runOk(dir, ["contact", "list", "--format", "json", "-o", file]);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))[0].name).toBe("Jürgen Weiß");
  });
});

describe("CSV for spreadsheets", () => {
  it("--bom starts the CSV with a UTF-8 byte order mark, on stdout and in files; without it, none", async () => {
    const dir = await withData();
    expect(await runOk(dir, ["contact", "list", "--format", "csv", "--bom"])).toMatch(/^\uFEFFid,name/);
    expect(await runOk(dir, ["contact", "list", "--format", "csv"])).toMatch(/^id,name/);
    const file = path.join(dir, "contacts.csv");
    await runOk(dir, ["export", "contacts", "--bom", "-o", file]);
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("Jürgen Weiß");
  });

  it("a file exported with --bom imports back", async () => {
    const dir = await withData();
    const file = path.join(dir, "contacts.csv");
    await runOk(dir, ["export", "contacts", "--bom", "-o", file]);
    const other = await withData();
    await runOk(other, ["contact", "rm", "1", "--yes"]);
    await runOk(other, ["import", "contacts", file]);
    expect(await runOk(other, ["contact", "list", "--format", "csv"])).toContain("Jürgen Weiß,j@example.com,+49 30 1234567");
  });

  it("purchases carry their local calendar day beside the UTC instant", async () => {
    const dir = await withData();
    const text = await runOk(dir, ["export", "purchases"], { env: { TZ: "Europe/Berlin" } });
    const [purchase] = parseCsv(text, { columns: true }) as Record<string, string>[];
    expect(purchase).toMatchObject({ at: "2024-06-14T22:30:00.000Z", localDate: "2024-06-15" });
  });
});

// stderr ends up in logs and cron mail: what the real crm process writes there for the commands cron
// runs names nobody, whatever route the text takes inside the process. (Every command, and forget,
// in-process: test/cli/privacy.test.ts.) The database is built in-process.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { crm, fixtureDir } from "../helpers.js";
import { CONTENT, NAME_PARTS, PERSON, privacyFixture } from "../fixtures/person-with-secrets.js";

const populated = fixtureDir(privacyFixture);

describe("the stderr of a real crm process", () => {
  it("carries no personal data for the commands cron runs: import, export, backup, remind", async () => {
    const dir = await populated();
    const db = path.join(dir, "crm.db");
    const purchases = path.join(dir, "shop.csv");
    fs.writeFileSync(purchases, `email,date,amount,order\n${PERSON.email},2026-01-20,30,A-1\n`);
    for (const args of [["import", "purchases", purchases], ["export", "all", "-o", path.join(dir, "all.json")], ["backup"], ["remind"]]) {
      const r = crm(db, args, { env: { CRM_NOW: "2026-03-02T10:00:00Z" } });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      for (const secret of [...CONTENT, ...NAME_PARTS])
        expect(r.stderr, `crm ${args.join(" ")} printed ${JSON.stringify(secret)} to stderr`).not.toContain(secret);
    }
  });
});

// A reader that goes away (`crm … | head`): crm, spawned as users run it in a shell pipeline, ends
// quietly with exit 0 and nothing on stderr, for every way of writing stdout. Only a real process
// has a real pipe to lose. The databases are built in-process, once per file.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, fixtureDir, runOk } from "../helpers.js";

/** Runs `crm <args>` into `head -c 100` in bash; its exit status (PIPESTATUS[0]) and stderr. */
function intoHead(db: string, args: string[]): { status: string; stderr: string } {
  const command = `"${process.execPath}" "${BIN}" ${args.join(" ")} | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
  const r = spawnSync("bash", ["-c", command], { env: { ...process.env, CRM_DB: db }, encoding: "utf8" });
  return { status: r.stdout.trim(), stderr: r.stderr };
}

/** The demo database. */
const demo = fixtureDir(async (dir) => {
  await runOk(dir, ["--db", path.join(dir, "demo.db"), "demo"]);
});

/** 5,000 imported contacts. */
const people = fixtureDir(async (dir) => {
  const file = path.join(dir, "people.csv");
  fs.writeFileSync(file, ["name,email", ...Array.from({ length: 5000 }, (_, i) => `Person ${i},p${i}@example.com`)].join("\n"));
  await runOk(dir, ["import", "contacts", file]);
});

describe("crm export to a pipe", () => {
  it("stops quietly (exit 0) when the reader goes away, as in `crm export … | head`", async () => {
    const db = path.join(await demo(), "demo.db");
    for (const format of ["csv", "json", "vcf"]) {
      const what = format === "vcf" ? "contacts" : "interactions";
      const r = intoHead(db, ["export", what, "--format", format]);
      expect(r.status, `${format}: ${r.stderr}`).toBe("0");
      expect(r.stderr).toBe("");
    }
  });
});

describe("a reader that goes away", () => {
  it("(crm … | head -1) ends crm quietly with exit 0, for every way of writing stdout", async () => {
    const db = path.join(await people(), "crm.db");
    for (const args of [
      ["contact", "list"],
      ["contact", "list", "--format", "json"],
      ["export", "contacts", "--format", "csv"],
      ["export", "all"],
      ["export", "contacts", "--format", "vcf"],
    ]) {
      const r = intoHead(db, args);
      expect(r.stderr, args.join(" ")).toBe("");
      expect(r.status, args.join(" ")).toBe("0");
    }
  });
});

// An output file that is the database under another name — through a symlinked folder, a symlink, a
// hard link, or the database's -wal/-shm, or with CRM_DB itself a symlink — is refused (exit 2) and the
// database is left byte for byte; so is `crm backup --force` through such an alias. A target that is
// not a regular file (a FIFO, /dev/null) is written into, never replaced.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runOk, sha256, tempDir } from "../helpers.js";

async function withAda(): Promise<{ dir: string; db: string }> {
  const dir = freshDbDir();
  await runOk(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
  return { dir, db: path.join(dir, "crm.db") };
}

describe("-o and --rejects never write over the database under another name", () => {
  it.each([
    [
      "a symlink to the folder",
      (dir: string) => {
        const link = path.join(tempDir(), "viadir");
        fs.symlinkSync(dir, link);
        return path.join(link, "crm.db");
      },
    ],
    [
      "a symlink to the file",
      (dir: string) => {
        const link = path.join(tempDir(), "alias.db");
        fs.symlinkSync(path.join(dir, "crm.db"), link);
        return link;
      },
    ],
    [
      "a hard link",
      (dir: string) => {
        const link = path.join(dir, "hard.csv");
        fs.linkSync(path.join(dir, "crm.db"), link);
        return link;
      },
    ],
  ])("export -o through %s is refused with exit 2", async (_how, alias) => {
    const { dir, db } = await withAda();
    const target = alias(dir);
    const before = sha256(db);
    const r = await run(dir, ["export", "contacts", "-o", target]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("is the database itself");
    expect(sha256(db)).toBe(before);
  });

  it("a report's -o through a symlinked folder is refused", async () => {
    const { dir, db } = await withAda();
    const link = path.join(tempDir(), "viadir");
    fs.symlinkSync(dir, link);
    const before = sha256(db);
    const r = await run(dir, ["contact", "list", "-o", path.join(link, "crm.db")]);
    expect(r.code, r.stderr).toBe(2);
    expect(sha256(db)).toBe(before);
  });

  it("--rejects through a symlink to the database is refused before anything is imported", async () => {
    const { dir, db } = await withAda();
    const link = path.join(tempDir(), "rejects.csv");
    fs.symlinkSync(db, link);
    const csv = path.join(tempDir(), "c.csv");
    fs.writeFileSync(csv, "name,email\nGrace,grace@example.com\nBad,not-an-email\n");
    const r = await run(dir, ["import", "contacts", csv, "--skip-invalid", "--rejects", link]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("the database");
    expect((await run(dir, ["contact", "list", "--format", "json"])).stdout).not.toContain("Grace");
  });
});

describe("CRM_DB itself a symlink", () => {
  it.each([["crm.db"], ["crm.db-wal"], ["crm.db-shm"]])("-o naming the real %s is refused, and the database is left as it was", async (name) => {
    const real = freshDbDir();
    await runOk(real, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    const link = path.join(tempDir(), "link.db");
    fs.symlinkSync(path.join(real, "crm.db"), link);
    const before = sha256(path.join(real, "crm.db"));
    const r = await run(link, ["report", "nps", "-o", path.join(real, name)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("is the database itself");
    expect(sha256(path.join(real, "crm.db"))).toBe(before);
    expect((await run(link, ["contact", "list", "--format", "json"])).stdout).toContain("Ada Lovelace");
  });
});

describe("crm backup --force never writes over the database under another name", () => {
  for (const [how, alias] of [
    [
      "a symlink to the file",
      (db: string) => {
        const link = path.join(tempDir(), "b.db");
        fs.symlinkSync(db, link);
        return link;
      },
    ],
    [
      "a hard link",
      (db: string) => {
        const link = path.join(path.dirname(db), "hard.db");
        fs.linkSync(db, link);
        return link;
      },
    ],
    [
      "a symlinked folder",
      (db: string) => {
        const link = path.join(tempDir(), "viadir");
        fs.symlinkSync(path.dirname(db), link);
        return path.join(link, "crm.db");
      },
    ],
  ] as const) {
    it(`through ${how}: exit 2, the database left as it was`, async () => {
      const { db } = await withAda();
      const target = alias(db);
      const before = sha256(db);
      const r = await run(db, ["backup", target, "--force"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("is the database itself");
      expect(sha256(db)).toBe(before);
    });
  }
});

describe("an -o target that exists and is not a regular file is written into, never replaced", () => {
  it("/dev/null stays the device", async () => {
    const { dir } = await withAda();
    const r = await run(dir, ["contact", "list", "-o", "/dev/null"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(fs.readdirSync("/dev").filter((f) => f.startsWith("null.partial"))).toEqual([]);
  });

  it("a FIFO gets the export and stays a FIFO", async () => {
    const { dir } = await withAda();
    const fifo = path.join(tempDir(), "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // The reader is another process: opening a FIFO for writing waits for one.
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d) => (got += d));
    const closed = new Promise((resolve) => reader.on("close", resolve));
    const r = await run(dir, ["export", "contacts", "--format", "csv", "-o", fifo]);
    expect(r.code, r.stderr).toBe(0);
    await closed;
    expect(got).toContain("Ada Lovelace");
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });
});

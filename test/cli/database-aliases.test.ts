// An output file that is the database under another name — through a symlinked folder, a symlink, a
// hard link, or the database's -wal/-shm — is refused (exit 2) and the database is left byte for byte.
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

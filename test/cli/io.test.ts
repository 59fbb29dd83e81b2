// main(argv, io): the whole command runs in-process, talking only through the Io it is given.
import { describe, expect, it } from "vitest";
import { run, runJson, tempDir, testIo } from "../helpers.js";
import { main } from "../../src/main.js";

describe("main(argv, io)", () => {
  it("writes data to the given stdout and messages to the given stderr", async () => {
    const dir = tempDir();
    const r = await run(dir, ["add", "Ada Lovelace", "--email", "ada@example.com"]);
    expect(r).toMatchObject({ code: 0, stdout: "1\n" });
    expect(r.stderr).toContain("added contact #1 Ada Lovelace");
    const [ada] = await runJson(dir, ["contact", "list"]);
    expect(ada).toMatchObject({ id: 1, name: "Ada Lovelace", email: "ada@example.com" });
  });

  it("reads the database location from the given environment, not the process's", async () => {
    const dir = tempDir();
    const { io, stderr } = testIo({ env: { CRM_DB: `${dir}/other.db` } });
    expect(await main(["add", "Grace Hopper"], io)).toBe(0);
    expect(stderr()).toContain("#1 Grace Hopper");
    expect((await run(`${dir}/other.db`, ["contact", "list", "--format", "json"])).stdout).toContain("Grace Hopper");
  });

  it("prints usage errors through the given stderr with exit 2", async () => {
    const { io, stderr, stdout } = testIo();
    expect(await main(["nope"], io)).toBe(2);
    expect(stderr()).toMatch(/^crm: unknown command 'nope'/);
    expect(stdout()).toBe("");
  });

  it("prints --version on the given stdout", async () => {
    const { io, stdout } = testIo();
    expect(await main(["--version"], io)).toBe(0);
    expect(stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("colours the error label on a terminal, never under NO_COLOR", async () => {
    const tty = testIo({ tty: true, env: {} });
    await main(["contact", "show", "nobody", "--db", `${tempDir()}/x.db`], tty.io);
    expect(tty.stderr()).toContain("\u001b[31mcrm:\u001b[39m");
    const plain = testIo({ tty: true, env: { NO_COLOR: "1" } });
    await main(["contact", "show", "nobody", "--db", `${tempDir()}/x.db`], plain.io);
    expect(plain.stderr()).toMatch(/^crm: /);
  });
});

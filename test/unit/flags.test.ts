// Flag values are parsed at the edge into typed values, and a bad one becomes crm's one line that
// names the flag and the value.
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { flagErrorLine, id, ids, interval, limit, oneOf, read } from "../../src/cli/flags.js";
import { CrmError } from "../../src/errors.js";

describe("flag parsers", () => {
  it("read ids, limits, intervals and list members into typed values", () => {
    expect(id()("#12", undefined)).toBe(12);
    expect(ids()("3", ids()("2", undefined))).toEqual([2, 3]);
    expect(ids()("2", [2])).toEqual([2]);
    expect(limit(" 0 ", undefined)).toBe(0);
    expect(interval("2w", undefined)).toEqual({ count: 2, unit: "week" });
    expect(oneOf(["open", "done"] as const)(" DONE ", undefined)).toBe("done");
  });

  it("refuse what they cannot read with commander's InvalidArgumentError", () => {
    expect(() => id()("0", undefined)).toThrow(InvalidArgumentError);
    expect(() => limit("-1", undefined)).toThrow(InvalidArgumentError);
    expect(() => interval("0d", undefined)).toThrow(InvalidArgumentError);
    expect(() => oneOf(["a"])("b", undefined)).toThrow(InvalidArgumentError);
  });
});

describe("flagErrorLine", () => {
  it("names the flag and the value, 'unknown' for a value outside a list", () => {
    expect(flagErrorLine("error: option '--limit <n>' argument 'ten' is invalid. use a whole number, e.g. --limit 50")).toBe(
      'invalid --limit "ten" — use a whole number, e.g. --limit 50',
    );
    expect(flagErrorLine("error: option '--status <status>' argument 'x' is invalid. use one of: open, done, all")).toBe(
      'unknown --status "x" — use one of: open, done, all',
    );
  });

  it("keeps a parser's complete message, and leaves other messages alone", () => {
    expect(flagErrorLine(`error: command-argument value 'x' is invalid for argument 'id'. invalid follow-up id "x" — use a number`)).toBe(
      'invalid follow-up id "x" — use a number',
    );
    expect(flagErrorLine("error: unknown option '--nope'")).toBeUndefined();
  });

  it("gives the same message as a usage error when the value is read as the command runs", () => {
    let err: unknown;
    try {
      read("--sort", "size", oneOf(["name", "created"]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CrmError);
    expect((err as CrmError).exitCode).toBe(2);
    expect([(err as CrmError).message, (err as CrmError).hint]).toEqual(['unknown --sort "size"', "use one of: name, created"]);
  });
});

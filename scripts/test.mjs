// `npm test`: builds the binary (the end-to-end tests run it), type-checks everything and runs every
// test. The type check takes one core for a while and needs neither the build nor the tests, so it runs
// beside them instead of before them: on two cores that is its whole time saved. Its report is printed
// after the tests'; the run fails if the build, the type check or any test fails. Arguments are given to
// vitest (`npm test -- test/cli`).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const tscBin = require.resolve("typescript/bin/tsc");
const vitestBin = path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs");
const root = new URL("..", import.meta.url).pathname;

/** Runs `node …args`; resolves with its exit code and, when `capture`, what it printed. */
function node(args, capture = false) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
  let output = "";
  if (capture) for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output })));
}

const typecheck = node([tscBin, "-p", "."], true);
const build = await node(["scripts/build.mjs"]);
const tests = build.code === 0 ? await node([vitestBin, "run", ...process.argv.slice(2)]) : { code: 1 };
const types = await typecheck;
if (types.code !== 0) process.stderr.write(`\ntsc -p . found type errors:\n${types.output}`);
else process.stderr.write("tsc -p .: no type errors\n");
process.exitCode = build.code || types.code || tests.code;

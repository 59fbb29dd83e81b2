// Runs in every test file: temp directories made by tempDir() are removed when the file ends. Test files
// share their worker's process (vitest.config.ts): a file that leaves the process changed fails here,
// not some file after it.
import { afterAll, expect, vi } from "vitest";
import { removeTempDirs } from "./helpers.js";

afterAll(() => {
  removeTempDirs();
  expect(process.env.TZ, "the time zone, as a test left it").toBe("UTC");
  expect(vi.isFakeTimers(), "fake timers left on").toBe(false);
});

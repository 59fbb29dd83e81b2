import os from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    setupFiles: ["test/setup.ts"],
    // Spawned and in-process commands alike see UTC unless a test says otherwise.
    env: { TZ: "UTC" },
    // One worker per core (vitest's default leaves one core idle; on 2 cores that halves the speed):
    // the spawned tests wait on their children much of the time.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import fs from "node:fs";
import os from "node:os";
import { defineConfig } from "vitest/config";

/**
 * A file system in memory for the tests' temp directories, when the machine has one with room: crm
 * commits with `synchronous = FULL`, and each commit's fsync waits milliseconds for a disk (about 5 ms
 * here, most of a small command) and nothing in memory. What a memory file system changes — whether a
 * commit survives a power cut — no test can observe; locks, shared memory, permissions and signals
 * behave the same. A test that needs a disk's file system (chattr +i) asks tempDir() for one.
 */
function memoryTmpdir(): string | undefined {
  const dir = "/dev/shm";
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    const { bavail, bsize } = fs.statfsSync(dir);
    return bavail * bsize >= 2 ** 31 ? dir : undefined;
  } catch {
    return undefined;
  }
}
const memory = memoryTmpdir();

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    setupFiles: ["test/setup.ts"],
    // Spawned and in-process commands alike see UTC unless a test says otherwise.
    env: { TZ: "UTC", ...(memory && { TMPDIR: memory, CRM_TEST_DISK_TMPDIR: os.tmpdir() }) },
    // One worker per core (vitest's default leaves one core idle; on 2 cores that halves the speed):
    // the spawned tests wait on their children much of the time.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // A worker runs its test files one after another in one process that keeps the modules it loaded
    // (crm's sources, vitest, the helpers), instead of a new process per file: starting one and loading
    // them again cost about 0.6 s of CPU per file, 40% of the suite's CPU time. Each file still gets its
    // own temp directories and fixtures (test/setup.ts, test/helpers.ts). So a test that changes
    // something process-wide (process.env, a spy, fake timers) restores it before it ends.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

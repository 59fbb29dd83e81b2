// Runs in every test file: temp directories made by tempDir() are removed when the file ends.
import { afterAll } from "vitest";
import { removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

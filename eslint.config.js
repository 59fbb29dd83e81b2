// ESLint: the code-level rules (`npm run lint`). The import boundaries between layers and the cycle rule
// are dependency-cruiser's job (.dependency-cruiser.cjs): it sees the whole graph, which a per-file
// linter does not. Formatting is prettier's (.prettierrc.json), so no stylistic rule is turned on here.
//
// typescript-eslint's "recommended" set, not "recommended-type-checked": the type-aware rules would
// build a TypeScript program for every run, doubling what `npm run check` costs over `tsc` (which
// already runs there) on a 2-core machine, for a few rules (floating promises, mostly) that the
// test suite's async tests catch in practice.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

// Where the process's own streams, environment and exit may be touched: the entry and the one Io
// module that wraps them (STYLE.md: main(argv, io), an injectable Io). Everything else receives an Io,
// so a command's contract can be tested in-process.
const PROCESS_EDGE = ["src/main.ts", "src/cli/io.ts"];
const processProperty = (property, why) => ({ object: "process", property, message: why });

export default tseslint.config(
  { ignores: ["dist/", "coverage/", "test/bench/out/", "test/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A leading underscore marks a value that is there on purpose and unused: a destructured field left
      // out of a copy (`const { id: _id, ...rest } = row`), a positional argument a callback must accept.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // `==` only against null, where it means "null or undefined".
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      // One output path: commands print through the Io they are given, never through console.
      "no-console": "error",
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: PROCESS_EDGE,
    rules: {
      "no-restricted-properties": [
        "error",
        processProperty("stdout", "Write through the Io given to main(argv, io) (src/cli/io.ts), so tests can capture it."),
        processProperty("stderr", "Write through the Io given to main(argv, io) (src/cli/io.ts), so tests can capture it."),
        processProperty("stdin", "Read through the Io given to main(argv, io) (src/cli/io.ts)."),
        processProperty("env", "Take the environment from the Io (io.env), resolved once at the edge."),
        processProperty("exit", "Return an exit code (or throw a CrmError); only the entry ends the process."),
        processProperty("argv", "main(argv, io) receives argv."),
      ],
    },
  },
  {
    // Below the CLI, "now" is an argument: the CLI resolves --as-of / CRM_NOW once.
    files: ["src/core/**/*.ts", "src/db/**/*.ts", "src/io/**/*.ts", "src/analytics/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Take `now` as an argument; the CLI resolves --as-of / CRM_NOW." },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Take `now` as an argument; the CLI resolves --as-of / CRM_NOW.",
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // Tests read crm's JSON output and poke into it; typing each parsed document would restate the
      // very shape the assertion checks.
      "@typescript-eslint/no-explicit-any": "off",
      // Tests of a terminal program match ANSI escapes and control characters on purpose.
      "no-control-regex": "off",
      // Reference values are copied digit for digit from published tables; the extra digits are the source's.
      "no-loss-of-precision": "off",
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);

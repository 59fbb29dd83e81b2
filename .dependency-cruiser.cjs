// The architecture's import boundaries, checked by dependency-cruiser (`npm run check:deps`).
//
// Why dependency-cruiser rather than eslint-plugin-import-x (no-restricted-paths + no-cycle): it is made
// for this. It builds the whole import graph once (import-x's no-cycle walks it again from every file,
// the slow part of a lint on a 2-core machine), resolves imports as TypeScript does (NodeNext: `./x.js`
// is `./x.ts`), labels each edge static, dynamic (`await import()`) or type-only so that one rule can
// exempt type-only imports, prints each cycle as its whole path, and keeps the rules in one file of path
// patterns that reads like the layering it enforces.
//
// The layers (STYLE.md "A layout that shows the architecture"), top to bottom:
//   src/main.ts          the entry: main(argv, io)
//   src/cli/**           commands/<noun>/declare.ts|run.ts, flags, io, render/
//   src/core/**          use-cases; no printing, no flag names
//   src/db/**, src/io/** the database and the format adapters
//   src/analytics/**     pure functions: nothing of the project
//   src/errors.ts        the one error type, usable from every layer
// Imports point down only: main → cli → core → db, io, analytics. Rules are path patterns, so they hold
// wherever a file moves inside its layer.
//
// Type-only imports (`import type`, or `import { type A, type B }`) are dependencies like any other, with
// one exception: src/cli/render/** may name core's record types (it prints them) but not call core.
// Cycles count type-only imports too, on purpose: a type-only cycle costs nothing at run time, but it
// still ties two modules so that neither can be read or moved without the other (the demo seeders and
// demo.ts, the CLI context and render/output.ts are type-only cycles today). Dynamic imports count too.

const LAYERS = "^src/(cli|core|db|io|analytics)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      comment: "An import cycle. Break it: move what both sides need into a module below both, or pass a function in.",
      severity: "error",
      from: {},
      // A command's run.ts reads its option types from its declare.ts, which loads run.ts on demand:
      // a type-only edge is erased when compiled, so it closes no cycle at run time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "core-not-to-cli",
      comment: "core is the use-cases: it takes typed values and returns records; it knows nothing of flags, commands or rendering.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: ["^src/cli/", "^src/main\\.ts$"] },
    },
    {
      name: "db-io-not-up",
      comment: "db and io are the bottom layers: the database and the format adapters. They never reach up into core or cli.",
      severity: "error",
      from: { path: "^src/(db|io)/" },
      to: { path: ["^src/(cli|core)/", "^src/main\\.ts$"] },
    },
    {
      name: "analytics-is-pure",
      comment:
        "analytics is pure computation on arrays: it imports nothing of the project but other analytics modules (npm packages and node: built-ins are fine).",
      severity: "error",
      from: { path: "^src/analytics/" },
      to: { path: "^src/", pathNot: "^src/analytics/" },
    },
    {
      name: "render-not-to-core",
      comment: "render prints records it is given; it does not call core. Naming core's types (import type) is allowed.",
      severity: "error",
      from: { path: "^src/cli/render/" },
      to: { path: "^src/core/", dependencyTypesNot: ["type-only", "type-import", "pre-compilation-only"] },
    },
    {
      name: "errors-is-a-leaf",
      comment: "src/errors.ts is imported by every layer, so it imports none of them.",
      severity: "error",
      from: { path: "^src/errors\\.ts$" },
      to: { path: LAYERS },
    },
    {
      name: "entry-is-the-top",
      comment: "src/main.ts is the entry; nothing in src/ imports it back (tests may).",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/main\\.ts$" },
    },
    {
      name: "src-not-to-tests",
      comment: "Shipped code does not import test code or the benchmarks.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
    {
      name: "not-to-test-files",
      comment: "A test file is not a library: move what is shared into test/helpers.ts (or a helper beside it).",
      severity: "error",
      from: {},
      to: { path: "\\.test\\.ts$" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve to a file or an installed package.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-non-package-json",
      comment: "An npm package that package.json does not declare: add it (devDependencies when esbuild bundles it).",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "no-deprecated-core",
      comment: "A deprecated Node built-in.",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["core"], path: "^(punycode|domain|constants|sys|_linklist|_stream_wrap)$" },
    },
  ],
  options: {
    // Bundled code (dist/, test/bench/out/) and packages are not the project's modules.
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "^test/bench/out/", "^test/fixtures/"] },
    // Keep type-only imports in the graph (they are dependencies for the layer rules) and label them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mjs", ".js", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};

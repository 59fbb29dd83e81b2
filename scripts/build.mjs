// Bundles the CLI into dist/ with esbuild, then writes the manual page man/crm.1.
//
// Two passes. The first bundles with code splitting: one chunk per command module, loaded by dynamic
// import only when that command runs, and shared chunks for what several of them use — 25 to 35 ES
// modules for a common command, each one resolved, read, compiled and linked by Node's module loader
// (about half of crm's own start-up). The second pass merges the entry with everything the hot commands
// (contact, log, find, followup, remind, today) load into dist/crm.js, one module; the other commands'
// chunks stay separate and lazy. A merged chunk that a cold chunk still imports is replaced by a one-line
// module re-exporting its names from dist/crm.js, so every module is still evaluated once.
//
// better-sqlite3's JavaScript is bundled too (loading it from node_modules through Node's
// CommonJS-from-ESM path cost ~15 ms per command); its native addon cannot be, and is loaded from
// node_modules by path (openStore's nativeBinding). So package.json's `dependencies` hold better-sqlite3
// alone: every other package the code imports is carried by the bundle and is a devDependency.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = path.join(root, "dist");
const stage = path.join(root, "dist.stage");

/** The commands worth a single module: what a person types many times a day. */
const HOT = [
  "src/cli/context.ts",
  "src/core/today/agenda.ts",
  ...["contact", "log", "find", "followup", "remind", "today"].map((noun) => `src/cli/commands/${noun}/run.ts`),
];

// Some bundled CommonJS dependencies call require(); give each ES module one, made on its first call
// (createRequire costs about half a millisecond, and most modules never call it).
const banner =
  "import { createRequire as __crmCreateRequire } from 'node:module'; let __crmRequire; " +
  "const require = Object.assign((id) => (__crmRequire ??= __crmCreateRequire(import.meta.url))(id), { resolve: (id, options) => (__crmRequire ??= __crmCreateRequire(import.meta.url)).resolve(id, options) });";

/**
 * commander loads node:child_process when it loads, for the executable subcommands crm does not have
 * (`spawn` is its only use): it is loaded on the first spawn instead, so no command pays for it.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager) || (source.match(/childProcess\.\w+/g) ?? []).some((use) => use !== "childProcess.spawn"))
        throw new Error("commander's use of node:child_process changed: review the lazy-child-process plugin in scripts/build.mjs");
      const lazy =
        "let loadedChildProcess; const childProcess = { spawn: (...args) => (loadedChildProcess ??= require('node:child_process')).spawn(...args) };";
      return { contents: source.replace(eager, lazy), loader: "js" };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
rmSync(stage, { recursive: true, force: true });
const split = await build({
  entryPoints: { crm: "src/main.ts" },
  outdir: stage,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
  plugins: [lazyChildProcess],
  banner: { js: banner },
});

// The first pass's outputs, by path relative to the stage directory.
const outputs = new Map(Object.entries(split.metafile.outputs).map(([file, meta]) => [path.relative(stage, path.resolve(root, file)), meta]));
const rel = (file) => path.relative(stage, path.resolve(root, file));
const entry = "crm.js";
/** The chunks of `roots` and what they import statically, transitively. */
function closure(roots) {
  const found = new Set();
  const add = (file) => {
    if (found.has(file)) return;
    found.add(file);
    for (const i of outputs.get(file).imports) if (i.kind === "import-statement" && !i.external) add(rel(i.path));
  };
  roots.forEach(add);
  return found;
}
// Eager: what the entry imports statically, evaluated on every start as before. Lazy: what only the hot
// commands load, evaluated when one of them runs.
const eager = closure([entry]);
const hotRoots = [...outputs].filter(([, meta]) => HOT.includes(meta.entryPoint)).map(([file]) => file);
for (const source of HOT) if (![...outputs.values()].some((meta) => meta.entryPoint === source)) throw new Error(`no chunk for ${source}`);
const hot = closure([entry, ...hotRoots]);
const lazy = [...hot].filter((file) => !eager.has(file));

// The merged entry exports main, each eager chunk's names under a prefix, and a loader per lazy chunk,
// for the modules that stand in for them (below).
const merged = [...hot].filter((file) => file !== entry);
const prefixOf = new Map(merged.map((file, i) => [file, `__crm${i}`]));
const contents = [
  `export * from "./${entry}";`,
  ...merged.flatMap((file) => {
    const names = outputs.get(file).exports;
    if (!names.length) return [];
    if (lazy.includes(file)) return [`export const ${prefixOf.get(file)} = () => import("./${file}");`];
    return [`export { ${names.map((n) => `${n} as ${prefixOf.get(file)}_${n}`).join(", ")} } from "./${file}";`];
  }),
].join("\n");
await build({
  stdin: { contents, resolveDir: stage, sourcefile: "crm-merged.js", loader: "js" },
  outfile: path.join(dist, entry),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  banner: { js: banner },
  plugins: [
    {
      // The merged chunks share the one require() of dist/crm.js.
      name: "one-require",
      setup(b) {
        b.onLoad({ filter: /\.js$/ }, (args) => {
          const source = readFileSync(args.path, "utf8");
          if (!source.startsWith(banner)) throw new Error(`${args.path} does not start with the banner`);
          return { contents: source.slice(banner.length), loader: "js" };
        });
      },
    },
    {
      // The cold chunks stay where they are, loaded by their relative path.
      name: "cold-chunks-external",
      setup(b) {
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const file = path.relative(stage, path.resolve(args.resolveDir, args.path));
          if (hot.has(file) || !outputs.has(file)) return undefined;
          return { path: `./${file}`, external: true };
        });
      },
    },
  ],
});
mkdirSync(path.join(dist, "chunks"), { recursive: true });
for (const file of outputs.keys()) {
  if (file === entry) continue;
  if (!hot.has(file)) renameSync(path.join(stage, file), path.join(dist, file));
  else if (outputs.get(file).exports.length) {
    // A merged chunk a cold chunk may still import: a module of one line re-exporting its names. A lazy
    // one is evaluated first; its exports are read once then (the first pass exports no binding that is
    // assigned later: no lazily initialised `init_` wrappers, which the check below keeps true).
    const names = outputs.get(file).exports;
    const back = `./${path.relative(path.dirname(file), entry)}`;
    const prefix = prefixOf.get(file);
    let text;
    if (lazy.includes(file)) {
      if (names.some((n) => n.startsWith("init_"))) throw new Error(`${file} exports a lazily initialised binding: it cannot be merged lazily`);
      const plain = names.filter((n) => n !== "default");
      text = `const chunk = await (await import("${back}")).${prefix}();\n`;
      if (plain.length) text += `export const { ${plain.join(", ")} } = chunk;\n`;
      if (names.includes("default")) text += "export default chunk.default;\n";
    } else text = `export { ${names.map((n) => `${prefix}_${n} as ${n}`).join(", ")} } from "${back}";\n`;
    writeFileSync(path.join(dist, file), text);
  }
}
rmSync(stage, { recursive: true, force: true });

// The objects the migrations make for the newest schema, derived once here by the binary just built
// (its hidden `crm __schema`) instead of on every open: each command compares the database with it.
writeFileSync(
  path.join(dist, "expected-schema.json"),
  execFileSync(process.execPath, [path.join(root, "bin", "crm.js"), "__schema"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, TZ: "UTC" },
  }),
);

// The manual page crm(1), written from the command definitions by the binary just built (its hidden
// `crm __man`), so it describes exactly the commands this build has. Shipped in the package (`man`).
const page = execFileSync(process.execPath, [path.join(root, "bin", "crm.js"), "__man"], {
  encoding: "utf8",
  env: { PATH: process.env.PATH, TZ: "UTC" },
});
mkdirSync(path.join(root, "man"), { recursive: true });
writeFileSync(path.join(root, "man", "crm.1"), page);

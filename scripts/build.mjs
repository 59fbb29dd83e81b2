// Bundles the CLI into dist/ with esbuild, then writes the manual page man/crm.1: one small entry chunk, and one chunk per command module
// loaded by dynamic import only when that command runs. better-sqlite3's JavaScript is bundled too
// (loading it from node_modules through Node's CommonJS-from-ESM path cost ~15 ms per command); its
// native addon cannot be, and is loaded from node_modules by path (openStore's nativeBinding).
// So package.json's `dependencies` hold better-sqlite3 alone: every other package the code imports is
// carried by the bundle and is a devDependency, not installed again with crm.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { crm: "src/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
});

// The objects the migrations make for the newest schema, derived once here by the binary just built
// (its hidden `crm __schema`) instead of on every open: each command compares the database with it.
writeFileSync(
  new URL("../dist/expected-schema.json", import.meta.url),
  execFileSync(process.execPath, [new URL("../bin/crm.js", import.meta.url).pathname, "__schema"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, TZ: "UTC" },
  }),
);

// The manual page crm(1), written from the command definitions by the binary just built (its hidden
// `crm __man`), so it describes exactly the commands this build has. Shipped in the package (`man`).
const page = execFileSync(process.execPath, [new URL("../bin/crm.js", import.meta.url).pathname, "__man"], {
  encoding: "utf8",
  env: { PATH: process.env.PATH, TZ: "UTC" },
});
mkdirSync(new URL("../man", import.meta.url), { recursive: true });
writeFileSync(new URL("../man/crm.1", import.meta.url), page);

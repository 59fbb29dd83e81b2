#!/usr/bin/env node
// The crm binary: a tiny shim that turns on Node's compile cache where available, then runs the bundle.
import module from "node:module";

if (typeof module.enableCompileCache === "function") {
  try {
    module.enableCompileCache();
  } catch {
    // A cache directory we cannot write is not worth failing over.
  }
}
const { main } = await import("../dist/crm.js");
process.exitCode = await main(process.argv.slice(2));

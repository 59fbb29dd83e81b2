// A lane of crm commands run one after another in one real process, through main(argv, io) of the
// built bundle. Each command opens, uses and closes the database exactly as a separate `crm` process
// does; what concurrency tests need is several processes sharing one database, not one process per
// command. Usage: node lane.mjs '<JSON array of argv arrays>'; prints [{ code, stderr }] as JSON.
import { PassThrough, Writable } from "node:stream";
import { main } from "../../dist/crm.js";

const results = [];
for (const args of JSON.parse(process.argv[2])) {
  let stderr = "";
  const stdout = new Writable({ write: (_chunk, _encoding, done) => done() });
  const errors = new Writable({
    write(chunk, _encoding, done) {
      stderr += chunk;
      done();
    },
  });
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(args, { stdout, stderr: errors, stdin, env: process.env });
  results.push({ code, stderr });
}
process.stdout.write(JSON.stringify(results));

// The database's files under any name: a command about to write a file asks here whether that file is
// the database or one of its -wal/-shm sidecars, whatever path, symlink or hard link names it.
import fs from "node:fs";
import path from "node:path";

/** `file` once symlinks are resolved; a file that is not there yet resolves through its folder. */
function realPath(file: string): string {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/**
 * The database and its -wal/-shm under the path given and, when that is a symlink, under the path it
 * points to (where SQLite puts the -wal and -shm).
 */
function databaseFiles(dbPath: string): string[] {
  const given = path.resolve(dbPath);
  const real = realPath(given);
  return [...new Set([given, real].flatMap((db) => [db, `${db}-wal`, `${db}-shm`]))];
}

/**
 * Whether writing `file` would write the database at `dbPath` or its -wal/-shm under another name: the
 * same path once symlinks are resolved (a symlinked folder, a symlink), or the same file on disk (a
 * hard link: device and inode).
 */
export function isDatabaseFile(dbPath: string, file: string): boolean {
  const family = databaseFiles(dbPath);
  const target = realPath(file);
  if (family.some((f) => realPath(f) === target)) return true;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return false;
  }
  return family.some((f) => {
    try {
      const s = fs.statSync(f);
      return s.dev === st.dev && s.ino === st.ino;
    } catch {
      return false;
    }
  });
}

/** Whether process `pid` is still running (EPERM: running, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Files crm writes beside the database for a moment and renames or removes when done: a restore's
 * checked copy (`crm.db.restoring-<pid>`) and an export's or a copy's unfinished file
 * (`<name>.partial-<pid>`). Those of a process that no longer runs (killed) are what `removeLeftovers`
 * deletes.
 */
const LEFTOVER = /^(.+)\.(restoring|partial)-(\d+)(-wal|-shm|-journal)?$/;

/** Leftovers of crm processes that were killed, beside `file` (its folder) or of `file` itself. */
export function deadLeftovers(dir: string, only?: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      const m = LEFTOVER.exec(name);
      return m !== null && (only === undefined || m[1] === only) && Number(m[3]) !== process.pid && !alive(Number(m[3]));
    })
    .map((name) => path.join(dir, name));
}

/** Deletes what killed crm processes left beside the database (their private copies hold personal data). */
export function removeLeftovers(dbPath: string): void {
  for (const file of deadLeftovers(path.dirname(path.resolve(dbPath)))) fs.rmSync(file, { force: true });
}

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
 * Whether writing `file` would write the database at `dbPath` or its -wal/-shm under another name: the
 * same path once symlinks are resolved (a symlinked folder, a symlink), or the same file on disk (a
 * hard link: device and inode).
 */
export function isDatabaseFile(dbPath: string, file: string): boolean {
  const db = path.resolve(dbPath);
  const family = [db, `${db}-wal`, `${db}-shm`];
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

// The one error type of the product. Every layer throws CrmError for what the user can fix; the CLI's
// single printer turns it into one line on stderr and the documented exit code.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  storage: 5,
  /** A remote service (a mail server) could not be reached, failed TLS or refused the login. */
  remote: 6,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CrmError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CrmError";
  }
}

export const usageError = (message: string, hint?: string) => new CrmError(message, ExitCode.usage, hint);
export const notFound = (message: string, hint?: string) => new CrmError(message, ExitCode.notFound, hint);
export const conflict = (message: string, hint?: string) => new CrmError(message, ExitCode.conflict, hint);
export const storageError = (message: string, hint?: string) => new CrmError(message, ExitCode.storage, hint);
export const remoteError = (message: string, hint?: string) => new CrmError(message, ExitCode.remote, hint);

/**
 * The error for a command stopped by a signal at a safe point; `reason` is the signal's name (the
 * AbortSignal's reason), `outcome` what became of the work, e.g. "nothing was imported".
 */
export function interruptedError(reason: unknown, outcome: string): CrmError {
  return reason === "SIGTERM"
    ? new CrmError(`terminated (SIGTERM): ${outcome}`, ExitCode.terminated)
    : new CrmError(`interrupted: ${outcome}`, ExitCode.interrupted);
}

/** Quote a user-supplied value for an error message, keeping it on one line. */
export function quote(value: unknown): string {
  const s = String(value).replace(/[\r\n\t]+/g, " ");
  return JSON.stringify(s.length > 80 ? s.slice(0, 77) + "..." : s);
}

const DISK_FULL = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL"]);

/**
 * A failure to write `file` (a full disk, an I/O error) as exit 5 naming that file; any other error
 * (a bug) is returned as it is.
 */
export function fileWriteError(err: unknown, file: string): unknown {
  if (err instanceof CrmError) return err;
  const code = (err as { code?: string }).code ?? "";
  if (DISK_FULL.has(code)) return storageError(`cannot write ${quote(file)}: the disk is full`, "free some space and run the command again");
  if (code === "EIO" || code === "EROFS" || code.startsWith("SQLITE_IOERR"))
    return storageError(`cannot write ${quote(file)}: ${(err as Error).message}`, "check the disk");
  return err;
}

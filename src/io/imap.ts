// The IMAP side of `crm mail sync`, through imapflow: connecting with verified TLS (implicit, or STARTTLS
// made mandatory), finding the Sent folder by its special-use flag, and turning what can go wrong on the
// way — a host that cannot be reached, a certificate that is not trusted, a refused login — into one
// line naming the host and the cause (exit 6). The password comes from the caller and is never logged:
// imapflow's logger is off.
import fs from "node:fs";
import { execFile } from "node:child_process";
import { ImapFlow } from "imapflow";
import { CrmError, remoteError, usageError, quote } from "../errors.js";

export type MailSecurity = "tls" | "starttls";

export interface ImapServer {
  host: string;
  port: number;
  user: string;
  security: MailSecurity;
  /** A PEM file of the certificate authority to trust (a private CA or a self-signed server). */
  caFile: string | null;
}

const TIMEOUT_MS = 20_000;

/** What a certificate error code means, in the words of the one-line message. */
function tlsCause(code: string, message: string): string | undefined {
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED/.test(code)) return "its TLS certificate is not trusted (a private CA? pass --ca-file)";
  if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/.test(code)) return "its TLS certificate has expired or is not valid yet";
  if (/ALTNAME|HOSTNAME/.test(code)) return "its TLS certificate is for another host name";
  if (/ERR_SSL|ERR_TLS|EPROTO/.test(code) || /SSL|TLS/.test(message)) return "the TLS handshake failed";
  return undefined;
}

/** Did this come from the connection or the server (rather than from crm's own code)? */
export function isRemoteFailure(err: unknown): boolean {
  const e = (err ?? {}) as { code?: unknown; authenticationFailed?: boolean; responseStatus?: unknown };
  return typeof e.code === "string" || Boolean(e.authenticationFailed) || e.responseStatus !== undefined;
}

/** One line for a failure to talk to the server, naming the host and the cause; never the password. */
export function remoteFailure(server: Pick<ImapServer, "host" | "port" | "user">, err: unknown): CrmError {
  if (err instanceof CrmError) return err;
  const e = (err ?? {}) as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
  const where = `${server.host}:${server.port}`;
  const code = String(e.code ?? "");
  const message = String(e.message ?? "");
  if (e.authenticationFailed || /AUTHENTICATIONFAILED|Authentication failed|LOGIN failed/i.test(message + (e.responseText ?? "")))
    return remoteError(`mail server ${where} refused the login of ${quote(server.user)}`, "check the user and what the password command prints");
  const tls = tlsCause(code, message);
  if (tls) return remoteError(`mail server ${where} failed TLS: ${tls}`);
  const causes: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ENOTFOUND: "no such host",
    EAI_AGAIN: "the host name could not be resolved",
    ETIMEDOUT: "the connection timed out",
    CONNECT_TIMEOUT: "the connection timed out",
    GREETING_TIMEOUT: "the server did not greet",
    EHOSTUNREACH: "the host is unreachable",
    ENETUNREACH: "the network is unreachable",
    ECONNRESET: "the connection was reset",
    NoConnection: "the connection was closed",
    ETIMEOUT: "the server stopped answering",
  };
  const cause = causes[code] ?? (message ? message.split("\n")[0]!.slice(0, 120) : "unknown error");
  return remoteError(`mail server ${where} could not be reached: ${cause}`);
}

/** Connects and logs in; the returned client is connected (close it with `logout`). */
export async function connectImap(server: ImapServer, password: string): Promise<ImapFlow> {
  let ca: Buffer | undefined;
  if (server.caFile) {
    try {
      ca = fs.readFileSync(server.caFile);
    } catch {
      throw usageError(`cannot read the CA file ${quote(server.caFile)}`);
    }
  }
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.security === "tls",
    doSTARTTLS: server.security === "starttls" ? true : undefined,
    auth: { user: server.user, pass: password },
    tls: { rejectUnauthorized: true, ...(ca ? { ca } : {}) },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: 5 * 60_000,
  });
  // A socket error after connecting must not become an unhandled 'error' event.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw remoteFailure(server, err);
  }
  return client;
}

/** The folder flagged \Sent (RFC 6154), if the server says which one it is. */
export async function sentFolder(client: ImapFlow): Promise<string | undefined> {
  const list = await client.list();
  return list.find((f) => f.specialUse === "\\Sent")?.path;
}

/**
 * Runs the account's password command (as isync's PassCmd: `pass show mail/work`) through the shell and
 * returns the first line it prints. Its output is never shown, even when it fails.
 */
export function runPasswordCommand(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("/bin/sh", ["-c", command], { env, timeout: 60_000, maxBuffer: 64 * 1024 }, (err, stdout) => {
      const password = String(stdout).split(/\r?\n/)[0] ?? "";
      if (err) {
        const how = typeof err.code === "number" ? `exited with status ${err.code}` : "could not be run";
        return reject(usageError(`the password command ${how}`, "run it yourself to check it prints the password"));
      }
      if (!password) return reject(usageError("the password command printed nothing", "it must print the password on its first line"));
      resolve(password);
    });
  });
}

// A real IMAP server for the mail tests: Dovecot (Debian's dovecot-imapd) started by the test on
// 127.0.0.1 and a free port, with its whole configuration, state and logs in a temp directory, one
// user from a passwd file, a Maildir the test writes messages into, and TLS with a self-signed
// certificate made here by openssl (trusted by crm through --ca-file). Works as root (the mail user is
// then nobody, since Dovecot refuses mail access as root) and as an ordinary user.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { tempDir } from "./helpers.js";

const DOVECOT = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"].find((p) => fs.existsSync(p));

/** Dovecot and openssl are installed (`.ci/run` installs dovecot-imapd on CI). */
export const haveDovecot = Boolean(DOVECOT) && spawnable("openssl");

function spawnable(cmd: string): boolean {
  try {
    execFileSync(cmd, ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface MailServer {
  host: "127.0.0.1";
  /** Implicit TLS (like 993). */
  port: number;
  /** Plain IMAP that offers STARTTLS (like 143). */
  starttlsPort: number;
  user: string;
  password: string;
  caFile: string;
  /** The user's Maildir. */
  maildir: string;
  /** Puts a message into a folder ("INBOX" or "Sent"), as a delivery would. */
  deliver(folder: string, raw: string): void;
  /** Makes the server give a folder a new UIDVALIDITY (as after a server migration). */
  renumber(folder: string): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers with its IMAP greeting on `port` (a plain, not implicit-TLS, port). */
async function greeted(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited ${child.exitCode}: ${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("data", (d) => {
        s.destroy();
        resolve(d.toString().startsWith("* OK"));
      });
      s.once("error", () => resolve(false));
      s.setTimeout(2000, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const folderDir = (maildir: string, folder: string) => (folder.toUpperCase() === "INBOX" ? maildir : path.join(maildir, `.${folder}`));

/** Starts a server in `dir` (default: a temp directory removed when the test file ends). */
export async function startDovecot(dir = tempDir("crm-dovecot-")): Promise<MailServer> {
  if (!DOVECOT) throw new Error("dovecot is not installed: apt-get install dovecot-imapd");
  const root = process.getuid?.() === 0;
  // Dovecot refuses mail access as root: the mail user is then nobody, and the tree must be theirs.
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  const me = os.userInfo().username;
  fs.chmodSync(dir, 0o755);
  const home = path.join(dir, "home");
  const maildir = path.join(home, "Maildir");
  for (const f of ["", ".Sent"]) for (const sub of ["cur", "new", "tmp"]) fs.mkdirSync(path.join(maildir, f, sub), { recursive: true });
  const own = (p: string) => root && fs.chownSync(p, uid, gid);
  const ownTree = (p: string) => {
    own(p);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) ownTree(path.join(p, e));
  };
  ownTree(home);

  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  const [port, starttlsPort] = [await freePort(), await freePort()];
  const user = "me@example.org";
  const password = "correct horse battery staple";
  fs.writeFileSync(path.join(dir, "passwd"), `${user}:{PLAIN}${password}:${uid}:${gid}::${home}::\n`);
  const log = path.join(dir, "dovecot.log");
  const conf = path.join(dir, "dovecot.conf");
  fs.mkdirSync(path.join(dir, "run"));
  fs.writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/run
instance_name = crm-test-${port}
protocols = imap
listen = 127.0.0.1
log_path = ${log}
ssl = yes
ssl_cert = <${cert}
ssl_key = <${key}
mail_location = maildir:~/Maildir
# A test server: nothing to gain from waiting for the disk.
mail_fsync = never
disable_plaintext_auth = no
auth_mechanisms = plain login
# No slowing down after the wrong-password test.
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
${root ? "" : `default_internal_user = ${me}\ndefault_internal_group = ${me}\ndefault_login_user = ${me}\n`}passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = ${dir}/passwd
}
service imap-login {
  inet_listener imap {
    port = ${starttlsPort}
  }
  inet_listener imaps {
    port = ${port}
    ssl = yes
  }
  chroot =
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
`,
  );
  const child = spawn(DOVECOT, ["-F", "-c", conf], { stdio: "ignore" });
  // Never leave a server behind, even when the test run ends early.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  try {
    await greeted(starttlsPort, child, log);
  } catch (err) {
    child.kill("SIGTERM");
    throw err;
  }
  let n = 0;
  return {
    host: "127.0.0.1",
    port,
    starttlsPort,
    user,
    password,
    caFile: cert,
    maildir,
    deliver(folder, raw) {
      // Straight into cur/ (as read mail), so the server has no new/ to move on its first look.
      const file = path.join(folderDir(maildir, folder), "cur", `${Date.now()}.M${++n}P${process.pid}.crm-test:2,S`);
      fs.writeFileSync(file, raw.replace(/\r?\n/g, "\r\n"));
      own(file);
    },
    renumber(folder) {
      const where = folderDir(maildir, folder);
      const list = path.join(where, "dovecot-uidlist");
      const text = fs.readFileSync(list, "utf8");
      // The header line is "3 V<uidvalidity> N<next uid> G<guid>": a new V, and indexes that forget the old one.
      fs.writeFileSync(
        list,
        text.replace(/^(\d+) V(\d+)/, (_m, v, old) => `${v} V${Number(old) + 1000}`),
      );
      for (const f of fs.readdirSync(where)) if (f.startsWith("dovecot.index")) fs.rmSync(path.join(where, f));
    },
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A private, real Postfix on loopback for delivery tests: its own config, queue and data folders
 * under a temp dir, one smtpd on 127.0.0.1:<free port> with opportunistic STARTTLS (a throwaway
 * certificate), and virtual mailboxes delivered to Maildir folders the test reads. It does not
 * need, touch or start the system's Postfix. Needs root (Postfix drops to its own users).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { requirePeers, unavailable } from "./peers.js";

export interface PostfixOptions {
  /** Addresses with a mailbox; every other address of their domains is refused with 550 5.1.1. */
  readonly mailboxes: readonly string[];
  /** Addresses refused with 450 4.2.0 (a temporary failure). */
  readonly deferred?: readonly string[];
}

export interface Postfix {
  readonly port: number;
  /** The messages delivered to an address so far, as Postfix wrote them (LF line ends). */
  mail(address: string): Buffer[];
  /** Waits until an address holds at least `count` messages; throws after `timeoutMs`. */
  waitForMail(address: string, count: number, timeoutMs?: number): Promise<Buffer[]>;
  /** The instance's log, for failure messages. */
  log(): string;
}

/** Postfix's unprivileged account for mailbox files: virtual(8) refuses to deliver as root. */
const MAILBOX_UID = 65534;
const MAILBOX_GID = 65534;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const MASTER_CF = `
pickup    unix  n  -  n  60     1  pickup
cleanup   unix  n  -  n  -      0  cleanup
qmgr      unix  n  -  n  300    1  qmgr
tlsmgr    unix  -  -  n  1000?  1  tlsmgr
rewrite   unix  -  -  n  -      -  trivial-rewrite
bounce    unix  -  -  n  -      0  bounce
defer     unix  -  -  n  -      0  bounce
trace     unix  -  -  n  -      0  bounce
verify    unix  -  -  n  -      1  verify
flush     unix  n  -  n  1000?  0  flush
proxymap  unix  -  -  n  -      -  proxymap
smtp      unix  -  -  n  -      -  smtp
relay     unix  -  -  n  -      -  smtp
showq     unix  n  -  n  -      -  showq
error     unix  -  -  n  -      -  error
retry     unix  -  -  n  -      -  error
discard   unix  -  -  n  -      -  discard
local     unix  -  n  n  -      -  local
virtual   unix  -  n  n  -      -  virtual
lmtp      unix  -  -  n  -      -  lmtp
anvil     unix  -  -  n  -      1  anvil
scache    unix  -  -  n  -      1  scache
postlog   unix-dgram n  -  n  -  1  postlogd
`;

/**
 * Starts the instance, stopped (and any leftover process killed) when the test ends. Returns
 * undefined when Postfix is missing or cannot run here (the test is then skipped, or failed in CI).
 */
export async function startPostfix(t: TestContext, options: PostfixOptions): Promise<Postfix | undefined> {
  if (!requirePeers(t, ["postfix", "postconf", "openssl"])) return undefined;
  if (process.getuid?.() !== 0) {
    unavailable(t, "needs root to run a private Postfix instance");
    return undefined;
  }
  // Not tempDir(): the folder must outlive the instance, which is stopped in the same hook.
  const dir = mkdtempSync(join(tmpdir(), "porteiro-postfix-"));
  // Postfix's own users must reach the queue and the mailboxes under this folder.
  chmodSync(dir, 0o755);
  const etc = join(dir, "etc");
  const queue = join(dir, "queue");
  const data = join(dir, "data");
  const mailRoot = join(dir, "mail");
  for (const folder of [etc, queue, data, mailRoot]) mkdirSync(folder, { recursive: true });
  const postfixUser = spawnSync("id", ["-u", "postfix"], { encoding: "utf8" }).stdout.trim();
  chownSync(data, Number(postfixUser), 0);
  chownSync(mailRoot, MAILBOX_UID, MAILBOX_GID);

  const cert = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=mx.example.net"].concat([
      "-keyout",
      join(etc, "key.pem"),
      "-out",
      join(etc, "cert.pem"),
    ]),
    { encoding: "utf8", timeout: 30_000 },
  );
  if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr}`);

  const domains = [...new Set(options.mailboxes.map((a) => a.slice(a.indexOf("@") + 1)))];
  const port = await freePort();
  writeFileSync(
    join(etc, "vmailbox"),
    options.mailboxes.map((address) => `${address} ${mailboxFolder(address)}/\n`).join(""),
  );
  writeFileSync(
    join(etc, "access"),
    (options.deferred ?? []).map((address) => `${address} 450 4.2.0 try again later\n`).join(""),
  );
  writeFileSync(
    join(etc, "main.cf"),
    [
      "compatibility_level = 3.6",
      `queue_directory = ${queue}`,
      `data_directory = ${data}`,
      "mail_owner = postfix",
      "setgid_group = postdrop",
      "myhostname = postfix.test",
      "mydomain = test",
      "mydestination =",
      "inet_interfaces = loopback-only",
      "inet_protocols = ipv4",
      "mynetworks = 127.0.0.0/8",
      `maillog_file_prefixes = ${dir}`,
      `maillog_file = ${join(dir, "maillog")}`,
      "smtpd_peername_lookup = no",
      // Leave the messages as sent: no Message-ID/Date added, no address rewriting.
      "local_header_rewrite_clients =",
      "smtp_dns_support_level = disabled",
      `virtual_mailbox_domains = ${domains.join(" ")}`,
      `virtual_mailbox_base = ${mailRoot}`,
      `virtual_mailbox_maps = texthash:${join(etc, "vmailbox")}`,
      `virtual_uid_maps = static:${MAILBOX_UID}`,
      `virtual_gid_maps = static:${MAILBOX_GID}`,
      `smtpd_recipient_restrictions = check_recipient_access texthash:${join(etc, "access")}, permit_mynetworks, reject_unauth_destination`,
      "smtpd_tls_security_level = may",
      `smtpd_tls_cert_file = ${join(etc, "cert.pem")}`,
      `smtpd_tls_key_file = ${join(etc, "key.pem")}`,
      "alias_maps =",
      "alias_database =",
      "biff = no",
      "",
    ].join("\n"),
  );
  writeFileSync(join(etc, "master.cf"), `127.0.0.1:${port} inet n - n - - smtpd\n${MASTER_CF}`);

  const log = () => {
    try {
      return readFileSync(join(dir, "maillog"), "utf8");
    } catch {
      return "";
    }
  };
  const run = (...args: string[]) =>
    spawnSync("postfix", ["-c", etc, ...args], { encoding: "utf8", timeout: 60_000 });
  t.after(async () => {
    run("stop");
    await stopMaster(join(queue, "pid", "master.pid"));
    rmSync(dir, { recursive: true, force: true });
  });
  const started = run("start");
  if (started.status !== 0) throw new Error(`postfix start failed: ${started.stderr}\n${log()}`);
  await waitForPort(port, 15_000);

  const mail = (address: string): Buffer[] => {
    const folder = join(mailRoot, mailboxFolder(address), "new");
    let files: string[];
    try {
      files = readdirSync(folder).sort();
    } catch {
      return [];
    }
    return files.map((file) => readFileSync(join(folder, file)));
  };
  return {
    port,
    mail,
    log,
    async waitForMail(address, count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const messages = mail(address);
        if (messages.length >= count) return messages;
        if (Date.now() > deadline) {
          throw new Error(`${address} has ${messages.length} of ${count} messages\n${log()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** Waits (5 s at most) for the master to exit after `postfix stop`, then kills what is left. */
async function stopMaster(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return; // never started
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  // Its children exit by themselves once the master is gone.
  if (alive()) process.kill(pid, "SIGKILL");
}

function mailboxFolder(address: string): string {
  const at = address.indexOf("@");
  return `${address.slice(at + 1)}/${address.slice(0, at)}`;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portAccepts(port)) return;
    if (Date.now() > deadline) throw new Error(`postfix did not listen on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A private Postfix 3.7 configured as a submission service equivalent to porteiro's, on loopback:
 * STARTTLS required (throwaway certificate), AUTH PLAIN/LOGIN through Cyrus SASL with a sasldb,
 * AUTH only inside TLS, relaying only for authenticated clients, MAIL FROM tied to the login
 * (smtpd_sender_login_maps), everything relayed to the sink. Config, queue and data folders live
 * under one temp folder, so the queue is on the same disk as porteiro's spool. Needs root.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  childrenOf,
  cpuSecondsOf,
  freePort,
  log,
  onCleanup,
  pssOf,
  rssOf,
  sleep,
  waitForPort,
} from "./procs.js";

/** What `apt-get` must install for this peer (not part of scripts/install-peers.sh: CI does not bench). */
export const DEBIAN_PACKAGES = ["postfix", "sasl2-bin", "libsasl2-modules", "openssl"];

const NEEDED_COMMANDS = ["postfix", "postconf", "smtp-sink", "saslpasswd2", "openssl"];

/** The Postfix daemons whose resident memory counts as the submission service's. */
export const POSTFIX_SERVICE_PROCESSES = ["master", "smtpd", "cleanup", "qmgr", "smtp"];

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
anvil     unix  -  -  n  -      1  anvil
scache    unix  -  -  n  -      1  scache
postlog   unix-dgram n  -  n  -  1  postlogd
`;

/** Missing commands, and the apt-get line that installs them; undefined when all are there. */
export function missingPeers(): string | undefined {
  const missing = NEEDED_COMMANDS.filter(
    (command) => spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).status !== 0,
  );
  if (missing.length === 0) return undefined;
  return `missing ${missing.join(", ")}; install with:\n  apt-get install -y ${DEBIAN_PACKAGES.join(" ")}`;
}

export interface PostfixSubmission {
  readonly port: number;
  readonly version: string;
  /** The master's pid, read once it is up. */
  readonly masterPid: number;
  /** Resident memory of master + smtpd + cleanup + qmgr + smtp, and of all its processes. */
  rss(): { service: number; all: number; processes: number };
  /** Proportional set size of all its processes: shared library pages counted once. */
  pss(): number;
  /**
   * CPU seconds of the master and its live children, plus the children it has reaped (an
   * smtpd that ended mid-run counts there, with all of its time).
   */
  cpuSeconds(): number;
  /** Files in the queue (incoming, active, deferred, hold, maildrop): messages not delivered yet. */
  queued(): number;
  log(): string;
}

export async function startPostfixSubmission(options: {
  dir: string;
  sinkPort: number;
  user: string;
  realm: string;
  password: string;
  /** Dovecot's auth-client socket: `smtpd_sasl_type = dovecot` there instead of Cyrus SASL's sasldb. */
  dovecotSocket?: string;
}): Promise<PostfixSubmission> {
  const { dir, sinkPort } = options;
  if (process.getuid?.() !== 0) throw new Error("a private Postfix instance needs root");
  chmodSync(dir, 0o755);
  const etc = join(dir, "etc");
  const queue = join(dir, "queue");
  const data = join(dir, "data");
  for (const folder of [etc, queue, data]) mkdirSync(folder, { recursive: true });
  const postfixUid = Number(spawnSync("id", ["-u", "postfix"], { encoding: "utf8" }).stdout.trim());
  const postfixGid = Number(spawnSync("id", ["-g", "postfix"], { encoding: "utf8" }).stdout.trim());
  chownSync(data, postfixUid, 0);

  const cert = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=postfix.test"].concat([
      "-keyout",
      join(etc, "key.pem"),
      "-out",
      join(etc, "cert.pem"),
    ]),
    { encoding: "utf8", timeout: 30_000 },
  );
  if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr}`);

  // Cyrus SASL: a sasldb with the one account, read by smtpd (running as postfix), kept out of
  // etc/ (postfix check wants everything there owned by root).
  const saslDir = join(dir, "sasl");
  mkdirSync(saslDir);
  const sasldb = join(saslDir, "sasldb2");
  const saslpasswd = spawnSync("saslpasswd2", ["-p", "-c", "-f", sasldb, "-u", options.realm, options.user], {
    input: `${options.password}\n`,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (saslpasswd.status !== 0) throw new Error(`saslpasswd2 failed: ${saslpasswd.stderr}`);
  chownSync(sasldb, postfixUid, postfixGid);
  chmodSync(sasldb, 0o600);
  const smtpdConf = [
    "pwcheck_method: auxprop",
    "auxprop_plugin: sasldb",
    "mech_list: PLAIN LOGIN",
    `sasldb_path: ${sasldb}`,
    "",
  ].join("\n");
  // Debian's Postfix looks for smtpd.conf in $cyrus_sasl_config_path/sasl/ (seen with strace:
  // etc/sasl/smtpd.conf, then /usr/lib/sasl/); upstream reads $cyrus_sasl_config_path itself.
  mkdirSync(join(etc, "sasl"));
  writeFileSync(join(etc, "sasl", "smtpd.conf"), smtpdConf);
  writeFileSync(join(etc, "smtpd.conf"), smtpdConf);
  const address = `${options.user}@${options.realm}`;
  // The login owns its own address, like porteiro's sender check.
  writeFileSync(join(etc, "senders"), `${address} ${address}\n`);

  const port = await freePort();
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
      // porteiro runs with reverse_lookup off too.
      "smtpd_peername_lookup = no",
      "smtp_dns_support_level = disabled",
      `relayhost = [127.0.0.1]:${sinkPort}`,
      // Submission: TLS required, AUTH only inside it, relaying only for logged-in clients.
      "smtpd_tls_security_level = encrypt",
      "smtpd_tls_auth_only = yes",
      `smtpd_tls_cert_file = ${join(etc, "cert.pem")}`,
      `smtpd_tls_key_file = ${join(etc, "key.pem")}`,
      "smtpd_sasl_auth_enable = yes",
      ...(options.dovecotSocket
        ? ["smtpd_sasl_type = dovecot", `smtpd_sasl_path = ${options.dovecotSocket}`]
        : ["smtpd_sasl_type = cyrus", "smtpd_sasl_path = smtpd", `cyrus_sasl_config_path = ${etc}`]),
      "smtpd_sasl_security_options = noanonymous",
      `smtpd_sender_login_maps = texthash:${join(etc, "senders")}`,
      "smtpd_sender_restrictions = reject_sender_login_mismatch",
      "smtpd_relay_restrictions = permit_sasl_authenticated, reject",
      "smtpd_recipient_restrictions = permit_sasl_authenticated, reject",
      // porteiro's defaults: 25 MiB messages, 100 recipients.
      "message_size_limit = 26214400",
      "smtpd_recipient_limit = 100",
      "smtp_tls_security_level = none",
      "alias_maps =",
      "alias_database =",
      "biff = no",
      "",
    ].join("\n"),
  );
  writeFileSync(join(etc, "master.cf"), `127.0.0.1:${port} inet n - n - - smtpd\n${MASTER_CF}`);

  const maillog = () => {
    try {
      return readFileSync(join(dir, "maillog"), "utf8");
    } catch {
      return "";
    }
  };
  const run = (...args: string[]) =>
    spawnSync("postfix", ["-c", etc, ...args], { encoding: "utf8", timeout: 60_000 });
  const pidFile = join(queue, "pid", "master.pid");
  onCleanup("postfix", async () => {
    const master = readPid(pidFile);
    // Once the master is gone its children are re-parented, so note them first.
    const children = master === undefined ? [] : childrenOf(master).map((c) => c.pid);
    run("stop");
    if (master !== undefined) await stopMaster(master, children);
  });
  const checked = run("check");
  if (checked.status !== 0) throw new Error(`postfix check failed: ${checked.stderr}`);
  const started = run("start");
  if (started.status !== 0) throw new Error(`postfix start failed: ${started.stderr}\n${maillog()}`);
  await waitForPort(port, 15_000, "postfix");
  const masterPid = Number(readFileSync(pidFile, "utf8").trim());
  const version = spawnSync("postconf", ["-c", etc, "-h", "mail_version"], {
    encoding: "utf8",
  }).stdout.trim();
  log(`postfix ${version} (master pid ${masterPid}) on 127.0.0.1:${port}, queue in ${queue}`);

  return {
    port,
    version,
    masterPid,
    rss() {
      const children = childrenOf(masterPid);
      let service = rssOf(masterPid);
      let all = service;
      for (const child of children) {
        const rss = rssOf(child.pid);
        all += rss;
        if (POSTFIX_SERVICE_PROCESSES.includes(child.comm)) service += rss;
      }
      return { service, all, processes: children.length + 1 };
    },
    cpuSeconds() {
      return childrenOf(masterPid).reduce(
        (sum, child) => sum + cpuSecondsOf(child.pid),
        cpuSecondsOf(masterPid, true),
      );
    },
    pss() {
      return childrenOf(masterPid).reduce((sum, child) => sum + pssOf(child.pid), pssOf(masterPid));
    },
    queued() {
      const folders = ["incoming", "active", "deferred", "hold", "maildrop"].map((f) => join(queue, f));
      const out = spawnSync("find", [...folders, "-type", "f"], { encoding: "utf8" });
      return out.stdout.split("\n").filter(Boolean).length;
    },
    log: maillog,
  };
}

function readPid(pidFile: string): number | undefined {
  try {
    return Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return undefined; // never started
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (5 s at most) for the master to exit after `postfix stop`, then kills what is left of it. */
async function stopMaster(master: number, children: readonly number[]): Promise<void> {
  for (let i = 0; i < 50 && alive(master); i++) await sleep(100);
  if (alive(master)) process.kill(master, "SIGKILL");
  await sleep(300);
  for (const pid of children) if (alive(pid)) process.kill(pid, "SIGKILL");
}

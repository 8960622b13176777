/**
 * A private Dovecot running only its auth service, for porteiro's `backend: dovecot` and Postfix's
 * `smtpd_sasl_type = dovecot` to share in one run: a passwd-file passdb holding the bench's
 * account as SHA512-CRYPT (what an ISP's Dovecot typically stores) and Dovecot's auth cache on,
 * as an ISP would run it. Needs root (Dovecot drops to its own users).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { log, onCleanup, sleep, stopChild } from "./procs.js";

export interface BenchDovecot {
  /** The auth-client socket both servers name. */
  readonly socket: string;
  readonly version: string;
  readonly process: ChildProcess;
}

export async function startDovecotAuth(
  dir: string,
  address: string,
  password: string,
): Promise<BenchDovecot> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const folder of ["run", "state"]) mkdirSync(join(dir, folder));
  const hash = spawnSync("doveadm", ["pw", "-s", "SHA512-CRYPT", "-p", password], { encoding: "utf8" });
  if (hash.status !== 0) throw new Error(`doveadm pw: ${hash.stderr}`);
  writeFileSync(join(dir, "users"), `${address}:${hash.stdout.trim()}\n`);
  const socket = join(dir, "auth-client");
  const config = join(dir, "dovecot.conf");
  writeFileSync(
    config,
    [
      "protocols =",
      `base_dir = ${join(dir, "run")}`,
      `state_dir = ${join(dir, "state")}`,
      `log_path = ${join(dir, "dovecot.log")}`,
      "ssl = no",
      "auth_mechanisms = plain login",
      "auth_cache_size = 10M",
      "auth_cache_ttl = 1 hour",
      `passdb {\n  driver = passwd-file\n  args = ${join(dir, "users")}\n}`,
      `userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=${dir}\n}`,
      `service auth {\n  unix_listener ${socket} {\n    mode = 0666\n  }\n}`,
      "",
    ].join("\n"),
  );
  const child = spawn("dovecot", ["-F", "-c", config], { stdio: "ignore" });
  onCleanup("dovecot", () => stopChild(child));
  for (let waited = 0; !existsSync(socket); waited += 50) {
    if (waited > 15_000 || child.exitCode !== null)
      throw new Error(`dovecot did not start (see ${dir}/dovecot.log)`);
    await sleep(50);
  }
  const version =
    spawnSync("dovecot", ["--version"], { encoding: "utf8" }).stdout.trim().split(" ")[0] ?? "?";
  log(`dovecot ${version} (pid ${child.pid}) auth on ${socket}`);
  return { socket, version, process: child };
}

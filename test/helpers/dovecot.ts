import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { tempDir } from "./tmp.js";

export interface PrivateDovecot {
  /** Its auth-client socket, the one Postfix's smtpd_sasl_path names. */
  readonly socket: string;
}

/** `doveadm pw`'s hash of `password` in `scheme`, as the passwd-file holds it. */
export function dovecotHash(scheme: string, password: string): string {
  const made = spawnSync("doveadm", ["pw", "-s", scheme, "-p", password], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (made.status !== 0) throw new Error(`doveadm pw: ${made.stderr}`);
  return made.stdout.trim();
}

/**
 * A private Dovecot running only its auth service, on a socket in a temp folder, with a
 * passwd-file passdb of `users` (address → `{SCHEME}hash` line). Stopped (by its pid) after the test.
 */
export async function startDovecot(t: TestContext, users: Record<string, string>): Promise<PrivateDovecot> {
  const dir = tempDir(t, "dovecot");
  // Dovecot's auth process reads the passwd-file as its own user (dovecot), not as root.
  chmodSync(dir, 0o755);
  for (const folder of ["run", "state"]) mkdirSync(join(dir, folder));
  const socket = join(dir, "auth-client");
  writeFileSync(
    join(dir, "users"),
    Object.entries(users)
      .map(([address, hash]) => `${address}:${hash}\n`)
      .join(""),
  );
  const config = join(dir, "dovecot.conf");
  writeFileSync(
    config,
    [
      "protocols =",
      `base_dir = ${join(dir, "run")}`,
      `state_dir = ${join(dir, "state")}`,
      `log_path = ${join(dir, "dovecot.log")}`,
      "ssl = no",
      "auth_mechanisms = plain",
      // No answer is delayed: the tests check answers, not Dovecot's brake on guessing.
      "auth_failure_delay = 0",
      `passdb {\n  driver = passwd-file\n  args = ${join(dir, "users")}\n}`,
      `userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=${dir}\n}`,
      `service auth {\n  unix_listener ${socket} {\n    mode = 0666\n  }\n}`,
      "",
    ].join("\n"),
  );
  const dovecot = spawn("dovecot", ["-F", "-c", config], { stdio: "ignore" });
  t.after(async () => {
    if (dovecot.exitCode !== null) return;
    const exited = new Promise((resolve) => dovecot.once("exit", resolve));
    dovecot.kill("SIGTERM");
    await exited;
  });
  for (let waited = 0; !existsSync(socket); waited += 50) {
    if (waited > 15_000 || dovecot.exitCode !== null)
      throw new Error(`dovecot did not start (see ${dir}/dovecot.log)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { socket };
}

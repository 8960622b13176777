/**
 * What `--sessions one-message` adds for first logins: accounts never seen before (imported from
 * a Dovecot passwd-file as {SSHA512}, so each first login costs one scrypt hash, the upgrade to
 * porteiro's own hash), the rate two hash threads reach on their own, and the cold-login load
 * (load.ts cold-logins) in its own process.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes, scryptSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ColdLoginOptions, ColdLoginResult } from "./load.js";
import { onCleanup, stopChild } from "./procs.js";

export const COLD_PREFIX = "cold";
export const COLD_DOMAIN = "example.net";

/** `count` accounts cold0@… cold{count-1}@…, all with `password`, imported into `data` with `porteiro users import`. */
export function importColdAccounts(root: string, data: string, count: number, password: string): void {
  const lines = Array.from({ length: count }, (_, n) => {
    const salt = randomBytes(8);
    const digest = createHash("sha512").update(password).update(salt).digest();
    return `${COLD_PREFIX}${n}@${COLD_DOMAIN}:{SSHA512}${Buffer.concat([digest, salt]).toString("base64")}\n`;
  });
  const file = join(data, "..", "cold-users.passwd");
  writeFileSync(file, lines.join(""));
  const imported = spawnSync(
    process.execPath,
    [join(root, "bin", "porteiro.js"), "users", "import", file, "--data", data],
    { cwd: root, encoding: "utf8", timeout: 300_000 },
  );
  if (imported.status !== 0) throw new Error(`porteiro users import failed: ${imported.stderr}`);
}

/**
 * Hashes a second `threads` threads could make at scrypt's 2^log2N, 8, 1, from the median of
 * five hashes timed here alone: the ceiling first logins meet when the hash is all they cost.
 */
export function hashCapacity(threads: number, log2N: number): { hashMs: number; perSecond: number } {
  const times = Array.from({ length: 5 }, () => {
    const start = process.hrtime.bigint();
    scryptSync("bench-password", randomBytes(16), 64, {
      N: 2 ** log2N,
      r: 8,
      p: 1,
      maxmem: 2 ** (log2N + 11),
    });
    return Number(process.hrtime.bigint() - start) / 1e6;
  }).sort((a, b) => a - b);
  const hashMs = times[2] as number;
  return { hashMs, perSecond: (threads * 1000) / hashMs };
}

/** Runs load.ts cold-logins in its own process and returns its JSON line. */
export async function runColdLoginProcess(
  here: string,
  root: string,
  options: ColdLoginOptions,
): Promise<ColdLoginResult> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(here, "load.ts"), "cold-logins", JSON.stringify(options)],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  onCleanup("cold logins", () => stopChild(child, 1000));
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the cold-login generator failed (exit ${code})`);
  const result = JSON.parse(out.trim().split("\n").pop() as string) as ColdLoginResult;
  return { ...result, p50Ms: result.p50Ms ?? Number.NaN, p99Ms: result.p99Ms ?? Number.NaN };
}

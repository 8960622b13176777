import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";

/** A free UDP port on loopback (closed again at once; rbldnsd binds it right after). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  const { port } = socket.address();
  socket.close();
  return port;
}

/**
 * Runs the real rbldnsd in the foreground on 127.0.0.1 with the given zone specs
 * (`zone:type:file`, files relative to `dir`), until the test ends. Resolves once it serves.
 */
export async function startRbldnsd(t: TestContext, dir: string, zones: readonly string[]): Promise<number> {
  const port = await freeUdpPort();
  // Started as root, rbldnsd reads its files as the rbldns user: open the folder to it.
  chmodSync(dir, 0o755);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
  const child: ChildProcess = spawn("rbldnsd", ["-n", "-b", `127.0.0.1/${port}`, "-w", dir, ...zones], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  t.after(() => {
    child.kill("SIGTERM");
  });
  for (let i = 0; i < 100; i++) {
    if (/ started /.test(log)) return port;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`rbldnsd did not start:\n${log}`);
}

/** A records per name, asked in one dig run (`-f`, batch file in `dir`); names with no A are absent. */
export function digA(port: number, names: readonly string[], dir: string): Map<string, string[]> {
  const batch = join(dir, "dig-batch.txt");
  writeFileSync(batch, `${names.map((n) => `${n} A`).join("\n")}\n`);
  const result = spawnSync(
    "dig",
    ["@127.0.0.1", "-p", String(port), "+noall", "+answer", "+tries=2", "+time=2", "-f", batch],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  if (result.status !== 0)
    throw new Error(`dig failed (${result.status}): ${result.stderr}${result.stdout.slice(-500)}`);
  const answers = new Map<string, string[]>();
  for (const line of result.stdout.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || fields[3] !== "A") continue;
    const name = (fields[0] as string).replace(/\.$/, "").toLowerCase();
    answers.set(name, [...(answers.get(name) ?? []), fields[4] as string]);
  }
  return answers;
}

/** A real nfcapd capture of mail.pcap: softflowd exports it as NetFlow v9 to a live nfcapd. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

export const FIXTURES = "test/fixtures/flows/nfdump";

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

async function waitFor(child: ChildProcess, text: string): Promise<void> {
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nfcapd did not say "${text}": ${seen}`)), 10_000);
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
  });
}

/** The capture file's path, or undefined (the test skipped) when softflowd, nfcapd or nfdump is missing. */
export async function captureMailPcap(t: TestContext): Promise<string | undefined> {
  if (!requirePeers(t, ["softflowd", "nfcapd", "nfdump"])) return undefined;
  const dir = tempDir(t, "nfcapd");
  const port = await freeUdpPort();
  const nfcapd = spawn("nfcapd", ["-p", String(port), "-b", "127.0.0.1", "-w", dir, "-t", "60"]);
  const exited = new Promise((resolve) => nfcapd.once("exit", resolve));
  t.after(() => nfcapd.kill("SIGKILL"));
  await waitFor(nfcapd, "Startup");
  const export_ = spawnSync(
    "softflowd",
    ["-r", `${FIXTURES}/mail.pcap`, "-n", `127.0.0.1:${port}`, "-v", "9", "-a"],
    { timeout: 30_000 },
  );
  assert.equal(export_.status, 0, String(export_.stderr));
  await new Promise((resolve) => setTimeout(resolve, 500));
  nfcapd.kill("SIGTERM");
  await exited;
  const capture = readdirSync(dir, { recursive: true })
    .map(String)
    .find((name) => /nfcapd\.\d{12}$/.test(name));
  assert.ok(capture, "nfcapd wrote no capture file");
  return join(dir, capture);
}

/** `nfdump -r capture -o FORMAT [filter options]` run with TZ=UTC; its output. */
export function nfdump(capture: string, format: "json" | "csv", ...more: string[]): string {
  const output = spawnSync("nfdump", ["-r", capture, "-o", format, ...more], {
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(output.status, 0, output.stderr);
  return output.stdout;
}

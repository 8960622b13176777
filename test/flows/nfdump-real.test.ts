/**
 * The fixtures' own pipeline, run live: softflowd reads mail.pcap and exports NetFlow v9 to a
 * real nfcapd; the real nfdump prints the capture as JSON and CSV; porteiro reads both and must
 * find what the checked-in fixtures hold. Needs softflowd, nfcapd and nfdump.
 */
import assert from "node:assert/strict";
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NfdumpCsvReader } from "../../src/flows/nfdump-csv.js";
import { NfdumpJsonReader } from "../../src/flows/nfdump-json.js";
import { requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { collectingSink, feed } from "./nfdump-render.js";

const FIXTURES = "test/fixtures/flows/nfdump";

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

test("softflowd → nfcapd → nfdump output reads the same as the checked-in fixtures", async (t) => {
  if (!requirePeers(t, ["softflowd", "nfcapd", "nfdump"])) return;
  const dir = tempDir(t, "nfdump-real");
  const port = await freeUdpPort();
  const nfcapd = spawn("nfcapd", ["-p", String(port), "-b", "127.0.0.1", "-w", dir, "-t", "60"]);
  const exited = new Promise((resolve) => nfcapd.once("exit", resolve));
  t.after(() => nfcapd.kill("SIGKILL"));
  await waitFor(nfcapd, "Startup");
  const export_ = spawnSync(
    "softflowd",
    ["-r", `${FIXTURES}/mail.pcap`, "-n", `127.0.0.1:${port}`, "-v", "9", "-a"],
    {
      timeout: 30_000,
    },
  );
  assert.equal(export_.status, 0, String(export_.stderr));
  await new Promise((resolve) => setTimeout(resolve, 500));
  nfcapd.kill("SIGTERM");
  await exited;
  const capture = readdirSync(dir, { recursive: true })
    .map(String)
    .find((name) => /nfcapd\.\d{12}$/.test(name));
  assert.ok(capture, "nfcapd wrote no capture file");

  for (const [format, Reader] of [
    ["json", NfdumpJsonReader],
    ["csv", NfdumpCsvReader],
  ] as const) {
    const output: SpawnSyncReturns<string> = spawnSync("nfdump", ["-r", join(dir, capture), "-o", format], {
      encoding: "utf8",
      env: { ...process.env, TZ: "UTC" },
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(output.status, 0, output.stderr);
    const live = collectingSink();
    feed(new Reader(live), output.stdout);
    const fixture = collectingSink();
    feed(new Reader(fixture), readFileSync(`${FIXTURES}/mail.${format}`, "utf8"));
    assert.deepEqual(live.collected.bad, []);
    assert.equal(live.collected.mail.length, 127);
    assert.deepEqual(live.collected, fixture.collected, format);
  }
});

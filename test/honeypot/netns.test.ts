/**
 * Proof that nothing leaves the sensor: `porteiro honeypot serve` runs in a network namespace
 * with only loopback and a veth to a client namespace (192.0.2.0/24, a default route through the
 * client so any outbound packet would have a way out). An nftables counter on the sensor's
 * output chain counts every packet that is neither loopback nor part of a connection the client
 * opened. Clients ask the proxies for 198.51.100.25:25 (mail) and 198.51.100.25/.80 on port 80;
 * afterwards the counter and the sensor's own outbound-attempt count must both be zero.
 * Needs root, iproute2, nftables and curl (skips without them; fails under CI=true).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { requireNetns, requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MESSAGE = fileURLToPath(new URL("../fixtures/honeypot/message.eml", import.meta.url));
const SENSOR_ADDRESS = "192.0.2.1";
const CLIENT_ADDRESS = "192.0.2.2";

function sh(args: readonly string[]): string {
  const result = spawnSync(args[0] as string, args.slice(1), { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(`${args.join(" ")}: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

test("the sensor in its own namespace sends no packet and opens no connection while proxying mail", async (t) => {
  if (!requireNetns(t) || !requirePeers(t, ["nft", "curl"])) return;
  const sensorNs = `hp-s-${process.pid}`;
  const clientNs = `hp-c-${process.pid}`;
  const data = tempDir(t, "honeypot-netns");
  t.after(() => {
    spawnSync("ip", ["netns", "delete", sensorNs]);
    spawnSync("ip", ["netns", "delete", clientNs]);
  });
  sh(["ip", "netns", "add", sensorNs]);
  sh(["ip", "netns", "add", clientNs]);
  sh([
    "ip",
    "link",
    "add",
    "hps0",
    "netns",
    sensorNs,
    "type",
    "veth",
    "peer",
    "name",
    "hpc0",
    "netns",
    clientNs,
  ]);
  for (const [ns, dev, address] of [
    [sensorNs, "hps0", SENSOR_ADDRESS],
    [clientNs, "hpc0", CLIENT_ADDRESS],
  ] as const) {
    sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    sh(["ip", "-n", ns, "addr", "add", `${address}/24`, "dev", dev]);
    sh(["ip", "-n", ns, "link", "set", dev, "up"]);
  }
  sh(["ip", "-n", sensorNs, "route", "add", "default", "via", CLIENT_ADDRESS]);
  // The link is IPv4 only: without this the kernel's own IPv6 neighbour discovery would be counted.
  sh([
    "ip",
    "netns",
    "exec",
    sensorNs,
    "sysctl",
    "-qw",
    "net.ipv6.conf.all.disable_ipv6=1",
    "net.ipv6.conf.hps0.disable_ipv6=1",
  ]);
  const rules = join(data, "sensor.nft");
  writeFileSync(
    rules,
    [
      "table inet porteiro_honeypot {",
      "  chain output {",
      "    type filter hook output priority 0; policy accept;",
      "    oif lo accept",
      "    ct state established,related accept",
      "    counter drop",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  sh(["ip", "netns", "exec", sensorNs, "nft", "-f", rules]);

  const sensor = spawn(
    "ip",
    [
      "netns",
      "exec",
      sensorNs,
      process.execPath,
      "--import",
      "tsx",
      "src/cli/index.ts",
      "honeypot",
      "serve",
      "--data",
      data,
      "--http",
      `${SENSOR_ADDRESS}:8080`,
      "--socks",
      `${SENSOR_ADDRESS}:1080`,
      "--smtp",
      `${SENSOR_ADDRESS}:2525`,
    ],
    { cwd: ROOT, env: { ...process.env, PORTEIRO_LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  t.after(() => sensor.kill("SIGKILL"));
  let stdout = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sensor did not start: ${stdout}`)), 30_000);
    sensor.stdout.on("data", (d) => {
      stdout += d;
      if (stdout.split("\n").filter((l) => l.includes("listening on")).length === 3) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  const inClient = (args: string[]) =>
    spawnSync("ip", ["netns", "exec", clientNs, ...args], { encoding: "utf8", timeout: 20_000 });
  const mail = inClient([
    "curl",
    "-sS",
    "--max-time",
    "10",
    "--url",
    "smtp://198.51.100.25:25/bot.example",
    "--mail-from",
    "a@sender.example",
    "--mail-rcpt",
    "b@victim.example",
    "--upload-file",
    MESSAGE,
    "--socks5",
    `${SENSOR_ADDRESS}:1080`,
  ]);
  assert.equal(mail.status, 0, mail.stderr);
  const tunnel = inClient([
    "curl",
    "-sS",
    "--max-time",
    "10",
    "--url",
    "smtp://198.51.100.25:25/bot.example",
    "--mail-from",
    "a@sender.example",
    "--mail-rcpt",
    "c@victim.example",
    "--upload-file",
    MESSAGE,
    "--proxy",
    `http://${SENSOR_ADDRESS}:8080`,
    "--proxytunnel",
  ]);
  assert.equal(tunnel.status, 0, tunnel.stderr);
  const web = inClient([
    "curl",
    "-s",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "--max-time",
    "10",
    "--proxy",
    `http://${SENSOR_ADDRESS}:8080`,
    "http://198.51.100.80/",
  ]);
  assert.equal(web.stdout, "504");
  const socksWeb = inClient([
    "curl",
    "-sS",
    "--max-time",
    "10",
    "--socks5",
    `${SENSOR_ADDRESS}:1080`,
    "http://198.51.100.25/",
  ]);
  assert.equal(socksWeb.status, 97);

  const exited = new Promise<number | null>((resolve) => sensor.on("exit", (code) => resolve(code)));
  sensor.kill("SIGTERM");
  assert.equal(await exited, 0);

  const ruleset = sh(["ip", "netns", "exec", sensorNs, "nft", "list", "table", "inet", "porteiro_honeypot"]);
  const packets = /counter packets (\d+) bytes \d+ drop/.exec(ruleset)?.[1];
  assert.equal(packets, "0", ruleset);
  // The counter does see what leaves: one connection attempt from the namespace moves it.
  spawnSync("ip", ["netns", "exec", sensorNs, "curl", "-s", "--max-time", "2", "http://198.51.100.25:25/"]);
  const probed = sh(["ip", "netns", "exec", sensorNs, "nft", "list", "table", "inet", "porteiro_honeypot"]);
  assert.notEqual(/counter packets (\d+) bytes \d+ drop/.exec(probed)?.[1], "0");

  const counters = JSON.parse(
    sh([
      process.execPath,
      "--import",
      "tsx",
      `${ROOT}src/cli/index.ts`,
      "honeypot",
      "counters",
      "--data",
      data,
    ]),
  ) as Record<string, number>;
  assert.equal(counters.outbound_attempts ?? 0, 0);
  assert.equal(counters.proxy_requests_to_mail, 2);
  assert.equal(counters.proxy_requests_refused, 2);
  const report = JSON.parse(
    sh([
      process.execPath,
      "--import",
      "tsx",
      `${ROOT}src/cli/index.ts`,
      "honeypot",
      "report",
      "--data",
      data,
      "--by",
      "listener",
      "--format",
      "json",
    ]),
  ) as { rows: { key: string; sessions: number; messages: number; recipients: number }[] };
  assert.deepEqual(
    report.rows.map((r) => [r.key, r.sessions, r.messages, r.recipients]),
    [
      ["http", 2, 1, 1],
      ["socks5", 2, 1, 1],
    ],
  );
});

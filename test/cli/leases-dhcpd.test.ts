/**
 * A real ISC dhcpd leases addresses to a real dhclient across a veth pair between two network
 * namespaces (192.0.2.0/24 only); the client renews, then releases. The lease file dhcpd wrote is
 * imported with `porteiro leases import --format dhcpd` and looked up: the client holds its address
 * from its first ACK until the release, and no one after. Once with dhcpd's default UTC times and
 * once with `db-time-format local` (`epoch N; # …`). Needs root, iproute2, isc-dhcp-server and
 * isc-dhcp-client (skips without them; fails under CI=true).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openStore } from "../../src/store/index.js";
import { importLeases, LeaseIndex } from "../../src/subscribers/index.js";
import { requireNetns, requirePeers } from "../helpers/peers.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro } from "./run.js";

const CLIENT_MAC = "02:00:00:00:21:01";
const CLIENT_ID = "porteiro-test";
const HOSTNAME = "ana-laptop";

function sh(args: readonly string[]): string {
  const result = spawnSync(args[0] as string, args.slice(1), { encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) throw new Error(`${args.join(" ")}: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** Waits, for at most 20 s, until the file says `ready`; fails the test with what it says otherwise. */
async function until(file: string, what: string, ready: (text: string) => boolean): Promise<string> {
  for (let tries = 0; tries < 200; tries++) {
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (ready(text)) return text;
    await sleep(100);
  }
  assert.fail(`${file} never showed ${what}:\n${existsSync(file) ? readFileSync(file, "utf8") : "(absent)"}`);
}

const records = (text: string, state: string) => text.split(`binding state ${state};`).length - 1;

/** dhcpd in one namespace, dhclient in another; returns the lease file and the instants the test saw. */
async function leaseAndRelease(t: TestContext, dir: string, timeFormat: "default" | "local") {
  const tag = `${process.pid % 100_000}${timeFormat[0]}`;
  const serverNs = `pdh-s-${tag}`;
  const clientNs = `pdh-c-${tag}`;
  let dhcpd: ChildProcess | undefined;
  t.after(() => {
    dhcpd?.kill("SIGTERM");
    const clientPid = join(dir, "dhclient.pid");
    if (existsSync(clientPid)) spawnSync("kill", [readFileSync(clientPid, "utf8").trim()]);
    spawnSync("ip", ["netns", "delete", serverNs]);
    spawnSync("ip", ["netns", "delete", clientNs]);
  });
  sh(["ip", "netns", "add", serverNs]);
  sh(["ip", "netns", "add", clientNs]);
  sh([
    "ip",
    "link",
    "add",
    `pds${tag}`,
    "netns",
    serverNs,
    "type",
    "veth",
    "peer",
    "name",
    `pdc${tag}`,
    "netns",
    clientNs,
  ]);
  sh(["ip", "-n", clientNs, "link", "set", `pdc${tag}`, "address", CLIENT_MAC]);
  sh(["ip", "-n", serverNs, "address", "add", "192.0.2.1/24", "dev", `pds${tag}`]);
  for (const [ns, dev] of [
    [serverNs, `pds${tag}`],
    [clientNs, `pdc${tag}`],
  ] as const) {
    sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    sh(["ip", "-n", ns, "link", "set", dev, "up"]);
  }

  const leases = join(dir, "dhcpd.leases");
  writeFileSync(leases, "");
  writeFileSync(
    join(dir, "dhcpd.conf"),
    [
      `db-time-format ${timeFormat};`,
      "authoritative;",
      "ping-check false;",
      // Short leases, so that the client renews within the test.
      "default-lease-time 4;",
      "min-lease-time 4;",
      "max-lease-time 4;",
      "subnet 192.0.2.0 netmask 255.255.255.0 { range 192.0.2.100 192.0.2.110; }",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "dhclient.conf"),
    `send dhcp-client-identifier "${CLIENT_ID}";\nsend host-name "${HOSTNAME}";\n`,
  );
  // The client's own script: it sets the address on its veth, and touches nothing else (no resolv.conf).
  const hook = join(dir, "dhclient-hook.sh");
  writeFileSync(
    hook,
    [
      "#!/bin/sh",
      'case "$reason" in',
      '  BOUND|RENEW|REBIND|REBOOT) ip address replace "$new_ip_address/24" dev "$interface" ;;',
      '  RELEASE|EXPIRE|STOP) [ -n "$old_ip_address" ] && ip address del "$old_ip_address/24" dev "$interface" ;;',
      "esac",
      "exit 0",
      "",
    ].join("\n"),
  );
  chmodSync(hook, 0o755);

  dhcpd = spawn(
    "ip",
    [
      "netns",
      "exec",
      serverNs,
      "dhcpd",
      "-4",
      "-f",
      "-q",
      "-cf",
      join(dir, "dhcpd.conf"),
      "-lf",
      leases,
      "-pf",
      join(dir, "dhcpd.pid"),
      `pds${tag}`,
    ],
    { stdio: "ignore" },
  );
  await until(leases, "dhcpd's header", (text) => text.includes("dhcpd.leases(5)"));

  const client = [
    "-4",
    "-cf",
    join(dir, "dhclient.conf"),
    "-sf",
    hook,
    "-lf",
    join(dir, "dhclient.leases"),
    "-pf",
    join(dir, "dhclient.pid"),
    `pdc${tag}`,
  ];
  sh(["ip", "netns", "exec", clientNs, "dhclient", "-1", ...client]);
  const boundMs = Date.now();
  const address = /fixed-address (\S+);/.exec(readFileSync(join(dir, "dhclient.leases"), "utf8"))?.[1];
  assert.ok(address, "dhclient wrote the address it was given");
  await until(leases, "a renewal", (text) => records(text, "active") >= 2);
  sh(["ip", "netns", "exec", clientNs, "dhclient", "-r", ...client]);
  const releasedMs = Date.now();
  const text = await until(leases, "the release", (text) => records(text, "free") >= 1);
  dhcpd.kill("SIGTERM");
  return { leases, text, address, boundMs, releasedMs };
}

const iso = (ms: number) => new Date(ms).toISOString();
const bytesAsHex = (text: string) =>
  Buffer.from(text)
    .toString("hex")
    .replace(/(..)(?=.)/g, "$1:");

for (const timeFormat of ["default", "local"] as const) {
  test(`a real dhcpd (db-time-format ${timeFormat}) leasing to a real dhclient: its file imports and names the holder until the release`, async (t) => {
    if (!requireNetns(t) || !requirePeers(t, ["dhcpd", "dhclient"])) return;
    const dir = tempDir(t, `leases-dhcpd-${timeFormat}`);
    const { leases, text, address, boundMs, releasedMs } = await leaseAndRelease(t, dir, timeFormat);
    assert.equal(
      text.includes("starts epoch "),
      timeFormat === "local",
      "dhcpd wrote the time format asked for",
    );

    const data = join(dir, "data");
    const imported = porteiro(["leases", "import", leases, "--format", "dhcpd", "--data", data]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, / [1-9]\d* new, 0 updated, 0 already known, 0 bad records skipped\n$/);
    const again = porteiro(["leases", "import", leases, "--format", "dhcpd", "--data", data]);
    assert.match(again.stdout, /: 0 new, 0 updated, [1-9]\d* already known, 0 bad records skipped\n$/);
    const held = porteiro([
      "leases",
      "lookup",
      address,
      "--at",
      iso(boundMs),
      "--format",
      "json",
      "--data",
      data,
    ]);
    assert.equal(held.status, 0, held.stderr);
    assert.equal(JSON.parse(held.stdout).subscriber, CLIENT_MAC);
    const afterRelease = porteiro([
      "leases",
      "lookup",
      address,
      "--at",
      iso(releasedMs + 1000),
      "--data",
      data,
    ]);
    assert.equal(afterRelease.status, 1, afterRelease.stdout);
    assert.match(afterRelease.stderr, /^no lease covers /);

    // The other identities the client's records carry, read by the same import in process.
    for (const [identity, subscriber] of [
      ["uid", bytesAsHex(CLIENT_ID)],
      ["hostname", HOSTNAME],
    ] as const) {
      const store = openStore(join(dir, `data-${identity}`));
      t.after(() => store.close());
      const result = await importLeases(store, leases, "dhcpd", { identity });
      assert.equal(result.skipped, 0, identity);
      const index = LeaseIndex.load(store);
      assert.equal(index.subscriberAt(address, boundMs), subscriber, identity);
      assert.equal(index.subscriberAt(address, releasedMs + 1000), null, identity);
    }
  });
}

/**
 * Real exporters: softflowd reads a pcap of known shape and exports NetFlow v5, v9 and IPFIX to
 * porteiro's collector over loopback; the aggregates must match the traffic. The same pcap goes
 * through softflowd to nfcapd, and nfdump's per-source, per-port sums must equal porteiro's.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { formatIpv4, formatIpv6 } from "../../src/core/index.js";
import { startCollector } from "../../src/flows/intake/collector.js";
import type { HourlyAggregate } from "../../src/flows/mail-flow.js";
import { requirePeers } from "../helpers/peers.js";
import { type TcpPacket, writePcap } from "./pcap.js";

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const MAIL = new Set([25, 587, 465]);

const dir = mkdtempSync(join(tmpdir(), "porteiro-softflowd-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Half past an hour two hours ago: recent enough for uptime-relative times, far from an hour edge. */
const BASE_S = Math.floor(Date.now() / 3_600_000) * 3600 - 2 * 3600 + 1800;

interface Session {
  family: 4 | 6;
  src: number | bigint;
  dst: number | bigint;
  dstPort: number;
  /** Whether the server answers; without it the client only sends `syns` SYNs. */
  answered: boolean;
  dataPackets: number;
}

const v4 = (text: string) => text.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const v6 = (suffix: number) => 0x20010db8000000000000000000000000n + BigInt(suffix);

function sessions(): Session[] {
  const out: Session[] = [];
  // A bot: SYNs to 25 at 12 different MXes, no answer.
  for (let i = 1; i <= 12; i++)
    out.push({
      family: 4,
      src: v4("192.0.2.66"),
      dst: v4(`203.0.113.${i}`),
      dstPort: 25,
      answered: false,
      dataPackets: 0,
    });
  // A legitimate user on 587 (twice) and 465, plus web traffic that must be dropped.
  for (const dstPort of [587, 587, 465, 80, 443])
    out.push({
      family: 4,
      src: v4("192.0.2.10"),
      dst: v4("198.51.100.25"),
      dstPort,
      answered: true,
      dataPackets: 4,
    });
  // A relay delivering on 25 to three MXes.
  for (let i = 1; i <= 3; i++)
    out.push({
      family: 4,
      src: v4("198.51.100.5"),
      dst: v4(`203.0.113.${100 + i}`),
      dstPort: 25,
      answered: true,
      dataPackets: 6,
    });
  // IPv6: one bot-like source, one submission client.
  for (let i = 1; i <= 4; i++)
    out.push({
      family: 6,
      src: v6(0x66),
      dst: v6(0x10000 + i),
      dstPort: 25,
      answered: false,
      dataPackets: 0,
    });
  out.push({ family: 6, src: v6(0x10), dst: v6(0x20025), dstPort: 587, answered: true, dataPackets: 2 });
  return out;
}

/** The packets of every session, interleaved in time, and the client→server sums porteiro must see. */
function traffic(list: Session[]): { packets: TcpPacket[]; expected: Map<string, Expected> } {
  const packets: TcpPacket[] = [];
  const expected = new Map<string, Expected>();
  list.forEach((s, n) => {
    let t = BASE_S + n * 0.05;
    const srcPort = 30000 + n;
    const header = s.family === 4 ? 40 : 60;
    const tick = () => {
      t += 0.001;
      return t;
    };
    const sent = (flags: number, payload: number) => {
      packets.push({
        time: tick(),
        family: s.family,
        src: s.src,
        dst: s.dst,
        srcPort,
        dstPort: s.dstPort,
        flags,
        payload,
      });
      if (!MAIL.has(s.dstPort)) return;
      const source = s.family === 4 ? formatIpv4(Number(s.src)) : formatIpv6(BigInt(s.src));
      const key = `${source}|${s.dstPort}`;
      const e = expected.get(key) ?? {
        flows: 0,
        packets: 0,
        bytes: 0,
        synOnly: 0,
        shortFlows: 0,
        dsts: new Set(),
      };
      e.packets++;
      e.bytes += header + payload;
      e.dsts.add(String(s.dst));
      expected.set(key, e);
    };
    const received = (flags: number) =>
      packets.push({
        time: tick(),
        family: s.family,
        src: s.dst,
        dst: s.src,
        srcPort: s.dstPort,
        dstPort: srcPort,
        flags,
        payload: 0,
      });
    sent(SYN, 0);
    if (s.answered) {
      received(SYN | ACK);
      sent(ACK, 0);
      for (let i = 0; i < s.dataPackets; i++) sent(ACK | PSH, 200);
      sent(FIN | ACK, 0);
      received(FIN | ACK);
      sent(ACK, 0);
    }
    if (!MAIL.has(s.dstPort)) return;
    const source = s.family === 4 ? formatIpv4(Number(s.src)) : formatIpv6(BigInt(s.src));
    const e = expected.get(`${source}|${s.dstPort}`) as Expected;
    e.flows++;
    if (!s.answered) {
      e.synOnly++;
      e.shortFlows++;
    }
  });
  packets.sort((a, b) => a.time - b.time);
  return { packets, expected };
}

interface Expected {
  flows: number;
  packets: number;
  bytes: number;
  synOnly: number;
  shortFlows: number;
  dsts: Set<string>;
}

const { packets, expected } = traffic(sessions());
const pcap = join(dir, "mail.pcap");
writePcap(pcap, packets);

/** Runs softflowd over the pcap, exporting to 127.0.0.1:port, and waits for it to finish. */
async function softflowd(port: number, version: number, tag: string): Promise<void> {
  const child = spawn(
    "softflowd",
    [
      "-r",
      "mail.pcap",
      "-n",
      `127.0.0.1:${port}`,
      "-v",
      String(version),
      "-d",
      "-6",
      "-p",
      `${tag}.pid`,
      "-c",
      `${tag}.ctl`,
    ],
    // softflowd 1.1.0 hung at pcap EOF here when its pcap, pid or socket paths were long (a
    // 16-byte interface-name buffer holds the pcap path), so it runs in the folder with short names.
    { stdio: "ignore", cwd: dir },
  );
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0, "softflowd exits cleanly");
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** What nfdump says per source and mail port, from nfcapd's files of the same export. */
async function viaNfdump(version: number): Promise<Map<string, [number, number, number]>> {
  const flowDir = mkdtempSync(join(dir, `nfcapd-v${version}-`));
  const port = await freeUdpPort();
  const nfcapd = spawn("nfcapd", ["-b", "127.0.0.1", "-p", String(port), "-w", flowDir], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => nfcapd.on("exit", () => resolve()));
  try {
    await sleep(500); // nfcapd binds its socket
    await softflowd(port, version, `n${version}`);
    await sleep(500);
  } finally {
    nfcapd.kill("SIGTERM"); // nfcapd writes its file out on exit
    await Promise.race([exited, sleep(10_000)]);
  }
  const out = spawnSync(
    "nfdump",
    [
      "-R",
      flowDir,
      "-A",
      "srcip,dstport",
      "-N",
      "-q",
      "-o",
      "fmt:%sa|%dp|%fl|%pkt|%byt",
      "proto tcp and (dst port 25 or dst port 587 or dst port 465)",
    ],
    { encoding: "utf8", timeout: 20_000 },
  );
  assert.equal(out.status, 0, out.stderr);
  const sums = new Map<string, [number, number, number]>();
  for (const line of out.stdout.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length !== 5) continue;
    const [source, port, flows, pkts, bytes] = cells as [string, string, string, string, string];
    sums.set(`${source}|${port}`, [Number(flows), Number(pkts), Number(bytes)]);
  }
  return sums;
}

describe("softflowd → porteiro collector", () => {
  for (const version of [5, 9, 10]) {
    test(`NetFlow ${version === 10 ? "IPFIX" : `v${version}`}: aggregates match the traffic and nfdump`, async (t) => {
      if (!requirePeers(t, ["softflowd", "nfcapd", "nfdump"])) return;
      const collector = await startCollector({ host: "127.0.0.1", port: 0 });
      // NetFlow v5 cannot carry IPv6.
      const want = new Map([...expected].filter(([key]) => version !== 5 || !key.includes(":")));
      const mailFlows = [...want.values()].reduce((n, e) => n + e.flows, 0);
      let drained: HourlyAggregate[];
      try {
        await softflowd(collector.address().port, version, `p${version}`);
        for (let i = 0; i < 500 && collector.stats().total.mailFlows < mailFlows; i++) await sleep(10);
      } finally {
        drained = await collector.close();
      }
      const stats = collector.stats();
      assert.equal(stats.total.malformed, 0);
      assert.equal(stats.total.noTemplate, 0);
      assert.equal(stats.total.mailFlows, mailFlows);
      const hour = Math.floor(BASE_S / 3600) * 3600;
      const got = new Map(drained.map((a) => [`${a.source}|${a.port}`, a]));
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), "sources and ports (80/443 dropped)");
      for (const [key, e] of want) {
        const a = got.get(key);
        assert.ok(a);
        assert.equal(a.hour, hour, key);
        assert.deepEqual(
          [a.flows, a.packets, a.bytes, a.synOnly, a.shortFlows, a.distinctDestinations],
          [e.flows, e.packets, e.bytes, e.synOnly, e.shortFlows, e.dsts.size],
          key,
        );
        assert.ok(a.firstSeenMs >= BASE_S * 1000 - 2000 && a.lastSeenMs <= BASE_S * 1000 + 60_000, key);
      }
      const nfdump = await viaNfdump(version);
      assert.deepEqual(
        new Map(drained.map((a) => [`${a.source}|${a.port}`, [a.flows, a.packets, a.bytes]])),
        nfdump,
        "porteiro's per-source sums equal nfdump's",
      );
    });
  }
});

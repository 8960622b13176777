import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { type Address, formatAddress } from "../../src/core/index.js";
import {
  DHCPD_IDENTITIES,
  type DhcpdIdentity,
  LeaseIndex,
  parseDhcpdLeases,
} from "../../src/subscribers/index.js";
import {
  collect,
  ctime,
  dhcpdTime,
  errorsOf,
  instant,
  leasesOf,
  mac,
  quote,
  subscriberText,
} from "./render.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/leases/${name}`, import.meta.url), "utf8").split("\n");
const ms = (iso: string) => Date.parse(iso);
const row = (address: string, length: number, subscriber: string, start: string, end: string | null) =>
  JSON.stringify([address, length, subscriber, ms(start), end === null ? null : ms(end)]);

async function read(name: string, identity?: DhcpdIdentity) {
  return collect(parseDhcpdLeases(fixture(name), identity ? { identity } : {}));
}

/** Who the index built from a parse says held the address at the time, or null. */
function holderAt(events: Awaited<ReturnType<typeof read>>, address: string, iso: string): string | null {
  const leases = events.flatMap((e) => ("lease" in e ? [e.lease] : []));
  return LeaseIndex.fromLeases(leases).subscriberAt(address, ms(iso));
}

test("dhcpd.leases: each record of a client holding an address is a lease; a later record of the same start gives its end", async () => {
  const events = await read("dhcpd.leases");
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(
    leasesOf(events),
    [
      row("192.0.2.10", 32, "00:16:3e:12:34:56", "2026-01-01T10:00:00Z", "2026-01-01T22:00:00Z"),
      row("192.0.2.10", 32, "00:16:3e:12:34:56", "2026-01-01T16:00:00Z", "2026-01-02T04:00:00Z"),
      row("192.0.2.11", 32, "00:16:3e:ab:cd:ef", "2026-01-01T10:30:00Z", "2026-01-01T22:30:00Z"),
      row("192.0.2.11", 32, "00:16:3e:ab:cd:ef", "2026-01-01T10:30:00Z", "2026-01-01T12:00:00Z"),
      row("192.0.2.11", 32, "00:16:3e:00:00:0c", "2026-01-01T13:00:00Z", null),
    ].sort(),
  );
  assert.equal(holderAt(events, "192.0.2.10", "2026-01-02T03:00:00Z"), "00:16:3e:12:34:56");
  assert.equal(holderAt(events, "192.0.2.11", "2026-01-01T11:00:00Z"), "00:16:3e:ab:cd:ef");
  assert.equal(holderAt(events, "192.0.2.11", "2026-01-01T14:00:00Z"), "00:16:3e:00:00:0c");
});

test("hostname and uid can name the subscriber; a hostname is kept exactly as sent", async () => {
  const byName = await read("dhcpd.leases", "hostname");
  const names = byName.flatMap((e) => ("lease" in e ? [e.lease.subscriber] : []));
  assert.ok(names.includes('bia\'s "phone"; rm -rf /'));
  assert.ok(names.includes("ana-laptop"));
  // The third lease of 192.0.2.11 sent no hostname.
  assert.deepEqual(errorsOf(byName), [
    "53: active lease 192.0.2.11 has no client-hostname, which names the subscriber",
  ]);
  const byUid = await read("dhcpd.leases", "uid");
  assert.ok(byUid.some((e) => "lease" in e && e.lease.subscriber === "01:00:16:3e:12:34:56"));
});

test("a real dhcpd 4.4 file in local time format: renewals, expiry, abandonment and release", async () => {
  const events = await read("dhcpd-4.4-local.leases", "hostname");
  assert.deepEqual(errorsOf(events), [
    "75: active lease 192.0.2.101 has no client-hostname, which names the subscriber",
  ]);
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  const vm = (address: string, start: number, end: number) => row(address, 32, "vm", at(start), at(end));
  // Five records of 192.0.2.100 (four renewals, then expiry: free, no hostname, the same start);
  // the abandoned record holds nothing. 192.0.2.101 sent no hostname: its active record is an
  // error, its released one (without a holder to inherit) names no one.
  assert.deepEqual(
    leasesOf(events).filter((l) => l.includes("192.0.2.100")),
    [
      vm("192.0.2.100", 1796680004, 1796680010),
      vm("192.0.2.100", 1796680008, 1796680014),
      vm("192.0.2.100", 1796680012, 1796680018),
      vm("192.0.2.100", 1796680016, 1796680022),
      vm("192.0.2.100", 1796680019, 1796680025),
      vm("192.0.2.100", 1796680019, 1796680025),
    ].sort(),
  );
  const byUid = await read("dhcpd-4.4-local.leases", "uid");
  // The uid "\001\002\000\000\000\000\"" released at 21:47:23, four seconds before its end.
  assert.deepEqual(
    leasesOf(byUid).filter((l) => l.includes("192.0.2.101")),
    [
      row("192.0.2.101", 32, "01:02:00:00:00:00:22", at(1796680041), at(1796680047)),
      row("192.0.2.101", 32, "01:02:00:00:00:00:22", at(1796680041), at(1796680043)),
    ].sort(),
  );
});

test("dhcpd 4.2 with failover: backup and abandoned records hold nothing; expired and released ones are history", async () => {
  const subscribers = async (identity: DhcpdIdentity) => {
    const events = await read("dhcpd-4.2-failover.leases", identity);
    assert.deepEqual(errorsOf(events), []);
    return leasesOf(events).map((l) => JSON.parse(l).slice(0, 3).join(" "));
  };
  assert.deepEqual(await subscribers("hardware"), [
    "198.51.100.21 32 00:16:3e:21:00:01",
    "198.51.100.21 32 00:16:3e:21:00:01",
    "198.51.100.21 32 00:16:3e:21:00:99",
    "198.51.100.22 32 00:16:3e:22:00:02",
    "198.51.100.23 32 00:16:3e:23:00:03",
  ]);
  assert.deepEqual((await subscribers("uid")).slice(2), [
    "198.51.100.21 32 01:00:16:3e:21:00:99",
    "198.51.100.22 32 01:00:16:3e:22:00:02",
    "198.51.100.23 32 01:00:16:3e:23:00:03",
  ]);
  assert.deepEqual(await subscribers("hostname"), [
    "198.51.100.21 32 joao-pc",
    "198.51.100.21 32 joao-pc",
    "198.51.100.21 32 visitor",
    "198.51.100.23 32 maria’s phone",
  ]);
  // dhcpd quotes a printable remote-id and writes others as hex without leading zeros.
  assert.deepEqual(await subscribers("remote-id"), [
    "198.51.100.21 32 00:16:3e:21:ff:01",
    "198.51.100.21 32 00:16:3e:21:ff:01",
    "198.51.100.21 32 cpe-0099",
    "198.51.100.22 32 cpe-0042",
  ]);
  assert.deepEqual((await subscribers("circuit-id")).slice(-1), ["198.51.100.22 32 olt-3/1/2:vlan101"]);
});

test("dhcpd6: ia-na addresses and ia-pd prefixes belong to the DUID", async () => {
  const events = await read("dhcpd6.leases");
  assert.deepEqual(errorsOf(events), []);
  const duid = "00:01:00:01:29:e3:38:00:00:16:3e:12:34:56";
  assert.deepEqual(
    leasesOf(events),
    [
      row("2001:db8::1:10", 128, duid, "2026-01-01T10:00:00Z", "2026-01-01T22:00:00Z"),
      row("2001:db8:2:100::", 56, duid, "2026-01-01T10:00:00Z", "2026-01-01T22:00:00Z"),
    ].sort(),
  );
});

test("malformed records are reported at their line and skipped", async () => {
  const events = await collect(
    parseDhcpdLeases([
      "lease 192.0.2.300 {", // 1
      "  starts 4 2026/01/01 10:00:00;",
      "  hardware ethernet 00:16:3e:12:34:56;",
      "}",
      "lease 192.0.2.12 {", // 5
      "  starts 4 2026/13/01 10:00:00;",
      "  hardware ethernet 00:16:3e:12:34:56;",
      "}",
      "lease 192.0.2.13 {", // 9
      "  starts 4 2026/01/01 10:00:00;",
      "  this is not a statement",
      "}",
      "lease 192.0.2.14 {", // 13
      "  starts 4 2026/01/01 10:00:00;",
      "  ends 4 2026/01/01 09:00:00;",
      "  hardware ethernet zz:16:3e:12:34:56;",
      "}",
      "lease 192.0.2.15 {", // 18
      "  starts epoch 1767261600 # the ; is missing",
      "  hardware ethernet 00:16:3e:12:34:57;",
      "}",
      'lease 192.0.2.16 { starts 4 2026/01/01 10:00:00; hardware ethernet 00:16:3e:12:34:58; client-hostname "open', // 22
      "}",
      "lease 192.0.2.17 {", // 24
      "  starts 4 2026/01/01 10:00:00; # renewed",
      "  hardware ethernet 00:16:3e:12:34:59;",
      "}",
      "}", // 28
      "lease 192.0.2.18 {", // 29
      "  starts 4 2026/01/01 10:00:00;",
    ]),
  );
  assert.deepEqual(errorsOf(events), [
    "1: lease 192.0.2.300: not an IPv4 address",
    '6: starts: "4 2026/13/01 10:00:00" is not a real date and time',
    '11: expected ";" after "this is not a statement"',
    "16: hardware ethernet zz:16:3e:12:34:56 is not a type and hex octets",
    '19: expected ";" after "starts epoch 1767261600"',
    "22: a quoted string is not closed on its line",
    "28: } without a block to close",
    "29: lease 192.0.2.18 is not closed before the end of the file",
  ]);
  assert.deepEqual(leasesOf(events), [
    row("192.0.2.17", 32, "00:16:3e:12:34:59", "2026-01-01T10:00:00Z", null),
  ]);
});

// ---- Generated files in the shapes dhcpd writes ----

const STATES = ["active", "bootp", "free", "expired", "released", "backup", "abandoned", "reset"] as const;
const HELD = new Set(["active", "bootp"]);
const ENDED = new Set(["free", "expired", "released"]);
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 16,
});
/** A relay agent id: printable text (dhcpd quotes it) or bytes (dhcpd writes unpadded hex). */
const agentId = fc.oneof(
  printable.map((text) => ({ written: quote(text), read: text })),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => ({
    written: [...b].map((o) => o.toString(16)).join(":"),
    read: [...b].map((o) => o.toString(16).padStart(2, "0")).join(":"),
  })),
);
/** A client identifier: quoted with octal escapes (dhcpd's default) or colon hex (lease-id-format hex). */
const uid = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.boolean()).map(([b, hex]) => ({
  written: hex
    ? [...b].map((o) => o.toString(16).padStart(2, "0")).join(":")
    : `"${[...b].map((o) => (o >= 0x20 && o < 0x7f && o !== 0x22 && o !== 0x5c ? String.fromCharCode(o) : `\\${o.toString(8).padStart(3, "0")}`)).join("")}"`,
  read: [...b].map((o) => o.toString(16).padStart(2, "0")).join(":"),
}));
const comment = fc.option(
  fc.string({ maxLength: 20 }).map((text) => ` # ${text.replace(/[\r\n\u2028\u2029]/g, "")}`),
  { nil: "" },
);

const record = fc.record({
  host: fc.nat({ max: 5 }),
  state: fc.constantFrom(...STATES),
  startMs: fc.option(instant),
  seconds: fc.option(fc.nat({ max: 30 * 86_400 })),
  tstpSeconds: fc.option(fc.nat({ max: 30 * 86_400 })),
  epoch: fc.boolean(),
  mac,
  uid,
  hostname: subscriberText,
  remoteId: agentId,
  circuitId: agentId,
  omitsClient: fc.boolean(),
  note: fc.string({ maxLength: 12 }),
  comments: fc.array(comment, { minLength: 16, maxLength: 16 }),
});
type GeneratedRecord = typeof record extends fc.Arbitrary<infer R> ? R : never;

const addressOf = (r: GeneratedRecord): Address => ({ family: 4, value: 0xc6336400 + r.host });
const held = (r: GeneratedRecord) => HELD.has(r.state) && r.startMs !== null;
const valid = (r: GeneratedRecord) => held(r) || !HELD.has(r.state);

function render(r: GeneratedRecord): string[] {
  const c = (i: number) => r.comments[i] as string;
  const time = (ms: number) => (r.epoch ? `epoch ${ms / 1000}; # ${ctime(ms)}` : `${dhcpdTime(ms)};${c(15)}`);
  const lines = [`lease ${formatAddress(addressOf(r))} {${c(0)}`];
  if (r.startMs !== null) {
    lines.push(`  starts ${time(r.startMs)}`);
    lines.push(`  ends ${r.seconds === null ? `never;${c(1)}` : time(r.startMs + r.seconds * 1000)}`);
    if (r.tstpSeconds !== null) lines.push(`  tstp ${time(r.startMs + r.tstpSeconds * 1000)}`);
    lines.push(`  cltt ${time(r.startMs)}`);
  }
  lines.push(`  binding state ${r.state};${c(2)}`, `  next binding state free;${c(3)}`);
  if (c(4) !== "") lines.push(c(4).trim());
  const client = !(r.omitsClient && ENDED.has(r.state));
  if (client) lines.push(`  hardware ethernet ${r.mac};${c(5)}`, `  uid ${r.uid.written};${c(6)}`);
  lines.push(`  set note = ${quote(r.note)};${c(7)}`);
  if (client) {
    lines.push(`  option agent.circuit-id ${r.circuitId.written};${c(8)}`);
    lines.push(`  option agent.remote-id ${r.remoteId.written};${c(9)}`);
    lines.push(`  client-hostname ${quote(r.hostname)};${c(10)}`);
  }
  lines.push(`}${c(11)}`);
  return lines;
}

function subscriberOf(r: GeneratedRecord, identity: DhcpdIdentity): string {
  if (identity === "hardware") return r.mac;
  if (identity === "uid") return r.uid.read;
  if (identity === "hostname") return r.hostname;
  return identity === "remote-id" ? r.remoteId.read : r.circuitId.read;
}

/** What dhcpd's records say, in file order: the model the parser must agree with. */
function expectedLeases(records: readonly GeneratedRecord[], identity: DhcpdIdentity): string[] {
  const last = new Map<number, { startMs: number; subscriber: string }>();
  const out: string[] = [];
  for (const r of records) {
    if (!HELD.has(r.state) && !ENDED.has(r.state)) continue;
    const startMs = r.startMs as number;
    let subscriber: string | null = subscriberOf(r, identity);
    let endMs = r.seconds === null ? null : startMs + r.seconds * 1000;
    if (ENDED.has(r.state)) {
      if (r.startMs === null) continue;
      endMs ??= r.tstpSeconds === null ? null : startMs + r.tstpSeconds * 1000;
      if (endMs === null) continue;
      if (r.omitsClient) {
        const before = last.get(r.host);
        subscriber = before?.startMs === startMs ? before.subscriber : null;
      }
      if (subscriber === null) continue;
    }
    last.set(r.host, { startMs, subscriber });
    out.push(JSON.stringify([formatAddress(addressOf(r)), 32, subscriber, startMs, endMs]));
  }
  return out;
}

const eventsOf = (lines: string[], identity: DhcpdIdentity) => collect(parseDhcpdLeases(lines, { identity }));
const inOrder = (events: Awaited<ReturnType<typeof read>>) =>
  events.flatMap((e) =>
    "lease" in e
      ? [
          JSON.stringify([
            formatAddress(e.lease.address),
            32,
            e.lease.subscriber,
            e.lease.startMs,
            e.lease.endMs,
          ]),
        ]
      : [],
  );

test("any file of records as dhcpd writes them reads back as the leases they show, whatever the identity", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(record.filter(valid), { maxLength: 12 }),
      fc.constantFrom(...DHCPD_IDENTITIES),
      fc.array(comment, { maxLength: 13 }),
      async (records, identity, between) => {
        const lines = records.flatMap((r, i) => [...(between[i] ? [between[i].trim()] : []), ...render(r)]);
        const events = await eventsOf(lines, identity);
        assert.deepEqual(errorsOf(events), []);
        assert.deepEqual(inOrder(events), expectedLeases(records, identity));
      },
    ),
    { numRuns: 300 },
  );
});

test("a damaged line inside a record is reported at that line and drops only that record", async () => {
  const garbage = fc.stringMatching(/^[a-z][a-z0-9 ./:=-]{0,30}$/);
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        record.map((r) => ({ ...r, state: "active" as const, startMs: r.startMs ?? 0 })),
        { minLength: 1, maxLength: 8 },
      ),
      fc.nat(),
      fc.nat({ max: 6 }),
      garbage,
      async (records, which, offset, bad) => {
        const broken = which % records.length;
        const lines: string[] = [];
        let badLine = 0;
        records.forEach((r, i) => {
          const block = render(r);
          if (i === broken) {
            const at = 1 + (offset % (block.length - 1));
            block.splice(at, 0, `  ${bad}`);
            badLine = lines.length + at + 1;
          }
          lines.push(...block);
        });
        const events = await eventsOf(lines, "hardware");
        const words = bad.trim().split(/\s+/).join(" ");
        assert.deepEqual(errorsOf(events), [`${badLine}: expected ";" after ${JSON.stringify(words)}`]);
        const kept = records.filter((_, i) => i !== broken);
        assert.deepEqual(inOrder(events), expectedLeases(kept, "hardware"));
      },
    ),
    { numRuns: 200 },
  );
});

test("random or damaged dhcpd.leases never throws, and every error names a line of the file", async () => {
  const valid = [...fixture("dhcpd-4.2-failover.leases"), ...fixture("dhcpd6.leases")];
  const damaged = fc
    .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.string({ unit: "binary", maxLength: 40 })), {
      maxLength: 8,
    })
    .map((edits) => {
      const lines = [...valid];
      for (const [at, text] of edits) lines[at] = text;
      return lines;
    });
  const tokens = fc.constantFrom(
    "lease 192.0.2.1 {",
    'ia-na "x" {',
    "iaaddr 2001:db8::1 {",
    "iaprefix 2001:db8::/56 {",
    "}",
    "{",
    ";",
    '"',
    "# comment",
    "starts 4 2026/01/01 10:00:00;",
    "starts epoch 1767261600; # Thu Jan 01 10:00:00 2026",
    "ends never;",
    "binding state free;",
    "binding state;",
    "hardware ethernet;",
    "uid;",
    "option agent.remote-id;",
    "cltt epoch 5;",
    "max-life 10;",
  );
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        damaged,
        fc.array(fc.oneof(tokens, fc.string({ unit: "binary", maxLength: 40 })), { maxLength: 40 }),
      ),
      fc.constantFrom(...DHCPD_IDENTITIES),
      async (lines, identity) => {
        for (const event of await eventsOf(lines, identity)) {
          if ("error" in event) assert.ok(event.error.line >= 1 && event.error.line <= lines.length);
        }
      },
    ),
    { numRuns: 300 },
  );
});

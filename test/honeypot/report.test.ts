import assert from "node:assert/strict";
import { test } from "node:test";
import { BodyFiles, messagesDir } from "../../src/honeypot/body-files.js";
import { CaptureWriter } from "../../src/honeypot/capture-writer.js";
import { Counters } from "../../src/honeypot/counters.js";
import {
  abusingSources,
  assignCampaigns,
  honeypotReport,
  messageFeatures,
  type NetworkLookup,
  renderZone,
} from "../../src/honeypot/index.js";
import type { CapturedSession } from "../../src/honeypot/session.js";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const DAY1 = Date.parse("2026-11-27T10:00:00Z");
const DAY2 = Date.parse("2026-11-28T10:00:00Z");

/** Documentation addresses standing in for three networks. */
const NETWORKS: NetworkLookup = {
  lookup: (address) =>
    address.startsWith("203.0.113.")
      ? { asn: 64500, asName: "EXAMPLE-BR", country: "BR" }
      : address.startsWith("198.51.100.")
        ? { asn: 64501, asName: "EXAMPLE-CN", country: "CN" }
        : address.startsWith("2001:db8:")
          ? { asn: 64502, asName: "EXAMPLE-US", country: "US" }
          : { asn: null, asName: null, country: null },
};

function message(recipients: string[], body: string) {
  const bytes = Buffer.from(body);
  return {
    receivedMs: DAY1,
    mailFrom: "s@spam.example",
    recipients,
    sha256: Buffer.from(body).toString("hex").padEnd(64, "0").slice(0, 64),
    size: bytes.length,
    storedSize: bytes.length,
    truncated: false,
    ...messageFeatures(bytes, recipients),
  };
}

function session(
  source: string,
  startedMs: number,
  listener: CapturedSession["listener"],
  messages: ReturnType<typeof message>[],
  destination?: string,
): CapturedSession {
  return {
    startedMs,
    endedMs: startedMs + 1000,
    source,
    sourcePort: 40000,
    sensor: "s1",
    listener,
    path: listener === "smtp" ? ["smtp"] : [listener, "smtp"],
    ...(destination ? { destination: { host: destination, port: 25 } } : {}),
    bytes: 100,
    messages,
    outcome: "quit",
  };
}

const pills = (to: string, n: number) =>
  `Subject: Pills ${n} for ${to}\r\n\r\nDear ${to},\r\n  buy now: http://pills.example/p/${n}?id=${n}\r\n`;

function fixtureStore(t: import("node:test").TestContext) {
  const data = tempDir(t, "honeypot-report");
  const store = openStore(data);
  t.after(() => store.close());
  const writer = new CaptureWriter(store, new BodyFiles(messagesDir(data)), 1e9, new Counters());
  writer.record(
    session(
      "198.51.100.7",
      DAY1,
      "socks5",
      [message(["a@x.example", "b@y.example"], pills("a@x.example", 1))],
      "mx.x.example",
    ),
  );
  writer.record(
    session(
      "198.51.100.7",
      DAY2,
      "socks4",
      [message(["c@x.example"], pills("c@x.example", 22))],
      "mx.x.example",
    ),
  );
  writer.record(
    session(
      "2001:db8::9",
      DAY2,
      "http",
      [message(["d@z.example"], "Subject: Invoice 7\r\n\r\nSee http://invoice.example/a\r\n")],
      "mx.z.example",
    ),
  );
  writer.record(
    session("203.0.113.5", DAY2, "smtp", [message(["e@x.example"], "Subject: Test\r\n\r\nhello\r\n")]),
  );
  writer.record(session("192.0.2.50", DAY2, "smtp", []));
  writer.close();
  return store;
}

test("campaign features ignore recipients, digit runs, whitespace and tracking paths", () => {
  const a = messageFeatures(Buffer.from(pills("a@x.example", 1)), ["a@x.example"]);
  const b = messageFeatures(Buffer.from(pills("someone@y.example", 2345).replace("buy now", "buy   now")), [
    "someone@y.example",
  ]);
  assert.equal(a.fingerprint, b.fingerprint);
  assert.equal(a.subjectPattern, "pills # for <rcpt>");
  assert.deepEqual(a.urls, ["pills.example/p/1"]);
  const other = messageFeatures(Buffer.from("Subject: Hello\r\n\r\nsomething else\r\n"), []);
  assert.notEqual(other.fingerprint, a.fingerprint);
});

test("messages sharing a fingerprint, a subject pattern or a URL join one campaign", () => {
  const campaigns = assignCampaigns([
    { fingerprint: "b1", subjectPattern: "cheap pills now", urls: [] },
    { fingerprint: "a2", subjectPattern: "something different", urls: ["x.example/1"] },
    { fingerprint: "c3", subjectPattern: "cheap pills now", urls: ["x.example/1"] },
    { fingerprint: "d4", subjectPattern: "hi", urls: [] },
    { fingerprint: "e5", subjectPattern: "hi", urls: [] },
  ]);
  assert.deepEqual(campaigns, ["c-a2", "c-a2", "c-a2", "c-d4", "c-e5"]);
});

test("report by listener, country, ASN, destination domain and campaign, with the share from abroad", (t) => {
  const store = fixtureStore(t);
  const rows = (by: Parameters<typeof honeypotReport>[1]["by"]) =>
    honeypotReport(store, { by, network: NETWORKS, homeCountry: "BR" }).rows.map((r) => [
      r.key,
      r.sessions,
      r.messages,
      r.recipients,
    ]);
  assert.deepEqual(rows("listener"), [
    ["smtp", 2, 1, 1],
    ["http", 1, 1, 1],
    ["socks4", 1, 1, 1],
    ["socks5", 1, 1, 2],
  ]);
  assert.deepEqual(rows("country"), [
    ["CN", 2, 2, 3],
    ["BR", 1, 1, 1],
    ["US", 1, 1, 1],
    ["unknown", 1, 0, 0],
  ]);
  assert.deepEqual(rows("asn")[0], ["AS64501", 2, 2, 3]);
  assert.equal(honeypotReport(store, { by: "asn", network: NETWORKS }).rows[0]?.as_name, "EXAMPLE-CN");
  assert.deepEqual(rows("destination-domain"), [
    ["x.example", 3, 3, 3],
    ["y.example", 1, 1, 1],
    ["z.example", 1, 1, 1],
  ]);
  const campaigns = honeypotReport(store, { by: "campaign" }).rows;
  assert.equal(campaigns[0]?.messages, 2);
  assert.equal(campaigns[0]?.subject, "pills # for <rcpt>");
  const report = honeypotReport(store, { by: "listener", network: NETWORKS, homeCountry: "BR" });
  assert.deepEqual(report.origin, {
    home: { sessions: 1, messages: 1, recipients: 1 },
    abroad: { sessions: 3, messages: 3, recipients: 4 },
    unknown: { sessions: 1, messages: 0, recipients: 0 },
  });
  assert.equal(report.abroad_share, 0.75);
  assert.equal(honeypotReport(store, { by: "listener" }).abroad_share, null);
});

test("series split the rows by UTC day; --since leaves earlier sessions out", (t) => {
  const store = fixtureStore(t);
  const series = honeypotReport(store, { by: "listener", series: true }).rows;
  assert.deepEqual(
    series.filter((r) => r.key === "socks5" || r.key === "socks4").map((r) => [r.day, r.key, r.messages]),
    [
      ["2026-11-27", "socks5", 1],
      ["2026-11-28", "socks4", 1],
    ],
  );
  const since = honeypotReport(store, { by: "listener", sinceMs: Date.parse("2026-11-28T00:00:00Z") }).rows;
  assert.equal(
    since.find((r) => r.key === "socks5"),
    undefined,
  );
});

test("export lists the sources that sent mail or asked a proxy, as a plain list and an rbldnsd zone", (t) => {
  const store = fixtureStore(t);
  const sources = abusingSources(store);
  assert.deepEqual(sources, { v4: ["198.51.100.7", "203.0.113.5"], v6: ["2001:db8::9"] });
  assert.deepEqual(abusingSources(store, DAY2 + 1), { v4: [], v6: [] });
  assert.equal(renderZone(sources, "plain", new Date(DAY2)), "198.51.100.7\n203.0.113.5\n2001:db8::9\n");
  const zone = renderZone(sources, "rbldnsd", new Date(DAY2));
  assert.match(
    zone,
    /^\$DATASET ip4set:honeypot4 @\n:127\.0\.0\.2:.*\n198\.51\.100\.7\n203\.0\.113\.5\n\$DATASET ip6trie:honeypot6 @\n:127\.0\.0\.2:.*\n2001:db8::9\n$/m,
  );
});

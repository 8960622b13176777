import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { NfdumpJsonReader } from "../../src/flows/intake/nfdump-json.js";
import {
  collectingSink,
  expectedFlow,
  feed,
  isMail,
  jsonDocument,
  jsonRecord,
  renderedFlowArb,
} from "./nfdump-render.js";

const FIXTURE = "test/fixtures/flows/nfdump/mail.json";

test("reads real nfdump 1.7.1 JSON: every TCP flow to 25/587/465, nothing else", () => {
  const sink = collectingSink();
  feed(new NfdumpJsonReader(sink), readFileSync(FIXTURE, "utf8"));
  const { mail, other, bad } = sink.collected;
  assert.deepEqual(bad, []);
  assert.equal(mail.length, 127);
  assert.equal(other, 2); // web on 80 and UDP to 25
  assert.deepEqual(mail[0], {
    src: "203.0.113.10",
    dst: "192.0.2.1",
    dstPort: 25,
    packets: 2,
    bytes: 80,
    tcpFlags: 0x02,
    firstMs: Date.parse("2027-01-04T00:04:59.600Z"),
    lastMs: Date.parse("2027-01-04T00:05:02.600Z"),
    flows: 1,
  });
  assert.ok(mail.some((f) => f.src === "2001:db8:1000::5" && f.dst === "2001:db8:ffff::1"));
  assert.deepEqual(new Set(mail.map((f) => f.dstPort)), new Set([25, 587, 465]));
});

test("rendered records parse back, whether pretty-printed or one per line", () => {
  fc.assert(
    fc.property(fc.array(renderedFlowArb(false), { maxLength: 20 }), fc.boolean(), (flows, compact) => {
      const sink = collectingSink();
      const text = compact
        ? `[${flows.map((f) => JSON.stringify(JSON.parse(jsonRecord(f)))).join(",\n")}]`
        : jsonDocument(flows);
      feed(new NfdumpJsonReader(sink), text);
      assert.deepEqual(sink.collected.bad, []);
      assert.deepEqual(sink.collected.mail, flows.filter(isMail).map(expectedFlow));
      assert.equal(sink.collected.other, flows.filter((f) => !isMail(f)).length);
    }),
  );
});

test("several records on one line and braces inside strings are cut where they end", () => {
  const sink = collectingSink();
  const record = (port: number, label: string) =>
    `{"proto": 6, "dst_port": ${port}, "src4_addr": "203.0.113.1", "dst4_addr": "192.0.2.1", "in_packets": 1, "in_bytes": 40, "first": "2027-01-04T00:00:00.000", "last": "2027-01-04T00:00:00.000", "label": ${JSON.stringify(label)}}`;
  feed(new NfdumpJsonReader(sink), `[${record(25, "{not a brace")},${record(587, 'say "}"')}]`);
  assert.deepEqual(sink.collected.bad, []);
  assert.deepEqual(
    sink.collected.mail.map((f) => f.dstPort),
    [25, 587],
  );
});

test("bad records are reported at the line they start on, and reading goes on", () => {
  const good = jsonRecord({
    family: 4,
    src: "203.0.113.1",
    dst: "192.0.2.1",
    proto: 6,
    dstPort: 25,
    packets: 3,
    bytes: 120,
    tcpFlags: 2,
    firstMs: Date.UTC(2027, 0, 4),
    lastMs: Date.UTC(2027, 0, 4, 0, 0, 1),
  });
  const text = [
    "[",
    `${good},`,
    `${good.replace('"203.0.113.1"', '"203.0.113.999"')},`,
    `${good.replace('"in_packets" : 3', '"in_packets" : "many"')},`,
    `${good.replace('"first" : "2027-01-04T00:00:00.000"', '"first" : "yesterday"')},`,
    `${good.replace('"tcp_flags" : "......S."', '"tcp_flags" : "XYZ"')},`,
    `${good.replace('"last" : "2027-01-04T00:00:01.000"', '"last" : "2027-01-03T00:00:01.000"')},`,
    '{ "proto" : 6, "dst_port" : 25, oops },',
    "garbage line",
    `${good}`,
    "]",
  ].join("\n");
  const sink = collectingSink();
  feed(new NfdumpJsonReader(sink), text);
  const lineOf = (n: number) => 2 + n * good.split("\n").length;
  assert.deepEqual(sink.collected.bad, [
    { line: lineOf(1), message: 'source "203.0.113.999" is not an IP address' },
    { line: lineOf(2), message: 'packets "many" is not a count' },
    { line: lineOf(3), message: 'first "yesterday" is not a time written YYYY-MM-DD HH:MM:SS[.mmm]' },
    { line: lineOf(4), message: 'tcp flags "XYZ" are neither a number nor like "...AP.SF"' },
    { line: lineOf(5), message: "last is before first" },
    { line: lineOf(6), message: sink.collected.bad[5]?.message ?? "" },
    { line: lineOf(6) + 1, message: 'expected a JSON record, found "garbage line"' },
  ]);
  assert.match(sink.collected.bad[5]?.message ?? "", /^not valid JSON/);
  assert.equal(sink.collected.mail.length, 2);
});

test("nfdump's empty answer is no records; a record cut off at the end is reported", () => {
  const empty = collectingSink();
  feed(new NfdumpJsonReader(empty), "[\nNo matching flows\n]\n");
  assert.deepEqual(empty.collected, { mail: [], other: 0, bad: [] });
  const cut = collectingSink();
  feed(new NfdumpJsonReader(cut), '[\n{\n\t"type" : "FLOW",\n\t"proto" : 6,\n');
  assert.deepEqual(cut.collected.bad, [{ line: 2, message: "record not closed at the end of the input" }]);
});

test("a record that never closes is given up after 64 KiB and reading resumes at the next one", () => {
  const sink = collectingSink();
  const reader = new NfdumpJsonReader(sink);
  reader.line('[{ "label" : "', 1);
  for (let n = 2; n < 3000; n++) reader.line("x".repeat(40), n);
  reader.line('"}', 3000);
  reader.line(
    '{"proto": 6, "dst_port": 25, "src4_addr": "203.0.113.1", "dst4_addr": "192.0.2.1", "in_packets": 1, "in_bytes": 40, "first": "2027-01-04T00:00:00", "last": "2027-01-04T00:00:00"}]',
    3001,
  );
  reader.end();
  assert.equal(sink.collected.bad.length, 1);
  assert.equal(sink.collected.bad[0]?.line, 1);
  assert.match(sink.collected.bad[0]?.message ?? "", /longer than 64 KiB/);
  assert.equal(sink.collected.mail.length, 1);
});

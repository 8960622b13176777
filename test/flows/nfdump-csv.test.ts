import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { NFDUMP_CSV_HEADER, NfdumpCsvReader } from "../../src/flows/intake/nfdump-csv.js";
import { NfdumpJsonReader } from "../../src/flows/intake/nfdump-json.js";
import {
  collectingSink,
  csvDocument,
  csvLine,
  expectedFlow,
  feed,
  isMail,
  renderedFlowArb,
} from "./nfdump-render.js";

const FIXTURES = "test/fixtures/flows/nfdump";

test("reads real nfdump 1.7.1 CSV and agrees with its JSON but for the milliseconds CSV leaves out", () => {
  const csv = collectingSink();
  feed(new NfdumpCsvReader(csv), readFileSync(`${FIXTURES}/mail.csv`, "utf8"));
  const json = collectingSink();
  feed(new NfdumpJsonReader(json), readFileSync(`${FIXTURES}/mail.json`, "utf8"));
  assert.deepEqual(csv.collected.bad, []);
  assert.equal(csv.collected.other, json.collected.other);
  assert.equal(csv.collected.mail.length, json.collected.mail.length);
  csv.collected.mail.forEach((flow, i) => {
    const other = json.collected.mail[i] as { firstMs: number; lastMs: number };
    assert.deepEqual(
      { ...flow, firstMs: undefined, lastMs: undefined },
      { ...other, firstMs: undefined, lastMs: undefined },
    );
    assert.equal(flow.firstMs, other.firstMs - (other.firstMs % 1000));
    assert.equal((flow.lastMs as number) - (flow.firstMs as number), other.lastMs - other.firstMs);
  });
});

test("rendered records parse back, with the summary nfdump appends ignored", () => {
  fc.assert(
    fc.property(fc.array(renderedFlowArb(true), { maxLength: 20 }), (flows) => {
      const sink = collectingSink();
      feed(new NfdumpCsvReader(sink), csvDocument(flows));
      assert.deepEqual(sink.collected.bad, []);
      assert.deepEqual(sink.collected.mail, flows.filter(isMail).map(expectedFlow));
      assert.equal(sink.collected.other, flows.filter((f) => !isMail(f)).length);
    }),
  );
});

test("output without a header (nfdump -q) is read with nfdump 1.7's columns; reordered columns by name", () => {
  const flow = {
    family: 4 as const,
    src: "203.0.113.5",
    dst: "192.0.2.9",
    proto: 6,
    dstPort: 465,
    packets: 9,
    bytes: 900,
    tcpFlags: 0x1b,
    firstMs: Date.UTC(2027, 0, 4, 10),
    lastMs: Date.UTC(2027, 0, 4, 10, 0, 2, 500),
  };
  const quiet = collectingSink();
  feed(new NfdumpCsvReader(quiet), `${csvLine(flow)}\n`);
  assert.deepEqual(quiet.collected.mail, [expectedFlow(flow)]);

  const reordered = collectingSink();
  feed(
    new NfdumpCsvReader(reordered),
    "da,sa,dp,pr,ipkt,ibyt,ts,te\n192.0.2.9,203.0.113.5,465,TCP,9,900,2027-01-04 10:00:00,2027-01-04 10:00:02\n",
  );
  assert.deepEqual(reordered.collected.mail, [
    { ...expectedFlow(flow), tcpFlags: 0, lastMs: flow.lastMs - 500 },
  ]);
});

test("bad lines are reported with their line number and skipped; a header without the needed columns stops", () => {
  const good = csvLine({
    family: 4,
    src: "203.0.113.5",
    dst: "192.0.2.9",
    proto: 6,
    dstPort: 25,
    packets: 2,
    bytes: 80,
    tcpFlags: 2,
    firstMs: Date.UTC(2027, 0, 4),
    lastMs: Date.UTC(2027, 0, 4),
  });
  const sink = collectingSink();
  feed(
    new NfdumpCsvReader(sink),
    [
      NFDUMP_CSV_HEADER,
      good,
      good.replace("203.0.113.5", "not-an-address"),
      good.replace(",25,", ",x25,"),
      good.replace("0.000,", "soon,"),
      "2027-01-04 00:00:00,short,line",
      good,
    ].join("\n"),
  );
  assert.deepEqual(sink.collected.bad, [
    { line: 3, message: 'source "not-an-address" is not an IP address' },
    { line: 4, message: 'destination port "x25" is not a count' },
    { line: 5, message: 'duration "soon" is not a number of seconds' },
    { line: 6, message: `3 fields where the header has ${NFDUMP_CSV_HEADER.split(",").length}` },
  ]);
  assert.equal(sink.collected.mail.length, 2);

  const wrong = collectingSink();
  feed(new NfdumpCsvReader(wrong), "ts,foo,bar\n1,2,3\n");
  assert.deepEqual(wrong.collected.bad, [
    {
      line: 1,
      message: "the header lacks the columns sa, da, dp, pr, ipkt, ibyt; is this nfdump -o csv output?",
    },
  ]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

const FIXTURES = "test/fixtures/reputation";
const TABLES = [
  "--asn-table",
  `${FIXTURES}/networks/asn-ipv4.csv`,
  "--asn-table",
  `${FIXTURES}/networks/asn-ipv6.csv`,
  "--country-table",
  `${FIXTURES}/networks/asn-country-ipv4.csv`,
];

function importLists(data: string): void {
  for (const [file, list, date] of [
    ["cbl-2026-11-01.txt", "cbl", "2026-11-01"],
    ["cbl-2026-11-28.txt", "cbl", "2026-11-28"],
    ["spamtrap-2026-11-28.txt", "spamtrap", "2026-11-28"],
  ] as const) {
    const run = porteiro([
      "reputation",
      "import",
      `${FIXTURES}/report/${file}`,
      "--list",
      list,
      "--date",
      date,
      "--format",
      "plain",
      "--data",
      data,
    ]);
    assert.equal(run.status, 0, run.stderr);
  }
}

function json(args: readonly string[]): { rows: Record<string, unknown>[] } {
  const run = porteiro(["reputation", "report", ...args, "--format", "json"]);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { rows: Record<string, unknown>[] };
}

test("report --format json gives key, listed, allocated, infect_pct, rank and change per key", (t) => {
  const data = tempDir(t, "rep-report");
  importLists(data);
  const byAsn = json(["--data", data, "--date", "2026-11-28", "--by", "asn", "--list", "cbl", ...TABLES]);
  assert.deepEqual(
    byAsn.rows.map((r) => [r.key, r.listed, r.allocated, r.infect_pct, r.rank, r.change]),
    [
      ["AS65536", 16, 256, 6.25, 1, 15],
      ["AS64498", 8, 256, 3.125, 2, 4],
      ["AS64496", 1, 128, 0.78125, 3, -1],
      ["AS64497", 0, 128, 0, 4, -1],
    ],
  );
  // Without --list: the union of the lists; 192.0.2.1 is on both and counts once.
  const byCountry = json(["--data", data, "--by", "country", ...TABLES]);
  assert.deepEqual(
    byCountry.rows.map((r) => [r.key, r.listed, r.allocated, r.rank, r.change]),
    [
      ["PT", 16, 256, 1, 15],
      ["BR", 10, 512, 2, 3],
    ],
  );
  const first = json(["--data", data, "--date", "2026-11-01", "--by", "country", ...TABLES]);
  assert.deepEqual(
    first.rows.map((r) => [r.key, r.listed, r.listed_v6_ranges, r.change]),
    [
      ["BR", 7, 0, null],
      ["PT", 1, 0, null],
      ["unknown", 0, 1, null],
    ],
  );
});

test("--by pool|region|isp use the plan; --series follows one key; --rank ranks countries per date", (t) => {
  const data = tempDir(t, "rep-plan");
  importLists(data);
  const plan = `${FIXTURES}/report/plan.yaml`;
  const pools = json(["--data", data, "--by", "pool", "--plan", plan, "--list", "cbl"]);
  assert.deepEqual(
    pools.rows.map((r) => [r.key, r.kind, r.region, r.listed, r.allocated, r.change]),
    [
      ["business", "static", null, 8, 256, 4],
      ["adsl", "dynamic", "sul", 1, 128, -1],
    ],
  );
  const isp = json(["--data", data, "--by", "isp", "--plan", plan, "--list", "cbl"]);
  assert.deepEqual(
    isp.rows.map((r) => [r.key, r.listed, r.allocated]),
    [
      ["other", 16, null],
      ["Example Telecom", 9, 384],
    ],
  );
  const series = json(["--data", data, "--by", "asn", "--series", "as64498", "--list", "cbl", ...TABLES]);
  assert.deepEqual(
    series.rows.map((r) => [r.date, r.key, r.listed, r.rank, r.change]),
    [
      ["2026-11-01", "AS64498", 4, 1, null],
      ["2026-11-28", "AS64498", 8, 2, 4],
    ],
  );
  const ranking = json(["--data", data, "--rank", "--limit", "1", "--plan", plan, ...TABLES]);
  assert.deepEqual(
    ranking.rows.map((r) => [r.date, r.rank, r.key, r.listed]),
    [
      ["2026-11-01", 1, "BR", 7],
      ["2026-11-28", 1, "PT", 16],
      ["2026-11-28", 2, "BR", 10],
    ],
  );
  const csv = porteiro([
    "reputation",
    "report",
    "--data",
    data,
    "--by",
    "region",
    "--plan",
    plan,
    "--format",
    "csv",
  ]);
  assert.equal(csv.status, 0, csv.stderr);
  assert.equal(
    csv.stdout,
    "key,listed,allocated,infect_pct,rank,change\n(no region),8,256,3.125,1,4\nsul,2,128,1.5625,2,0\n",
  );
});

test("a table, human-readable, and mistakes as one line without a stack trace", (t) => {
  const data = tempDir(t, "rep-errors");
  const none = porteiro(["reputation", "report", "--data", data, ...TABLES]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^no store at .*porteiro\.db; give --data DIR/);
  openStore(data).close();
  const empty = porteiro(["reputation", "report", "--data", data, ...TABLES]);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /no listing snapshots yet; add one with porteiro reputation import\n$/);
  importLists(data);
  const text = porteiro(["reputation", "report", "--data", data, "--by", "asn", "--list", "cbl", ...TABLES]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /^key +as_name +listed +allocated +infect % +rank +change\nAS65536 +Example Transit +16 +256 +6\.250 +1 +\+15\n/,
  );
  for (const [args, message] of [
    [
      ["--date", "2026-11-02"],
      /^no snapshot on 2026-11-02; there are snapshots on 2026-11-01, 2026-11-28\n$/,
    ],
    [["--list", "nope"], /^no list "nope" in .*; there are: cbl, spamtrap\n$/],
    [["--by", "pool"], /^no plan given; use --plan FILE or -c porteiro.yaml\n$/],
    [["--rank", "--by", "asn"], /^--rank ranks countries; leave out --by\n$/],
    [["--asn-table", "missing.csv"], /^missing.csv: no such file\n$/],
  ] as const) {
    const run = porteiro(["reputation", "report", "--data", data, ...TABLES, ...args]);
    assert.equal(run.status, 1, `${args.join(" ")}: ${run.stdout}`);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, STACK_LINE);
  }
});

test("--help credits the embedded address-to-network data", () => {
  const help = porteiro(["reputation", "report", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /ip-location-db/);
  assert.match(help.stdout, /CC BY 4\.0/);
});

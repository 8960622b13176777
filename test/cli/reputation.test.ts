import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

const FIXTURES = "test/fixtures/reputation";

test("reputation import prints a summary, lists bad lines as file:line and exits 1; lists shows the snapshots", (t) => {
  const data = tempDir(t, "reputation-cli");
  const zone = `${FIXTURES}/ip4set.zone`;
  const imported = porteiro([
    "reputation",
    "import",
    zone,
    "--list",
    "zen",
    "--date",
    "2026-01-15",
    "--format",
    "rbldnsd",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 1);
  assert.match(
    imported.stdout,
    /^test\/fixtures\/reputation\/ip4set\.zone \(rbldnsd:ip4set\): 25 lines, 257 IPv4 addresses, 0 IPv6 ranges listed; snapshot zen 2026-01-15; 1 bad line skipped\n$/,
  );
  assert.equal(
    imported.stderr,
    `${zone}:25: invalid address\n${zone}: 1 bad line skipped; the rest is imported\n`,
  );

  const clean = porteiro([
    "reputation",
    "import",
    `${FIXTURES}/ip6trie.zone`,
    "--list",
    "v6",
    "--date",
    "2026-01-15",
    "--format",
    "rbldnsd",
    "--zone-type",
    "ip6trie",
    "--data",
    data,
    "--max-errors",
    "0",
  ]);
  assert.equal(clean.status, 1);
  assert.match(clean.stderr, /^… and 1 more bad line\n/);

  const json = porteiro(["reputation", "lists", "--data", data, "--format", "json"]);
  assert.equal(json.status, 0, json.stderr);
  const { snapshots } = JSON.parse(json.stdout) as {
    snapshots: { list: string; date: string; format: string; v6_ranges: number }[];
  };
  assert.deepEqual(
    snapshots.map((s) => [s.list, s.date, s.format]),
    [
      ["v6", "2026-01-15", "rbldnsd:ip6trie"],
      ["zen", "2026-01-15", "rbldnsd:ip4set"],
    ],
  );
  const csv = porteiro(["reputation", "lists", "--data", data, "--format", "csv", "--list", "zen"]);
  assert.match(
    csv.stdout,
    /^list,date,v4_addresses,v6_ranges,format,source,imported_at\nzen,2026-01-15,\d+,0,rbldnsd:ip4set,ip4set\.zone,/,
  );
  assert.match(porteiro(["reputation", "lists", "--data", data]).stdout, /^list +date +IPv4 addresses/);
});

test("reputation commands refuse bad input with one line, never a stack trace", (t) => {
  const data = tempDir(t, "reputation-cli-bad");
  const cases = [
    [
      "reputation",
      "import",
      `${FIXTURES}/nope.txt`,
      "--list",
      "x",
      "--date",
      "2026-01-15",
      "--format",
      "plain",
      "--data",
      data,
    ],
    [
      "reputation",
      "import",
      `${FIXTURES}/plain.txt`,
      "--list",
      "x",
      "--date",
      "2026-13-01",
      "--format",
      "plain",
      "--data",
      data,
    ],
    [
      "reputation",
      "import",
      `${FIXTURES}/plain.txt`,
      "--list",
      "x",
      "--date",
      "2026-01-15",
      "--format",
      "bind",
      "--data",
      data,
    ],
    ["reputation", "query", "--zone", "bl.example", "--server", "localhost:53", "192.0.2.1"],
    ["reputation", "query", "--zone", "bl.example", "--server", "127.0.0.1:53", "192.0.2.0/8"],
    [
      "reputation",
      "query",
      "--zone",
      "bl.example",
      "--server",
      "127.0.0.1:53",
      "--max-addresses",
      "4",
      "192.0.2.0/29",
    ],
    ["reputation", "query", "--zone", "bl.example", "--server", "127.0.0.1:53", "--store", "192.0.2.1"],
  ];
  for (const args of cases) {
    const result = porteiro(args);
    assert.equal(result.status, 1, args.join(" "));
    assert.doesNotMatch(result.stderr, STACK_LINE);
    assert.ok(result.stderr.trim().split("\n").length <= 2, result.stderr);
  }
});

test("reputation query reports a server that never answers as errors after the retries, exit 1", async (t) => {
  // A bound UDP socket that reads and never replies: every look-up times out.
  const silent = createSocket("udp4");
  silent.bind(0, "127.0.0.1");
  await new Promise((resolve) => silent.once("listening", resolve));
  t.after(() => silent.close());
  const { port } = silent.address();
  const result = porteiro([
    "reputation",
    "query",
    "--zone",
    "bl.example",
    "--server",
    `127.0.0.1:${port}`,
    "--timeout",
    "200",
    "--retries",
    "1",
    "--format",
    "json",
    "192.0.2.1",
  ]);
  assert.equal(result.status, 1);
  const { results } = JSON.parse(result.stdout) as {
    results: { address: string; listed: boolean; error?: string }[];
  };
  assert.equal(results.length, 1);
  assert.equal(results[0]?.listed, false);
  assert.match(results[0]?.error ?? "", /ETIMEOUT after 2 tries/);
  assert.equal(result.stderr, "1 of 1 look-ups ended in an error\n");
});

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

const FIXTURES = "test/fixtures/leases";

test("leases import prints a summary; lookup says who held an address; list shows the leases", (t) => {
  const data = tempDir(t, "leases-cli");
  const imported = porteiro([
    "leases",
    "import",
    `${FIXTURES}/detail-20260101`,
    "--format",
    "radius-detail",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 0, imported.stderr);
  assert.equal(
    imported.stdout,
    `${FIXTURES}/detail-20260101 (radius-detail): 4 new, 0 updated, 0 already known, 0 bad records skipped\n`,
  );
  const again = porteiro([
    "leases",
    "import",
    `${FIXTURES}/detail-20260101`,
    "--format",
    "radius-detail",
    "--data",
    data,
  ]);
  assert.match(again.stdout, /: 0 new, 0 updated, 4 already known, 0 bad records skipped\n$/);
  assert.equal(
    porteiro(["leases", "import", `${FIXTURES}/kea-leases6.csv`, "--format", "kea-csv", "--data", data])
      .status,
    0,
  );

  const lookup = porteiro([
    "leases",
    "lookup",
    "203.0.113.10",
    "--at",
    "2026-01-01T11:00:00Z",
    "--data",
    data,
  ]);
  assert.equal(lookup.status, 0, lookup.stderr);
  assert.equal(
    lookup.stdout,
    "203.0.113.10 at 2026-01-01T11:00:00.000Z: ana@isp.example (lease 203.0.113.10, 2026-01-01T10:00:00.000Z – 2026-01-01T12:30:00.000Z)\n",
  );
  const prefix = porteiro([
    "leases",
    "lookup",
    "2001:db8:1:1ab::5",
    "--at",
    "2026-01-01 08:00-03:00",
    "--data",
    data,
    "--format",
    "json",
  ]);
  assert.equal(prefix.status, 0, prefix.stderr);
  assert.deepEqual(JSON.parse(prefix.stdout), {
    address: "2001:db8:1:1ab::5",
    port: null,
    at: "2026-01-01T11:00:00.000Z",
    attribution: "address",
    subscriber: "ana@isp.example",
    lease: "2001:db8:1:100::/56",
    ports: null,
    start: "2026-01-01T10:00:00.000Z",
    end: "2026-01-01T12:30:00.000Z",
  });
  const nobody = porteiro([
    "leases",
    "lookup",
    "203.0.113.10",
    "--at",
    "2026-01-01T12:45:00Z",
    "--data",
    data,
  ]);
  assert.equal(nobody.status, 1);
  assert.equal(nobody.stderr, "no lease covers 203.0.113.10 at 2026-01-01T12:45:00.000Z\n");

  const list = porteiro([
    "leases",
    "list",
    "--data",
    data,
    "--address",
    "2001:db8:3:1ff::1",
    "--format",
    "csv",
  ]);
  assert.equal(
    list.stdout,
    "address,ports,subscriber,start,end,source_format,source_file\n" +
      `2001:db8:3:100::/56,,00:01:00:01:29:e3:38:00:00:16:3e:12:34:56,2026-01-01T10:00:00.000Z,2026-01-01T11:06:40.000Z,kea-csv,${FIXTURES}/kea-leases6.csv\n`,
  );
  const table = porteiro(["leases", "list", "--data", data]).stdout;
  assert.match(table, /^address +ports +subscriber +start +end +source$/m);
  assert.match(
    table,
    /^203\.0\.113\.10 +- +caio@isp\.example +2026-01-01T13:00:00\.000Z +open +radius-detail /m,
  );
});

test("a CGNAT address: lookup --port names the block's subscriber; without a port it is shared, exit 1", (t) => {
  const data = tempDir(t, "leases-cli-cgnat");
  const imported = porteiro([
    "leases",
    "import",
    `${FIXTURES}/detail-cgnat-nokia`,
    "--format",
    "radius-detail",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 0, imported.stderr);
  const lookup = (...extra: string[]) =>
    porteiro(["leases", "lookup", "203.0.113.200", "--at", "2026-01-20T11:30:00Z", "--data", data, ...extra]);
  const byPort = lookup("--port", "2500");
  assert.equal(byPort.status, 0, byPort.stderr);
  assert.equal(
    byPort.stdout,
    "203.0.113.200 port 2500 at 2026-01-20T11:30:00.000Z: edu@isp.example " +
      "(lease 203.0.113.200 ports 2048-3071, 2026-01-20T10:02:00.000Z – 2026-01-20T12:00:00.000Z)\n",
  );
  const json = JSON.parse(lookup("--port", "5500", "--format", "json").stdout);
  assert.deepEqual(
    [json.attribution, json.subscriber, json.ports],
    ["port-block", "dani@isp.example", "5120-6143"],
  );
  const shared = lookup();
  assert.equal(shared.status, 1);
  assert.equal(
    shared.stderr,
    "203.0.113.200 at 2026-01-20T11:30:00.000Z is a shared address: port blocks 1024-2047 (dani@isp.example), " +
      "2048-3071 (edu@isp.example), 5120-6143 (dani@isp.example); give --port\n",
  );
  const outside = lookup("--port", "9000");
  assert.equal(outside.status, 1);
  assert.match(outside.stderr, /port 9000 .* is a shared address: .*; none of them alone holds that port\n$/);
  assert.doesNotMatch(lookup("--port", "70000").stderr, STACK_LINE);

  const list = porteiro(["leases", "list", "--address", "203.0.113.200", "--data", data]).stdout;
  assert.match(
    list,
    /^203\.0\.113\.200 +2048-3071 +fabi@isp\.example +2026-01-20T12:30:00\.000Z +open +radius-detail /m,
  );
});

test("bad records: the good ones are imported, the bad ones reported as file:line, exit 1, no stack trace", (t) => {
  const data = tempDir(t, "leases-cli-bad");
  const result = porteiro([
    "leases",
    "import",
    `${FIXTURES}/detail-malformed`,
    "--format",
    "radius-detail",
    "--data",
    data,
    "--max-errors",
    "2",
  ]);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /: 1 new, 0 updated, 0 already known, 5 bad records skipped\n$/);
  assert.equal(
    result.stderr,
    `${FIXTURES}/detail-malformed:5: Framed-IP-Address: "203.0.113.300" is not an IPv4 address\n` +
      `${FIXTURES}/detail-malformed:8: record has no User-Name\n` +
      "… and 3 more bad records\n" +
      `${FIXTURES}/detail-malformed: 5 bad records skipped; the good ones are imported\n`,
  );
  for (const args of [
    ["leases", "import", "missing.leases", "--format", "dhcpd", "--data", data],
    ["leases", "import", `${FIXTURES}/dhcpd.leases`, "--format", "dhcp", "--data", data],
    ["leases", "lookup", "203.0.113.10", "--at", "yesterday", "--data", data],
    ["leases", "lookup", "203.0.113.999", "--at", "2026-01-01T00:00:00Z", "--data", data],
  ]) {
    const failed = porteiro(args);
    assert.equal(failed.status, 1, args.join(" "));
    assert.doesNotMatch(failed.stderr, STACK_LINE);
  }
});

test("a hostname naming the subscriber is shown with its control characters escaped", (t) => {
  const data = tempDir(t, "leases-cli-hostile");
  const file = `${data}/kea-leases4.csv`;
  writeFileSync(
    file,
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n" +
      "192.0.2.30,00:16:3e:00:00:30,,3600,1767265200,1,0,0,evil\u001b[2Jname,0,,0\n",
  );
  assert.equal(
    porteiro([
      "leases",
      "import",
      file,
      "--format",
      "kea-csv",
      "--subscriber-field",
      "hostname",
      "--data",
      data,
    ]).status,
    0,
  );
  const shown = porteiro([
    "leases",
    "lookup",
    "192.0.2.30",
    "--at",
    "2026-01-01T10:30:00Z",
    "--data",
    data,
  ]).stdout;
  assert.match(shown, /: evil\\u001b\[2Jname \(lease/);
  const json = porteiro(["leases", "list", "--data", data, "--format", "json"]).stdout;
  assert.equal(JSON.parse(json)[0].subscriber, "evil\u001b[2Jname");
});

test("leases import --help documents the formats and the bad-record policy", () => {
  const help = porteiro(["leases", "import", "--help"]).stdout;
  for (const text of [
    "radius-detail",
    "dhcpd",
    "kea-csv",
    "--subscriber-attribute",
    "--subscriber-field",
    "--identity <identity>",
    "(default hardware)",
    "remote-id",
    "epoch",
    "backup and",
    "file:line",
    "gzip",
  ]) {
    assert.ok(help.includes(text), text);
  }
});

test("leases import --identity picks the dhcpd subscriber; a wrong one is a one-line error", (t) => {
  const data = tempDir(t, "leases-cli-identity");
  const file = `${FIXTURES}/dhcpd-4.2-failover.leases`;
  const imported = porteiro([
    "leases",
    "import",
    file,
    "--format",
    "dhcpd",
    "--identity",
    "remote-id",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 0, imported.stderr);
  const shown = porteiro([
    "leases",
    "lookup",
    "198.51.100.22",
    "--at",
    "2026-01-05T11:00:00Z",
    "--data",
    data,
  ]);
  assert.match(
    shown.stdout,
    /: cpe-0042 \(lease 198\.51\.100\.22, 2026-01-05T10:00:00\.000Z – 2026-01-05T11:30:00\.000Z\)\n$/,
  );
  const wrong = porteiro([
    "leases",
    "import",
    file,
    "--format",
    "dhcpd",
    "--identity",
    "duid",
    "--data",
    data,
  ]);
  assert.equal(wrong.status, 1);
  assert.equal(
    wrong.stderr,
    '--identity for dhcpd is one of hardware, uid, hostname, remote-id, circuit-id, not "duid"\n',
  );
  assert.doesNotMatch(wrong.stderr, STACK_LINE);
});

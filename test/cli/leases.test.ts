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
    at: "2026-01-01T11:00:00.000Z",
    subscriber: "ana@isp.example",
    lease: "2001:db8:1:100::/56",
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
    "address,subscriber,start,end,source_format,source_file\n" +
      `2001:db8:3:100::/56,00:01:00:01:29:e3:38:00:00:16:3e:12:34:56,2026-01-01T10:00:00.000Z,2026-01-01T11:06:40.000Z,kea-csv,${FIXTURES}/kea-leases6.csv\n`,
  );
  const table = porteiro(["leases", "list", "--data", data]).stdout;
  assert.match(table, /^address +subscriber +start +end +source$/m);
  assert.match(
    table,
    /^203\.0\.113\.10 +caio@isp\.example +2026-01-01T13:00:00\.000Z +open +radius-detail /m,
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
    "file:line",
    "gzip",
  ]) {
    assert.ok(help.includes(text), text);
  }
});

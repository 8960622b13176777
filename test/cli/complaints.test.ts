import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

const FIXTURES = "test/fixtures/complaints";
const NETWORKS = [
  "--asn-table",
  `${FIXTURES}/networks-asn.csv`,
  "--country-table",
  `${FIXTURES}/networks-country.csv`,
];

function importAll(data: string) {
  assert.equal(
    porteiro([
      "leases",
      "import",
      "test/fixtures/leases/detail-20260101",
      "--format",
      "radius-detail",
      "--data",
      data,
    ]).status,
    0,
  );
  return porteiro([
    "complaints",
    "import",
    FIXTURES,
    "--data",
    data,
    "--plan",
    "examples/plan.yaml",
    ...NETWORKS,
  ]);
}

test("complaints import prints a summary, names each rejected item with its reason and exits 1", (t) => {
  const data = tempDir(t, "complaints-cli");
  const imported = importAll(data);
  assert.equal(imported.status, 1);
  assert.equal(
    imported.stdout,
    `${FIXTURES}: 13 reports read: 8 new complaints, 1 duplicates of known ones, 0 already imported, 4 rejected\n`,
  );
  assert.equal(
    imported.stderr,
    [
      `${FIXTURES}/bad-arrival-date.eml: feedback-report: arrival-date is not an RFC 5322 date`,
      `${FIXTURES}/no-feedback-part.eml: no message/feedback-report part`,
      `${FIXTURES}/not-arf.eml: not an abuse report: text/plain, not multipart/report; report-type=feedback-report or X-ARF`,
      `${FIXTURES}/reports.mbox:2: not an abuse report: text/plain, not multipart/report; report-type=feedback-report or X-ARF`,
      `4 rejected, kept with the reason in ${join(data, "complaints", "rejected")}`,
      "",
    ].join("\n"),
  );
  const again = porteiro([
    "complaints",
    "import",
    `${FIXTURES}/xarf4-spam.json`,
    "--data",
    data,
    ...NETWORKS,
  ]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(
    again.stdout,
    /: 1 reports read: 0 new complaints, 0 duplicates of known ones, 1 already imported, 0 rejected\n$/,
  );
});

test("complaints report --format json keeps the contract: rows with key and complaints", (t) => {
  const data = tempDir(t, "complaints-report");
  importAll(data);
  const byAsn = porteiro(["complaints", "report", "--data", data, "--by", "asn", "--format", "json"]);
  assert.equal(byAsn.status, 0, byAsn.stderr);
  assert.deepEqual(
    JSON.parse(byAsn.stdout).rows.map((r: { key: unknown; complaints: number; duplicates: number }) => [
      r.key,
      r.complaints,
      r.duplicates,
    ]),
    [
      [64500, 4, 1],
      [null, 3, 0],
      [64501, 1, 0],
    ],
  );
  const byCountry = porteiro([
    "complaints",
    "report",
    "--data",
    data,
    "--by",
    "country",
    "--since",
    "2026-01-01",
  ]);
  assert.equal(
    byCountry.stdout,
    [
      "key  complaints  duplicates  first                     last",
      "BR   4           1           2026-01-01T10:30:00.000Z  2026-01-13T18:30:00.000Z",
      "PT   1           0           2026-01-12T10:00:00.000Z  2026-01-12T10:00:00.000Z",
      "-    1           0           2026-01-10T02:14:15.000Z  2026-01-10T02:14:15.000Z",
      "",
    ].join("\n"),
  );
  const series = porteiro([
    "complaints",
    "report",
    "--data",
    data,
    "--by",
    "subscriber",
    "--series",
    "--key",
    "ana@isp.example",
    "--since",
    "2025-12-31",
    "--until",
    "2026-01-02",
    "--format",
    "csv",
  ]);
  assert.equal(
    series.stdout,
    "key,interval,complaints,duplicates\nana@isp.example,2025-12-31,0,0\nana@isp.example,2026-01-01,2,1\nana@isp.example,2026-01-02,0,0\n",
  );
});

test("complaints list and show: attacker text escaped in tables, kept as given in JSON; the evidence path", (t) => {
  const data = tempDir(t, "complaints-show");
  const folder = tempDir(t, "complaints-hostile");
  const hostile = readFileSync(`${FIXTURES}/arf-ipv6-headers-only.eml`, "latin1").replace(
    "Subject: =?UTF-8?Q?Ofertas_imperd=C3=ADveis?=",
    "Subject: =?UTF-8?Q?clear=1B[2Jscreen?=",
  );
  const file = join(folder, "hostile.eml");
  writeFileSync(file, hostile, "latin1");
  const imported = porteiro(["complaints", "import", file, "--data", data, ...NETWORKS]);
  assert.equal(imported.status, 0, imported.stderr);

  const list = porteiro(["complaints", "list", "--data", data]);
  assert.match(list.stdout, /clear\\u001b\[2Jscreen/);
  assert.ok(!list.stdout.includes("\u001b"));
  const json = JSON.parse(porteiro(["complaints", "list", "--data", data, "--format", "json"]).stdout);
  assert.equal(json.complaints[0].subject, "clear\u001b[2Jscreen");

  const show = porteiro(["complaints", "show", "1", "--data", data]);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /^asn: +AS64500 Example Telecom$/m);
  assert.match(show.stdout, /^subscriber: +-$/m);
  const evidence = /^evidence:\n {2}(\S+) \(from /m.exec(show.stdout)?.[1] as string;
  assert.equal(readFileSync(evidence, "latin1"), hostile);
  const shown = JSON.parse(porteiro(["complaints", "show", "1", "--data", data, "--format", "json"]).stdout);
  assert.equal(shown.evidence[0].path, evidence);
});

test("user mistakes print one line and exit 1, never a stack trace", (t) => {
  const data = tempDir(t, "complaints-errors");
  for (const args of [
    ["complaints", "import", "no/such/path", "--data", data, ...NETWORKS],
    ["complaints", "show", "42", "--data", data],
    ["complaints", "report", "--by", "planet", "--data", data],
    ["complaints", "report", "--by", "asn", "--since", "2026-02-01", "--until", "2026-01-01", "--data", data],
    ["complaints", "report", "--by", "asn", "--key", "64500", "--data", data],
  ]) {
    const result = porteiro(args);
    assert.equal(result.status, 1, args.join(" "));
    assert.doesNotMatch(result.stderr, STACK_LINE);
    assert.ok(result.stderr.trim().length > 0);
  }
});

test("a CGNAT address: list and report say shared-address where no port names one subscriber; JSON has the rules", (t) => {
  const data = tempDir(t, "complaints-cgnat-cli");
  const leases = porteiro([
    "leases",
    "import",
    "test/fixtures/leases/detail-cgnat-nokia",
    "--format",
    "radius-detail",
    "--data",
    data,
  ]);
  assert.equal(leases.status, 0, leases.stderr);
  const imported = porteiro(["complaints", "import", `${FIXTURES}/cgnat`, "--data", data, ...NETWORKS]);
  assert.equal(imported.status, 0, imported.stderr);

  const json = JSON.parse(porteiro(["complaints", "list", "--data", data, "--format", "json"]).stdout);
  assert.deepEqual(
    json.complaints.map((c: Record<string, unknown>) => [
      c.source_port,
      c.source_rule,
      c.time_rule,
      c.attribution,
      c.subscriber,
    ]),
    [
      [5500, "Received", "Received", "port-block", "dani@isp.example"],
      [9000, "Source-IP", "Arrival-Date", "shared-address", null],
      [null, "Source-IP", "Arrival-Date", "shared-address", null],
      [2500, "Source-IP", "Arrival-Date", "port-block", "edu@isp.example"],
    ],
  );
  const table = porteiro(["complaints", "list", "--data", data]).stdout;
  assert.match(
    table,
    /^id +arrival +source +type +asn +country +subscriber +attribution +domain +dups +subject$/m,
  );
  assert.match(
    table,
    /^2 +2026-01-20T11:35:00\.000Z +203\.0\.113\.200 +abuse +AS64500 +BR +- +shared-address /m,
  );

  const report = porteiro(["complaints", "report", "--by", "attribution", "--data", data]);
  assert.equal(
    report.stdout,
    [
      "key             complaints  duplicates  first                     last",
      "port-block      2           0           2026-01-20T11:30:00.000Z  2026-01-20T11:55:00.000Z",
      "shared-address  2           0           2026-01-20T11:35:00.000Z  2026-01-20T11:40:00.000Z",
      "",
    ].join("\n"),
  );
  const show = porteiro(["complaints", "show", "1", "--data", data]).stdout;
  assert.match(show, /^arrival: +2026-01-20T11:55:00\.000Z \(Received\)$/m);
  assert.match(show, /^source: +203\.0\.113\.200 port 5500 \(Received\)$/m);
  assert.match(show, /^attribution: +port-block$/m);
});

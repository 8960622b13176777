import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SENDER_CLASSES } from "../../src/flows/analysis/classify.js";
import { readAggregates } from "../../src/flows/store/index.js";
import { openStore } from "../../src/store/index.js";
import { CLOCK, flow4 } from "../flows/decode-helpers.js";
import { v5Packet } from "../flows/exports.js";
import { nftHitsListing } from "../flows/nft-hits.js";
import { tempDir } from "../helpers/tmp.js";
import { porteiro, STACK_LINE } from "./run.js";

const FIXTURES = "test/fixtures/flows/nfdump";
const PLAN = ["--plan", "examples/plan.yaml"];

/** RADIUS accounting: ana held the bot's address, bia the mail client's, from the Sunday before. */
const LEASES = `Sun Jan  3 10:00:00 2027
\tAcct-Status-Type = Start
\tAcct-Session-Id = "s1"
\tUser-Name = "ana@isp.example"
\tFramed-IP-Address = 203.0.113.10
\tTimestamp = 1798970400

Sun Jan  3 10:00:00 2027
\tAcct-Status-Type = Start
\tAcct-Session-Id = "s2"
\tUser-Name = "bia@isp.example"
\tFramed-IP-Address = 203.0.113.20
\tTimestamp = 1798970400
`;

/** examples/plan.yaml with sul switching to enforce on 2027-01-11, the Monday after the flows' week. */
function sulSwitchPlan(data: string): string {
  const file = join(data, "plan.yaml");
  writeFileSync(
    file,
    readFileSync("examples/plan.yaml", "utf8").replace(
      "enforce_from: 2026-12-01",
      "enforce_from: 2027-01-11",
    ),
  );
  return file;
}

/** `flows impact` for 2027-01-11, when region sul starts enforcing. */
const impactOn2027 = (data: string, ...options: string[]) =>
  porteiro([
    "flows",
    "impact",
    "--data",
    data,
    "--plan",
    sulSwitchPlan(data),
    "--at",
    "2027-01-11",
    ...options,
  ]);

/** A data folder holding the flows of the nfdump fixture mail.json. */
function importMailFlows(t: TestContext, prefix: string): string {
  const data = tempDir(t, prefix);
  const imported = porteiro([
    "flows",
    "import",
    `${FIXTURES}/mail.json`,
    "--format",
    "nfdump-json",
    "--data",
    data,
  ]);
  assert.equal(imported.status, 0, imported.stderr);
  assert.match(imported.stdout, /^imported 129 records: 127 mail flows into 79 hourly aggregates/);
  return data;
}

test("import nfdump JSON → report JSON → impact CSV, with subscribers from the leases", (t) => {
  const data = importMailFlows(t, "flows-cli");
  const leases = join(data, "detail");
  writeFileSync(leases, LEASES);
  const leased = porteiro(["leases", "import", leases, "--format", "radius-detail", "--data", data]);
  assert.equal(leased.status, 0, leased.stderr);

  const report = porteiro(["flows", "report", "--data", data, ...PLAN, "--format", "json"]);
  assert.equal(report.status, 0, report.stderr);
  const { senders } = JSON.parse(report.stdout);
  assert.deepEqual(
    senders.map((s: Record<string, unknown>) => [s.address, s.subscriber, s.class]),
    [
      ["2001:db8:1000::5", null, "low-evidence"],
      ["203.0.113.10", "ana@isp.example", "bot-like"],
      ["203.0.113.20", "bia@isp.example", "mail-client"],
      ["203.0.113.99", null, "server"],
    ],
  );
  const bot = senders[1];
  assert.deepEqual(
    {
      region: bot.region,
      pool: bot.pool,
      flows: bot.flows,
      distinct_destinations: bot.distinct_destinations,
      distinct_destinations_estimated: bot.distinct_destinations_estimated,
      first_seen: bot.first_seen,
      last_seen: bot.last_seen,
      hours_active: bot.hours_active,
    },
    {
      region: "sul",
      pool: "adsl-poa-1",
      flows: 72,
      distinct_destinations: 72,
      distinct_destinations_estimated: false,
      first_seen: "2027-01-04T00:04:59.600Z",
      last_seen: "2027-01-04T23:07:02.600Z",
      hours_active: 24,
    },
  );
  assert.deepEqual(bot.reasons, [
    "72 distinct destinations (≥ 50)",
    "100% short or failed flows (≥ 50%)",
    "active in 24 of 24 hours of the day (≥ 16)",
    "not a mail client: 72 distinct destinations (> 5)",
    "not a server: active on 1 of 1 day (server from 3 days, 50%); 100% short or failed flows (> 20%)",
  ]);

  const impact = impactOn2027(data, "--format", "csv");
  assert.equal(impact.status, 0, impact.stderr);
  const lines = impact.stdout.trimEnd().split("\n");
  assert.equal(lines[0], "subscriber,address,class,region,pool,evidence");
  assert.equal(lines.length, 3);
  assert.match(
    lines[1] ?? "",
    /^ana@isp\.example,203\.0\.113\.10,bot-like,sul,adsl-poa-1,"72 flows to 72 destinations/,
  );
  assert.match(
    lines[2] ?? "",
    /^bia@isp\.example,203\.0\.113\.20,mail-client,sul,adsl-poa-1,"8 flows to 1 destination/,
  );

  const table = impactOn2027(data);
  assert.match(table.stdout, /^On 2027-01-11, starting to enforce: sul \(Sul\)$/m);
  assert.match(table.stdout, /^Senders active 2026-12-10\.\.2027-01-10 \(flows stored to 2027-01-08\):$/m);
  assert.match(table.stdout, /^ {4}bot-like: 1 sender, 1 known subscriber$/m);

  const adoption = porteiro([
    "flows",
    "adoption",
    "--data",
    data,
    ...PLAN,
    "--by",
    "pool",
    "--format",
    "csv",
  ]);
  assert.equal(adoption.status, 0, adoption.stderr);
  assert.equal(
    adoption.stdout,
    "period,region,pool,flows_25,flows_587,flows_465,flow_share,sources,submission_only_sources,source_share\n" +
      "2027-01-04,norte,2001:db8:1000::/40,2,0,0,0,1,0,0\n" +
      "2027-01-04,sul,adsl-poa-1,112,10,2,0.0968,6,2,0.3333\n",
  );
});

/** The counters of `nft -j list set inet porteiro observe_hits_v4`, from [address, packets]. */
const nftHits = (elements: readonly [string, number][]) =>
  nftHitsListing(elements.map(([val, packets]) => ({ val, packets })));

test("the router's observe-phase counters: readings add up and show in the impact", (t) => {
  const data = importMailFlows(t, "flows-hits");
  const first = join(data, "hits-1.json");
  const second = join(data, "hits-2.json");
  writeFileSync(
    first,
    nftHits([
      ["203.0.113.10", 30],
      ["203.0.113.30", 2],
    ]),
  );
  // The ruleset was reloaded in between: 203.0.113.10 counts again from zero.
  writeFileSync(
    second,
    nftHits([
      ["203.0.113.10", 10],
      ["203.0.113.30", 7],
    ]),
  );
  const one = porteiro(["flows", "hits", first, "--at", "2026-11-20T10:00:00Z", "--data", data]);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(
    one.stdout,
    "stored the reading of 2026-11-20T10:00:00.000Z: 2 sources, 32 new connections counted\n",
  );
  assert.equal(porteiro(["flows", "hits", second, "--at", "2026-11-27T10:00:00Z", "--data", data]).status, 0);

  // The readings are from November: the window reaches back to them.
  const since = ["--since", "2026-11-01"];
  const csvOut = impactOn2027(data, ...since, "--format", "csv");
  assert.equal(csvOut.status, 0, csvOut.stderr);
  assert.match(
    csvOut.stdout,
    /^,203\.0\.113\.10,bot-like,.*the router counted 40 new TCP\/25 connections from it while observed"$/m,
  );
  const json = JSON.parse(impactOn2027(data, ...since, "--format", "json").stdout);
  assert.deepEqual(json.observe_hits, {
    readings: 2,
    last_reading: "2026-11-27T10:00:00.000Z",
    sources: 2,
    blocked_sources: 2,
    without_flows: [{ address: "203.0.113.30", region: "sul", pool: "adsl-poa-1", hits: 7 }],
  });
  const text = impactOn2027(data, ...since).stdout;
  assert.match(
    text,
    /router observe-phase counters: 2 readings to 2026-11-27T10:00:00\.000Z, 2 sources counted/,
  );

  // A broken element is reported and skipped; the rest is stored and the command exits 1.
  const broken = join(data, "hits-3.json");
  writeFileSync(
    broken,
    nftHits([
      ["203.0.113.11", 4],
      ["999.1.1.1", 1],
    ]),
  );
  const bad = porteiro(["flows", "hits", broken, "--data", data]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /hits-3\.json: observe_hits_v4 element 2: not an address with a counter/);
  assert.match(bad.stdout, /1 source, 4 new connections counted; 1 element skipped/);
  assert.doesNotMatch(bad.stderr, STACK_LINE);
  const notJson = porteiro(["flows", "hits", `${FIXTURES}/mail.json`, "--data", data]);
  assert.equal(notJson.status, 1);
  assert.match(notJson.stderr, /mail\.json: not the JSON output of nft -j/);
});

test("report options: window, region, thresholds file and time zone; table and CSV", (t) => {
  const data = tempDir(t, "flows-cli-options");
  assert.equal(
    porteiro(["flows", "import", `${FIXTURES}/mail.csv`, "--format", "nfdump-csv", "--data", data]).status,
    0,
  );
  const monday = porteiro([
    "flows",
    "report",
    "--data",
    data,
    ...PLAN,
    "--since",
    "2027-01-04",
    "--until",
    "2027-01-04",
  ]);
  assert.equal(monday.status, 0, monday.stderr);
  assert.match(
    monday.stdout,
    /^address +subscriber +class +region +pool +flows +destinations +first seen +last seen +why$/m,
  );
  assert.match(monday.stdout, /^203\.0\.113\.10 +- +bot-like +sul +adsl-poa-1 +72 +72 +2027-01-04 00:04 /m);
  assert.match(
    monday.stdout,
    /^3 direct-to-MX senders: 1 bot-like, 0 mail-client, 0 server, 2 low-evidence$/m,
  );

  const thresholds = join(data, "thresholds.yaml");
  writeFileSync(thresholds, "bot_like:\n  min_signals: 4\n");
  const csv = porteiro([
    "flows",
    "report",
    "--data",
    data,
    ...PLAN,
    "--region",
    "sul",
    "--thresholds",
    thresholds,
    "--format",
    "csv",
  ]);
  assert.equal(csv.status, 0, csv.stderr);
  const rows = csv.stdout.trimEnd().split("\n");
  assert.match(rows[0] ?? "", /^address,subscriber,class,region,pool,flows,distinct_destinations,/);
  assert.match(
    rows.find((r) => r.startsWith("203.0.113.10,")) ?? "",
    /^203\.0\.113\.10,,bot-like,.*; 3 bot signals of 4 \(enough alone from 4\): fan-out beyond a mail program without a server's pattern decides"$/,
  );

  // Office hours in São Paulo (UTC−3): the mail client's 10:00 and 15:00 UTC are 07:00 and 12:00 there.
  const zoned = JSON.parse(
    porteiro([
      "flows",
      "report",
      "--data",
      data,
      ...PLAN,
      "--timezone",
      "America/Sao_Paulo",
      "--format",
      "json",
    ]).stdout,
  );
  const client = zoned.senders.find((s: { address: string }) => s.address === "203.0.113.20");
  assert.ok(!client.reasons.some((r: string) => r.includes("of flows 08:00")), client.reasons.join("; "));
  const utc = JSON.parse(porteiro(["flows", "report", "--data", data, ...PLAN, "--format", "json"]).stdout);
  const utcClient = utc.senders.find((s: { address: string }) => s.address === "203.0.113.20");
  assert.ok(utcClient.reasons.includes("100% of flows 08:00–19:00 (≥ 60%)"), utcClient.reasons.join("; "));
});

test("impact on norte's switch: the CSV holds norte's recent senders, sul's blocked since December stand apart", (t) => {
  const data = importMailFlows(t, "flows-cli-switch");
  const impact = (...options: string[]) =>
    porteiro(["flows", "impact", "--data", data, ...PLAN, "--at", "2027-03-01", ...options]);
  const csvOut = impact("--format", "csv");
  assert.equal(csvOut.status, 0, csvOut.stderr);
  const lines = csvOut.stdout.trimEnd().split("\n");
  assert.equal(lines[0], "subscriber,address,class,region,pool,evidence");
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(",").slice(1, 2).concat(l.split(",").slice(3, 5))),
    [["2001:db8:1000::5", "norte", "2001:db8:1000::/40"]],
  );
  const json = JSON.parse(impact("--format", "json").stdout);
  assert.deepEqual(json.switching, [{ id: "norte", name: "Norte", enforce_from: "2027-03-01" }]);
  assert.equal(json.note, null);
  assert.deepEqual(
    json.already_blocked.map((s: Record<string, unknown>) => [s.address, s.region, s.blocked_since]),
    [
      ["203.0.113.10", "sul", "2026-12-01"],
      ["203.0.113.20", "sul", "2026-12-01"],
    ],
  );
  const table = impact().stdout;
  assert.match(table, /^On 2027-03-01, starting to enforce: norte \(Norte\)$/m);
  assert.match(table, /^ {2}already blocked before that day, not to notify: 2 \(sul since 2026-12-01: 2\)$/m);
  assert.match(table, /^Already blocked before 2027-03-01 \(not in the notify list\):$/m);
  assert.match(table, /^- +203\.0\.113\.10 +bot-like +sul +adsl-poa-1 +2026-12-01 +72 flows/m);

  // A day no region switches, and a region asked for on another region's day: the reason, empty lists.
  const quiet = JSON.parse(
    porteiro(["flows", "impact", "--data", data, ...PLAN, "--at", "2027-03-02", "--format", "json"]).stdout,
  );
  assert.deepEqual(
    [quiet.switching, quiet.notify, quiet.note],
    [[], [], "no region starts enforcing that day"],
  );
  assert.equal(quiet.already_blocked.length, 3);
  assert.equal(
    porteiro(["flows", "impact", "--data", data, ...PLAN, "--at", "2027-03-02", "--format", "csv"]).stdout,
    "subscriber,address,class,region,pool,evidence\n",
  );
  const sul = impact("--region", "sul");
  assert.equal(sul.status, 0, sul.stderr);
  assert.match(
    sul.stdout,
    /^On 2027-03-01, sul does not start enforcing that day: it enforces since 2026-12-01$/m,
  );
  assert.match(sul.stdout, /^ {2}starting to lose port 25 that day \(the notify list, --format csv\): 0$/m);
});

test("report filters: --source, --region, --pool, --class, --top with --sort, --limit", (t) => {
  const data = importMailFlows(t, "flows-cli-filters");
  const report = (...options: string[]) =>
    porteiro(["flows", "report", "--data", data, ...PLAN, "--format", "csv", ...options]);
  const addresses = (...options: string[]) => {
    const result = report(...options);
    assert.equal(result.status, 0, result.stderr);
    return result.stdout
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",")[0]);
  };
  assert.deepEqual(addresses("--source", "203.0.113.0/28"), ["203.0.113.10"]);
  assert.deepEqual(addresses("--source", "2001:db8:1000::/40"), ["2001:db8:1000::5"]);
  assert.deepEqual(addresses("--region", "sul", "--pool", "adsl-poa-1", "--class", "server"), [
    "203.0.113.99",
  ]);
  assert.deepEqual(addresses("--top", "2"), ["203.0.113.10", "203.0.113.99"]);
  assert.deepEqual(addresses("--top", "1", "--sort", "last-seen"), ["203.0.113.99"]);
  assert.deepEqual(addresses("--limit", "1"), ["2001:db8:1000::5"]);
  const json = JSON.parse(report("--class", "mail-client", "--limit", "1", "--format", "json").stdout);
  assert.equal(json.senders.length, 1);
  assert.equal(json.matched, addresses("--class", "mail-client").length);
  const table = porteiro(["flows", "report", "--data", data, ...PLAN, "--top", "2"]);
  assert.match(table.stdout, /^2 direct-to-MX senders shown of 4: 1 bot-like, 0 mail-client, 1 server/m);
  assert.equal(
    porteiro(["flows", "report", "--data", data, ...PLAN, "--source", "198.51.100.0/24"]).stdout,
    "no direct-to-MX senders match\n",
  );

  for (const [options, message] of [
    [
      ["--pool", "nowhere"],
      /^unknown dynamic pool "nowhere"; the plan's dynamic pools are adsl-poa-1, 2001:db8:1000::\/40$/m,
    ],
    [
      ["--class", "spammer"],
      new RegExp(
        `--class <class>' argument 'spammer' is invalid\\. expected one of ${SENDER_CLASSES.join(", ")}`,
      ),
    ],
    [["--region", "leste"], /unknown region "leste"; the plan's regions are sul, norte/],
    [["--source", "203.0.113.1/24"], /"203\.0\.113\.1\/24" has host bits set/],
    [["--source", "mx.example"], /"mx\.example" is not an IPv4 prefix/],
    [["--sort", "bytes"], /expected one of flows, destinations, last-seen/],
    [["--top", "0"], /expected a whole number ≥ 1/],
  ] as const) {
    const result = report(...options);
    assert.equal(result.status, 1, `${options.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  }
});

test("bad records are reported as file:line, skipped, and make the import exit 1", (t) => {
  const data = tempDir(t, "flows-cli-bad");
  const file = join(data, "bad.json");
  const good = readFileSync(`${FIXTURES}/mail.json`, "utf8");
  writeFileSync(file, good.replace('"dst4_addr" : "192.0.2.2"', '"dst4_addr" : "192.0.2.300"'));
  const result = porteiro(["flows", "import", file, "--format", "nfdump-json", "--data", data]);
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    new RegExp(`^${file}:\\d+: destination "192.0.2.300" is not an IP address$`, "m"),
  );
  assert.match(result.stderr, /bad.json: 1 bad record skipped$/m);
  assert.match(
    result.stdout,
    /^imported 129 records: 126 mail flows into 79 hourly aggregates, 1 bad record skipped\n$/,
  );
  assert.doesNotMatch(result.stderr, STACK_LINE);
  assert.match(
    porteiro(["flows", "import", "--help"]).stdout,
    /skipped; the import goes on, and then exits 1/,
  );
});

test("user mistakes are one line and exit 1", (t) => {
  const data = tempDir(t, "flows-cli-mistakes");
  const thresholds = join(data, "bad.yaml");
  writeFileSync(thresholds, "bot_like:\n  min_signal: 2\n");
  for (const [args, message] of [
    [
      ["flows", "import", join(data, "none.json"), "--format", "nfdump-json", "--data", data],
      /none\.json: no such file/,
    ],
    [["flows", "import", data, "--format", "nfdump-json", "--data", data], /is a folder/],
    [
      ["flows", "import", "x", "--format", "netflow", "--data", data],
      /expected one of nfdump-json, nfdump-csv/,
    ],
    [["flows", "report", "--data", data, ...PLAN, "--region", "leste"], /unknown region "leste"/],
    [
      ["flows", "report", "--data", data, ...PLAN, "--thresholds", thresholds],
      /bad\.yaml:2: bot_like: unknown key "min_signal"/,
    ],
    [["flows", "report", "--data", data, ...PLAN, "--timezone", "Mars/Olympus"], /not an IANA time zone/],
    [
      ["flows", "report", "--data", data, ...PLAN, "--since", "2027-02-01", "--until", "2027-01-01"],
      /--until 2027-01-01 is before --since 2027-02-01/,
    ],
    [["flows", "impact", "--data", data, ...PLAN], /required option '--at <date>'/],
    [["flows", "collect", "--data", data, "--listen", "tcp://127.0.0.1:1"], /expected udp:\/\/HOST:PORT/],
  ] as const) {
    const result = porteiro([...args]);
    assert.equal(result.status, 1, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  }
});

test("collect keeps aggregates from NetFlow it receives, and writes them on SIGTERM", async (t) => {
  const data = tempDir(t, "flows-cli-collect");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/index.ts",
      "flows",
      "collect",
      "--data",
      data,
      "--listen",
      "udp://127.0.0.1:0",
      "--flush-seconds",
      "1",
    ],
    { env: { ...process.env, PORTEIRO_LOG_LEVEL: "info" } },
  );
  t.after(() => child.kill("SIGKILL"));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const deadline = Date.now() + 20_000;
  let port: number | undefined;
  while (port === undefined && Date.now() < deadline) {
    port = Number(/"port":(\d+)[^\n]*flow collector listening/.exec(stderr)?.[1]) || undefined;
    await sleep(50);
  }
  assert.ok(port, `the collector did not say where it listens: ${stderr}`);
  const sender = createSocket("udp4");
  await new Promise<void>((resolve, reject) =>
    sender.send(
      v5Packet([flow4(1, 25, { src: 0xcb00710a }), flow4(2, 587, { src: 0xcb00710a }), flow4(3, 80)], CLOCK),
      port,
      "127.0.0.1",
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  sender.close();
  // Written within a flush period, while the collector still runs.
  let sources: string[] = [];
  while (sources.length === 0 && Date.now() < deadline) {
    await sleep(200);
    const store = openStore(data);
    sources = [...readAggregates(store)].map((a) => `${a.source}:${a.port}`);
    store.close();
  }
  assert.deepEqual(sources, ["203.0.113.10:25", "203.0.113.10:587"]);
  child.kill("SIGTERM");
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /"signal":"SIGTERM"[^\n]*shutting down/);
  assert.match(stderr, /"aggregatesWritten":\d+[^\n]*flow collector stopped/);
  assert.doesNotMatch(stderr, STACK_LINE);
});

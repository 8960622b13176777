import assert from "node:assert/strict";
import { test } from "node:test";
import { type Day, parseDay } from "../../src/core/index.js";
import {
  type CalendarEntry,
  type Commitment,
  commitmentStatus,
  nationalSeries,
  type Organisation,
  type StatusReport,
} from "../../src/rollout/index.js";
import { FEW_NETWORKS, noiseAroundSwitches } from "../../src/rollout/noise.js";
import { silentReporters } from "../../src/rollout/progress.js";

const d = parseDay;
let id = 0;
function report(org: string, region: string, asOf: string, fields: Partial<StatusReport> = {}): StatusReport {
  return {
    id: ++id,
    org_id: org,
    region_id: region,
    as_of: d(asOf),
    phase: "notify",
    subscribers_notified: null,
    adoption_pct: null,
    blocked_ipv4: null,
    blocked_ipv6_prefixes: null,
    listed_ips: null,
    complaints: null,
    submission_offered: null,
    source: "entered",
    submitted_by: "t",
    public: true,
    received_at: "",
    ...fields,
  };
}
const commitment = (fields: Partial<Commitment>): Commitment => ({
  id: 1,
  org_id: "a",
  kind: "adoption_pct",
  region_id: null,
  target: 90,
  due: d("2021-06-30"),
  document_id: null,
  public: true,
  ...fields,
});

test("an adoption commitment is on track before its date, late after it, met once the regions' mean reaches it", () => {
  const reports = [
    report("a", "n", "2021-05-01", { adoption_pct: 95 }),
    report("a", "s", "2021-05-01", { adoption_pct: 70 }),
    report("b", "n", "2021-05-01", { adoption_pct: 99 }),
  ];
  const c = commitment({});
  assert.equal(commitmentStatus(c, reports, d("2021-06-01")).state, "on track");
  const late = commitmentStatus(c, reports, d("2021-07-01"));
  assert.equal(late.state, "late");
  assert.equal(late.current, 82.5);
  const met = commitmentStatus(
    c,
    [...reports, report("a", "s", "2021-07-08", { adoption_pct: 88 })],
    d("2021-08-01"),
  );
  assert.deepEqual([met.state, met.met_on, met.current], ["met", "2021-07-08", 91.5]);
  const regional = commitment({ region_id: "n" });
  assert.deepEqual(commitmentStatus(regional, reports, d("2021-06-01")).met_on, "2021-05-01");
});

test("a blocking commitment is met by a report in enforce; a submission commitment by one offering it", () => {
  const blocked = commitment({ kind: "port25_blocked_region", region_id: "s", target: null });
  const reports = [
    report("a", "s", "2021-06-01", { phase: "observe" }),
    report("a", "n", "2021-06-02", { phase: "enforce" }),
  ];
  assert.equal(commitmentStatus(blocked, reports, d("2021-06-15")).state, "on track");
  reports.push(report("a", "s", "2021-06-20", { phase: "enforce", submission_offered: true }));
  assert.equal(commitmentStatus(blocked, reports, d("2021-06-25")).met_on, "2021-06-20");
  const offered = commitment({ kind: "submission_offered", target: null, due: d("2021-06-01") });
  const status = commitmentStatus(offered, reports, d("2021-07-01"));
  assert.deepEqual([status.state, status.met_on], ["met", "2021-06-20"]);
});

test("the national adoption weighs organisations by subscribers and sums their latest listings", () => {
  const orgs = [
    { id: "big", subscribers: 900 },
    { id: "small", subscribers: 100 },
  ] as Organisation[];
  const series = nationalSeries(
    [
      report("big", "n", "2021-01-01", { adoption_pct: 50, listed_ips: 100 }),
      report("small", "n", "2021-01-01", { adoption_pct: 100, listed_ips: 50 }),
      report("big", "n", "2021-01-08", { adoption_pct: 60, listed_ips: 10 }),
    ],
    orgs,
  );
  assert.deepEqual(
    series.map((p) => [p.day, p.adoption_pct, p.listed_ips]),
    [
      ["2021-01-01", 55, 150],
      ["2021-01-08", 64, 60],
    ],
  );
});

/** A region-day's count with no form reports unless given. */
const noise = (
  day: string,
  records: number,
  form = { form_reports: 0, networks: 0, from_busiest_network: 0 },
) => ({
  region_id: "n",
  day: d(day),
  records,
  ...form,
});

test("noise after a switch above the threshold raises an alert; the same count before the switch does not", () => {
  const switches = new Map<string, Day>([["n", d("2021-03-10")]]);
  const counts = [
    noise("2021-03-05", 30),
    noise("2021-03-10", 12),
    noise("2021-03-11", 10),
    noise("2021-03-12", 4),
  ];
  const [north] = noiseAroundSwitches(counts, switches, d("2021-03-20"), 10);
  assert.deepEqual(
    north?.alerts.map((a) => [a.day, a.after_switch, a.records]),
    [["2021-03-10", 0, 12]],
  );
  assert.equal(north?.days[0]?.day, "2021-03-03");
  assert.equal(north?.days.at(-1)?.day, "2021-03-20");
  assert.equal(noiseAroundSwitches(counts, switches, d("2021-03-20"), 20)[0]?.alerts.length, 0);
});

test("an alert is from few networks when most of its records are form reports from few networks or mostly one", () => {
  const switches = new Map<string, Day>([["n", d("2021-03-10")]]);
  const form = (form_reports: number, networks: number, from_busiest_network: number) => ({
    form_reports,
    networks,
    from_busiest_network,
  });
  const counts = [
    noise("2021-03-10", 40, form(40, FEW_NETWORKS - 1, 10)),
    noise("2021-03-11", 40, form(40, 20, 21)),
    noise("2021-03-12", 40, form(40, 20, 20)),
    noise("2021-03-13", 40, form(20, 1, 20)),
    noise("2021-03-14", 40),
  ];
  const [north] = noiseAroundSwitches(counts, switches, d("2021-03-20"), 10);
  assert.deepEqual(
    north?.alerts.map((a) => [a.day, a.networks, a.few_networks]),
    [
      ["2021-03-10", FEW_NETWORKS - 1, true],
      ["2021-03-11", 20, true],
      ["2021-03-12", 20, false],
      ["2021-03-13", 1, false],
      ["2021-03-14", 0, false],
    ],
  );
});

test("who has not reported: entries under way without a report within the interval", () => {
  const entry = (org: string, notify: string | null, enforce: string): CalendarEntry => ({
    org_id: org,
    region_id: "n",
    notify_from: notify === null ? null : d(notify),
    observe_from: null,
    enforce_from: d(enforce),
  });
  const calendar = [
    entry("a", "2021-01-01", "2021-03-01"),
    entry("b", "2021-01-01", "2021-03-01"),
    entry("c", "2021-09-01", "2021-10-01"),
  ];
  const reports = [report("a", "n", "2021-05-25"), report("b", "n", "2021-04-01")];
  assert.deepEqual(silentReporters(calendar, reports, d("2021-06-01"), 14), [
    { org_id: "b", region_id: "n", last_report: "2021-04-01" },
  ]);
});

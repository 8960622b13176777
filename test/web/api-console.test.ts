import assert from "node:assert/strict";
import { test } from "node:test";
import { recordObserveHits } from "../../src/flows/index.js";
import { HELD_ACCOUNT, HOSTILE_HELO, HOSTILE_SUBJECT } from "../helpers/console-data.js";
import { login } from "./app.js";
import { CONSOLE_ENDPOINTS, consoleApp } from "./console-app.js";

test("every console endpoint answers with the fixture's data", async (t) => {
  const { app, context } = await consoleApp(t);
  const { cookie } = await login(app, "caio");
  const get = async (url: string) => {
    const response = await app.inject({ url, headers: { cookie } });
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    return response.json();
  };
  for (const url of CONSOLE_ENDPOINTS) await get(url);

  const overview = await get("/api/overview");
  assert.deepEqual(
    overview.regions.map((r: { id: string; phase: string }) => `${r.id}:${r.phase}`),
    ["sul:enforce", "norte:observe", "leste:open"],
  );
  assert.equal(overview.direct_senders.x.length, 26);
  const sul = overview.direct_senders.lines.find((l: { label: string }) => l.label === "sul");
  assert.equal(sul.values[0], 8);
  assert.ok(sul.values[25] < 8, "direct-to-MX senders fall once sul enforces");
  assert.ok(overview.adoption_pct.lines.some((l: { label: string }) => l.label === "all"));
  assert.equal(overview.listed.lines[0].label, "cbl");
  assert.ok(overview.complaints.x.length > 10);

  const senders = await get("/api/flows/senders");
  assert.equal(senders.total, 24);
  assert.ok(senders.senders.every((s: { subscriber: string | null }) => s.subscriber !== null));
  // sul switches on 2026-09-01: its senders of August are to notify.
  const impact = await get("/api/flows/impact?at=2026-09-01");
  assert.deepEqual(
    impact.switching.map((r: { id: string }) => r.id),
    ["sul"],
  );
  assert.deepEqual(impact.window, {
    since: "2026-08-02",
    until: "2026-08-31",
    last_flows: impact.window.last_flows,
  });
  assert.ok(impact.notify.length > 0);
  assert.equal(impact.notify_total, impact.notify.length);
  assert.ok(impact.notify.every((n: { region: string }) => n.region === "sul"));
  assert.equal(impact.observe_hits, null, "no reading of the router's counters yet");
  // One reading later, the impact counts them and the notice says so: the first call after it may
  // still get the last answer while the new one is computed (the cache's stale-while-refresh).
  const blocked = impact.notify[0].address as string;
  recordObserveHits(context.store, new Date("2026-08-20T10:00:00Z"), [{ address: blocked, packets: 12 }]);
  let withHits = await get("/api/flows/impact?at=2026-09-01");
  for (let i = 0; i < 50 && withHits.observe_hits === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    withHits = await get("/api/flows/impact?at=2026-09-01");
  }
  assert.equal(withHits.observe_hits.readings, 1);
  assert.equal(withHits.observe_hits.blocked_sources, 1);
  const notice = withHits.notify.find((n: { address: string }) => n.address === blocked);
  assert.match(notice.evidence, /the router counted 12 new TCP\/25 connections/);
  // Months later nobody switches: sul's senders are the already blocked, with the day it began.
  const later = await get("/api/flows/impact?at=2026-11-28&region=sul");
  assert.deepEqual(later.notify, []);
  assert.equal(later.note, "sul does not start enforcing that day: it enforces since 2026-09-01");
  assert.ok(later.already_blocked.length > 0);
  assert.equal(later.already_blocked_total, later.already_blocked.length);
  assert.ok(later.already_blocked.every((s: { blocked_since: string }) => s.blocked_since === "2026-09-01"));
  const quiet = await get("/api/flows/impact?at=2026-11-28");
  assert.equal(quiet.note, "no region starts enforcing that day; the next is norte on 2099-01-01");
  assert.deepEqual([quiet.switching, quiet.notify], [[], []]);
  const evidence = await get("/api/flows/evidence?address=203.0.113.1");
  assert.equal(evidence.senders[0].address, "203.0.113.1");
  assert.match(evidence.senders[0].evidence, /on port 25/);

  const plan = await get("/api/plan");
  assert.equal(plan.exceptions[0].reason, "customer mail server");
  const render = await get("/api/policy/render?format=routeros&at=2026-11-28");
  assert.match(render.files[0].content, /203\.0\.113\.0\/26/);
  const diff = await get("/api/policy/diff?from=2026-08-31&to=2026-09-01");
  assert.ok(diff.changes.some((c: { to: string }) => c.to === "blocked"));

  const report = await get("/api/reputation/report?by=region");
  assert.ok(report.rows.some((r: { key: string; listed: number }) => r.key === "norte" && r.listed === 10));
  const held = await get("/api/submission/held");
  assert.equal(held.accounts[0].address, HELD_ACCOUNT);
  assert.equal(held.accounts[0].held_messages, 1);

  const complaints = await get("/api/complaints?limit=1000");
  assert.ok(complaints.complaints.some((c: { subject: string }) => c.subject === HOSTILE_SUBJECT));
  const sessions = await get("/api/honeypot/sessions?limit=500");
  assert.ok(sessions.sessions.some((s: { helo: string }) => s.helo === HOSTILE_HELO));
});

test("bad parameters are a 400 naming the parameter", async (t) => {
  const { app } = await consoleApp(t);
  const { cookie } = await login(app, "caio");
  for (const [url, message] of [
    ["/api/policy/render?format=pf", /format: expected one of/],
    ["/api/flows/impact?at=tomorrow", /at: expected a date/],
    ["/api/flows/impact?at=2026-09-01&since=2026-09-01", /since: 2026-09-01 is not before at 2026-09-01/],
    ["/api/flows/impact?region=oeste", /region: unknown region; the plan's regions are sul, norte, leste/],
    ["/api/reputation/report?by=planet", /by: expected one of/],
    ["/api/honeypot/sessions/abc", /id: expected a number/],
  ] as const) {
    const response = await app.inject({ url, headers: { cookie } });
    assert.equal(response.statusCode, 400, url);
    assert.match(response.json().error, message);
  }
});

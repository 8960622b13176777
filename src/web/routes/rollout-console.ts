/**
 * The programme's console pages: the coordinator's view of every organisation and region, and
 * one page per organisation. Forms post to /api/rollout/ through /static/rollout.js (the CSRF
 * header comes from console.js); the server decides what each person may change.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Day, today } from "../../core/index.js";
import {
  type Actor,
  actorOf,
  COMMITMENT_KINDS,
  COMMITMENT_STATES,
  type CommitmentStatus,
  type CoordinatorView,
  commitmentStatus,
  coordinatorView,
  type FilterName,
  listCalendar,
  listDocuments,
  listRegions,
  NOISE_CATEGORIES,
  NOISE_RESOLUTIONS,
  ORG_TYPES,
  organisationView,
  orgNames,
  PHASES,
  pageCommitments,
  pageOrgs,
  pageRequest,
  phaseOf,
  type Region,
  type RegionNoise,
  type StatusReport,
  standingReports,
} from "../../rollout/index.js";
import type { WebContext } from "../context.js";
import { type Html, html } from "../html.js";
import { consolePage, HTML_TYPE } from "../layout.js";
import { lineChart, noiseChart } from "./rollout-chart.js";
import { commitmentText, figure, phaseBadge, stateBadge, timelineTable } from "./rollout-html.js";

const PAGE = "/console/rollout";
const ASSETS = { scripts: ["/static/rollout.js"], styles: ["/static/rollout.css"] };

const mayEnter = (me: Actor, orgId: string) =>
  me.role === "coordinator" || ((me.role === "org-admin" || me.role === "org-member") && me.orgId === orgId);
const mayAdminister = (me: Actor, orgId: string) =>
  me.role === "coordinator" || (me.role === "org-admin" && me.orgId === orgId);

const options = (values: readonly string[], selected?: string) =>
  values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ""}>${v}</option>`);
const regionOptions = (regions: readonly Region[]) =>
  regions.map((r) => html`<option value="${r.id}">${r.name}</option>`);

/** The list of organisations the typed text finds, filled by rollout.js from /api/rollout/orgs?q=. */
const ORG_CHOICES = "org-choices";

/**
 * A form rollout.js sends as JSON; `org` fixes the organisation, else the form takes its id, with
 * the organisations whose name or id holds what is typed offered as it is typed: thousands of
 * them are never all on the page.
 */
function apiForm(
  id: string,
  title: string,
  api: string,
  method: string,
  fields: Html,
  orgField?: { fixed: string } | "chosen",
): Html {
  const org =
    orgField === "chosen"
      ? html`<label>Organisation <input name="org_id" list="${ORG_CHOICES}" required autocomplete="off" pattern="[a-z0-9][a-z0-9-]*" placeholder="name or id"></label>`
      : orgField
        ? html`<input type="hidden" name="org_id" value="${orgField.fixed}">`
        : "";
  return html`<form class="rollout-form" id="${id}" data-api="${api}" data-method="${method}">
<fieldset><legend>${title}</legend>${org}${fields}
<button type="submit">Save</button> <output class="result" aria-live="polite"></output></fieldset>
</form>`;
}

/** The publish box only for who may publish: an org-member's report waits for its admin. */
const reportFields = (regions: readonly Region[], day: Day, canPublish: boolean) => html`
<label>Region <select name="region" required>${regionOptions(regions)}</select></label>
<label>As of <input type="date" name="as_of" value="${day}" required></label>
<label>Phase <select name="phase">${options(PHASES, "notify")}</select></label>
<label>Subscribers notified <input type="number" name="subscribers_notified" min="0" data-type="number"></label>
<label>Adoption % <input type="number" name="adoption_pct" min="0" max="100" step="0.1" data-type="number"></label>
<label>Blocked IPv4 addresses <input type="number" name="blocked_ipv4" min="0" data-type="number"></label>
<label>Listed IPs <input type="number" name="listed_ips" min="0" data-type="number"></label>
<label>Complaints <input type="number" name="complaints" min="0" data-type="number"></label>
${canPublish ? html`<label><input type="checkbox" name="public" data-type="boolean"> Publish on the transparency page</label>` : ""}`;

const noiseFields = (regions: readonly Region[], day: Day) => html`
<label>Region <select name="region_id"><option value="">(unknown)</option>${regionOptions(regions)}</select></label>
<label>Day <input type="date" name="day" value="${day}" required></label>
<label>Category <select name="category">${options(NOISE_CATEGORIES)}</select></label>
<label>Resolution <select name="resolution">${options(NOISE_RESOLUTIONS)}</select></label>
<label>Note <input name="note" maxlength="1000"></label>`;

const commitmentFields = (regions: readonly Region[]) => html`
<label>Kind <select name="kind">${options(COMMITMENT_KINDS)}</select></label>
<label>Region <select name="region_id"><option value="">(all)</option>${regionOptions(regions)}</select></label>
<label>Target % <input type="number" name="target" min="0" max="100" step="0.1" data-type="number"></label>
<label>Due <input type="date" name="due" required></label>`;

const calendarFields = (regions: readonly Region[]) => html`
<label>Region <select name="region_id" required>${regionOptions(regions)}</select></label>
<label>Notify from <input type="date" name="notify_from"></label>
<label>Observe from <input type="date" name="observe_from"></label>
<label>Enforce from <input type="date" name="enforce_from" required></label>`;

function commitmentsTable(commitments: readonly CommitmentStatus[], orgName: (id: string) => string): Html {
  if (commitments.length === 0) return html`<p class="empty">No commitments yet.</p>`;
  return html`<table class="commitments">
<thead><tr><th>Organisation</th><th>Commitment</th><th>Due</th><th>State</th><th>Where it stands</th></tr></thead>
<tbody>${commitments.map(
    (
      c,
    ) => html`<tr data-state="${c.state}"><td>${orgName(c.org_id)}</td><td>${commitmentText({ ...c, region: c.region_id })}</td><td>${c.due}</td>
<td>${stateBadge(c.state)}${c.met_on ? html` <small>on ${c.met_on}${c.met_on > c.due ? " (after the due date)" : ""}</small>` : ""}</td>
<td>${typeof c.current === "number" ? `${c.current}%` : c.current === true ? "yes" : c.current === false ? "not yet" : "no report"}</td></tr>`,
  )}</tbody></table>`;
}

function reportsTable(reports: readonly StatusReport[], canPublish: boolean): Html {
  if (reports.length === 0) return html`<p class="empty">No reports yet.</p>`;
  return html`<table class="reports">
<thead><tr><th>As of</th><th>Region</th><th>Phase</th><th>Notified</th><th>Adoption</th><th>Blocked IPv4</th><th>Listed</th><th>Complaints</th><th>Source</th><th>Public</th></tr></thead>
<tbody>${reports.map(
    (
      r,
    ) => html`<tr><td>${r.as_of}</td><td>${r.region_id}</td><td>${phaseBadge(r.phase)}</td><td>${figure(r.subscribers_notified)}</td>
<td>${figure(r.adoption_pct, "%")}</td><td>${figure(r.blocked_ipv4)}</td><td>${figure(r.listed_ips)}</td><td>${figure(r.complaints)}</td>
<td>${r.source === "pushed" ? html`<span title="${r.submitted_by}">signed push</span>` : html`entered by ${r.submitted_by}`}</td>
<td>${
      canPublish
        ? html`<form class="rollout-form inline" data-api="/api/rollout/reports/${r.id}" data-method="PATCH"><input type="hidden" name="public" value="${r.public ? "false" : "true"}" data-type="boolean"><button type="submit">${r.public ? "Unpublish" : "Publish"}</button></form>`
        : r.public
          ? "yes"
          : "no"
    }</td></tr>`,
  )}</tbody></table>`;
}

/** Rows a list of the coordinator's page shows at once; the next ones are a link away. */
const PAGE_ROWS = 50;

type Query = Record<string, string | undefined>;

/** The page's URL with some of its query changed (undefined: left out). */
function pageUrl(query: Query, change: Query, base = PAGE): string {
  const merged = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...change }))
    if (value !== undefined && value !== "") merged.set(key, value);
  const text = merged.toString();
  return text ? `${base}?${text}` : base;
}

/** The query's own filters, refused with a clear 400 when malformed, like the API's. */
function listQuery(
  query: Query,
  cursor: string | undefined,
  accepts: readonly FilterName[],
  list: string,
  sort?: string,
) {
  const given: Query = { limit: String(PAGE_ROWS), cursor, sort: sort || undefined };
  for (const name of accepts) given[name] = query[name] || undefined;
  return pageRequest(given, accepts, list, today());
}

const more = (query: Query, cursorName: string, next: string | null, anchor: string, base = PAGE) =>
  next === null
    ? ""
    : html`<p class="more"><a href="${pageUrl(query, { [cursorName]: next }, base)}#${anchor}">Next ${String(PAGE_ROWS)} →</a></p>`;

function regionsTable(view: CoordinatorView, query: Query): Html {
  const link = (region: string, phase: string, count: number) =>
    count ? html`<a href="${pageUrl({}, { region, phase })}#orgs">${figure(count)}</a>` : "0";
  return html`<table class="regions">
<thead><tr><th>Region</th><th>First switch</th><th>Planned</th><th>Notify</th><th>Observe</th><th>Enforce</th><th>Reporting</th><th>Adoption (by subscribers)</th><th>Listed IPs</th><th>Complaints</th></tr></thead>
<tbody>${view.regions.map(
    (r) =>
      html`<tr${query.region === r.id ? html` class="selected"` : ""}><th><a href="${pageUrl({}, { region: r.id })}#orgs">${r.name}</a></th><td>${r.switch_day ?? "–"}</td>
<td>${link(r.id, "planned", r.planned)}</td><td>${link(r.id, "notify", r.notify)}</td><td>${link(r.id, "observe", r.observe)}</td><td>${link(r.id, "enforce", r.enforce)}</td>
<td>${figure(r.reporting)}</td><td>${figure(r.adoption_pct, "%")}</td><td>${figure(r.listed_ips)}</td><td>${figure(r.complaints)}</td></tr>`,
  )}</tbody></table>`;
}

/** The filter form of the organisations' list: a GET of this page, so the server filters. */
const orgFilter = (
  regions: readonly Region[],
  query: Query,
) => html`<form class="filters" method="get" action="${PAGE}">
<label>Name or id holds <input name="q" value="${query.q ?? ""}" maxlength="100"></label>
<label>Region <select name="region"><option value="">(all)</option>${regions.map((r) => html`<option value="${r.id}"${r.id === query.region ? html` selected` : ""}>${r.name}</option>`)}</select></label>
<label>Phase <select name="phase"><option value="">(all)</option>${options(PHASES, query.phase)}</select></label>
<label>Sorted by <select name="sort">${ORG_SORTS.map(([value, text]) => html`<option value="${value}"${value === (query.sort ?? "") ? html` selected` : ""}>${text}</option>`)}</select></label>
<button type="submit">Show</button></form>`;

/** The organisations' orders the list offers (pageOrgs' sorts), the default first. */
const ORG_SORTS = [
  ["", "name"],
  ["id", "id"],
  ["subscribers", "subscribers, most first"],
] as const;

/** Regions whose noise is drawn: the rest are a row of a table each, so 27 regions stay a small page. */
const NOISE_CHARTS = 4;

/** The noisiest regions' charts (alerts first, then the most records), the others counted in a table. */
function noiseSection(view: CoordinatorView, regionName: (id: string) => string): Html {
  const total = (n: RegionNoise) => n.days.reduce((sum, d) => sum + d.records, 0);
  const ranked = [...view.noise].sort(
    (a, b) =>
      b.alerts.length - a.alerts.length || total(b) - total(a) || a.region_id.localeCompare(b.region_id),
  );
  const charts = ranked.slice(0, NOISE_CHARTS);
  const rest = ranked.slice(NOISE_CHARTS);
  const busiest = (n: RegionNoise) => Math.max(0, ...n.days.map((d) => d.records));
  return html`${charts.map((n) => noiseChart(`${regionName(n.region_id)}: switch ${n.switch_day}`, n.days, view.settings.noise_alert_per_day))}
${rest.length ? html`<table class="quiet"><thead><tr><th>Other regions</th><th>Switch</th><th>Records around it</th><th>Busiest day</th></tr></thead><tbody>${rest.map((n) => html`<tr><td>${regionName(n.region_id)}</td><td>${n.switch_day}</td><td>${figure(total(n))}</td><td>${figure(busiest(n))}</td></tr>`)}</tbody></table>` : ""}`;
}

/**
 * The coordinator's page: figures aggregated in SQL (coordinatorView, once per change of the
 * data) and one page of each list, filtered by the query; never every record of a large programme.
 */
function coordinatorPage(context: WebContext, request: FastifyRequest): string {
  const { store } = context;
  const day = today();
  const query = request.query as Query;
  const me = actorOf(store, request.session?.username ?? "");
  const view = coordinatorView(store, me, day);
  const regions = listRegions(store);
  const regionName = (id: string) => regions.find((r) => r.id === id)?.name ?? id;
  const orgs = pageOrgs(
    store,
    me,
    listQuery(query, query.orgs, ["org", "region", "phase", "q"], "organisations", query.sort),
  );
  const timeline = orgs.items.flatMap((o) =>
    listCalendar(store, me, { orgId: o.id }).map((entry) => ({ ...entry, phase: phaseOf(entry, day) })),
  );
  const commitmentPage = pageCommitments(
    store,
    me,
    listQuery(query, query.commitments, ["org", "region"], "commitments"),
  );
  const reportsOf = new Map(
    [...new Set(commitmentPage.items.map((c) => c.org_id))].map((org) => [
      org,
      standingReports(store, me, org),
    ]),
  );
  const commitments = commitmentPage.items.map((c) =>
    commitmentStatus(c, reportsOf.get(c.org_id) ?? [], day),
  );
  // The names of the organisations the page shows, not of every one in the programme.
  const names = orgNames(store, me, [
    ...view.silent.first.map((s) => s.org_id),
    ...commitmentPage.items.map((c) => c.org_id),
    ...orgs.items.map((o) => o.id),
  ]);
  const orgName = (id: string) => names.get(id) ?? id;
  const documents = listDocuments(store, me);
  const alerts = view.noise.flatMap((n) => n.alerts.map((a) => ({ ...a, region_id: n.region_id })));
  const coordinator = me.role === "coordinator";
  const states = view.commitments;
  const body = html`
<p class="you">${me.role ? html`You take part as <strong>${me.role}</strong>${me.orgId ? html` of <a href="${PAGE}/orgs/${me.orgId}">${me.orgId}</a>` : ""}.` : "You have no role in the programme: you can look, not change."}</p>
${alerts.length ? html`<section class="alerts" role="alert"><h2>Noise alerts</h2><ul>${alerts.map((a) => html`<li${a.few_networks ? html` data-few-networks` : ""}><strong>${regionName(a.region_id)}</strong>: ${a.records} records on ${a.day}, day ${a.after_switch} after the switch (threshold ${view.settings.noise_alert_per_day} a day)${a.form_reports ? `; ${a.form_reports} from the help form, from ${a.networks} ${a.networks === 1 ? "network" : "networks"}` : ""}${a.few_networks ? html` — <strong>from few networks: possibly a flood</strong>` : ""}</li>`)}</ul></section>` : ""}
<section id="regions"><h2>Regions</h2>${regionsTable(view, query)}</section>
<section id="national"><h2>National curves</h2>
${lineChart(
  "Adoption of authenticated submission (%)",
  view.national.map((p) => ({ x: p.day, y: p.adoption_pct })),
  { max: 100, unit: "%" },
)}
${lineChart(
  "Listed IPs",
  view.national.map((p) => ({ x: p.day, y: p.listed_ips })),
)}
${lineChart(
  "Spam complaints",
  view.national.map((p) => ({ x: p.day, y: p.complaints })),
)}
</section>
<section id="noise"><h2>Noise after each switch</h2>
${noiseSection(view, regionName)}
</section>
<section id="silent"><h2>Who has not reported</h2>
${view.silent.count ? html`<p>${figure(view.silent.count)} calendar entries under way have no report within ${view.settings.report_every_days} days${view.silent.count > view.silent.first.length ? html`; the ${String(view.silent.first.length)} longest silent:` : ":"}</p><table><thead><tr><th>Organisation</th><th>Region</th><th>Last report</th></tr></thead><tbody>${view.silent.first.map((s) => html`<tr><td><a href="${PAGE}/orgs/${s.org_id}">${orgName(s.org_id)}</a></td><td>${regionName(s.region_id)}</td><td>${s.last_report ?? "never"}</td></tr>`)}</tbody></table>` : html`<p>Every organisation under way has reported within ${view.settings.report_every_days} days.</p>`}
</section>
<section id="commitments"><h2>Commitments</h2>
<p>${COMMITMENT_STATES.map((state) => html`${stateBadge(state)} ${figure(states[state])} `)}</p>
${commitmentsTable(commitments, orgName)}${more(query, "commitments", commitmentPage.next, "commitments")}
</section>
<section id="orgs"><h2>Organisations and their calendar</h2>
${orgFilter(regions, query)}
<table><thead><tr><th>Organisation</th><th>Type</th><th>Subscribers</th><th>Signing key</th><th>Public</th></tr></thead>
<tbody>${orgs.items.map((o) => html`<tr><td><a href="${PAGE}/orgs/${o.id}">${o.name}</a></td><td>${o.type}</td><td>${figure(o.subscribers)}</td><td>${o.key_fingerprint ? html`<code>${o.key_fingerprint.slice(0, 16)}</code>` : "none"}</td><td>${o.public ? "yes" : "no"}</td></tr>`)}</tbody></table>
<div id="timeline">${timelineTable(timeline, regions, orgName)}</div>
${more(query, "orgs", orgs.next, "orgs")}
</section>
<section id="documents"><h2>Documents</h2>
<ul>${documents.map((d) => html`<li>${d.date} · ${d.kind}: ${d.link ? html`<a href="${d.link}" rel="noopener noreferrer">${d.title}</a>` : d.file_name ? html`<a href="/api/rollout/documents/${d.id}/file">${d.title}</a>` : d.title}${d.public ? "" : " (not public)"}</li>`)}</ul>
</section>
${
  coordinator
    ? html`<section id="forms"><h2>Change the programme</h2>
${apiForm("org-form", "Add an organisation", "/api/rollout/orgs", "POST", html`<label>Id <input name="id" required pattern="[a-z0-9][a-z0-9-]*"></label><label>Name <input name="name" required></label><label>Type <select name="type">${options(ORG_TYPES)}</select></label><label>Subscribers <input type="number" name="subscribers" min="0" data-type="number"></label><label>Ed25519 public key (PEM) <textarea name="public_key" rows="3"></textarea></label>`)}
${apiForm("region-form", "Add a region", "/api/rollout/regions", "POST", html`<label>Id <input name="id" required></label><label>Name <input name="name" required></label>`)}
${apiForm("calendar-form", "Set an organisation's dates in a region", "/api/rollout/calendar", "PUT", calendarFields(regions), "chosen")}
${apiForm("commitment-form", "Add a commitment", "/api/rollout/commitments", "POST", commitmentFields(regions), "chosen")}
${apiForm("report-form", "Enter a status report", "/api/rollout/reports", "POST", reportFields(regions, day, true), "chosen")}
${apiForm("noise-form", "Record noise", "/api/rollout/noise", "POST", noiseFields(regions, day), "chosen")}
<datalist id="${ORG_CHOICES}" data-api="/api/rollout/orgs"></datalist>
${apiForm("settings-form", "Settings", "/api/rollout/settings", "PATCH", html`<label>Noise alert above (records a day in a region) <input type="number" name="noise_alert_per_day" min="1" value="${view.settings.noise_alert_per_day}" data-type="number"></label><label>Report at least every (days) <input type="number" name="report_every_days" min="1" value="${view.settings.report_every_days}" data-type="number"></label>`)}
</section>`
    : ""
}`;
  return consolePage(context, request, { title: "Port 25 programme", body, ...ASSETS });
}

function organisationPage(context: WebContext, request: FastifyRequest, orgId: string): string {
  const day = today();
  const me = actorOf(context.store, request.session?.username ?? "");
  const query = request.query as Query;
  // Newest first, a page at a time: an organisation's reports over years run to thousands.
  const view = organisationView(context.store, me, orgId, day, {
    reports: listQuery(query, query.reports, [], "reports"),
    noise: listQuery(query, query.noise, [], "noise"),
  });
  const here = `${PAGE}/orgs/${orgId}`;
  const regions = listRegions(context.store);
  const org = view.org;
  const enter = mayEnter(me, org.id);
  const administer = mayAdminister(me, org.id);
  const body = html`
<p><a href="${PAGE}">← The whole programme</a> · ${org.type}${org.subscribers ? html` · ${figure(org.subscribers)} subscribers` : ""} · signing key ${org.key_fingerprint ? html`<code>${org.key_fingerprint.slice(0, 16)}</code>` : "not registered"}</p>
${view.silent.length ? html`<p class="warning" role="status">The coordinator has no recent report for ${view.silent.map((s) => s.region_id).join(", ")}.</p>` : ""}
<section id="timeline"><h2>Calendar</h2>${timelineTable(view.timeline, regions, () => org.name)}</section>
<section id="commitments"><h2>Commitments</h2>${commitmentsTable(view.commitments, () => org.name)}</section>
<section id="reports"><h2>Reports (what the coordinator sees)</h2>${reportsTable(view.reports.items, administer)}${more(query, "reports", view.reports.next, "reports", here)}</section>
<section id="noise"><h2>Noise</h2>
${view.noise.items.length ? html`<table><thead><tr><th>Day</th><th>Region</th><th>Category</th><th>Resolution</th><th>Source</th><th>Note</th></tr></thead><tbody>${view.noise.items.map((n) => html`<tr><td>${n.day}</td><td>${n.region_id ?? "–"}</td><td>${n.category}</td><td>${n.resolution}</td><td>${n.source}</td><td>${n.note ?? ""}</td></tr>`)}</tbody></table>${more(query, "noise", view.noise.next, "noise", here)}` : html`<p class="empty">No noise recorded.</p>`}
</section>
<section id="people"><h2>People</h2><ul>${view.people.map((p) => html`<li>${p.name} — ${p.role}${p.username ? html` (login <code>${p.username}</code>)` : ""}</li>`)}</ul></section>
${
  enter
    ? html`<section id="forms"><h2>Report</h2>
${apiForm("report-form", "Enter a status report", "/api/rollout/reports", "POST", reportFields(regions, day, administer), { fixed: org.id })}
${apiForm("noise-form", "Record noise", "/api/rollout/noise", "POST", noiseFields(regions, day), { fixed: org.id })}
${administer ? apiForm("commitment-form", "Add a commitment", "/api/rollout/commitments", "POST", commitmentFields(regions), { fixed: org.id }) : ""}
${administer ? apiForm("calendar-form", "Set the dates in a region", "/api/rollout/calendar", "PUT", calendarFields(regions), { fixed: org.id }) : ""}
${administer ? apiForm("key-form", "Register the signing key", `/api/rollout/orgs/${org.id}`, "PATCH", html`<label>Ed25519 public key (PEM, from porteiro rollout keygen) <textarea name="public_key" rows="4" required></textarea></label>`) : ""}
</section>`
    : ""
}`;
  return consolePage(context, request, { title: org.name, body, ...ASSETS });
}

export function register(app: FastifyInstance, context: WebContext): void {
  context.nav.push({ href: PAGE, title: "Programme", order: 70 });
  app.get(PAGE, async (request, reply) => reply.type(HTML_TYPE).send(coordinatorPage(context, request)));
  app.get(`${PAGE}/orgs/:id`, async (request, reply) =>
    reply.type(HTML_TYPE).send(organisationPage(context, request, (request.params as { id: string }).id)),
  );
}

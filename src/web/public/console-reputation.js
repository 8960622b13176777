// Reputation & complaints: listings and infect % per key on a date, one key's listed count and
// rank over time, complaint trends and the complaints themselves. Reporters' text is shown as text.
import { rankedBars, timeChart } from "./console-chart.js";
import { byId, dateTime, el, fill, load, number, percent } from "./console-dom.js";
import { dataTable } from "./console-table.js";

const by = byId("listing-by");
const dateSelect = byId("listing-date");

async function series(key) {
  const result = await load(
    `/api/reputation/series?by=${by.value}${key ? `&key=${encodeURIComponent(key)}` : ""}`,
    [byId("listing-series"), byId("rank-series")],
    () => series(key),
  );
  if (!result) return;
  byId("series-title").textContent = result.key ? `${result.key} over time` : "Over time";
  const x = result.points.map((p) => p.date);
  timeChart(
    byId("listing-series"),
    { x, lines: [{ label: "listed", values: result.points.map((p) => p.listed) }] },
    { height: 200 },
  );
  timeChart(
    byId("rank-series"),
    { x, lines: [{ label: "rank", values: result.points.map((p) => p.rank) }] },
    { height: 160 },
  );
}

async function listings() {
  const query = new URLSearchParams({ by: by.value });
  if (dateSelect.value) query.set("date", dateSelect.value);
  const result = await load(
    `/api/reputation/report?${query}`,
    [byId("listings"), byId("listing-bars")],
    listings,
  );
  if (!result) return;
  if (dateSelect.options.length !== result.dates.length)
    fill(
      dateSelect,
      result.dates
        .slice()
        .reverse()
        .map((d) => el("option", { value: d }, d)),
    );
  if (result.date) dateSelect.value = result.date;
  rankedBars(
    byId("listing-bars"),
    result.rows
      .filter((r) => r.listed > 0)
      .slice(0, 15)
      .map((r) => ({ label: r.as_name ? `${r.key} ${r.as_name}` : r.key, value: r.listed })),
  );
  dataTable(byId("listings"), {
    name: `listings-${result.by}-${result.date}`,
    columns: [
      { key: "rank", label: "Rank", numeric: true },
      { key: "key", label: result.by === "asn" ? "AS" : result.by },
      ...(result.by === "asn" ? [{ key: "as_name", label: "AS name" }] : []),
      { key: "listed", label: "Listed IPv4", numeric: true, format: number },
      { key: "allocated", label: "Allocated", numeric: true, format: number },
      { key: "infect_pct", label: "Infect %", numeric: true, format: (v) => percent(v, 3) },
      {
        key: "change",
        label: "Change",
        numeric: true,
        format: (v) => (v === null ? "–" : v > 0 ? `+${v}` : String(v)),
      },
      { key: "listed_v6_ranges", label: "IPv6 ranges", numeric: true },
    ],
    rows: result.rows,
    onSelect: (row) => series(row.key),
    empty: "No listing snapshots yet.",
  });
  series();
}

async function complaintSeries() {
  const result = await load(
    `/api/complaints/series?by=${encodeURIComponent(byId("complaints-by").value)}`,
    byId("complaint-series"),
    complaintSeries,
  );
  if (!result) return;
  // The ten biggest keys; the rest would be unreadable as lines.
  const lines = result.series.lines.slice(0, 10);
  timeChart(byId("complaint-series"), { ...result.series, lines });
}

function field(name, value) {
  return [el("dt", {}, name), el("dd", {}, value === null || value === undefined ? "–" : String(value))];
}

async function complaint(id) {
  const detail = byId("complaint-detail");
  const c = await load(`/api/complaints/${id}`, detail);
  if (!c) return;
  detail.hidden = false;
  fill(
    detail,
    el("h3", {}, `Complaint ${c.id}`),
    el(
      "dl",
      { className: "settings" },
      field("Arrived", dateTime(new Date(c.arrivalMs).toISOString())),
      field("Source", c.sourceIp),
      field("Feedback type", c.feedbackType),
      field("Subject", c.subject),
      field("Reporter", c.reporter),
      field("Reporting MTA", c.reportingMta),
      field("Original sender", c.originalMailFrom),
      field("Original recipient", c.originalRcptTo),
      field("AS", c.attribution.asn === null ? null : `AS${c.attribution.asn} ${c.attribution.asName ?? ""}`),
      field("Country", c.attribution.country),
      field("Pool / region", [c.attribution.pool, c.attribution.region].filter(Boolean).join(" / ") || null),
      field("Subscriber", c.attribution.subscriber),
      field("Duplicates", c.duplicates),
    ),
    el("h4", {}, "Fields of the report"),
    el(
      "table",
      { className: "data" },
      el(
        "tbody",
        {},
        c.fields.map(([name, value]) => el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, value))),
      ),
    ),
  );
  detail.scrollIntoView({ block: "nearest" });
}

async function complaints() {
  const result = await load("/api/complaints?limit=1000", byId("complaints"), complaints);
  if (!result) return;
  dataTable(byId("complaints"), {
    name: "complaints",
    columns: [
      { key: "arrival", label: "Arrived", format: dateTime },
      { key: "source_ip", label: "Source" },
      { key: "subject", label: "Subject" },
      { key: "feedback_type", label: "Type" },
      { key: "reporter", label: "Reporter" },
      { key: "asn", label: "AS", numeric: true },
      { key: "region", label: "Region" },
      { key: "subscriber", label: "Subscriber" },
      { key: "duplicates", label: "Duplicates", numeric: true },
    ],
    rows: result.complaints,
    onSelect: (row) => complaint(row.id),
    empty: "No complaints imported.",
  });
}

by.addEventListener("change", () => {
  fill(dateSelect);
  listings();
});
dateSelect.addEventListener("change", listings);
byId("complaints-by").addEventListener("change", complaintSeries);
listings();
complaintSeries();
complaints();

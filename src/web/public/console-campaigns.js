// Campaigns: the funnel of each region (affected → notified → delivered → moved, and still on
// port 25) as bars, and the subscribers one by one with their notice's evidence, sortable and
// exported as CSV by the table. Every value goes into the page as text.
import { rankedBars } from "./console-chart.js";
import { byId, dateTime, el, fill, load } from "./console-dom.js";
import { dataTable } from "./console-table.js";

const STAGES = [
  ["affected", "affected"],
  ["notified", "notified"],
  ["delivered", "delivered"],
  ["moved", "moved to 587/465"],
  ["still_on_25", "still on port 25"],
];

async function funnels() {
  const result = await load("/api/campaigns/funnel", byId("funnels"));
  if (!result) return;
  if (result.regions.length === 0) {
    fill(byId("funnels"), el("p", { className: "hint" }, "No campaign sent yet."));
    return;
  }
  const regions = new Map();
  for (const row of result.regions) {
    const total = regions.get(row.region) ?? Object.fromEntries(STAGES.map(([key]) => [key, 0]));
    for (const [key] of STAGES) total[key] += row[key];
    regions.set(row.region, total);
  }
  const charts = [...regions].map(([region, total], i) => {
    const chart = el("div", { className: "chart", id: `funnel-${i}` });
    const share = total.notified > 0 ? Math.round((100 * total.moved) / total.notified) : 0;
    return { region, total, chart, title: el("h3", {}, `${region}: ${share}% of those notified moved`) };
  });
  fill(
    byId("funnels"),
    charts.flatMap((c) => [c.title, c.chart]),
  );
  for (const { total, chart } of charts)
    rankedBars(
      chart,
      STAGES.map(([key, label]) => ({ label, value: total[key] })),
    );
}

async function members() {
  const result = await load("/api/campaigns/members", byId("members"));
  if (!result) return;
  dataTable(byId("members"), {
    name: "campaign-subscribers",
    columns: [
      { key: "subscriber", label: "Subscriber" },
      { key: "campaign", label: "Campaign" },
      { key: "class", label: "Class" },
      { key: "apart", label: "Not notified because" },
      { key: "notified_at", label: "Notified", format: dateTime },
      { key: "delivered_at", label: "Delivered", format: dateTime },
      { key: "bounced_at", label: "Bounced", format: dateTime },
      { key: "moved_at", label: "Moved" },
      { key: "still_on_25_at", label: "Last on port 25", format: dateTime },
      { key: "reminded_at", label: "Reminded", format: dateTime },
      { key: "evidence", label: "Evidence" },
    ],
    rows: result.members,
    empty: "No campaign sent yet.",
  });
}

funnels();
members();

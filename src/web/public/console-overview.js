// Overview: the phase of each region on a timeline, and the programme's measures over time.
import { enforcementMarks, phaseTimeline, timeChart } from "./console-chart.js";
import { byId, load } from "./console-dom.js";
import { dataTable } from "./console-table.js";

const PANELS = ["phases", "direct", "adoption", "listed", "complaints", "regions"];

async function showOverview() {
  const overview = await load("/api/overview", PANELS.map(byId), showOverview);
  if (!overview) return;
  const marks = enforcementMarks(overview.regions);
  phaseTimeline(byId("phases"), overview.regions, overview.today);
  timeChart(byId("direct"), overview.direct_senders, { marks });
  timeChart(byId("adoption"), overview.adoption_pct, { marks, unit: "%" });
  timeChart(byId("listed"), overview.listed, { marks });
  timeChart(byId("complaints"), overview.complaints, { marks });
  dataTable(byId("regions"), {
    name: "regions",
    columns: [
      { key: "id", label: "Region" },
      { key: "name", label: "Name" },
      { key: "phase", label: "Phase today" },
      { key: "observe_from", label: "Observe from" },
      { key: "enforce_from", label: "Enforce from" },
    ],
    rows: overview.regions,
  });
}

/** While the demo data loads, its progress; once it has loaded, the overview again, over all of it. */
async function showDemoProgress(wasSeeding = false) {
  const progress = await load("/api/demo/progress");
  const where = byId("demo-progress");
  if (!progress || progress.state === "off") return;
  where.hidden = false;
  where.textContent = `Demo data: ${progress.state}${progress.step ? ` — ${progress.step}` : ""} (${Math.round(progress.fraction * 100)}%)`;
  if (progress.state === "seeding") setTimeout(() => showDemoProgress(true), 5000);
  else if (wasSeeding) showOverview();
}

await showOverview();
showDemoProgress();

// Flows: direct-to-MX senders by class, who starts losing port 25 on a day with the list to
// notify (the already blocked apart), and one subscriber's evidence.
import { rankedBars, timeChart } from "./console-chart.js";
import { byId, dateTime, el, fill, load, number } from "./console-dom.js";
import { dataTable } from "./console-table.js";

const windowForm = byId("window-form");
const windowQuery = () => new URLSearchParams([...new FormData(windowForm)].filter(([, v]) => v !== ""));

async function senders() {
  const result = await load(`/api/flows/senders?${windowQuery()}`, byId("senders"), senders);
  if (!result) return;
  rankedBars(
    byId("classes"),
    Object.entries(result.by_class).map(([label, value]) => ({ label, value })),
  );
  dataTable(byId("senders"), {
    name: "direct-to-mx-senders",
    columns: [
      { key: "address", label: "Address" },
      { key: "subscriber", label: "Subscriber" },
      { key: "class", label: "Class" },
      { key: "region", label: "Region" },
      { key: "pool", label: "Pool" },
      { key: "flows", label: "Flows", numeric: true, format: number },
      { key: "distinct_destinations", label: "Destinations", numeric: true, format: number },
      { key: "last_seen", label: "Last seen", format: dateTime },
      { key: "reasons", label: "Why" },
    ],
    rows: result.senders,
    onSelect: (row) => evidence(row.subscriber ? { subscriber: row.subscriber } : { address: row.address }),
    empty: "No direct-to-MX senders in dynamic space.",
  });
}

const noticeColumns = [
  { key: "subscriber", label: "Subscriber" },
  { key: "address", label: "Address" },
  { key: "class", label: "Class" },
  { key: "region", label: "Region" },
  { key: "pool", label: "Pool" },
];

/** Who starts losing port 25 on the day (the regions switching then), and apart, who was blocked before. */
async function impact(at) {
  const query = new URLSearchParams(at ? { at } : {});
  const since = byId("impact-since").value;
  if (since) query.set("since", since);
  const result = await load(`/api/flows/impact?${query}`, [byId("notify"), byId("already-blocked")], () =>
    impact(at),
  );
  if (!result) return;
  byId("impact-at").value = result.day;
  const classes = Object.entries(result.by_class)
    .map(([name, c]) => `${name}: ${number(c.senders)} senders (${number(c.subscribers)} subscribers)`)
    .join(", ");
  const switching = result.switching.map((r) => r.name).join(", ");
  fill(
    byId("impact-summary"),
    `On ${result.day}, ${switching ? `starting to enforce: ${switching}` : result.note}. ` +
      `Senders active ${result.window.since} to ${result.window.until}. ` +
      `Starting to lose port 25 — ${classes}. Not blocked that day: ${number(result.not_blocked)}.`,
  );
  dataTable(byId("notify"), {
    name: `notify-${result.day}`,
    columns: [...noticeColumns, { key: "evidence", label: "Evidence" }],
    rows: result.notify,
    empty: "Nobody starts losing port 25 that day.",
  });
  fill(
    byId("already-blocked-summary"),
    `${number(result.already_blocked_total)} senders of the window were blocked before ${result.day}: not to notify.`,
  );
  dataTable(byId("already-blocked"), {
    name: `already-blocked-${result.day}`,
    columns: [
      ...noticeColumns,
      { key: "blocked_since", label: "Blocked since" },
      { key: "evidence", label: "Evidence" },
    ],
    rows: result.already_blocked,
    empty: "Nobody of the window was blocked before that day.",
  });
}

async function evidence(who) {
  byId("evidence-subscriber").value = who.subscriber ?? "";
  byId("evidence-address").value = who.address ?? "";
  const result = await load(
    `/api/flows/evidence?${new URLSearchParams({ ...Object.fromEntries(windowQuery()), ...who })}`,
    byId("evidence"),
  );
  if (!result) return;
  timeChart(byId("evidence-chart"), result.activity, { height: 200 });
  dataTable(byId("evidence"), {
    name: `evidence-${who.subscriber ?? who.address}`,
    columns: [
      { key: "address", label: "Address" },
      { key: "subscriber", label: "Subscriber" },
      { key: "class", label: "Class" },
      { key: "first_seen", label: "First seen", format: dateTime },
      { key: "last_seen", label: "Last seen", format: dateTime },
      { key: "evidence", label: "Evidence" },
    ],
    rows: result.senders,
    empty: "No direct-to-MX sending found for it.",
  });
  byId("evidence").append(
    el("p", { className: "hint" }, "The chart is the flows per day on each port of these addresses."),
  );
}

windowForm.addEventListener("submit", (event) => {
  event.preventDefault();
  senders();
});
byId("impact-form").addEventListener("submit", (event) => {
  event.preventDefault();
  impact(byId("impact-at").value);
});
byId("evidence-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const subscriber = byId("evidence-subscriber").value.trim();
  const address = byId("evidence-address").value.trim();
  if (subscriber || address) evidence(subscriber ? { subscriber } : { address });
});
senders();
impact();

// Plan & policy: the address space, exceptions, pools, the rendered configuration per format
// and what the next change window changes.
import { rankedBars } from "./console-chart.js";
import { byId, el, fill, load, number } from "./console-dom.js";
import { dataTable } from "./console-table.js";

const plan = await load("/api/plan", byId("plan-summary"));

async function render(format, at) {
  const status = byId("render-status");
  status.textContent = "rendering…";
  const rendering = await load(
    `/api/policy/render?format=${encodeURIComponent(format)}&at=${encodeURIComponent(at)}`,
    byId("render-files"),
  );
  if (!rendering) return;
  const select = byId("render-format");
  if (select.options.length === 0)
    for (const f of rendering.formats)
      select.append(el("option", { value: f.format, title: f.summary }, f.format));
  select.value = rendering.format;
  fill(
    byId("render-files"),
    rendering.files.map((file) =>
      el("figure", {}, el("figcaption", {}, file.name), el("pre", { className: "config" }, file.content)),
    ),
  );
  status.textContent = `${rendering.format} on ${rendering.at}`;
}

async function diff(from, to) {
  const query = new URLSearchParams();
  if (from) query.set("from", from);
  if (to) query.set("to", to);
  const result = await load(`/api/policy/diff?${query}`, byId("diff"));
  if (!result) return;
  byId("diff-from").value = result.from;
  byId("diff-to").value = result.to;
  dataTable(byId("diff"), {
    name: `policy-diff-${result.from}-${result.to}`,
    columns: [
      { key: "region", label: "Region" },
      { key: "prefix", label: "Prefix" },
      { key: "from", label: "From" },
      { key: "to", label: "To" },
      { key: "reason", label: "Why" },
    ],
    rows: result.changes,
    empty: `No change between ${result.from} and ${result.to}.`,
  });
}

if (plan) {
  fill(
    byId("plan-summary"),
    `${plan.isp.name}${plan.isp.asn ? ` (AS${plan.isp.asn})` : ""}: ${plan.regions.length} regions, ${number(plan.pools_total)} pools, ` +
      `${plan.exceptions.length} exceptions; blocked traffic is ${plan.action === "reject" ? "rejected" : "dropped"}. ` +
      `Relays: ${plan.relays.join(", ") || "none"}${plan.allow_relays_on_25 ? " (reachable on 25 from dynamic space)" : ""}.`,
  );
  rankedBars(
    byId("space-chart"),
    plan.space
      .filter((s) => s.ipv4 > 0)
      .map((s) => ({ label: `${s.kind} ${s.region ?? ""}`.trim(), value: s.ipv4 })),
    { unit: " IPv4" },
  );
  dataTable(byId("space"), {
    name: "space",
    columns: [
      { key: "kind", label: "Kind" },
      { key: "region", label: "Region" },
      { key: "pools", label: "Pools", numeric: true, format: number },
      { key: "ipv4", label: "IPv4 addresses", numeric: true, format: number },
      { key: "ipv6_64s", label: "IPv6 /64s", numeric: true, format: number },
    ],
    rows: plan.space,
  });
  dataTable(byId("exceptions"), {
    name: "exceptions",
    columns: [
      { key: "prefix", label: "Prefix" },
      { key: "reason", label: "Reason" },
      { key: "until", label: "Until", format: (v) => v ?? "no expiry" },
      {
        key: "days_left",
        label: "Days left",
        numeric: true,
        format: (v, row) => (row.expired ? "expired" : v === null ? "–" : String(v)),
      },
    ],
    rows: plan.exceptions,
    empty: "No exceptions.",
  });
  dataTable(byId("pools"), {
    name: "pools",
    columns: [
      { key: "prefix", label: "Prefix" },
      { key: "kind", label: "Kind" },
      { key: "region", label: "Region" },
      { key: "name", label: "Name" },
    ],
    rows: plan.pools,
  });
  byId("render-at").value = plan.today;
  render("nftables", plan.today);
  diff(plan.today, plan.next_window ?? undefined);
}

byId("render-form").addEventListener("submit", (event) => {
  event.preventDefault();
  render(byId("render-format").value, byId("render-at").value);
});
byId("render-format").addEventListener("change", () =>
  render(byId("render-format").value, byId("render-at").value),
);
byId("render-copy").addEventListener("click", async () => {
  const text = [...document.querySelectorAll("#render-files pre")].map((pre) => pre.textContent).join("\n");
  try {
    await navigator.clipboard.writeText(text);
    byId("render-status").textContent = "copied";
  } catch {
    byId("render-status").textContent = "the browser refused the clipboard; select the text instead";
  }
});
byId("diff-form").addEventListener("submit", (event) => {
  event.preventDefault();
  diff(byId("diff-from").value, byId("diff-to").value);
});

// Honeypot: captures per day, top origins, campaigns and one session in full. Every string of
// a session came from an attacker: it is only ever inserted as text.
import { rankedBars, timeChart } from "./console-chart.js";
import { byId, dateTime, el, fill, load, number, percent } from "./console-dom.js";
import { dataTable } from "./console-table.js";

async function origins() {
  const by = byId("origins-by").value;
  const result = await load(`/api/honeypot/origins?by=${by}`, byId("origins"), origins);
  if (!result) return;
  byId("abroad").textContent =
    result.abroad_share === null
      ? "Share from abroad: unknown (no home country or no message of known origin)."
      : `Messages from abroad (not ${result.home_country}): ${percent(result.abroad_share * 100)} of those of known origin.`;
  rankedBars(
    byId("origins"),
    result.rows.map((r) => ({ label: r.as_name ? `${r.key} ${r.as_name}` : r.key, value: r.sessions })),
    { unit: " sessions" },
  );
}

function field(name, value) {
  return [el("dt", {}, name), el("dd", {}, value === null || value === undefined ? "–" : String(value))];
}

async function session(id) {
  const detail = byId("session-detail");
  const s = await load(`/api/honeypot/sessions/${id}`, detail);
  if (!s) return;
  detail.hidden = false;
  fill(
    detail,
    el("h3", {}, `Session ${s.id}`),
    el(
      "dl",
      { className: "settings" },
      field("Started", dateTime(s.started)),
      field("Ended", dateTime(s.ended)),
      field("Source", `${s.source}:${s.source_port}`),
      field("Sensor / listener", `${s.sensor} / ${s.listener}`),
      field("Path", s.path),
      field("Asked to reach", s.destination),
      field(
        "Proxy user / password",
        s.proxy_user === null ? null : `${s.proxy_user} / ${s.proxy_password ?? ""}`,
      ),
      field("HELO", s.helo),
      field("Bytes", number(s.bytes)),
      field("Outcome", s.outcome),
    ),
    el("h4", {}, `${s.message_list.length} messages`),
    s.message_list.map((m) =>
      el(
        "dl",
        { className: "settings message" },
        field("Received", dateTime(m.received)),
        field("From", m.mail_from),
        field("To", m.recipients.join(", ")),
        field("Subject pattern", m.subject_pattern),
        field("URLs", m.urls.join(" ")),
        field(
          "Size",
          `${number(m.size)} bytes${m.truncated ? " (truncated)" : ""}${m.body_stored ? "" : ", body evicted"}`,
        ),
        field("SHA-256", m.sha256),
      ),
    ),
  );
  detail.scrollIntoView({ block: "nearest" });
}

async function captures() {
  const result = await load("/api/honeypot/series", byId("captures"), captures);
  if (result) timeChart(byId("captures"), result.series);
}

async function campaigns() {
  const result = await load("/api/honeypot/campaigns", byId("campaigns"), campaigns);
  if (!result) return;
  dataTable(byId("campaigns"), {
    name: "campaigns",
    columns: [
      { key: "key", label: "Campaign" },
      { key: "subject", label: "Subject pattern" },
      { key: "urls", label: "URLs" },
      { key: "sessions", label: "Sessions", numeric: true, format: number },
      { key: "messages", label: "Messages", numeric: true, format: number },
      { key: "recipients", label: "Recipients", numeric: true, format: number },
    ],
    rows: result.rows,
    empty: "No messages captured.",
  });
}

async function sessions() {
  const result = await load("/api/honeypot/sessions?limit=500", byId("sessions"), sessions);
  if (!result) return;
  dataTable(byId("sessions"), {
    name: "honeypot-sessions",
    columns: [
      { key: "started", label: "Started", format: dateTime },
      { key: "source", label: "Source" },
      { key: "listener", label: "Listener" },
      { key: "path", label: "Path" },
      { key: "destination", label: "Asked to reach" },
      { key: "helo", label: "HELO" },
      { key: "messages", label: "Messages", numeric: true },
      { key: "recipients", label: "Recipients", numeric: true },
      { key: "outcome", label: "Outcome" },
    ],
    rows: result.sessions,
    onSelect: (row) => session(row.id),
    empty: "No sessions captured.",
  });
}

await captures();
byId("origins-by").addEventListener("change", origins);
origins();

campaigns();
sessions();

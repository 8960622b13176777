// Submission: traffic and refusals over time, held accounts (release, drop) and the queue
// (retry, delete). Changes go through porteiro.api with the CSRF token; read-only operators
// see no buttons (and the server would refuse them anyway).
import { rankedBars, timeChart } from "./console-chart.js";
import { byId, change, dateTime, fill, load, mayChange, number } from "./console-dom.js";
import { dataTable } from "./console-table.js";

const canChange = await mayChange();

/** Per-minute differences of the sampled counters, as series. */
function perMinute(samples, pick) {
  const x = [];
  const values = {};
  for (let i = 1; i < samples.length; i++) {
    x.push(samples[i].at);
    for (const [label, names] of Object.entries(pick)) {
      const sum = (s) => names(s.values).reduce((total, name) => total + (s.values[name] ?? 0), 0);
      values[label] ??= [];
      values[label].push(Math.max(0, sum(samples[i]) - sum(samples[i - 1])));
    }
  }
  return { x, lines: Object.entries(values).map(([label, v]) => ({ label, values: v })) };
}

async function act(path, then) {
  const error = byId("action-error");
  error.hidden = true;
  try {
    await change(path);
  } catch (failure) {
    error.hidden = false;
    error.textContent = failure.message;
  }
  await then();
}

async function summary() {
  const result = await load("/api/submission/summary", [
    byId("submission-summary"),
    byId("traffic"),
    byId("refusals"),
  ]);
  if (!result) return;
  fill(
    byId("submission-summary"),
    `${number(result.accounts.total)} accounts, ${number(result.accounts.held)} held; ` +
      `${number(result.queue.messages)} messages queued, ${number(result.queue.held)} held. ` +
      `Since start: ${number(result.counters.accepted ?? 0)} messages accepted.`,
  );
  const traffic = perMinute(result.samples, {
    accepted: () => ["accepted"],
    refused: (values) => Object.keys(values).filter((k) => k.startsWith("rejected:")),
    delivered: () => ["delivery:delivered"],
  });
  timeChart(byId("traffic"), traffic);
  rankedBars(
    byId("refusals"),
    Object.entries(result.counters)
      .filter(([name, value]) => name.startsWith("rejected:") && value > 0)
      .map(([name, value]) => ({ label: name.slice("rejected:".length), value }))
      .sort((a, b) => b.value - a.value),
  );
}

async function held() {
  const result = await load("/api/submission/held", byId("held"));
  if (!result) return;
  const path = (row, what) => `/api/submission/held/${encodeURIComponent(row.address)}/${what}`;
  dataTable(byId("held"), {
    name: "held-accounts",
    columns: [
      { key: "address", label: "Account" },
      { key: "held_at", label: "Held since", format: dateTime },
      { key: "hold_reason", label: "Why" },
      { key: "held_messages", label: "Held messages", numeric: true, format: number },
      { key: "suspended", label: "Suspended", format: (v) => (v ? "yes" : "no") },
    ],
    rows: result.accounts,
    actions: canChange
      ? [
          { label: "Release", run: (row) => act(path(row, "release"), refresh) },
          {
            label: "Drop held mail",
            run: (row) => act(path(row, "drop"), refresh),
            when: (row) => row.held_messages > 0,
          },
        ]
      : [],
    empty: "No account is on hold.",
  });
}

async function queue() {
  const result = await load("/api/submission/queue", byId("queue"));
  if (!result) return;
  const path = (row, what) => `/api/submission/queue/${encodeURIComponent(row.id)}/${what}`;
  dataTable(byId("queue"), {
    name: "queue",
    columns: [
      { key: "id", label: "Message" },
      { key: "user", label: "Account" },
      { key: "from", label: "From" },
      { key: "recipients", label: "Recipients", numeric: true },
      { key: "queued", label: "Waiting", numeric: true },
      { key: "attempts", label: "Attempts", numeric: true },
      { key: "next_attempt_at", label: "Next attempt", format: dateTime },
      {
        key: "held",
        label: "Held",
        format: (v, row) => (v ? `yes${row.hold_reason ? ` (${row.hold_reason})` : ""}` : "no"),
      },
      { key: "last_error", label: "Last reply" },
    ],
    rows: result.messages,
    actions: canChange
      ? [
          {
            label: "Retry now",
            run: (row) => act(path(row, "retry"), refresh),
            when: (row) => row.queued > 0,
          },
          { label: "Delete", run: (row) => act(path(row, "delete"), refresh) },
        ]
      : [],
    empty: "The queue is empty.",
  });
}

async function refresh() {
  await Promise.all([summary(), held(), queue()]);
}
refresh();

/** `porteiro flows impact`: who starts losing port 25 on a day, and who was blocked before it. */
import type { Command } from "commander";
import type { Day } from "../core/index.js";
import {
  flowWindowOf,
  IMPACT_WINDOW_DAYS,
  type Impact,
  impactOn,
  impactWindow,
  type Notice,
  observeHitTotals,
  plural,
  SENDER_CLASSES,
} from "../flows/index.js";
import { withFlowStore } from "./flow-store-options.js";
import {
  type AnalysisOptions,
  classOptions,
  csv,
  loadedPlan,
  planOptions,
  subscriberLookup,
  thresholdsOf,
} from "./flows-analysis.js";
import { dayOption } from "./options.js";
import { table, toJson } from "./output.js";

const NOTICE_COLUMNS = ["subscriber", "address", "class", "region", "pool", "evidence"] as const;

const noticeRow = (n: Notice) => [
  n.subscriber ?? "-",
  n.address,
  n.class,
  n.region ?? "-",
  n.pool,
  n.evidence,
];

function windowLine(impact: Impact): string {
  const { since, until, last_flows } = impact.window;
  const stored =
    last_flows === null ? " (no flows stored)" : last_flows < until ? ` (flows stored to ${last_flows})` : "";
  return `Senders active ${since}..${until}${stored}:`;
}

/** Already blocked senders per region and first day of their block: "sul since 2026-12-01: 3". */
function alreadyBlockedSummary(impact: Impact): string {
  const groups = new Map<string, number>();
  for (const s of impact.already_blocked) {
    const key = `${s.region ?? "-"} since ${s.blocked_since}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => `${key}: ${n}`).join(", ");
}

function impactText(impact: Impact): string {
  const switching = impact.switching.map((r) => `${r.id} (${r.name})`).join(", ");
  const lines = [
    `On ${impact.day}, ${switching ? `starting to enforce: ${switching}` : impact.note}`,
    windowLine(impact),
    `  starting to lose port 25 that day (the notify list, --format csv): ${impact.notify.length}`,
    ...SENDER_CLASSES.map(
      (c) =>
        `    ${c}: ${plural(impact.by_class[c].senders, "sender")}, ${plural(impact.by_class[c].subscribers, "known subscriber")}`,
    ),
    `  already blocked before that day, not to notify: ${impact.already_blocked.length}` +
      (impact.already_blocked.length > 0 ? ` (${alreadyBlockedSummary(impact)})` : ""),
    `  not blocked that day (open or observe phase, or an exception): ${impact.not_blocked}`,
  ];
  const hits = impact.observe_hits;
  if (hits && hits.readings > 0) {
    lines.push(
      `  router observe-phase counters: ${plural(hits.readings, "reading")} to ${hits.last_reading}, ` +
        `${plural(hits.sources, "source")} counted, ${hits.blocked_sources} of them blocked from that day, ` +
        `${hits.without_flows.length} of those not in the flow data`,
    );
    if (hits.without_flows.length > 0) {
      lines.push(
        "",
        table([
          ["address (router counters only)", "region", "pool", "connections counted"],
          ...hits.without_flows.map((h) => [h.address, h.region ?? "-", h.pool, String(h.hits)]),
        ]),
      );
    }
  }
  if (impact.notify.length > 0) {
    lines.push(
      "",
      `Starting to lose port 25 on ${impact.day}:`,
      table([[...NOTICE_COLUMNS], ...impact.notify.map(noticeRow)]),
    );
  }
  if (impact.already_blocked.length > 0) {
    lines.push(
      "",
      `Already blocked before ${impact.day} (not in the notify list):`,
      table([
        [...NOTICE_COLUMNS.slice(0, 5), "blocked since", "evidence"],
        ...impact.already_blocked.map((s) => [...noticeRow(s).slice(0, 5), s.blocked_since, s.evidence]),
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function registerImpactCommand(flows: Command): void {
  classOptions(planOptions(flows.command("impact")))
    .description(
      "who starts losing port 25 on a day: recent direct-to-MX senders of the regions switching to enforce",
    )
    .requiredOption("--at <date>", "the day (YYYY-MM-DD)", dayOption)
    .option(
      "--since <date>",
      `count senders active from this day to the day before --at (default: the ${IMPACT_WINDOW_DAYS} days before --at, or before the last flows stored when they end earlier)`,
      dayOption,
    )
    .addHelpText(
      "after",
      "\nThe regions switching are those whose enforce date is --at (with --region, that region; the table\n" +
        "says when it does not switch that day). An address whose exception ended the day before starts losing\n" +
        "port 25 too. --format csv prints the list to notify, those alone: subscriber,address,class,region,pool,evidence.\n" +
        "Senders blocked before the day are listed apart (table; JSON already_blocked, with blocked_since).\n" +
        "With readings of the router's observe-phase counters (`porteiro flows hits`), the evidence says how many\n" +
        "connections the router counted from each address, and the table and JSON list the addresses starting\n" +
        "to be blocked that the router counted but the flows do not show.\n" +
        "Example:\n  porteiro flows impact --data data --plan examples/plan.yaml --at 2027-03-01 --format csv",
    )
    .action(async (options: AnalysisOptions & { at: Day }) => {
      const plan = loadedPlan(options);
      const thresholds = thresholdsOf(options);
      const impact = await withFlowStore(
        options,
        async (flows, store) => {
          const window = await impactWindow(flows, options.at, options.since);
          const flowWindow = flowWindowOf(window);
          return impactOn(flows, plan, options.at, {
            window,
            ...(options.region ? { region: options.region } : {}),
            thresholds,
            subscriberAt: subscriberLookup(store, flowWindow),
            observeHits: observeHitTotals(store, {
              since: new Date(flowWindow.sinceMs as number).toISOString(),
              until: new Date(flowWindow.untilMs as number).toISOString(),
            }),
          });
        },
        { existing: true },
      );
      if (options.format === "json") {
        process.stdout.write(`${toJson(impact)}\n`);
      } else if (options.format === "csv") {
        process.stdout.write(
          csv(
            NOTICE_COLUMNS,
            impact.notify.map((n) => [n.subscriber, n.address, n.class, n.region, n.pool, n.evidence]),
          ),
        );
      } else {
        process.stdout.write(impactText(impact));
      }
    });
}

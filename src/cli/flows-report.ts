/** `porteiro flows report`: the direct-to-MX senders, narrowed and cut as nfdump's options do. */
import { type Command, InvalidArgumentError } from "commander";
import { type Prefix, parsePrefix, today } from "../core/index.js";
import {
  type DirectSender,
  directSenders,
  plural,
  type SamplerSeen,
  SENDER_CLASSES,
  SENDER_SORTS,
  type SenderClass,
  type SenderSort,
  samplersSeen,
  selectSenders,
} from "../flows/index.js";
import { withFlowStore } from "./flow-store-options.js";
import {
  type AnalysisOptions,
  analysisOptions,
  classOptions,
  csv,
  loadedPlan,
  positiveIntegerOption,
  subscriberLookup,
  thresholdsOf,
  windowOf,
} from "./flows-analysis.js";
import { choiceOption } from "./options.js";
import { type OutputFormat, table, toJson } from "./output.js";

interface ReportCommandOptions extends AnalysisOptions {
  source?: Prefix;
  pool?: string;
  class?: SenderClass;
  top?: number;
  sort?: SenderSort;
  limit?: number;
}

/** An address or a CIDR prefix, IPv4 or IPv6. */
function prefixOption(text: string): Prefix {
  try {
    return parsePrefix(text);
  } catch (error) {
    throw new InvalidArgumentError(
      `${(error as Error).message}; expected an address or a prefix such as 203.0.113.0/24.`,
    );
  }
}

const CSV_COLUMNS = [
  "address",
  "subscriber",
  "class",
  "region",
  "pool",
  "flows",
  "distinct_destinations",
  "distinct_destinations_estimated",
  "first_seen",
  "last_seen",
  "packets",
  "bytes",
  "short_flows",
  "syn_only_flows",
  "relay_flows",
  "submission_flows",
  "hours_active",
  "days_active",
  "exception",
  "reasons",
] as const;

/** "127.0.0.1:2055 sampler 1 ×256 (random 1 of 256 (selectorAlgorithm 3))". */
function samplerLine(s: SamplerSeen): string {
  const sampler =
    s.sampler === null ? (s.source === "import" ? "" : ` domain ${s.domain}`) : ` sampler ${s.sampler}`;
  return `${s.exporter}${sampler} ×${s.rate} (${s.method})`;
}

function printSenders(
  senders: readonly DirectSender[],
  matched: number,
  sampling: readonly SamplerSeen[],
  format: OutputFormat,
  filtered: boolean,
): void {
  if (format === "json") {
    process.stdout.write(`${toJson({ senders, matched, sampling })}\n`);
    return;
  }
  if (format === "csv") {
    const rows = senders.map((s) =>
      CSV_COLUMNS.map((key) =>
        key === "reasons" ? s.reasons.join("; ") : (s[key] as string | number | boolean | null),
      ),
    );
    process.stdout.write(csv(CSV_COLUMNS, rows));
    return;
  }
  if (senders.length === 0) {
    process.stdout.write(
      filtered ? "no direct-to-MX senders match\n" : "no direct-to-MX senders in dynamic space\n",
    );
    return;
  }
  process.stdout.write(
    `${table([
      [...CSV_COLUMNS.slice(0, 6), "destinations", "first seen", "last seen", "why"],
      ...senders.map((s) => [
        s.address,
        s.subscriber ?? "-",
        s.class,
        s.region ?? "-",
        s.pool,
        String(s.flows),
        `${s.distinct_destinations_estimated ? "≥" : ""}${s.distinct_destinations}`,
        s.first_seen.slice(0, 16).replace("T", " "),
        s.last_seen.slice(0, 16).replace("T", " "),
        [...s.reasons, ...(s.exception ? [`exception: ${s.exception}`] : [])].join("; "),
      ]),
    ])}\n`,
  );
  const counts = SENDER_CLASSES.map((c) => `${senders.filter((s) => s.class === c).length} ${c}`).join(", ");
  const shown = senders.length < matched ? ` shown of ${matched}` : "";
  process.stdout.write(`\n${plural(senders.length, "direct-to-MX sender")}${shown}: ${counts}\n`);
  if (sampling.length > 0) {
    process.stdout.write(
      `flows, packets and bytes renormalised by the sampling of: ${sampling.map(samplerLine).join("; ")}\n`,
    );
  }
}

export function registerReportCommand(flows: Command): void {
  classOptions(analysisOptions(flows.command("report")))
    .description("sources in dynamic space sending TCP/25 to hosts other than the relays, with their class")
    .option("--source <prefix>", "only sources in this address or prefix (IPv4 or IPv6)", prefixOption)
    .option("--pool <name>", "only the dynamic pools of this name")
    .option("--class <class>", SENDER_CLASSES.join(", "), choiceOption(SENDER_CLASSES))
    .option(
      "--sort <measure>",
      `order by ${SENDER_SORTS.join(", ")}, largest or newest first`,
      choiceOption(SENDER_SORTS),
    )
    .option("--top <n>", "the N first by --sort (flows unless --sort says otherwise)", positiveIntegerOption)
    .option(
      "--limit <n>",
      "stop after N rows of the listing in its order, as nfdump -c",
      positiveIntegerOption,
    )
    .addHelpText(
      "after",
      `\nClasses: ${SENDER_CLASSES.join(", ")}; the README's "Classes and their thresholds" says when each is chosen.\n` +
        "The listing is ordered by region, pool, class and flows unless --sort orders it by one measure.\n" +
        "--top N keeps the N largest by that measure; --limit N only cuts the listing after N rows, in\n" +
        "whatever order it has. --source, --region and --pool narrow the sources before they are analysed.\n" +
        "Examples:\n" +
        "  porteiro flows report --data data --plan examples/plan.yaml --format json\n" +
        "  porteiro flows report --data data --region sul --class bot-like --top 20 --sort destinations",
    )
    .action(async (options: ReportCommandOptions) => {
      const plan = loadedPlan(options);
      const window = windowOf(options);
      const thresholds = thresholdsOf(options);
      const { senders, sampling } = await withFlowStore(
        options,
        async (flows, store) => ({
          sampling: samplersSeen(store, window),
          senders: await directSenders(flows, plan, {
            window,
            ...(options.region ? { region: options.region } : {}),
            ...(options.pool ? { pool: options.pool } : {}),
            ...(options.source ? { source: options.source } : {}),
            thresholds,
            subscriberAt: subscriberLookup(store, window),
            exceptionsOn: options.until ?? today(),
          }),
        }),
        { existing: true },
      );
      const selected = selectSenders(senders, {
        ...(options.class ? { class: options.class } : {}),
        ...(options.sort ? { sort: options.sort } : {}),
        ...(options.top ? { top: options.top } : {}),
        ...(options.limit ? { limit: options.limit } : {}),
      });
      const filtered = [options.source, options.region, options.pool, options.class].some(
        (o) => o !== undefined,
      );
      printSenders(selected.senders, selected.matched, sampling, options.format, filtered);
    });
}

import { type Command, InvalidArgumentError } from "commander";
import { type Day, parseAddress, UserError } from "../core/index.js";
import {
  addressesOf,
  checkServer,
  type DnsblResult,
  listingOfAddresses,
  queryDnsbl,
  saveSnapshot,
} from "../reputation/index.js";
import { openStore } from "../store/index.js";
import { dataDir } from "./config.js";
import { dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";

function wholeNumber(min: number) {
  return (text: string): number => {
    if (!/^\d{1,9}$/.test(text) || Number(text) < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}.`);
    }
    return Number(text);
  };
}

function rateOption(text: string): number {
  const match = /^(\d{1,9})(?:\/s)?$/.exec(text);
  if (!match) throw new InvalidArgumentError("expected look-ups per second, e.g. 50 or 50/s (0: no limit).");
  return Number(match[1]);
}

interface QueryOptions {
  data?: string;
  config?: string;
  list?: string;
  zone: string;
  server: string;
  concurrency: number;
  rate: number;
  retries: number;
  timeout: number;
  maxAddresses: number;
  format: OutputFormat;
  store?: boolean;
  date?: Day;
}

const QUERY_HELP = `
Every address of the prefixes is looked up under the zone (reversed octets for IPv4, nibbles for
IPv6), A and TXT, at the --server given and no other resolver. An A answer in 127.0.0.0/8 is a
listing; 127.255.255.x are the lists' error codes (.252 mistyped zone, .254 public resolver refused,
.255 rate limited) and are reported as errors. NXDOMAIN is "not listed"; timeouts and SERVFAIL are
retried, then reported as errors. Exit status 1 when any look-up ended in an error.

With --store, the listed addresses become the snapshot of --list on --date.

Example:
  porteiro reputation query --list local --zone bl.example --server 127.0.0.1:5353 192.0.2.0/28`;

function printResults(results: readonly DnsblResult[], format: OutputFormat): void {
  if (format === "json") {
    process.stdout.write(`${toJson({ results })}\n`);
    return;
  }
  const rows = results.map((r) => [
    r.address,
    r.error && !r.listed ? "error" : r.listed ? "listed" : "not listed",
    r.a.join(" "),
    r.txt.join(" | "),
    r.error ?? "",
  ]);
  if (format === "csv") {
    const lines = ["address,listed,a,txt,error"];
    for (const r of results) {
      lines.push(
        [r.address, String(r.listed), r.a.join(" "), r.txt.join(" | "), r.error ?? ""]
          .map(csvField)
          .join(","),
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    return;
  }
  // Answers come from a server: shown with control characters escaped, never sent raw.
  const safe = (text: string) =>
    text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  process.stdout.write(
    `${table([["address", "status", "A", "TXT", "error"], ...rows.map((r) => r.map(safe))])}\n`,
  );
}

async function runQuery(prefixes: string[], options: QueryOptions): Promise<void> {
  checkServer(options.server);
  if (options.store && (!options.list || !options.date)) {
    throw new UserError("--store needs --list NAME and --date YYYY-MM-DD");
  }
  const addresses = addressesOf(prefixes, options.maxAddresses);
  const results = await queryDnsbl(addresses, {
    server: options.server,
    zone: options.zone,
    concurrency: options.concurrency,
    ratePerSecond: options.rate,
    retries: options.retries,
    timeoutMs: options.timeout,
  });
  printResults(results, options.format);
  if (options.store && options.list && options.date) {
    const data = dataDir(options);
    const store = openStore(data);
    try {
      const listed = results.filter((r) => r.listed).map((r) => parseAddress(r.address));
      saveSnapshot(store, data, listingOfAddresses(listed), {
        list: options.list,
        date: options.date,
        source: `dns:${options.zone}@${options.server}`,
        format: "dns",
      });
    } finally {
      store.close();
    }
  }
  const failed = results.filter((r) => r.error).length;
  if (failed > 0) throw new UserError(`${failed} of ${results.length} look-ups ended in an error`);
}

export function registerReputationQuery(reputation: Command): void {
  reputation
    .command("query")
    .description("look addresses up in a DNS blacklist served at a given server (spot checks, small spaces)")
    .argument("<prefix...>", "addresses or prefixes, IPv4 or IPv6")
    .requiredOption("--zone <zone>", "the blacklist's zone, e.g. bl.example")
    .requiredOption("--server <host:port>", "the DNS server to ask, e.g. 127.0.0.1:5353")
    .option("--list <name>", "the list's name (for --store)")
    .option("--concurrency <n>", "look-ups in flight at once", wholeNumber(1), 16)
    .option("--rate <n/s>", "addresses looked up per second at most (0: no limit)", rateOption, 200)
    .option("--retries <n>", "further tries after a timeout or SERVFAIL", wholeNumber(0), 2)
    .option("--timeout <ms>", "how long to wait for each answer", wholeNumber(1), 2000)
    .option("--max-addresses <n>", "refuse to look up more addresses than this", wholeNumber(1), 65536)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .option("--store", "save the listed addresses as the snapshot of --list on --date")
    .option("--date <YYYY-MM-DD>", "with --store: the snapshot's date", dayOption)
    .option("--data <dir>", "with --store: data folder holding porteiro.db (default: from -c, else ./data)")
    .option("-c, --config <file>", "porteiro.yaml naming the data folder")
    .addHelpText("after", QUERY_HELP)
    .action(runQuery);
}

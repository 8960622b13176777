import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../core/index.js";
import {
  type ObserveHit,
  parseFlowStoreUrl,
  parseObserveHits,
  plural,
  recordObserveHits,
} from "../flows/index.js";
import { type FlowStoreOptions, flowStoreOption } from "./flow-store-options.js";
import { timeOption } from "./options.js";
import { storeOptions, withStore } from "./store-options.js";

/** `porteiro flows hits`: one reading of the router's observe-phase counters into the store. */
export function registerHitsCommand(flows: Command): void {
  flowStoreOption(storeOptions(flows.command("hits"), "porteiro.yaml naming the data folder"))
    .description(
      "import the router's per-source hit counters of the observe phase (nftables), as one reading",
    )
    .argument(
      "<files...>",
      "saved `nft -j list set inet porteiro observe_hits_v4` (and _v6) output, or - for standard input",
    )
    .option(
      "--at <time>",
      "when the counters were read (ISO time, UTC unless an offset is given; default now)",
      timeOption,
    )
    .addHelpText(
      "after",
      "\nporteiro's nftables ruleset counts, per source, the new TCP/25 connections of observed space in the\n" +
        "sets observe_hits_v4 and observe_hits_v6. Save them on the router and import them, e.g. hourly:\n" +
        "  nft -j list set inet porteiro observe_hits_v4 > v4.json\n" +
        "  nft -j list set inet porteiro observe_hits_v6 > v6.json\n" +
        "  porteiro flows hits v4.json v6.json --data data\n" +
        "Reloading the ruleset starts the counters again; `flows impact` adds up the increases between\n" +
        "readings. An element that cannot be read is reported as FILE: SET element N: reason and skipped;\n" +
        "the rest is stored, and the command exits 1. The readings stay in the data folder with the plan's\n" +
        "state whatever --flows-store names (accepted here so one set of options serves every flows command).",
    )
    .action((files: string[], options: FlowStoreOptions & { at?: number }) => {
      // The readings belong with the plan's state in the data folder, whichever store holds the flows.
      if (options.flowsStore !== undefined) parseFlowStoreUrl(options.flowsStore);
      const at = new Date(options.at ?? Date.now());
      const hits = new Map<string, number>();
      const skipped: string[] = [];
      for (const file of files) {
        const source = file === "-" ? "standard input" : file;
        let text: string;
        try {
          text = readFileSync(file === "-" ? 0 : file, "utf8");
        } catch (error) {
          throw new UserError(
            `${source}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          );
        }
        const reading = parseObserveHits(text, source);
        for (const hit of reading.hits) hits.set(hit.address, (hits.get(hit.address) ?? 0) + hit.packets);
        skipped.push(...reading.skipped);
      }
      const list: ObserveHit[] = [...hits].map(([address, packets]) => ({ address, packets }));
      withStore(options, (store) => recordObserveHits(store, at, list));
      for (const line of skipped) process.stderr.write(`${line}\n`);
      const total = list.reduce((sum, hit) => sum + hit.packets, 0);
      process.stdout.write(
        `stored the reading of ${at.toISOString()}: ${plural(list.length, "source")}, ${plural(total, "new connection")} counted` +
          `${skipped.length > 0 ? `; ${plural(skipped.length, "element")} skipped` : ""}\n`,
      );
      if (skipped.length > 0) throw new UserError(`${plural(skipped.length, "element")} skipped`);
    });
}

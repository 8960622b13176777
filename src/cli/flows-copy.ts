/** `porteiro flows copy`: an ISP's SQLite flow history into ClickHouse, when it outgrows one machine. */
import type { Command } from "commander";
import { UserError } from "../core/index.js";
import { copyFlows, openFlowStore, parseFlowStoreUrl, plural, SqliteFlowStore } from "../flows/index.js";
import { openExistingStore } from "../store/index.js";
import { dataDir } from "./config.js";
import { importProgress } from "./import-progress.js";
import { type StoreOptions, storeOptions } from "./store-options.js";

export function registerCopyCommand(flows: Command): void {
  storeOptions(flows.command("copy"), "porteiro.yaml naming the data folder")
    .description("copy the data folder's hourly flow aggregates into another flow store (ClickHouse)")
    .requiredOption("--to <url>", "the store to copy into: clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE")
    .addHelpText(
      "after",
      "\nCopies month by month, in batches named by their month, place and content: run it again, or after\n" +
        "an interruption, and what the destination holds already is skipped, so no flow counts twice. Stop the\n" +
        "collectors writing into the data folder first (or copy a copy of it). Afterwards point the collectors,\n" +
        "reports and serve at the new store with --flows-store URL or flows.store in porteiro.yaml; the reports\n" +
        "give the same answers.\n" +
        "Example:\n  porteiro flows copy --data data --to clickhouse://porteiro:secret@127.0.0.1:8123/porteiro",
    )
    .action(async (options: StoreOptions & { to: string }) => {
      const url = parseFlowStoreUrl(options.to);
      if (url.engine !== "clickhouse") throw new UserError("--to: copy into a clickhouse:// store");
      const store = openExistingStore(dataDir(options));
      const result = await (async () => {
        const to = await openFlowStore(url, store);
        const progress = importProgress(`porteiro.db → ${url.display}`, {
          unit: "aggregates",
          logName: "flows-copy",
        });
        try {
          return await copyFlows(new SqliteFlowStore(store), to, {
            onProgress: (p) =>
              progress.update({ bytesRead: p.flowsDone, totalBytes: p.flows, count: p.aggregatesDone }),
          });
        } finally {
          progress.stop();
          await to.close();
        }
      })().finally(() => store.close());
      process.stdout.write(
        `copied ${plural(result.aggregates, "hourly aggregate")} (${plural(result.flows, "flow")}) of ` +
          `${plural(result.months, "month")} into ${url.display} in ${result.batches} ${result.batches === 1 ? "batch" : "batches"}\n`,
      );
    });
}

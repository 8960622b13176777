/** `--flows-store URL` on the commands that read or write flows, and opening what it names. */
import type { Command } from "commander";
import type { Logger } from "../core/index.js";
import { type FlowStore, openFlowStore, parseFlowStoreUrl } from "../flows/index.js";
import { openExistingStore, openStore, type Store } from "../store/index.js";
import { dataDir, flowStoreUrl } from "./config.js";
import type { StoreOptions } from "./store-options.js";

export interface FlowStoreOptions extends StoreOptions {
  flowsStore?: string;
}

export function flowStoreOption(command: Command): Command {
  return command.option(
    "--flows-store <url>",
    "where the flows live: sqlite (the data folder's, the default) or clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE (default: from -c)",
  );
}

/**
 * Opens the data folder's store and the flow store for one piece of work, closing both
 * whatever happens. `existing`: a data folder that is not there is an error, not made.
 */
export async function withFlowStore<T>(
  options: FlowStoreOptions,
  work: (flows: FlowStore, store: Store) => Promise<T>,
  { existing = false, log }: { existing?: boolean; log?: Logger } = {},
): Promise<T> {
  const url = parseFlowStoreUrl(flowStoreUrl(options));
  const store = existing ? openExistingStore(dataDir(options)) : openStore(dataDir(options));
  try {
    const flows = await openFlowStore(url, store, log ? { log } : {});
    try {
      return await work(flows, store);
    } finally {
      await flows.close();
    }
  } finally {
    store.close();
  }
}

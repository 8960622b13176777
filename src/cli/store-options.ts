import type { Command } from "commander";
import { openExistingStore, openStore, type Store } from "../store/index.js";
import { dataDir } from "./config.js";

/** The options of every command that reads or writes the store. */
export interface StoreOptions {
  data?: string;
  config?: string;
}

export function storeOptions(command: Command, configHelp = "porteiro.yaml naming the data folder"): Command {
  return command
    .option("--data <dir>", "data folder holding porteiro.db (default: from -c, else ./data)")
    .option("-c, --config <file>", configHelp);
}

/** Opens the store for one piece of work and closes it whatever happens. */
export function withStore<T>(options: StoreOptions, work: (store: Store) => T): T {
  return using(openStore(dataDir(options)), work);
}

/** The same for a command that only reads: a store that is not there is an error, not made. */
export function withExistingStore<T>(options: StoreOptions, work: (store: Store) => T): T {
  return using(openExistingStore(dataDir(options)), work);
}

function using<T>(store: Store, work: (store: Store) => T): T {
  try {
    return work(store);
  } finally {
    store.close();
  }
}

export async function withStoreAsync<T>(
  options: StoreOptions,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = openStore(dataDir(options));
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/**
 * What is worked out from all of the programme's data, kept until the data changes: every change
 * moves rollout_data_version (triggers of migration 022), so a figure is computed once per change
 * of the data (and per key: the reader's visibility, the day), not once per request.
 */
import type { Store } from "../store/index.js";

/** Results kept per store: a few readers' views of a few days are enough; the oldest goes first. */
const MAX_KEPT = 32;

const kept = new WeakMap<Store, Map<string, { version: number; value: unknown }>>();

/** The programme data's version: a number that changes with every change of its data. */
export function dataVersion(store: Store): number {
  return store.prepare("SELECT version FROM rollout_data_version").pluck().get() as number;
}

/** `compute()`'s result for `key` at the data's current version, computed only when that is new. */
export function computedOnce<T>(store: Store, key: string, compute: () => T): { value: T; version: number } {
  const version = dataVersion(store);
  const results = kept.get(store) ?? new Map<string, { version: number; value: unknown }>();
  kept.set(store, results);
  const known = results.get(key);
  if (known?.version === version) return { value: known.value as T, version };
  const value = compute();
  results.delete(key);
  results.set(key, { version, value });
  if (results.size > MAX_KEPT) results.delete(results.keys().next().value as string);
  return { value, version };
}

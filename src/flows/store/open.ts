import type { Logger } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import type { FlowStore } from "./flow-store.js";
import { SqliteFlowStore } from "./sqlite/index.js";
import type { FlowStoreUrl } from "./url.js";

/**
 * The flow store a URL names: the data folder's own store for `sqlite`, else a ClickHouse
 * server, whose client is loaded only then. Unreachable or misconfigured: a UserError.
 */
export async function openFlowStore(
  url: FlowStoreUrl,
  store: Store,
  options: { log?: Logger } = {},
): Promise<FlowStore> {
  if (url.engine === "sqlite") return new SqliteFlowStore(store);
  const { openClickHouseFlowStore } = await import("./clickhouse/index.js");
  return openClickHouseFlowStore(url, options);
}

/**
 * The ClickHouse engine of the flow store, for ISPs that outgrow one machine: collectors on
 * several hosts write into one server (or cluster) and the analysis runs as its queries.
 */
import type { Logger } from "../../../core/index.js";
import { UserError } from "../../../core/index.js";
import { type ClickHouseUrl, connect, explainOpen } from "./connect.js";
import { ensureSchema } from "./schema.js";
import { ClickHouseFlowStore } from "./store.js";

export type { ClickHouseUrl } from "./connect.js";
export { ClickHouseFlowStore } from "./store.js";

/**
 * Connects, checks that the server answers porteiro's credentials, and creates or upgrades the
 * schema. An unreachable or misconfigured server is a UserError naming the URL and the reason.
 */
export async function openClickHouseFlowStore(
  url: ClickHouseUrl,
  options: { log?: Logger } = {},
): Promise<ClickHouseFlowStore> {
  if (url.database.toLowerCase() === "system") {
    throw new UserError(`flows store ${url.display}: the system database is ClickHouse's own; name another`);
  }
  const client = connect(url);
  try {
    await ensureSchema(client, url.database, options.log);
  } catch (error) {
    await client.close();
    // The schema's own refusals (a column of another type) say which table, not which server.
    if (error instanceof UserError) throw new UserError(`flows store ${url.display}: ${error.message}`);
    throw explainOpen(error, url);
  }
  return new ClickHouseFlowStore(client, url);
}

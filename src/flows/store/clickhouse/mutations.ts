/** Waiting for ALTER … DELETE mutations: 18.16 runs them in the background and has no mutations_sync. */
import type { ClickHouseClient } from "@clickhouse/client";
import { quote } from "./sql.js";

const POLL_MS = 50;

/** Resolves once no mutation of the tables is left undone. */
export async function waitForMutations(
  client: ClickHouseClient,
  database: string,
  tables: readonly string[],
): Promise<void> {
  const query = `SELECT count() AS pending FROM system.mutations
    WHERE database = ${quote(database)} AND table IN (${tables.map(quote).join(", ")}) AND is_done = 0`;
  for (;;) {
    const result = await client.query({ query, format: "JSONEachRow" });
    const [row] = await result.json<{ pending: number }>();
    if ((row?.pending ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Streaming a query's rows one at a time, so a reader holds one chunk of the answer, not all of it. */
import type { ClickHouseClient } from "@clickhouse/client";

/** The query's rows as JSONEachRow objects, read from the HTTP stream as they come. */
export async function* queryRows<T>(client: ClickHouseClient, query: string): AsyncGenerator<T> {
  const result = await client.query({ query, format: "JSONEachRow" });
  for await (const chunk of result.stream<T>()) {
    for (const row of chunk) yield row.json<T>();
  }
}

/** Rows grouped per source as the engine streams them in source order. */
export async function* groupBySource<T extends { readonly source: string }>(
  rows: AsyncIterable<T>,
): AsyncGenerator<T[]> {
  let group: T[] = [];
  for await (const row of rows) {
    if (group.length > 0 && (group[0] as T).source !== row.source) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length > 0) yield group;
}

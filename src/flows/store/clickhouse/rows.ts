/** Streaming a query's rows a chunk at a time, so a reader holds one chunk of the answer, not all of it. */
import type { ClickHouseClient } from "@clickhouse/client";

/** The query's rows as JSONEachRow objects, one array per chunk the HTTP stream delivers. */
export async function* queryChunks<T>(client: ClickHouseClient, query: string): AsyncGenerator<T[]> {
  const result = await client.query({ query, format: "JSONEachRow" });
  for await (const chunk of result.stream<T>()) yield chunk.map((row) => row.json<T>());
}

/** The query's rows one at a time (an await per chunk, not per row). */
export async function* queryRows<T>(client: ClickHouseClient, query: string): AsyncGenerator<T> {
  for await (const chunk of queryChunks<T>(client, query)) yield* chunk;
}

/**
 * A read position in a streamed answer: `current` is the row at hand (undefined at the end);
 * `advance` awaits only when a chunk runs out, which keeps a row-by-row join cheap.
 */
export class RowCursor<T> {
  current: T | undefined;
  private chunk: T[] = [];
  private index = 0;

  private constructor(private readonly chunks: AsyncGenerator<T[]>) {}

  static async open<T>(chunks: AsyncGenerator<T[]>): Promise<RowCursor<T>> {
    const cursor = new RowCursor(chunks);
    await cursor.refill();
    return cursor;
  }

  /** Moves to the next row: synchronous inside a chunk, a promise only at its end. */
  advance(): Promise<void> | undefined {
    this.index++;
    if (this.index < this.chunk.length) {
      this.current = this.chunk[this.index];
      return undefined;
    }
    return this.refill();
  }

  private async refill(): Promise<void> {
    for (;;) {
      const next = await this.chunks.next();
      if (next.done) {
        this.current = undefined;
        return;
      }
      if (next.value.length === 0) continue;
      this.chunk = next.value;
      this.index = 0;
      this.current = this.chunk[0];
      return;
    }
  }

  async close(): Promise<void> {
    await this.chunks.return(undefined);
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

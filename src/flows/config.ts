import { z } from "zod";

/** porteiro.yaml's `flows:` section: where the hourly aggregates live and for how long. */
export const flowsConfigSchema = z
  .strictObject({
    /** `sqlite` (the data folder's porteiro.db) or clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE. */
    store: z.string().min(1).default("sqlite"),
    /** Days of hourly aggregates kept (ClickHouse drops whole months past them); unset keeps all. */
    retention_days: z.number().int().min(1).optional(),
  })
  .default({ store: "sqlite" });

export type FlowsConfig = z.infer<typeof flowsConfigSchema>;

import { Gauge, type Registry } from "prom-client";
import type { Store } from "../store/index.js";

const DAY_MS = 86_400_000;

/**
 * Complaint gauges read from the store at each scrape, through the arrival index: how many are
 * stored, how many arrived in the last 24 hours per feedback type, and when the newest arrived
 * (an alert on its age catches a feedback loop that stopped delivering).
 */
export function registerComplaintMetrics(registry: Registry, store: Store): void {
  const stored = store.prepare("SELECT count(*) FROM complaints").pluck();
  const lastDay = store.prepare(
    "SELECT feedback_type AS type, count(*) AS n FROM complaints WHERE arrival_ms >= ? GROUP BY feedback_type",
  );
  const newest = store.prepare("SELECT max(arrival_ms) FROM complaints").pluck();
  new Gauge({
    name: "porteiro_complaints_stored",
    help: "abuse complaints in the store (one per reported message, duplicates not counted)",
    registers: [registry],
    collect() {
      this.set(stored.get() as number);
    },
  });
  new Gauge({
    name: "porteiro_complaints_last_24h",
    help: "abuse complaints that arrived in the last 24 hours, by feedback type (abuse, fraud, …)",
    labelNames: ["feedback_type"],
    registers: [registry],
    collect() {
      this.reset();
      const rows = lastDay.all(Date.now() - DAY_MS) as { type: string; n: number }[];
      for (const row of rows) this.set({ feedback_type: row.type }, row.n);
    },
  });
  new Gauge({
    name: "porteiro_complaints_newest_arrival_timestamp_seconds",
    help: "arrival time of the newest stored complaint, Unix seconds (0 while there is none)",
    registers: [registry],
    collect() {
      this.reset();
      const ms = newest.get() as number | null;
      if (ms !== null) this.set(ms / 1000);
    },
  });
}

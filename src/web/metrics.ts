import { Counter, Gauge, Registry } from "prom-client";
import { registerComplaintMetrics } from "../complaints/index.js";
import type { Plan } from "../plan/index.js";
import { registerListingMetrics } from "../reputation/index.js";
import type { Store } from "../store/index.js";

/**
 * The web server's own metrics and the store's gauges (complaints, listings), served at /metrics
 * with the other services'.
 */
export function webRegistry(store: Store, dataDir: string, plan: () => Plan | undefined): Registry {
  const registry = new Registry();
  new Gauge({
    name: "porteiro_web_sessions_active",
    help: "console sessions not yet expired, read from the store at each scrape",
    registers: [registry],
    collect() {
      const row = store
        .prepare("SELECT count(*) AS n FROM web_sessions WHERE expires_at > ?")
        .get(Date.now()) as {
        n: number;
      };
      this.set(row.n);
    },
  });
  registerComplaintMetrics(registry, store);
  registerListingMetrics(registry, { store, dataDir, plan });
  return registry;
}

export function requestCounter(registry: Registry): Counter<"status"> {
  return new Counter({
    name: "porteiro_web_responses_total",
    help: "HTTP responses by status class (2xx, 3xx, 4xx, 5xx)",
    labelNames: ["status"],
    registers: [registry],
  });
}

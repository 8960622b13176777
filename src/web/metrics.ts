import { Counter, Gauge, Registry } from "prom-client";
import type { Store } from "../store/index.js";

/** The web server's own metrics, served at /metrics with the other services'. */
export function webRegistry(store: Store): Registry {
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

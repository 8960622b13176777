import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { buildInfo } from "./build-info.js";

let registry: Registry | undefined;

/**
 * The process's own metrics, once per process whatever serves them: Node's `process_*` and
 * `nodejs_*` (CPU, memory, event-loop lag, GC) and `porteiro_build_info`, the constant 1
 * labelled with the version and commit, so a dashboard can tell which code is running.
 */
export function processMetrics(): Registry {
  if (registry) return registry;
  registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { version, commit } = buildInfo();
  new Gauge({
    name: "porteiro_build_info",
    help: "1, labelled with the running porteiro's version, commit and Node.js version",
    labelNames: ["version", "commit", "node"],
    registers: [registry],
  }).set({ version, commit: commit ?? "unknown", node: process.version }, 1);
  return registry;
}

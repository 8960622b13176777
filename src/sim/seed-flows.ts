import { type FlowStore, SqliteFlowStore } from "../flows/index.js";
import { dayFlows } from "./day-flows.js";
import { type FlowIntake, forgetFlows, localIntake, storedFlows, udpIntake } from "./flow-intake.js";
import type { IpfixExporter } from "./ipfix-export.js";
import { DAY_MS, dayOf, dayStartMs } from "./options.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";

/** Where the demo's flows live: the context's flow store, else the data folder's own. */
const flowsOf = (run: SeedRun): FlowStore => run.context.flows ?? new SqliteFlowStore(run.context.store);

/** The running collector over loopback when there is one, else the decoder in this process. */
export async function openFlowIntake(run: SeedRun): Promise<FlowIntake> {
  const { collector, logger, flushCollector } = run.context;
  const flows = flowsOf(run);
  return collector
    ? udpIntake(flows, run.state, collector, logger, flushCollector)
    : localIntake(flows, run.state);
}

/** Days of flows sent before waiting for the collector to store them (a day is ~40,000 flows). */
const SETTLE_EVERY_DAYS = 2;

/**
 * Days of flows as IPFIX packets through the real decoder into the store; each is marked done
 * once stored, at the intake's next settle().
 */
export async function seedFlows(
  run: SeedRun,
  intake: FlowIntake,
  exporter: IpfixExporter,
  days: readonly number[],
): Promise<void> {
  const { options } = run.world;
  const store = flowsOf(run);
  const due = days.filter((day) => !run.state.done(`flows:${dayOf(options, day)}`));
  for (const [n, day] of due.entries()) {
    if (run.signal.aborted) return;
    const date = dayOf(options, day);
    run.progress(`flows ${date}`, n / due.length);
    const fromSec = dayStartMs(options, day) / 1000;
    const untilSec = fromSec + DAY_MS / 1000;
    if ((await storedFlows(store, fromSec, untilSec)) > 0) await forgetFlows(store, fromSec, untilSec);
    const { isp, population, sessions } = run.world;
    const flows = dayFlows(isp, population, sessions, options, day);
    const packets = exporter.packets(flows, dayStartMs(options, day + 1));
    await intake.deliver(packets, { step: `flows:${date}`, fromSec, untilSec, flows: flows.length });
    // Waiting for the collector to store what it was sent keeps its buffers from overflowing.
    if (n % SETTLE_EVERY_DAYS === SETTLE_EVERY_DAYS - 1) await intake.settle();
    await yieldToEventLoop();
  }
}

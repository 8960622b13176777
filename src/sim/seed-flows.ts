import { dayFlows } from "./day-flows.js";
import { type FlowIntake, forgetFlows, localIntake, storedFlows, udpIntake } from "./flow-intake.js";
import { IpfixExporter } from "./ipfix-export.js";
import { DAY_MS, dayOf, dayStartMs, HISTORY_DAYS } from "./options.js";
import { type SeedRun, yieldToEventLoop } from "./seed-run.js";

/** Days sent to the collector between waits for its flush (it writes every few seconds). */
const SETTLE_EVERY_DAYS = 30;

/** A year of flows, day by day, as IPFIX packets through the real decoder into the store. */
export async function seedFlows(run: SeedRun): Promise<void> {
  const { options } = run.world;
  const { store, collector, logger } = run.context;
  const days: number[] = [];
  for (let day = 0; day < HISTORY_DAYS; day++)
    if (!run.state.done(`flows:${dayOf(options, day)}`)) days.push(day);
  if (days.length === 0) return;
  const intake: FlowIntake = collector
    ? await udpIntake(store, run.state, collector, logger)
    : localIntake(store, run.state);
  const exporter = new IpfixExporter();
  let sent = 0;
  try {
    for (const [n, day] of days.entries()) {
      if (run.signal.aborted) break;
      const date = dayOf(options, day);
      run.progress(`flows ${date}`, n / days.length);
      const fromSec = dayStartMs(options, day) / 1000;
      const untilSec = fromSec + DAY_MS / 1000;
      if (storedFlows(store, fromSec, untilSec) > 0) forgetFlows(store, fromSec, untilSec);
      const flows = dayFlows(run.world.isp, run.world.population, run.world.sessions, options, day);
      const packets = exporter.packets(flows, dayStartMs(options, day + 1));
      await intake.deliver(packets, { step: `flows:${date}`, fromSec, untilSec, flows: flows.length });
      sent += flows.length;
      if (n % SETTLE_EVERY_DAYS === SETTLE_EVERY_DAYS - 1) await intake.settle();
      await yieldToEventLoop();
    }
    await intake.settle();
  } finally {
    await intake.close();
  }
  logger.info({ flows: sent, via: collector ? "collector" : "in-process decoder" }, "demo flows sent");
}

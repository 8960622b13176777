/**
 * One delivering process per spool. `serve`, `submission serve` and `campaign send` may run on
 * the same data folder at once; each queues into the one spool (SQLite serialises the index), but
 * only the holder of spool/delivery.lock delivers, so no recipient is sent by two workers at once.
 * The others wait and take the lock over when its holder exits (a holder killed with -9 leaves a
 * lock naming a dead process, which is stale). Held per process: threads of the holder share it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Delivery, type DeliveryOptions, startDelivery } from "./delivery.js";

const LOCK_FILE = "delivery.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process that holds the spool's delivery lock, if a live one does. */
export function deliveryHolder(spoolDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(spoolDir, LOCK_FILE), "utf8").trim());
  } catch {
    return undefined;
  }
  return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/** Takes the lock for this process; false while another live process holds it. */
function take(spoolDir: string): boolean {
  const path = join(spoolDir, LOCK_FILE);
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = deliveryHolder(spoolDir);
    if (holder === process.pid) return true;
    if (holder !== undefined) return false;
    // Stale: moved aside under a name of our own, so two takers never remove each other's lock.
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
      rmSync(aside, { force: true });
    } catch {
      // Another taker moved it first.
    }
  }
  return false;
}

function release(spoolDir: string): void {
  if (deliveryHolder(spoolDir) === process.pid) rmSync(join(spoolDir, LOCK_FILE), { force: true });
}

export interface OwnedDelivery extends Delivery {
  /** Whether this process delivers now (it holds the lock). */
  owns(): boolean;
}

/**
 * Delivery that starts once this process holds the spool's delivery lock, trying again every
 * `pollMs`; until then what is queued waits in the spool, and the holder's scans deliver it.
 */
export function startOwnedDelivery(options: DeliveryOptions): OwnedDelivery {
  const dir = options.spool.dir;
  let delivery: Delivery | undefined;
  let stopped = false;
  const attempt = () => {
    if (stopped || delivery || !take(dir)) return;
    delivery = startDelivery(options);
    clearInterval(timer);
  };
  const timer = setInterval(attempt, options.pollMs ?? 5000);
  attempt();
  return {
    owns: () => delivery !== undefined,
    enqueue: (message, recipients, content) => delivery?.enqueue(message, recipients, content),
    kick: () => delivery?.kick(),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await delivery?.stop();
      if (delivery) release(dir);
    },
  };
}

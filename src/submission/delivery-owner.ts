/**
 * One delivering process per spool. `serve`, `submission serve` and `campaign send` may run on
 * the same data folder at once; each queues into the one spool (SQLite serialises the index), but
 * only the holder of spool/delivery.lock delivers, so no recipient is sent by two workers at once.
 * The others wait and take the lock over when its holder exits (a holder killed with -9 leaves a
 * lock naming a dead process, which is stale; taking it over is atomic, see take()). Held per
 * process: threads of the holder share it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Delivery, type DeliveryOptions, startDelivery } from "./delivery.js";
import type { Spool } from "./spool.js";

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

/**
 * Takes the lock for this process; false while another live process holds it. The look at the
 * holder and the write of our pid happen in one write transaction on the spool's index (the
 * mutex every process sharing the spool has, which SQLite releases when its holder dies), so two
 * takers of a stale lock go one after the other and the second finds the first alive.
 */
function take(spool: Spool): boolean {
  const path = join(spool.dir, LOCK_FILE);
  try {
    return spool.exclusively(() => {
      const holder = deliveryHolder(spool.dir);
      if (holder !== undefined) return holder === process.pid;
      // Written whole, then renamed over: a reader never sees a half-written pid.
      const temp = `${path}.${process.pid}`;
      writeFileSync(temp, `${process.pid}\n`);
      renameSync(temp, path);
      return true;
    });
  } catch (error) {
    // Another process's long write held the index past the busy timeout: try at the next poll.
    if ((error as { code?: string }).code === "SQLITE_BUSY") return false;
    throw error;
  }
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
    if (stopped || delivery || !take(options.spool)) return;
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

// Takes a spool's delivery lock in its own process, for the takeover test: DATA_DIR GO_FILE.
// Says ready, waits for GO_FILE so that every taker tries at once, says whether it delivers, idles.
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createLogger } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { Spool, startOwnedDelivery } from "../../src/submission/index.js";

const [dir, go] = process.argv.slice(2);
if (!dir || !go) throw new Error("usage: lock-taker.ts DATA_DIR GO_FILE");
const spool = new Spool(openStore(dir), dir);
process.stdout.write("ready\n");
while (!existsSync(go)) await sleep(5);
const delivery = startOwnedDelivery({
  spool,
  hostname: "porteiro.test",
  smarthost: { host: "127.0.0.1", port: 9 },
  logger: createLogger("lock-taker"),
  pollMs: 3_600_000,
});
process.stdout.write(`${delivery.owns() ? "owner" : "waiting"}\n`);
// Runs until killed; the poll timer keeps the process alive.

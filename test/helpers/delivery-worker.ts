// A delivery worker in its own process, for the crash test to kill: DATA_DIR SMARTHOST_PORT.
import { createLogger } from "../../src/core/index.js";
import { openStore } from "../../src/store/index.js";
import { Spool, startDelivery } from "../../src/submission/index.js";

const [dir, port] = process.argv.slice(2);
if (!dir || !port) throw new Error("usage: delivery-worker.ts DATA_DIR SMARTHOST_PORT");
startDelivery({
  spool: new Spool(openStore(dir), dir),
  hostname: "porteiro.test",
  smarthost: { host: "127.0.0.1", port: Number(port) },
  concurrency: 1,
  connectionsPerDestination: 1,
  logger: createLogger("delivery-worker"),
});
// Runs until killed; the timer keeps the process alive.

// Tries many TCP connects from one process, for tests run inside a network namespace:
//   ip netns exec NS node connect-probe.mjs < request.json > results.json
// Request: {"timeoutMs": 1000, "concurrency": 64, "probes": [{"src": "192.0.2.7", "dst": "198.51.100.25", "port": 25}]}
// Result: one outcome per probe, in order: "connected", "refused", "timeout" or "error:<code>".
// Plain JavaScript so that it starts fast under `ip netns exec` without a TypeScript loader.
import net from "node:net";

/** @typedef {{ src: string, dst: string, port: number }} Probe */

/** @param {Probe} probe @param {number} timeoutMs @returns {Promise<string>} */
function attempt(probe, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: probe.dst, port: probe.port, localAddress: probe.src });
    let done = false;
    /** @param {string} outcome */
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.once("connect", () => finish("connected"));
    socket.once("error", (/** @type {NodeJS.ErrnoException} */ error) =>
      finish(error.code === "ECONNREFUSED" ? "refused" : `error:${error.code ?? error.message}`),
    );
  });
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
/** @type {Probe[]} */
const probes = request.probes;
const timeoutMs = Number(request.timeoutMs ?? 1000);
const concurrency = Math.max(1, Math.min(256, Number(request.concurrency ?? 64)));

/** @type {string[]} */
const results = new Array(probes.length);
let next = 0;
async function worker() {
  while (next < probes.length) {
    const i = next++;
    results[i] = await attempt(/** @type {Probe} */ (probes[i]), timeoutMs);
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, probes.length) }, worker));
process.stdout.write(`${JSON.stringify(results)}\n`);

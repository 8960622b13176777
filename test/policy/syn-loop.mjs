// Connects again and again from each source until its stdin closes, for the reload tests run
// inside a network namespace:
//   ip netns exec NS node syn-loop.mjs '{"loops":[{"src":"192.0.2.7","dst":"192.0.2.225","port":25,"parallel":8}],"maxAttempts":100000,"maxMs":120000}'
// Prints "running" once every loop has finished one attempt; when stdin closes, or a loop reaches
// maxAttempts, or maxMs pass, every loop stops and one JSON line follows: the attempts and the
// outcomes ("connected", "refused", "timeout", "error:<code>") per source, and what stopped them.
// Plain JavaScript so that it starts fast under `ip netns exec` without a TypeScript loader.
import net from "node:net";

/** @typedef {{ src: string, dst: string, port: number, parallel?: number }} Loop */

const request = JSON.parse(process.argv[2] ?? "{}");
/** @type {Loop[]} */
const loops = request.loops ?? [];
const maxAttempts = Number(request.maxAttempts ?? 100_000);
const maxMs = Number(request.maxMs ?? 120_000);
const ATTEMPT_TIMEOUT_MS = 500;

/** @type {string | undefined} */
let stoppedBy;
const stop = (/** @type {string} */ why) => {
  stoppedBy ??= why;
};
process.stdin.on("close", () => stop("stdin"));
process.stdin.resume();
const bound = setTimeout(() => stop("maxMs"), maxMs);

/** One connect; its outcome is the first event of the socket: connected, an error, or the timeout. */
async function attempt(/** @type {Loop} */ loop) {
  const socket = net.connect({ host: loop.dst, port: loop.port, localAddress: loop.src });
  socket.setTimeout(ATTEMPT_TIMEOUT_MS);
  const outcome = await new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("timeout", () => resolve("timeout"));
    socket.once("error", (/** @type {NodeJS.ErrnoException} */ e) =>
      resolve(e.code === "ECONNREFUSED" ? "refused" : `error:${e.code}`),
    );
  });
  socket.destroy();
  return /** @type {string} */ (outcome);
}

/** @type {Record<string, { attempts: number, outcomes: Record<string, number> }>} */
const tally = {};
let started = 0;
const workers = loops.flatMap((loop) => {
  tally[loop.src] ??= { attempts: 0, outcomes: {} };
  const own = /** @type {{ attempts: number, outcomes: Record<string, number> }} */ (tally[loop.src]);
  return Array.from({ length: loop.parallel ?? 1 }, async () => {
    let first = true;
    while (stoppedBy === undefined) {
      const outcome = await attempt(loop);
      own.attempts++;
      own.outcomes[outcome] = (own.outcomes[outcome] ?? 0) + 1;
      if (own.attempts >= maxAttempts) stop("maxAttempts");
      if (first) {
        first = false;
        if (++started === workers.length) process.stdout.write("running\n");
      }
    }
  });
});
await Promise.all(workers);
clearTimeout(bound);
process.stdout.write(`${JSON.stringify({ stoppedBy, sources: tally })}\n`);
process.exit(0);

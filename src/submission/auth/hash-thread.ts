/**
 * A password hashing thread of the hash pool: scrypt runs here synchronously, on this thread,
 * rather than on libuv's pool, where it would queue in front of the spool's fsyncs.
 */
import { parentPort } from "node:worker_threads";
import { hashPasswordSync } from "../../core/index.js";
import { HASH_THREAD_READY, type HashJob, type HashResult } from "./hash-protocol.js";
import { verifyStored } from "./password-schemes.js";

const port = parentPort;
if (!port) throw new Error("hash-thread.ts runs only as a worker thread");

port.on("message", (job: HashJob) => {
  const answer = async (): Promise<boolean | string> =>
    job.op === "verify" ? verifyStored(job.stored, job.password) : hashPasswordSync(job.password, job.log2N);
  answer().then(
    (value) => port.postMessage({ id: job.id, ok: true, value } satisfies HashResult),
    (error: Error) => port.postMessage({ id: job.id, ok: false, error: error.message } satisfies HashResult),
  );
});
port.postMessage(HASH_THREAD_READY);

/**
 * bench/campaigns: a region's campaign at the issue's scale, through the CLI as an operator runs it.
 *
 *   npm run bench -- campaigns [--subscribers 100000] [--keep]
 *
 * Builds the world of test/campaigns/world.ts (N subscribers leased, on file, each a port-25
 * mail client in the days before today), then times `campaign plan --format csv`, `campaign send`
 * with the pace unlimited (campaigns.per_minute: 0) and `campaign status --format json` after a
 * third of the subscribers moved to 587 and a third still sent on 25. During the send a process
 * that does nothing holds the spool's delivery lock (as a `serve` would), so the send measures
 * queueing alone: the queue rate is the notices over the send's time less the plan's (the send
 * plans first). Then that process ends and `campaign send` again (nothing left to queue) takes the
 * lock and delivers every notice to a sink on loopback (smtp-server taking every message), so
 * the status counts them delivered. Targets: plan and status < 10 s, ≥ 200 notices/s queued.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { SMTPServer } from "smtp-server";
import type { MailPort } from "../../src/flows/index.js";
import { campaignWorld, WORLD_AT, worldFlowsNow } from "../../test/campaigns/world.js";
import { table } from "../markdown-table.js";

const log = (message: string) => process.stderr.write(`[bench campaigns] ${message}\n`);

/**
 * Runs the CLI from source in its own process; returns its wall time in seconds and stdout. Not
 * spawnSync: the sink answering the delivery lives in this process's event loop.
 */
async function porteiro(args: readonly string[]): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.once("close", resolve));
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`porteiro ${args.join(" ")}: ${stderr}`);
  return { seconds, stdout };
}

/** A next hop on loopback that takes every message and only counts it. */
async function startSink(): Promise<{ server: SMTPServer; port: number; received(): number }> {
  let received = 0;
  const server = new SMTPServer({
    hideSTARTTLS: true,
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on("end", () => {
        received++;
        callback();
      });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : 0,
    received: () => received,
  };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      subscribers: { type: "string", default: "100000" },
      keep: { type: "boolean", default: false },
    },
  });
  const n = Number(values.subscribers);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error("--subscribers takes a whole number ≥ 1");
  const dir = mkdtempSync(join(tmpdir(), "porteiro-bench-campaigns-"));
  const holder = spawn("sleep", ["86400"]);
  const sink = await startSink();
  try {
    let started = performance.now();
    const world = await campaignWorld(dir, { subscribers: n, smarthostPort: sink.port });
    log(
      `world of ${n} subscribers built in ${((performance.now() - started) / 1000).toFixed(1)} s in ${dir}`,
    );
    mkdirSync(join(world.data, "spool"), { recursive: true });
    writeFileSync(join(world.data, "spool", "delivery.lock"), `${holder.pid}\n`);
    const region = ["-c", world.config, "--region", "sul", "--at", WORLD_AT];

    const plan = await porteiro(["campaign", "plan", ...region, "--format", "csv"]);
    const planned = plan.stdout.split("\n").length - 2;
    log(`plan: ${planned} rows in ${plan.seconds.toFixed(1)} s`);
    const send = await porteiro(["campaign", "send", ...region]);
    const queued = Number(/(\d+) notices queued/.exec(send.stdout)?.[1]);
    const rate = queued / Math.max(send.seconds - plan.seconds, 0.001);
    log(`send: ${queued} queued in ${send.seconds.toFixed(1)} s, ${rate.toFixed(0)}/s after planning`);

    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    const deliver = await porteiro(["campaign", "send", ...region]);
    log(`deliver: ${sink.received()} received by the sink in ${deliver.seconds.toFixed(1)} s`);

    started = performance.now();
    worldFlowsNow(
      world.data,
      new Map(
        Array.from({ length: Math.floor((2 * n) / 3) }, (_, i): [number, MailPort] => [
          i,
          i % 2 === 0 ? 587 : 25,
        ]),
      ),
    );
    log(`traffic after the notices stored in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const status = await porteiro(["campaign", "status", "-c", world.config, "--format", "json"]);
    const [row] = (JSON.parse(status.stdout) as { regions: Record<string, number>[] }).regions;
    log(`status: ${JSON.stringify(row)} in ${status.seconds.toFixed(1)} s`);

    process.stdout.write(
      `${table([
        ["step (CLI, its own process)", `${n} subscribers`, "target"],
        ["campaign plan --format csv", `${plan.seconds.toFixed(1)} s (${planned} rows)`, "< 10 s"],
        ["campaign send, per_minute 0", `${send.seconds.toFixed(1)} s (${queued} queued)`, ""],
        ["  queue rate (send less plan)", `${rate.toFixed(0)} notices/s`, "≥ 200/s"],
        [
          "campaign send again: delivery to a sink",
          `${deliver.seconds.toFixed(1)} s (${sink.received()} received)`,
          "",
        ],
        [
          "campaign status --format json",
          `${status.seconds.toFixed(1)} s (moved ${row?.moved}, still on 25 ${row?.still_on_25})`,
          "< 10 s",
        ],
      ])}\n`,
    );
    return plan.seconds < 10 && status.seconds < 10 && rate >= 200 ? 0 : 1;
  } finally {
    holder.kill("SIGKILL");
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Fastify from "fastify";
import { openStore } from "../../src/store/index.js";
import { OperatorStore } from "../../src/web/index.js";
import { seedConsoleData } from "../../test/helpers/console-data.js";
import { serveWeb } from "../../test/helpers/web-serve.js";

interface Instance {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; headers?: Record<string, string> },
  done: (
    error: Error | null,
    result: { non2xx: number; errors: number; requests: { total: number } },
  ) => void,
) => Instance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const ENDPOINTS = [
  "/api/overview",
  "/api/plan",
  "/api/policy/render?format=nftables&at=2026-11-28",
  "/api/policy/diff",
  "/api/flows/senders",
  "/api/flows/impact",
  "/api/flows/evidence?address=203.0.113.1",
  "/api/submission/summary",
  "/api/submission/held",
  "/api/submission/queue",
  "/api/reputation/lists",
  "/api/reputation/report?by=region",
  "/api/reputation/series?by=region",
  "/api/reputation/report?by=country",
  "/api/complaints/series?by=region",
  "/api/complaints/report?by=asn",
  "/api/complaints?limit=1000",
  "/api/honeypot/series",
  "/api/honeypot/origins?by=country",
  "/api/honeypot/campaigns",
  "/api/honeypot/sessions?limit=500",
];
const PASSWORD = "bench password 1234";

const log = (message: string) => process.stderr.write(`${message}\n`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Load {
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  failed: number;
}

function load(url: string, seconds: number, connections: number, cookie?: string): Promise<Load> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon(
      { url, connections, duration: seconds, ...(cookie ? { headers: { cookie } } : {}) },
      (error, result) => {
        if (error) return reject(error);
        times.sort((a, b) => a - b);
        resolve({
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          p99: percentile(times, 99),
          requests: result.requests.total,
          failed: result.non2xx + result.errors,
        });
      },
    );
    instance.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  });
}

const ms = (value: number) => value.toFixed(1);

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string", default: "3" },
      connections: { type: "string", default: "10" },
      weeks: { type: "string", default: "52" },
      bots: { type: "string", default: "40" },
      clients: { type: "string", default: "150" },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const dataDir = mkdtempSync(join(tmpdir(), "porteiro-bench-console-"));
  const started = performance.now();
  log(`seeding ${dataDir} …`);
  const store = openStore(dataDir);
  await seedConsoleData(store, dataDir, {
    weeks: Number(values.weeks),
    botsPerRegion: Number(values.bots),
    clientsPerRegion: Number(values.clients),
    complaints: 3000,
    honeypotSessions: 5000,
  });
  await new OperatorStore(store).add("bench", PASSWORD, "read-only");
  const rows = store.prepare("SELECT COUNT(*) FROM flow_hours").pluck().get();
  store.close();
  log(`seeded in ${ms((performance.now() - started) / 1000)} s: ${rows} hourly flow aggregates`);

  const served = await serveWeb(dataDir, { timeoutMs: 60_000, logLevel: "warn" });
  const { child } = served;
  const url = served.url.replace(/\/$/, "");
  const baseline = Fastify();
  try {
    const loginResponse = await fetch(`${url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "bench", password: PASSWORD }),
    });
    const cookie = (loginResponse.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const bodies = new Map<string, Buffer>();
    const cold = new Map<string, number>();
    for (const endpoint of ENDPOINTS) {
      const t0 = performance.now();
      const response = await fetch(`${url}${endpoint}`, { headers: { cookie } });
      if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
      bodies.set(endpoint, Buffer.from(await response.arrayBuffer()));
      cold.set(endpoint, performance.now() - t0);
    }
    baseline.get("/*", async (request, reply) =>
      reply.type("application/json; charset=utf-8").send(bodies.get(request.url)),
    );
    await baseline.listen({ host: "127.0.0.1", port: 0 });
    const baseUrl = `http://127.0.0.1:${(baseline.server.address() as { port: number }).port}`;

    const table: string[][] = [];
    let worst = 0;
    for (const endpoint of ENDPOINTS) {
      log(`loading ${endpoint} …`);
      const ours = await load(`${url}${endpoint}`, seconds, connections, cookie);
      const theirs = await load(`${baseUrl}${endpoint}`, seconds, connections);
      worst = Math.max(worst, ours.p95);
      table.push([
        endpoint,
        String(Math.round((bodies.get(endpoint)?.length ?? 0) / 1024)),
        ms(cold.get(endpoint) ?? 0),
        ms(ours.p50),
        ms(ours.p95),
        ms(ours.p99),
        String(Math.round(ours.requests / seconds)),
        String(ours.failed),
        ms(theirs.p95),
      ]);
    }
    const header = [
      "endpoint",
      "KiB",
      "cold ms",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "req/s",
      "failed",
      "static p95 ms",
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
    const line = (cells: string[]) =>
      `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
    process.stdout.write(
      [
        line(header),
        `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
        ...table.map(line),
        "",
        `${connections} connections, ${seconds} s per endpoint; load average after: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
        `worst p95: ${ms(worst)} ms (target < 100 ms): ${worst < 100 ? "met" : "NOT met"}`,
        "",
      ].join("\n"),
    );
    return worst < 100 ? 0 : 1;
  } finally {
    await baseline.close();
    child.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

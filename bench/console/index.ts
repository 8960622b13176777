/**
 * `npm run bench -- console [--demo-data DIR]`: every API call the console's pages make, timed
 * once cold (the first call after `porteiro serve` starts) and then under autocannon, warm; and
 * the overview page's time to interactive in Chromium. With --demo-data, over the demo's year of
 * data in DIR (seeded there with `porteiro serve --demo` when DIR has none, reused when it has);
 * without, over the small fixture of the web tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Fastify from "fastify";
import { openStore } from "../../src/store/index.js";
import { jsonText, sendJson } from "../../src/web/console/cache.js";
import { OperatorStore } from "../../src/web/index.js";
import { seedConsoleData } from "../../test/helpers/console-data.js";
import { overviewInteractive } from "./browser.js";

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

const PASSWORD = "bench password 1234";
const log = (message: string) => process.stderr.write(`${message}\n`);
const ms = (value: number) => value.toFixed(1);

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
      {
        url,
        connections,
        duration: seconds,
        // As a browser asks: large answers come gzipped.
        headers: { "accept-encoding": "gzip", ...(cookie ? { cookie } : {}) },
      },
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

/** A running `porteiro serve`, its stderr (JSON log lines) kept for the bench to wait on. */
interface Served {
  readonly url: string;
  readonly child: ChildProcess;
  /** From spawning to the web port answering. */
  readonly startMs: number;
  logged(pattern: RegExp): boolean;
  stop(): Promise<void>;
}

async function serve(args: string[], env: Record<string, string>): Promise<Served> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", "serve", ...args], {
    env: { ...process.env, PORTEIRO_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-1_000_000);
  });
  const served = {
    child,
    logged: (pattern: RegExp) => pattern.test(stderr),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    },
  };
  for (;;) {
    const match = /web console and help site on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
    if (match) {
      const url = match[1] as string;
      // Printed once listening; the first answer is the port answering.
      await fetch(`${url}api/demo/progress`);
      return { ...served, url, startMs: performance.now() - started };
    }
    if (child.exitCode !== null || performance.now() - started > 120_000) {
      child.kill();
      throw new Error(`porteiro serve did not start: ${stdout}${stderr.slice(-2000)}`);
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/** Waits until the demo data is loaded, printing its progress; throws if seeding failed. */
function demoReady(url: string): Promise<string> {
  let last = "";
  return until("the demo data", 3_600_000, async () => {
    const status = (await (await fetch(`${url}api/demo/progress`)).json()) as {
      state: string;
      step: string;
      fraction: number;
    };
    if (status.state === "failed") throw new Error(`demo seeding failed: ${status.step}`);
    const line = `demo data: ${status.state} ${status.step} ${Math.round(status.fraction * 100)}%`;
    if (line !== last) log(line);
    last = line;
    return status.state === "ready" ? status.state : undefined;
  });
}

const DEMO_FLAGS = ["--demo", "--no-submission"];

interface Bench {
  readonly served: Served;
  readonly username: string;
  /** How long seeding the demo data took, when this run seeded it. */
  readonly seededMs?: number;
}

/** The console over DIR's demo data: seeded first when DIR has none, then started afresh to measure. */
async function demoServer(dir: string): Promise<Bench> {
  const env = { PORTEIRO_DEMO_PASSWORD: PASSWORD };
  const web = ["--data", dir, "--web", "127.0.0.1:0"];
  let seededMs: number | undefined;
  if (!existsSync(join(dir, "porteiro.db"))) {
    log(`seeding the demo's year of data into ${dir} (minutes) …`);
    const started = performance.now();
    const seeding = await serve([...DEMO_FLAGS, ...web, "--collect", "udp://127.0.0.1:0"], env);
    try {
      await demoReady(seeding.url);
    } finally {
      await seeding.stop();
    }
    seededMs = performance.now() - started;
  }
  // A second start reuses the data: nothing is computed yet, as after any restart.
  const served = await serve([...DEMO_FLAGS, ...web, "--no-collector"], env);
  await demoReady(served.url);
  return { served, username: "demo", ...(seededMs === undefined ? {} : { seededMs }) };
}

/** The console over the web tests' small fixture, in a temporary folder removed afterwards. */
async function fixtureServer(values: Record<string, string | undefined>): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), "porteiro-bench-console-"));
  const store = openStore(dir);
  const planFile = await seedConsoleData(store, dir, {
    weeks: Number(values.weeks),
    botsPerRegion: Number(values.bots),
    clientsPerRegion: Number(values.clients),
    complaints: 3000,
    honeypotSessions: 5000,
  });
  await new OperatorStore(store).add("bench", PASSWORD, "read-only");
  store.close();
  const served = await serve(
    ["--data", dir, "--plan", planFile, "--web", "127.0.0.1:0", "--no-submission", "--no-collector"],
    {},
  );
  return {
    served: {
      ...served,
      stop: async () => {
        await served.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    },
    username: "bench",
  };
}

type Get = (path: string) => Promise<unknown>;

/** Logs in through the API; the session cookie to send back. */
async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login: ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
}

/**
 * Every GET a console page makes, page by page in the order it makes them: what it asks on
 * opening, then what a click on its first row or another choice of its selects asks. Each is
 * asked here once, in that order, through `get` (which times the first answer: the cold call).
 */
async function pageCalls(get: Get): Promise<[page: string, path: string][]> {
  const calls: [string, string][] = [];
  const ask = async <T>(page: string, path: string): Promise<T> => {
    calls.push([page, path]);
    return (await get(path)) as T;
  };
  await ask("overview", "/api/session");
  await ask("overview", "/api/overview");
  await ask("overview", "/api/demo/progress");
  const plan = await ask<{ today: string; next_window: string | null }>("plan", "/api/plan");
  await ask("plan", `/api/policy/render?format=nftables&at=${plan.today}`);
  const diff = new URLSearchParams({
    from: plan.today,
    ...(plan.next_window ? { to: plan.next_window } : {}),
  });
  await ask("plan", `/api/policy/diff?${diff}`);
  const senders = await ask<{ senders: { subscriber: string | null; address: string }[] }>(
    "flows",
    "/api/flows/senders?",
  );
  await ask("flows", "/api/flows/impact");
  const first = senders.senders[0];
  if (first) {
    const who: Record<string, string> = first.subscriber
      ? { subscriber: first.subscriber }
      : { address: first.address };
    await ask("flows", `/api/flows/evidence?${new URLSearchParams(who)}`);
  }
  for (const path of ["/api/submission/summary", "/api/submission/held", "/api/submission/queue"])
    await ask("submission", path);
  // The page opens on by=country; the others are a change of its select.
  for (const by of ["country", "asn", "pool", "region"]) {
    await ask("reputation", `/api/reputation/report?by=${by}`);
    await ask("reputation", `/api/reputation/series?by=${by}`);
  }
  await ask("reputation", "/api/complaints/series?by=region");
  const complaints = await ask<{ complaints: { id: number }[] }>("reputation", "/api/complaints?limit=1000");
  if (complaints.complaints[0]) await ask("reputation", `/api/complaints/${complaints.complaints[0].id}`);
  await ask("honeypot", "/api/honeypot/series");
  await ask("honeypot", "/api/honeypot/origins?by=country");
  await ask("honeypot", "/api/honeypot/campaigns");
  const sessions = await ask<{ sessions: { id: number }[] }>("honeypot", "/api/honeypot/sessions?limit=500");
  if (sessions.sessions[0]) await ask("honeypot", `/api/honeypot/sessions/${sessions.sessions[0].id}`);
  return calls;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  return [
    line(header),
    `| ${widths.map((w, i) => (i < 2 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`,
    ...rows.map(line),
  ].join("\n");
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "demo-data": { type: "string" },
      seconds: { type: "string", default: "3" },
      // The overview asks four things at once; a page never asks more than that together.
      connections: { type: "string", default: "4" },
      "browser-runs": { type: "string", default: "5" },
      weeks: { type: "string", default: "52" },
      bots: { type: "string", default: "40" },
      clients: { type: "string", default: "150" },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const demoDir = values["demo-data"] ? resolve(values["demo-data"]) : undefined;
  const { served, username, seededMs }: Bench = demoDir
    ? await demoServer(demoDir)
    : await fixtureServer(values);
  const url = served.url.replace(/\/$/, "");
  const baseline = Fastify();
  try {
    const cookie = await login(served.url, username);
    const bodies = new Map<string, Buffer>();
    const cold = new Map<string, number>();
    const timed: Get = async (path) => {
      const t0 = performance.now();
      const response = await fetch(`${url}${path}`, { headers: { cookie } });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      const body = Buffer.from(await response.arrayBuffer());
      if (!cold.has(path)) cold.set(path, performance.now() - t0);
      bodies.set(path, body);
      return JSON.parse(body.toString());
    };
    // Cold: each call's first answer right after the start, in the order the pages make them.
    const calls = await pageCalls(timed);
    const warmedAt = performance.now();
    await until("the console's answers to be warmed", 600_000, async () =>
      served.logged(/console answers warmed/) ? true : undefined,
    );
    log(`warmed ${ms((performance.now() - warmedAt) / 1000)} s after the cold pass`);

    // The same bytes, encoded as the server encodes large answers (autocannon drops a bare "?").
    const encoded = new Map(
      [...bodies].map(([path, body]) => [path.replace(/\?$/, ""), jsonText(JSON.parse(body.toString()))]),
    );
    baseline.get("/*", async (request, reply) =>
      sendJson(request, reply, encoded.get(request.url.replace(/\?$/, "")) ?? { body: Buffer.alloc(0) }),
    );
    await baseline.listen({ host: "127.0.0.1", port: 0 });
    const baseUrl = `http://127.0.0.1:${(baseline.server.address() as { port: number }).port}`;

    const rows: string[][] = [];
    let worst = 0;
    for (const [page, path] of calls) {
      log(`loading ${path} …`);
      const ours = await load(`${url}${path}`, seconds, connections, cookie);
      const theirs = await load(`${baseUrl}${path}`, seconds, connections);
      worst = Math.max(worst, ours.p95);
      rows.push([
        page,
        path,
        String(Math.round((bodies.get(path)?.length ?? 0) / 1024)),
        ms(cold.get(path) ?? 0),
        "–",
        ms(ours.p50),
        ms(ours.p95),
        ms(ours.p99),
        String(Math.round(ours.requests / seconds)),
        String(ours.failed),
        ms(theirs.p95),
      ]);
    }
    const runs = Number(values["browser-runs"]);
    const interactive = runs > 0 ? await overviewInteractive(served.url, username, PASSWORD, runs) : [];
    // A restart over the same data: the year-long reports come back from the data folder.
    const restart = new Map<string, number>();
    if (demoDir) {
      await served.stop();
      const again = await serve(
        [...DEMO_FLAGS, "--data", demoDir, "--web", "127.0.0.1:0", "--no-collector"],
        {
          PORTEIRO_DEMO_PASSWORD: PASSWORD,
        },
      );
      try {
        const againCookie = await login(again.url, username);
        for (const [, path] of calls) {
          const t0 = performance.now();
          const response = await fetch(`${again.url}${path.slice(1)}`, { headers: { cookie: againCookie } });
          await response.arrayBuffer();
          restart.set(path, performance.now() - t0);
        }
      } finally {
        await again.stop();
      }
      for (const row of rows) row[4] = ms(restart.get(row[1] as string) ?? Number.NaN);
    }
    const sortedRuns = interactive.slice().sort((a, b) => a - b);
    const median = percentile(sortedRuns, 50);
    const slowest = sortedRuns[sortedRuns.length - 1] ?? Number.NaN;
    const header = [
      "page",
      "endpoint",
      "KiB",
      "cold ms",
      "restart cold ms",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "req/s",
      "failed",
      "static p95 ms",
    ];
    const coldWorst = Math.max(...cold.values());
    process.stdout.write(
      [
        table(header, rows),
        "",
        `data: ${demoDir ? `demo data in ${demoDir}${seededMs ? ` (seeded in ${ms(seededMs / 1000)} s)` : " (reused)"}` : "the web tests' fixture"}; web port answered ${ms(served.startMs)} ms after spawning porteiro serve`,
        `${connections} connections, ${seconds} s per endpoint; load average after: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
        `worst warm p95: ${ms(worst)} ms (target < 100 ms): ${worst < 100 ? "met" : "NOT met"}; worst cold call: ${ms(coldWorst)} ms${restart.size ? `; after a restart: ${ms(Math.max(...restart.values()))} ms` : ""}`,
        runs > 0
          ? `overview interactive (navigation to the four charts and the regions table drawn, Chromium headless), ${runs} runs: ${interactive.map((t) => ms(t)).join(", ")} ms; median ${ms(median)}, slowest ${ms(slowest)} (target < 1000 ms): ${slowest < 1000 ? "met" : "NOT met"}`
          : "overview interactive: not measured (--browser-runs 0)",
        "",
      ].join("\n"),
    );
    return worst < 100 && (runs === 0 || slowest < 1000) ? 0 : 1;
  } finally {
    await baseline.close();
    await served.stop();
  }
}

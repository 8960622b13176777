/**
 * `npm run bench -- demo [--keep DIR]`
 *
 * Starts `porteiro serve --demo` from the source (as `npm start` does from the build) on free
 * loopback ports over an empty data folder, and measures the seconds from the start to:
 *   - the web console answering;
 *   - the first month seeded (the progress names the second month);
 *   - every chart having data: the overview's four charts, complaints and reputation series,
 *     flows' direct-to-MX senders, the programme's reports;
 *   - the whole year in the store (progress "ready").
 * Then prints each seeding stage's seconds, as the seeder logs them. The full-size ISP
 * (240,000 subscribers); the machine's load average is printed beside, as other work skews it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { addDays, type Day, today } from "../../src/core/index.js";
import { table } from "../markdown-table.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const PASSWORD = "bench-demo-password";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Series {
  x: string[];
  lines: { values: (number | null)[] }[];
}
const hasPoints = (s: Series | undefined) => !!s && s.lines.some((l) => l.values.some((v) => (v ?? 0) > 0));

function startDemo(data: string): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      ...["--import", "tsx", "src/cli/index.ts", "serve", "--demo", "--data", data],
      ...["--web", "127.0.0.1:0", "--collect", "udp://127.0.0.1:0", "--no-submission"],
    ],
    {
      cwd: ROOT,
      env: { ...process.env, PORTEIRO_DEMO_PASSWORD: PASSWORD, PORTEIRO_LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return { child, output: () => out };
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "demo", password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
}

/** Which of the console's charts have data now. */
async function chartsWithData(url: string, cookie: string, first: Day): Promise<Record<string, boolean>> {
  const get = async (path: string) => {
    const response = await fetch(`${url}${path.slice(1)}`, { headers: { cookie } });
    return response.ok ? response.json() : undefined;
  };
  const overview = await get("/api/overview");
  const complaints = await get("/api/complaints/series?by=region");
  const reputation = await get("/api/reputation/series?by=region");
  // The flows page's own window ends today; the history's first four weeks are the seed's first.
  const senders = await get(`/api/flows/senders?since=${first}&until=${addDays(first, 28)}`);
  const reports = await get("/api/rollout/reports");
  return {
    "overview direct": hasPoints(overview?.direct_senders),
    "overview adoption": hasPoints(overview?.adoption_pct),
    "overview listed": hasPoints(overview?.listed),
    "overview complaints": hasPoints(overview?.complaints),
    "complaints series": hasPoints(complaints?.series),
    "reputation series": (reputation?.points ?? []).some((p: { listed: number }) => p.listed > 0),
    "flows senders": (senders?.senders ?? []).length > 0,
    "programme reports": (reports?.items ?? []).length > 0,
  };
}

export async function run(args: string[]): Promise<number> {
  const keep = args.includes("--keep") ? args[args.indexOf("--keep") + 1] : undefined;
  const data = keep ?? mkdtempSync(join(tmpdir(), "porteiro-bench-demo-"));
  const started = Date.now();
  const since = () => ((Date.now() - started) / 1000).toFixed(1);
  const { child, output } = startDemo(data);
  const times: string[][] = [];
  try {
    let url: string | undefined;
    while (!url) {
      if (child.exitCode !== null) throw new Error(`porteiro serve --demo exited: ${output()}`);
      url = /web console and help site on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output())?.[1];
      await sleep(100);
    }
    times.push(["web console answers", since()]);
    // The demo login is set once the web server answers; serve prints it then.
    while (!output().includes("demo login:")) await sleep(50);
    const cookie = await login(url);
    let firstMonth = false;
    let charts = false;
    for (;;) {
      const progress = (await (await fetch(`${url}api/demo/progress`)).json()) as {
        state: string;
        step: string;
      };
      if (!firstMonth && /"demo month seeded"/.test(output())) {
        firstMonth = true;
        times.push([`first month seeded (${progress.step})`, since()]);
      }
      if (!charts) {
        const now = await chartsWithData(url, cookie, addDays(today(), -364));
        if (Object.values(now).every(Boolean)) {
          charts = true;
          times.push(["every chart has data", since()]);
        }
      }
      if (progress.state === "ready") {
        times.push(["the year is in (ready)", since()]);
        break;
      }
      if (progress.state === "failed" || child.exitCode !== null)
        throw new Error(`seeding failed: ${progress.step}`);
      // As the console's page asks for the progress: every few seconds.
      await sleep(charts ? 5000 : 3000);
    }
    const seeded = /"msg":"demo data seeded"/.test(output())
      ? JSON.parse(
          output()
            .split("\n")
            .find((l) => l.includes('"demo data seeded"')) ?? "{}",
        )
      : {};
    process.stdout.write(
      `porteiro serve --demo, full-size ISP; ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}\n\n`,
    );
    process.stdout.write(`${table([["from the start to", "seconds"], ...times])}\n\n`);
    const stages = Object.entries((seeded.stages ?? {}) as Record<string, number>);
    process.stdout.write(
      `${table([["seeding stage", "seconds (whole year)"], ...stages.map(([k, v]) => [k, String(v)])])}\n`,
    );
    return 0;
  } finally {
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    if (!keep) rmSync(data, { recursive: true, force: true });
  }
}

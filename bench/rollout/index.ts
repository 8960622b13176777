/**
 * `npm run bench -- rollout [--orgs 30,3000] [--runs 3] [--tenfold]`: builds a national programme
 * of each size through the bulk imports (bench/rollout/programme.ts) and times, as the coordinator, the console page
 * /console/rollout, an organisation's page, the first page of /api/rollout/programme, of
 * /api/rollout/reports and of /api/rollout/orgs, and the public /transparency page (first
 * request, then warm), side by side; then the coordinator's page again after one more report.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { FastifyInstance } from "fastify";
import { createLogger } from "../../src/core/index.js";
import { createPerson, enterReport, LOCAL_ADMIN } from "../../src/rollout/index.js";
import { openStore } from "../../src/store/index.js";
import { createWebApp, defaultWebConfig, ROUTE_MODULES } from "../../src/web/index.js";
import { table } from "../markdown-table.js";
import { buildProgramme } from "./programme.js";

const PASSWORD = "bench password 1234";
const PATHS = [
  "/console/rollout",
  "/console/rollout/orgs/isp-00001",
  "/api/rollout/programme",
  "/api/rollout/reports",
  "/api/rollout/orgs",
  "/transparency",
] as const;
/** The coordinator's page again after one more report: what a change of the data costs it. */
const AFTER_REPORT = "/console/rollout after a new report";
const ROWS = [...PATHS, AFTER_REPORT] as const;
const log = (message: string) => process.stderr.write(`${message}\n`);

interface Timing {
  readonly path: string;
  readonly first: number;
  readonly warm: number;
  readonly bytes: number;
}

async function timeOne(
  app: FastifyInstance,
  path: string,
  cookie: string,
): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const response = await app.inject({ method: "GET", url: path, headers: { cookie } });
  const ms = performance.now() - start;
  if (response.statusCode !== 200)
    throw new Error(`${path}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  return { ms, bytes: response.rawPayload.length };
}

async function measure(orgs: number, runs: number, reportsPerPair?: number) {
  const data = mkdtempSync(join(tmpdir(), "porteiro-bench-rollout-"));
  try {
    const planFile = join(data, "plan.yaml");
    writeFileSync(planFile, "isp: { name: Bench, asn: 64500 }\nregions: []\npools: []\n");
    const store = openStore(data);
    const started = performance.now();
    const built = buildProgramme(
      store,
      orgs,
      (done) => done % 100_000 === 0 && log(`  ${done} records imported`),
      reportsPerPair,
    );
    const buildMs = performance.now() - started;
    log(
      `built ${built.orgs} organisations, ${built.pairs} calendar entries, ${built.reports} reports in ${(buildMs / 1000).toFixed(1)} s`,
    );
    process.env.PORTEIRO_LOG_LEVEL = "silent";
    const { app, context } = await createWebApp({
      store,
      dataDir: data,
      planFile,
      config: { ...defaultWebConfig(), provider_name: "Bench" },
      submissionHost: "mail.example.net",
      logger: createLogger("web"),
      routes: ROUTE_MODULES,
    });
    try {
      await context.operators.add("coord", PASSWORD, "operator");
      createPerson(store, LOCAL_ADMIN, { name: "Coordinator", role: "coordinator", username: "coord" });
      const login = await app.inject({
        method: "POST",
        url: "/api/login",
        payload: { username: "coord", password: PASSWORD },
      });
      const cookie = String(login.headers["set-cookie"]).split(";")[0] as string;
      const timings: Timing[] = [];
      for (const path of PATHS) {
        const first = await timeOne(app, path, cookie);
        const warm: number[] = [];
        for (let i = 0; i < runs; i++) warm.push((await timeOne(app, path, cookie)).ms);
        warm.sort((a, b) => a - b);
        timings.push({
          path,
          first: first.ms,
          warm: warm[Math.floor(warm.length / 2)] ?? Number.NaN,
          bytes: first.bytes,
        });
        log(`  ${path}: ${first.ms.toFixed(0)} ms first, ${first.bytes} bytes`);
      }
      enterReport(store, LOCAL_ADMIN, {
        org_id: "isp-00001",
        region: "r1",
        as_of: "2026-12-01",
        phase: "enforce",
        adoption_pct: 90,
      });
      const after = await timeOne(app, "/console/rollout", cookie);
      timings.push({ path: AFTER_REPORT, first: after.ms, warm: Number.NaN, bytes: after.bytes });
      log(`  ${AFTER_REPORT}: ${after.ms.toFixed(0)} ms, ${after.bytes} bytes`);
      return { built, timings };
    } finally {
      await app.close();
      store.close();
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      orgs: { type: "string", default: "30,3000" },
      runs: { type: "string", default: "3" },
      "reports-per-pair": { type: "string" },
      tenfold: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench -- rollout [--orgs 30,3000] [--runs 3] [--reports-per-pair 26] [--tenfold]\n" +
        "Builds a programme of each size (27 regions, 1-3 regions an ISP, a report every two weeks for a\n" +
        "year) through the CSV bulk imports, and times the imports, the coordinator's page, the API and\n" +
        "/transparency: first request and warm median. --tenfold adds the largest size with 10x the reports.\n",
    );
    return 0;
  }
  const sizes = values.orgs.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error("--orgs takes whole numbers, comma-separated");
  const runs = Number(values.runs);
  const perPair = values["reports-per-pair"] === undefined ? undefined : Number(values["reports-per-pair"]);
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  for (const orgs of sizes) {
    log(`programme of ${orgs} organisations`);
    results.push(await measure(orgs, runs, perPair));
  }
  const largest = Math.max(...sizes);
  if (values.tenfold) {
    log(`programme of ${largest} organisations, ten times the reports`);
    results.push(await measure(largest, runs, (perPair ?? 26) * 10));
  }
  const header = [
    "request",
    ...results.flatMap((r) => [`${r.built.orgs} orgs first ms`, "warm ms", "bytes"]),
  ];
  const imports = (["orgs", "calendar", "reports"] as const).map((kind) => [
    `import ${kind} (CSV)`,
    ...results.flatMap((r) => [r.built.importMs[kind].toFixed(0), "", ""]),
  ]);
  const rows = ROWS.map((path) => [
    path,
    ...results.flatMap((r) => {
      const t = r.timings.find((x) => x.path === path) as Timing;
      return [t.first.toFixed(0), Number.isNaN(t.warm) ? "" : t.warm.toFixed(0), String(t.bytes)];
    }),
  ]);
  process.stdout.write(
    `${results.map((r) => `${r.built.orgs} organisations, ${r.built.pairs} calendar entries, ${r.built.reports} reports`).join("; ")}\n\n${table([header, ...imports, ...rows])}\n`,
  );
  return 0;
}

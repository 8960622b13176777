/**
 * bench/policy: porteiro's blocked-set computation on a large generated plan, side by side with
 * a straightforward Python `ipaddress` peer doing the same computation on the same input.
 *
 *   npm run bench -- policy [--pools 200000] [--seed 25] [--runs 3]
 *
 * Steps: generate the plan (cached in the temp folder by pools, seed and generator version);
 * time porteiro in-process (loadPlan, computePolicy + blocked.toPrefixes(), nftables render:
 * measure.ts, all runs in one fresh Node process);
 * time the CLI (`plan check`, `policy render`) as separate processes, compiled from the current
 * src/; run bench/policy/peer.py; check both produced the same prefix list; print the table.
 * Each timing is the median of `--runs` runs. Progress goes to stderr, the table to stdout.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type GeneratedPlan, generatePlan } from "./generate.js";
import type { Measurement } from "./measure.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const TARGET = 20;

function log(message: string): void {
  process.stderr.write(`[bench policy] ${message}\n`);
}

function seconds(ms: number): number {
  return ms / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Removes what earlier versions left in the temp folder under `prefix`, all but `keep`. */
function removeStale(prefix: string, keep: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (name.startsWith(prefix) && path !== keep) rmSync(path, { recursive: true, force: true });
  }
}

/** The generated plan for these settings, made once and then reused from the temp folder. */
function planFor(pools: number, seed: number): GeneratedPlan {
  const version = sha256(readFileSync(join(here, "generate.ts"), "utf8")).slice(0, 10);
  const dir = join(tmpdir(), `porteiro-bench-policy-${pools}-s${seed}-${version}`);
  const marker = join(dir, "complete.json");
  if (existsSync(marker)) {
    const plan = JSON.parse(readFileSync(marker, "utf8")) as GeneratedPlan;
    log(`using the plan generated earlier in ${dir}`);
    return plan;
  }
  removeStale(`porteiro-bench-policy-${pools}-s${seed}-`, dir);
  rmSync(dir, { recursive: true, force: true });
  log(`generating ${pools} pools (seed ${seed}) into ${dir} ...`);
  const start = performance.now();
  const plan = generatePlan({ pools, seed, dir });
  writeFileSync(marker, JSON.stringify(plan, null, 1));
  log(`generated in ${seconds(performance.now() - start).toFixed(1)} s: ${JSON.stringify(plan.counts)}`);
  return plan;
}

/**
 * How to start the CLI: compiled from the current src/ with tsc into a temp folder keyed by the
 * sources' hash (so a stale dist/ never gets measured), or through tsx if that build fails.
 */
function cliCommand(): { argv: string[]; label: string } {
  const sources = [
    ...filesUnder(join(root, "src")),
    join(root, "tsconfig.json"),
    join(root, "tsconfig.build.json"),
  ];
  const hash = createHash("sha256");
  for (const file of sources) hash.update(relative(root, file)).update(readFileSync(file));
  const dir = join(tmpdir(), `porteiro-bench-cli-${hash.digest("hex").slice(0, 12)}`);
  const entry = join(dir, "dist", "cli", "index.js");
  if (!existsSync(join(dir, "complete"))) {
    log(`compiling src/ for the CLI timings into ${dir} ...`);
    removeStale("porteiro-bench-cli-", dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tsc = spawnSync(
      process.execPath,
      [
        join(root, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        join(root, "tsconfig.build.json"),
        "--outDir",
        join(dir, "dist"),
      ],
      { cwd: root, encoding: "utf8" },
    );
    if (tsc.status !== 0) {
      log(`tsc failed, timing the CLI through tsx instead:\n${tsc.stdout}${tsc.stderr}`);
      return {
        argv: [process.execPath, "--import", "tsx", join(root, "src", "cli", "index.ts")],
        label: "node --import tsx src/cli/index.ts",
      };
    }
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(join(dir, "complete"), "");
  }
  return { argv: [process.execPath, entry], label: "node dist/cli/index.js (tsc build of the current src/)" };
}

/** porteiro in-process (library calls, no CLI), in a fresh Node process: see measure.ts. */
function runPorteiro(planFile: string, date: string, runs: number, listFile: string): Measurement {
  log(`timing porteiro in-process (${runs} runs in one fresh node process) ...`);
  const result = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", join(here, "measure.ts"), planFile, date, String(runs), listFile],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 },
  );
  if (result.status !== 0) throw new Error(`measure.ts failed (exit ${result.status})`);
  return JSON.parse(result.stdout) as Measurement;
}

interface PeerRun {
  prefixes: number;
  v4: number;
  v6: number;
  sha256: string;
  seconds: { read: number; compute: number; total: number };
}

function runPeer(peerFile: string, listFile: string | undefined): PeerRun {
  const args = [join(here, "peer.py"), peerFile, ...(listFile ? ["--list", listFile] : [])];
  const result = spawnSync("python3", args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.error) throw new Error(`cannot run python3: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`peer.py failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as PeerRun;
}

/** Wall time of one CLI run, its standard output sent to `outFile`. */
function runCli(argv: readonly string[], args: readonly string[], outFile: string): number {
  const out = openSync(outFile, "w");
  try {
    const start = performance.now();
    const result = spawnSync(argv[0] as string, [...argv.slice(1), ...args], {
      cwd: root,
      stdio: ["ignore", out, "pipe"],
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const elapsed = seconds(performance.now() - start);
    if (result.status !== 0) {
      throw new Error(`porteiro ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}`);
    }
    return elapsed;
  } finally {
    closeSync(out);
  }
}

function printDifferences(ourListFile: string, peerListFile: string): void {
  const ours = readFileSync(ourListFile, "utf8").split("\n").filter(Boolean);
  const theirs = readFileSync(peerListFile, "utf8").split("\n").filter(Boolean);
  const ourSet = new Set(ours);
  const theirSet = new Set(theirs);
  const onlyOurs = ours.filter((p) => !theirSet.has(p));
  const onlyTheirs = theirs.filter((p) => !ourSet.has(p));
  process.stderr.write(
    `only in porteiro (${onlyOurs.length}): ${onlyOurs.slice(0, 10).join(" ") || "-"}\n` +
      `only in the peer (${onlyTheirs.length}): ${onlyTheirs.slice(0, 10).join(" ") || "-"}\n`,
  );
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
    if (ours[i] !== theirs[i]) {
      process.stderr.write(`first difference at line ${i + 1}: porteiro ${ours[i]} vs peer ${theirs[i]}\n`);
      break;
    }
  }
}

const s = (value: number) => value.toFixed(3);
const ratio = (porteiro: number, peer: number) => `${(peer / porteiro).toFixed(1)}×`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      pools: { type: "string", default: "200000" },
      seed: { type: "string", default: "25" },
      runs: { type: "string", default: "3" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write("usage: npm run bench -- policy [--pools 200000] [--seed 25] [--runs 3]\n");
    return 0;
  }
  const pools = Number(values.pools);
  const seed = Number(values.seed);
  const runs = Number(values.runs);
  if (!Number.isInteger(pools) || pools < 1000)
    throw new Error("--pools must be an integer of at least 1000");
  if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");

  const plan = planFor(pools, seed);
  const date = plan.date;
  const peerList = join(plan.dir, "peer-blocked.txt");
  const cli = cliCommand();

  // porteiro in-process: the runs in one fresh process, so runs after the first are warm.
  const ourList = join(plan.dir, "porteiro-blocked.txt");
  const measured = runPorteiro(plan.planFile, date, runs, ourList);
  const ours = measured.runs;
  if (measured.warnings > 0) log(`the generated plan has ${measured.warnings} warnings`);

  // The peer.
  const theirs: PeerRun[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = runPeer(plan.peerFile, i === 1 ? peerList : undefined);
    theirs.push(r);
    log(`peer run ${i}/${runs}: read ${s(r.seconds.read)} s, blocked set ${s(r.seconds.compute)} s`);
  }
  const peer = theirs[0] as PeerRun;

  // The CLI, as an operator runs it.
  const check: number[] = [];
  const render: number[] = [];
  const nftFile = join(plan.dir, "porteiro.nft");
  for (let i = 1; i <= runs; i++) {
    check.push(runCli(cli.argv, ["plan", "check", plan.planFile, "--at", date], join(plan.dir, "check.txt")));
    render.push(
      runCli(
        cli.argv,
        ["policy", "render", "--plan", plan.planFile, "--format", "nftables", "--at", date],
        nftFile,
      ),
    );
    log(
      `CLI run ${i}/${runs}: plan check ${s(check[i - 1] as number)} s, policy render ${s(render[i - 1] as number)} s`,
    );
  }

  // Same answer?
  const same = peer.prefixes === measured.prefixes && peer.sha256 === measured.sha256;
  process.stdout.write(
    `\nplan: ${plan.counts.pools} pools, ${plan.counts.exceptions} exceptions, ${plan.counts.relays} relays, ` +
      `${plan.counts.enforcing} of 27 regions enforcing on ${date} (${plan.dir})\n` +
      `blocked: porteiro ${measured.prefixes} prefixes (${measured.v4} IPv4, ${measured.prefixes - measured.v4} IPv6) ` +
      `sha256 ${measured.sha256.slice(0, 16)}; ` +
      `peer ${peer.prefixes} prefixes (${peer.v4} IPv4, ${peer.v6} IPv6) sha256 ${peer.sha256.slice(0, 16)}: ` +
      `${same ? "same" : "DIFFERENT"}\n`,
  );
  if (!same) {
    printDifferences(ourList, peerList);
    return 1;
  }

  const load = median(ours.map((r) => r.load));
  const compute = median(ours.map((r) => r.compute));
  const total = median(ours.map((r) => r.load + r.compute));
  const peerRead = median(theirs.map((r) => r.seconds.read));
  const peerCompute = median(theirs.map((r) => r.seconds.compute));
  const peerTotal = median(theirs.map((r) => r.seconds.total));
  const rows: [string, string, string, string][] = [
    [
      "load plan (porteiro: YAML + CSV + validation; peer: JSON + CSV)",
      s(load),
      s(peerRead),
      ratio(load, peerRead),
    ],
    ["blocked set (compute + minimal prefix list)", s(compute), s(peerCompute), ratio(compute, peerCompute)],
    ["**load + blocked set**", s(total), s(peerTotal), ratio(total, peerTotal)],
    ["nftables render (in-process, after compute)", s(median(ours.map((r) => r.render))), "—", "—"],
    ["CLI `plan check` (process wall time)", s(median(check)), "—", "—"],
    ["CLI `policy render --format nftables` (process wall time)", s(median(render)), "—", "—"],
  ];
  const header: [string, string, string, string] = ["step", "porteiro s", "peer s", "peer ÷ porteiro"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  process.stdout.write(
    [
      "",
      line(header),
      `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
      ...rows.map(line),
      "",
      `median of ${runs} runs; CLI: ${cli.label}; nftables file ${statSync(nftFile).size} bytes`,
      `blocked set (the computation the target is about): porteiro is ${(peerCompute / compute).toFixed(1)}× ` +
        `faster than the peer (target ≥ ${TARGET}×: ${peerCompute / compute >= TARGET ? "met" : "NOT met"})`,
      `load + blocked set (end to end, reading the input included): ${(peerTotal / total).toFixed(1)}× ` +
        `(${peerTotal / total >= TARGET ? "also" : "not"} ≥ ${TARGET}×)`,
      "",
    ].join("\n"),
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { type Day, formatDiagnostic, formatPrefix, today, UserError } from "../core/index.js";
import { loadPlan } from "../plan/index.js";
import { diffPolicy, PullTokens, RENDERERS, renderPolicy } from "../policy/index.js";
import { planPath } from "./config.js";
import { dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";
import { type StoreOptions, storeOptions, withExistingStore, withStore } from "./store-options.js";

interface PlanOptions {
  plan?: string;
  config?: string;
}

function loadQuietly(options: PlanOptions) {
  const loaded = loadPlan(planPath(options));
  for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
  return loaded.plan;
}

/** Writes each file beside its final name first, so a reader never sees half a ruleset. */
function writeFiles(dir: string, files: readonly { name: string; content: string }[]): void {
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of files) {
      const target = join(dir, file.name);
      writeFileSync(`${target}.tmp`, file.content);
      renameSync(`${target}.tmp`, target);
      process.stderr.write(`wrote ${target}\n`);
    }
  } catch (error) {
    throw new UserError(`cannot write to ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command("policy")
    .description("the port-25 egress policy on a date, rendered for real gear");
  const formats = RENDERERS.map((r) => `  ${r.format.padEnd(10)} ${r.summary}`).join("\n");
  policy
    .command("render")
    .description("print a complete, loadable configuration blocking TCP/25 from enforced dynamic space")
    .option("--plan <file>", "plan file")
    .option("-c, --config <file>", "porteiro.yaml naming the plan")
    .requiredOption("--format <format>", `one of ${RENDERERS.map((r) => r.format).join(", ")}`)
    .option("--at <date>", "policy on this day (YYYY-MM-DD, default today in UTC)", dayOption)
    .option("--region <id>", "only this region")
    .option("--out <dir>", "write the file(s) into this folder instead of printing")
    .addHelpText(
      "after",
      `\nFormats:\n${formats}\n\nBlocked space = dynamic pools of enforcing regions, less more specific static and\n` +
        "infrastructure pools and unexpired exceptions, as a minimal prefix list. Observe regions are\n" +
        "counted and logged, never blocked; 587 and 465 are never touched.\n\n" +
        "Example:\n  porteiro policy render --plan examples/plan.yaml --format nftables --at 2026-12-01 | nft -f -",
    )
    .action((options: PlanOptions & { format: string; at?: Day; region?: string; out?: string }) => {
      const plan = loadQuietly(options);
      const rendering = renderPolicy(
        plan,
        options.at ?? today(),
        options.format,
        options.region === undefined ? {} : { region: options.region },
      );
      if (options.out) writeFiles(options.out, rendering.files);
      else process.stdout.write(rendering.stdout);
    });

  policy
    .command("diff")
    .description("list the prefixes whose port-25 treatment changes between two dates")
    .option("--plan <file>", "plan file")
    .option("-c, --config <file>", "porteiro.yaml naming the plan")
    .requiredOption("--from <date>", "first day (YYYY-MM-DD)", dayOption)
    .requiredOption("--to <date>", "second day (YYYY-MM-DD)", dayOption)
    .option("--region <id>", "only this region")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText(
      "after",
      "\nEach row is a prefix moving between allowed, observed and blocked, with the reason\n" +
        "(a region's phase changing, or an exception beginning or ending).\n\n" +
        "Example:\n  porteiro policy diff --plan examples/plan.yaml --from 2026-11-30 --to 2026-12-01",
    )
    .action((options: PlanOptions & { from: Day; to: Day; region?: string; format: OutputFormat }) => {
      const plan = loadQuietly(options);
      const changes = diffPolicy(plan, options.from, options.to, options.region);
      const rows = changes.flatMap((c) =>
        c.prefixes.map((p) => ({
          region: c.region,
          prefix: formatPrefix(p),
          from: c.from,
          to: c.to,
          reason: c.reason,
        })),
      );
      if (options.format === "json") {
        process.stdout.write(`${toJson({ from: options.from, to: options.to, changes: rows })}\n`);
      } else if (options.format === "csv") {
        const lines = [
          "region,prefix,from,to,reason",
          ...rows.map((r) => Object.values(r).map(csvField).join(",")),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) {
        process.stdout.write(`no change between ${options.from} and ${options.to}\n`);
      } else {
        process.stdout.write(
          `${table([["region", "prefix", "from", "to", "reason"], ...rows.map((r) => [r.region, r.prefix, r.from, r.to, r.reason])])}\n`,
        );
      }
    });

  registerTokenCommands(policy);
}

function registerTokenCommands(policy: Command): void {
  const token = policy
    .command("token")
    .description("the routers that may pull today's policy from the web server (GET /policy/current.*)")
    .addHelpText(
      "after",
      "\nA router sends its token as Authorization: Bearer TOKEN, or as ?token=TOKEN where it cannot\n" +
        "set headers (RouterOS /tool fetch). Only a SHA-256 of each token is stored.",
    );

  storeOptions(token.command("add"))
    .description("issue a router's token and print it, once")
    .argument("<name>", "the router's name (letters, digits, . _ -)")
    .addHelpText("after", "\nExample:\n  porteiro policy token add edge-sul-01 -c porteiro.yaml")
    .action((name: string, options: StoreOptions) => {
      const issued = withStore(options, (store) => new PullTokens(store).add(name));
      process.stderr.write(`token for ${name}; it is shown this once, porteiro keeps only its hash:\n`);
      process.stdout.write(`${issued}\n`);
    });

  storeOptions(token.command("list"))
    .description("list the routers with a token, and when each last pulled")
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .action((options: StoreOptions & { format: OutputFormat }) => {
      const rows = withExistingStore(options, (store) => new PullTokens(store).list()).map((t) => ({
        name: t.name,
        created_at: t.createdAt,
        last_used_at: t.lastUsedAt,
      }));
      if (options.format === "json") process.stdout.write(`${toJson(rows)}\n`);
      else if (options.format === "csv") {
        const lines = [
          "name,created_at,last_used_at",
          ...rows.map((r) => [r.name, r.created_at, r.last_used_at ?? ""].map(csvField).join(",")),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      } else if (rows.length === 0) process.stdout.write("no tokens\n");
      else
        process.stdout.write(
          `${table([["name", "created", "last pull"], ...rows.map((r) => [r.name, r.created_at.slice(0, 19), r.last_used_at?.slice(0, 19) ?? "never"])])}\n`,
        );
    });

  storeOptions(token.command("remove"))
    .description("revoke a router's token: its next pull is refused")
    .argument("<name>")
    .action((name: string, options: StoreOptions) => {
      withExistingStore(options, (store) => new PullTokens(store).remove(name));
      process.stdout.write(`removed the token of ${name}\n`);
    });
}

import type { Command } from "commander";
import { type AddressSet, type Day, formatDiagnostic, formatPrefix, today } from "../core/index.js";
import { loadPlan } from "../plan/index.js";
import { computePolicy } from "../policy/index.js";
import { planPath } from "./config.js";
import { dayOption } from "./options.js";
import { describePlan } from "./plan.js";

const SHOWN = 12;

function listPrefixes(title: string, set: AddressSet): string[] {
  const prefixes = set.toPrefixes().map(formatPrefix);
  const lines = [
    `${title}: ${prefixes.length} prefixes, ${set.v4.size} IPv4 addresses, ${set.v6.size >> 64n} IPv6 /64s`,
  ];
  for (const p of prefixes.slice(0, SHOWN)) lines.push(`  ${p}`);
  if (prefixes.length > SHOWN) lines.push(`  … and ${prefixes.length - SHOWN} more (porteiro policy render)`);
  return lines;
}

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("where each region stands today and the port-25 policy in force")
    .option("--plan <file>", "plan file")
    .option("-c, --config <file>", "porteiro.yaml naming the plan")
    .option("--at <date>", "as on this day (YYYY-MM-DD, default today in UTC)", dayOption)
    .addHelpText("after", "\nExample:\n  porteiro status -c examples/porteiro.yaml")
    .action((options: { plan?: string; config?: string; at?: Day }) => {
      const day = options.at ?? today();
      const loaded = loadPlan(planPath(options));
      for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
      const policy = computePolicy(loaded.plan, day);
      const out = [
        describePlan(loaded, day, "table"),
        "",
        `Port-25 policy on ${day} (action: ${loaded.plan.action}):`,
        ...listPrefixes("blocked", policy.blocked),
        ...listPrefixes("observed (counted and logged, not blocked)", policy.observed),
        `exceptions in force: ${policy.exceptions.length} of ${loaded.plan.exceptions.length}`,
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    });
}

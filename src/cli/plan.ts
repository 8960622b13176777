import type { Command } from "commander";
import { type Day, formatDiagnostic, today } from "../core/index.js";
import { type LoadedPlan, loadPlan, nextChange, phaseOn, summarizeSpace } from "../plan/index.js";
import { dayOption, outputFormatOption } from "./options.js";
import { csvField, type OutputFormat, table, toJson } from "./output.js";

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function regionRows(loaded: LoadedPlan, day: Day) {
  return loaded.plan.regions.map((region) => ({
    id: region.id,
    name: region.name,
    phase: phaseOn(region, day),
    observe_from: region.observeFrom ?? null,
    enforce_from: region.enforceFrom,
    next_change: nextChange(region, day) ?? null,
  }));
}

export function describePlan(loaded: LoadedPlan, day: Day, format: OutputFormat): string {
  const { plan } = loaded;
  const space = summarizeSpace(plan).map((s) => ({
    kind: s.kind,
    region: s.region ?? null,
    pools: s.pools,
    ipv4_addresses: s.ipv4,
    ipv6_64s: s.ipv6Subnets64,
  }));
  const regions = regionRows(loaded, day);
  if (format === "json") {
    return toJson({
      file: plan.file,
      isp: plan.isp,
      date: day,
      pools: plan.pools.length,
      relays: plan.relays.length,
      exceptions: plan.exceptions.length,
      space,
      regions,
      warnings: loaded.warnings.map(formatDiagnostic),
    });
  }
  if (format === "csv") {
    const lines = ["kind,region,pools,ipv4_addresses,ipv6_64s"];
    for (const s of space)
      lines.push(
        [s.kind, s.region ?? "", s.pools, s.ipv4_addresses, s.ipv6_64s].map(String).map(csvField).join(","),
      );
    return lines.join("\n");
  }
  const asn = plan.isp.asn === undefined ? "" : ` (AS${plan.isp.asn})`;
  return [
    `${plan.file}: ok — ${plan.isp.name}${asn}: ${count(plan.pools.length, "pool")}, ${count(plan.regions.length, "region")}, ` +
      `${count(plan.relays.length, "relay")}, ${count(plan.exceptions.length, "exception")}, ${count(loaded.warnings.length, "warning")}`,
    "",
    "Address space (each address counted once, in its most specific pool):",
    table([
      ["kind", "region", "pools", "IPv4 addresses", "IPv6 /64s"],
      ...space.map((s) => [
        s.kind,
        s.region ?? "-",
        String(s.pools),
        String(s.ipv4_addresses),
        String(s.ipv6_64s),
      ]),
    ]),
    "",
    `Regions on ${day}:`,
    table([
      ["region", "name", "phase", "observe from", "enforce from", "next change"],
      ...regions.map((r) => [
        r.id,
        r.name,
        r.phase,
        r.observe_from ?? "-",
        r.enforce_from,
        r.next_change ? `${r.next_change.phase} on ${r.next_change.day}` : "-",
      ]),
    ]),
  ].join("\n");
}

export function registerPlanCommands(program: Command): void {
  const plan = program.command("plan").description("the address plan: pools, regions, relays, exceptions");
  plan
    .command("check")
    .description("validate a plan and summarise it: addresses per kind and region, each region's phase")
    .argument("<plan>", "plan file (YAML; pools may also come from CSV files named by pools_csv)")
    .option("--at <date>", "show phases on this day (YYYY-MM-DD, default today in UTC)", dayOption)
    .option("--format <format>", "table, json or csv", outputFormatOption, "table")
    .addHelpText(
      "after",
      "\nErrors are printed as file:line: message and exit 1; warnings go to stderr and exit 0.\n" +
        "Example:\n  porteiro plan check examples/plan.yaml --at 2026-12-01",
    )
    .action((file: string, options: { at?: Day; format: OutputFormat }) => {
      const loaded = loadPlan(file);
      for (const warning of loaded.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
      process.stdout.write(`${describePlan(loaded, options.at ?? today(), options.format)}\n`);
    });
}

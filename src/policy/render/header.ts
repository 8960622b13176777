import { type AddressSet, formatPrefix } from "../../core/index.js";
import type { Policy } from "../compute.js";

function describeSet(set: AddressSet): string {
  const prefixes = set.toPrefixes();
  const v4 = prefixes.filter((p) => p.family === 4).length;
  return `${v4} IPv4 and ${prefixes.length - v4} IPv6 prefixes (${set.v4.size} IPv4 addresses)`;
}

/** What every rendered configuration says about itself, without comment markers. */
export function headerLines(policy: Policy): string[] {
  const { plan } = policy;
  const asn = plan.isp.asn === undefined ? "" : ` (AS${plan.isp.asn})`;
  const lines = [
    `porteiro port-25 egress policy for ${oneLine(plan.isp.name)}${asn} on ${policy.day}`,
    `action: ${plan.action} TCP/25 from blocked sources; ports 587 and 465 are never filtered (RFC 5068)`,
  ];
  for (const r of policy.regions) {
    const dates = `${r.region.observeFrom ? `observe from ${r.region.observeFrom}, ` : ""}enforce from ${r.region.enforceFrom}`;
    lines.push(`region ${r.region.id} (${oneLine(r.region.name)}): ${r.phase} (${dates})`);
  }
  lines.push(`blocked: ${describeSet(policy.blocked)}`);
  lines.push(`observed: ${describeSet(policy.observed)}`);
  if (plan.allowRelaysOn25 && plan.relays.length > 0) {
    lines.push(`relays reachable on 25: ${plan.relays.map(formatPrefix).join(", ")}`);
  }
  for (const e of policy.exceptions) {
    lines.push(
      `exception ${formatPrefix(e.prefix)} until ${e.until ?? "further notice"}: ${oneLine(e.reason)}`,
    );
  }
  return lines;
}

/** Plan text (reasons, names) must not break out of a comment in a generated file. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\x00-\x1f\x7f]+/g, " ").replace(/\*\//g, "* /");
}

export function commented(marker: string, lines: readonly string[]): string {
  return lines.map((line) => `${marker} ${line}`).join("\n");
}

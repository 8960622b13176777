import { type AddressSet, formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { commented, headerLines } from "./header.js";
import { type Renderer, singleFile } from "./types.js";

function nftSet(name: string, family: 4 | 6, prefixes: readonly Prefix[]): string[] {
  const type = family === 4 ? "ipv4_addr" : "ipv6_addr";
  const own = prefixes.filter((p) => p.family === family);
  const lines = [`  set ${name} {`, `    type ${type}`, "    flags interval"];
  if (own.length > 0) {
    lines.push("    elements = {");
    own.forEach((p, i) => {
      lines.push(`      ${formatPrefix(p)}${i < own.length - 1 ? "," : ""}`);
    });
    lines.push("    }");
  }
  lines.push("  }");
  return lines;
}

/**
 * Per-source counters of the observe phase's new TCP/25 connections, which `porteiro flows hits`
 * reads back. Entries expire after a week of silence; at most 65,536 sources per family are
 * counted (the kernel stops adding, the traffic still passes). A reload of the file starts them
 * from zero, which the reader takes as a restart.
 */
function hitSets(): string[] {
  return (["v4", "v6"] as const).flatMap((suffix) => [
    `  set observe_hits_${suffix} {`,
    `    type ${suffix === "v4" ? "ipv4_addr" : "ipv6_addr"}`,
    "    size 65536",
    "    flags dynamic,timeout",
    "    timeout 7d",
    "    counter",
    "  }",
  ]);
}

function setsFor(name: string, set: AddressSet): string[] {
  const prefixes = set.toPrefixes();
  return [...nftSet(`${name}_v4`, 4, prefixes), ...nftSet(`${name}_v6`, 6, prefixes)];
}

/**
 * One `inet` table with interval sets and a forward-hook chain. The file first creates and
 * deletes the table, so `nft -f` replaces the previous version atomically.
 */
export const nftablesRenderer: Renderer = {
  format: "nftables",
  summary: "nftables ruleset (nft -f): table inet porteiro with interval sets and a forward chain",
  render(policy: Policy) {
    const verdict = policy.plan.action === "reject" ? "reject with tcp reset" : "drop";
    const rules: string[] = [];
    if (!policy.relays.isEmpty) {
      rules.push('    tcp dport 25 ip daddr @relays_v4 accept comment "own relays stay reachable on 25"');
      rules.push("    tcp dport 25 ip6 daddr @relays_v6 accept");
    }
    rules.push(
      `    ip saddr @blocked_v4 tcp dport 25 counter ${verdict} comment "enforce: direct-to-MX blocked"`,
    );
    rules.push(`    ip6 saddr @blocked_v6 tcp dport 25 counter ${verdict}`);
    for (const family of ["ip", "ip6"] as const) {
      const suffix = family === "ip" ? "v4" : "v6";
      rules.push(
        `    ${family} saddr @observed_${suffix} tcp dport 25 ct state new update @observe_hits_${suffix} { ${family} saddr } counter limit rate 20/second log prefix "porteiro-observe " level info`,
      );
    }
    const content = [
      "#!/usr/sbin/nft -f",
      commented("#", headerLines(policy)),
      "",
      "table inet porteiro",
      "delete table inet porteiro",
      "",
      "table inet porteiro {",
      ...setsFor("relays", policy.relays),
      ...setsFor("blocked", policy.blocked),
      ...setsFor("observed", policy.observed),
      ...hitSets(),
      "",
      "  chain forward {",
      "    type filter hook forward priority filter; policy accept;",
      ...rules,
      "  }",
      "}",
      "",
    ].join("\n");
    return singleFile("porteiro.nft", content);
  },
};

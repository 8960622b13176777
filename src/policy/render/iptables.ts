import { type AddressSet, formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { commented, headerLines } from "./header.js";
import type { RenderedFile, Renderer } from "./types.js";

const CHAIN = "porteiro-25";
const SET_NAMES = ["relays", "blocked", "observed"] as const;
/**
 * One fixed cap for every load: `create -exist` refuses a set whose options changed, so the
 * cap must not follow the entry count. Hash sets allocate as they fill, not up to the cap.
 */
const MAX_ENTRIES = 1 << 24;

function setName(kind: (typeof SET_NAMES)[number], family: 4 | 6): string {
  return `porteiro-${kind}${family}`;
}

/** hash:net cannot hold a /0, so the whole family becomes its two halves. */
function ipsetEntries(prefixes: readonly Prefix[], family: 4 | 6): string[] {
  const out: string[] = [];
  for (const p of prefixes) {
    if (p.family !== family) continue;
    if (p.length === 0)
      out.push(family === 4 ? "0.0.0.0/1" : "::/1", family === 4 ? "128.0.0.0/1" : "8000::/1");
    else out.push(formatPrefix(p));
  }
  return out;
}

/**
 * `ipset restore` input. Each set is filled under a temporary name and swapped in, so a
 * reload never leaves the live set half-filled.
 */
function ipsetFile(policy: Policy): string {
  const lines = [commented("#", headerLines(policy))];
  const sets: Record<(typeof SET_NAMES)[number], AddressSet> = {
    relays: policy.relays,
    blocked: policy.blocked,
    observed: policy.observed,
  };
  for (const kind of SET_NAMES) {
    const prefixes = sets[kind].toPrefixes();
    for (const family of [4, 6] as const) {
      const name = setName(kind, family);
      const entries = ipsetEntries(prefixes, family);
      const options = `hash:net family ${family === 4 ? "inet" : "inet6"} maxelem ${MAX_ENTRIES}`;
      lines.push(`create ${name} ${options} -exist`);
      lines.push(`create ${name}.new ${options} -exist`);
      lines.push(`flush ${name}.new`);
      for (const entry of entries) lines.push(`add ${name}.new ${entry}`);
      lines.push(`swap ${name}.new ${name}`);
      lines.push(`destroy ${name}.new`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The FORWARD rule that sends TCP/25 through the chain; added once and never taken out, so a reload leaves no gap. */
const JUMP = `FORWARD -p tcp -m tcp --dport 25 -j ${CHAIN}`;

/**
 * iptables-restore / ip6tables-restore input for `--noflush`: only porteiro's own chain, which
 * the restore empties and refills in one commit, so no packet meets it half-written.
 */
function rulesFile(policy: Policy, family: 4 | 6): string {
  const verdict = policy.plan.action === "reject" ? "-j REJECT --reject-with tcp-reset" : "-j DROP";
  const command = family === 4 ? "iptables" : "ip6tables";
  const lines = [
    commented("#", headerLines(policy)),
    `# The jump to the chain is added once, not here: ${command} -C ${JUMP} || ${command} -A ${JUMP}`,
    "*filter",
    `:${CHAIN} - [0:0]`,
  ];
  if (!policy.relays.isEmpty)
    lines.push(`-A ${CHAIN} -m set --match-set ${setName("relays", family)} dst -j RETURN`);
  lines.push(`-A ${CHAIN} -p tcp -m set --match-set ${setName("blocked", family)} src ${verdict}`);
  lines.push(
    `-A ${CHAIN} -m set --match-set ${setName("observed", family)} src -m conntrack --ctstate NEW -m limit --limit 20/second -j LOG --log-prefix "porteiro-observe " --log-level info`,
  );
  lines.push("COMMIT");
  return `${lines.join("\n")}\n`;
}

/** A shell script that loads all three files, then adds the FORWARD jump where it is missing. */
function loaderScript(files: readonly RenderedFile[], policy: Policy): string {
  const [ipset, v4, v6] = files.map((f) => f.content) as [string, string, string];
  const heredoc = (tag: string, body: string) => `${body}${tag}`;
  return [
    "#!/bin/sh",
    commented("#", headerLines(policy)),
    "# Loads ipset first (the rules refer to the sets), then IPv4 and IPv6 rules. Each set is",
    "# swapped in whole and each chain replaced in one commit; the jump to the chain stays.",
    "set -e",
    "ipset restore <<'PORTEIRO_IPSET'",
    heredoc("PORTEIRO_IPSET", ipset),
    "iptables-restore --noflush <<'PORTEIRO_V4'",
    heredoc("PORTEIRO_V4", v4),
    `iptables -C ${JUMP} 2>/dev/null || iptables -A ${JUMP}`,
    "ip6tables-restore --noflush <<'PORTEIRO_V6'",
    heredoc("PORTEIRO_V6", v6),
    `ip6tables -C ${JUMP} 2>/dev/null || ip6tables -A ${JUMP}`,
    "",
  ].join("\n");
}

export const iptablesRenderer: Renderer = {
  format: "iptables",
  summary: "ipset + iptables-restore/ip6tables-restore input (stdout: a sh script loading all three)",
  render(policy: Policy) {
    const files: RenderedFile[] = [
      { name: "porteiro.ipset", content: ipsetFile(policy) },
      { name: "porteiro.rules.v4", content: rulesFile(policy, 4) },
      { name: "porteiro.rules.v6", content: rulesFile(policy, 6) },
    ];
    return { files, stdout: loaderScript(files, policy) };
  },
};

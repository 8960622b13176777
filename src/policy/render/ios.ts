import { formatIpv4, formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { headerLines, oneLine } from "./header.js";
import { type Renderer, singleFile } from "./types.js";

const ACL_V4 = "PORTEIRO-25-V4";
const ACL_V6 = "PORTEIRO-25-V6";

/** The IOS wildcard (inverse) mask of an IPv4 prefix length: /28 → 0.0.0.15. */
export function wildcardMask(length: number): string {
  return formatIpv4(length === 0 ? 0xffffffff : 2 ** (32 - length) - 1);
}

/** An address operand of an ACL entry: `any`, `host A`, `A WILDCARD` or an IPv6 `X/len`. */
export function aclAddress(p: Prefix): string {
  if (p.length === 0) return "any";
  const [address] = formatPrefix(p).split("/") as [string];
  if (p.family === 4) return p.length === 32 ? `host ${address}` : `${address} ${wildcardMask(p.length)}`;
  return p.length === 128 ? `host ${address}` : formatPrefix(p);
}

function comment(text: string): string {
  return `! ${oneLine(text)}`.trimEnd();
}

/** The final permit goes in first under this number, so the list never ends in its implicit deny while filling. */
const FINAL_SEQUENCE = 2_000_000_000;

/**
 * The entries of one list, numbered explicitly: IPv4 entries start with the sequence number,
 * IPv6 entries end with `sequence N`, as the IOS command references write them.
 */
function entries(policy: Policy, family: 4 | 6): string[] {
  const of = (prefixes: readonly Prefix[]) => prefixes.filter((p) => p.family === family);
  const numbered = (sequence: number, entry: string) =>
    family === 4 ? ` ${sequence} ${entry}` : ` ${entry} sequence ${sequence}`;
  const lines = [
    comment("everything else passes, 587 and 465 included (entered first, numbered last)"),
    numbered(FINAL_SEQUENCE, family === 4 ? "permit ip any any" : "permit ipv6 any any"),
  ];
  let sequence = 0;
  const section = (title: string, prefixes: readonly Prefix[], entry: (address: string) => string) => {
    if (prefixes.length === 0) return;
    lines.push(comment(title));
    for (const p of prefixes) {
      sequence += 10;
      lines.push(numbered(sequence, entry(aclAddress(p))));
    }
  };
  section(
    "own relays stay reachable on 25",
    of(policy.relays.toPrefixes()),
    (a) => `permit tcp any ${a} eq smtp`,
  );
  section(
    "enforce: direct-to-MX refused",
    of(policy.blocked.toPrefixes()),
    (a) => `deny tcp ${a} any eq smtp`,
  );
  section(
    "observe: counted and logged, passes",
    of(policy.observed.toPrefixes()),
    (a) => `permit tcp ${a} any eq smtp log`,
  );
  return lines;
}

/**
 * Cisco IOS / IOS-XE configuration: one extended IPv4 ACL and one IPv6 ACL, each removed and
 * recreated so pasting the file again replaces the previous version.
 */
export const iosRenderer: Renderer = {
  format: "ios",
  summary: "Cisco IOS/IOS-XE: ip access-list extended PORTEIRO-25-V4 and ipv6 access-list PORTEIRO-25-V6",
  render(policy: Policy) {
    const lines = headerLines(policy).map(comment);
    if (policy.plan.action === "reject") {
      lines.push(
        comment("IOS cannot answer with a TCP reset from an ACL: the deny entries below drop the packet"),
        comment("(the router may send an ICMP unreachable instead, per the interface's ip unreachables)."),
      );
    }
    lines.push(
      comment("Paste in configuration mode, or copy the file to running-config."),
      comment("Apply on each subscriber-facing interface, inbound:"),
      comment(" interface <subscriber-facing interface>"),
      comment(`  ip access-group ${ACL_V4} in`),
      comment(`  ipv6 traffic-filter ${ACL_V6} in`),
      comment("Each list is deleted and rebuilt with its final permit entered first, so while it fills,"),
      comment("traffic never meets the implicit deny at its end."),
      "!",
      `no ip access-list extended ${ACL_V4}`,
      `ip access-list extended ${ACL_V4}`,
      ...entries(policy, 4),
      "!",
      `no ipv6 access-list ${ACL_V6}`,
      `ipv6 access-list ${ACL_V6}`,
      ...entries(policy, 6),
      "!",
      "end",
    );
    return singleFile("porteiro-ios.cfg", `${lines.join("\n")}\n`);
  },
};

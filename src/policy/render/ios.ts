import { formatIpv4, formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { headerLines, oneLine } from "./header.js";
import { type Renderer, singleFile } from "./types.js";

const ACL_V4 = "PORTEIRO-25-V4";
const ACL_V6 = "PORTEIRO-25-V6";
const KINDS = ["relays", "blocked", "observed"] as const;
type Kind = (typeof KINDS)[number];

/** The final permit's number: the list never ends in its implicit deny, whatever else it holds. */
const FINAL_SEQUENCE = 2_000_000_000;
/** Where each kind's entry sits: the main groups' in steady state, the NEXT groups' while they stand in. */
const SEQUENCES = {
  main: { relays: 10, blocked: 20, observed: 30 },
  next: { relays: 1, blocked: 2, observed: 3 },
} as const;
type Slot = keyof typeof SEQUENCES;

interface Family {
  readonly family: 4 | 6;
  /** Enters the list's configuration mode. */
  readonly list: string;
  readonly group: "network" | "v6-network";
  readonly any: "ip" | "ipv6";
  readonly suffix: "V4" | "V6";
}

const FAMILIES: readonly Family[] = [
  {
    family: 4,
    list: `ip access-list extended ${ACL_V4}`,
    group: "network",
    any: "ip",
    suffix: "V4",
  },
  {
    family: 6,
    list: `ipv6 access-list ${ACL_V6}`,
    group: "v6-network",
    any: "ipv6",
    suffix: "V6",
  },
];

/** The IOS netmask of an IPv4 prefix length: /28 → 255.255.255.240. */
export function netmask(length: number): string {
  return formatIpv4(length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0);
}

/** A network object-group member: `host A`, `A NETMASK`, or an IPv6 `X/len`. */
export function groupMember(p: Prefix): string {
  const text = formatPrefix(p);
  const [address] = text.split("/") as [string];
  if (p.length === (p.family === 4 ? 32 : 128)) return `host ${address}`;
  return p.family === 4 ? `${address} ${netmask(p.length)}` : text;
}

function comment(text: string): string {
  return `! ${oneLine(text)}`.trimEnd();
}

const groupName = (kind: Kind, f: Family, slot: Slot) =>
  `PORTEIRO-${kind.toUpperCase()}-${f.suffix}${slot === "next" ? "-NEXT" : ""}`;

/** One numbered entry: IPv4 entries start with the number, IPv6 ones end with `sequence N`. */
function numbered(f: Family, sequence: number, entry: string): string {
  return f.family === 4 ? ` ${sequence} ${entry}` : ` ${entry} sequence ${sequence}`;
}

function unnumbered(f: Family, sequence: number): string {
  return f.family === 4 ? ` no ${sequence}` : ` no sequence ${sequence}`;
}

function entry(kind: Kind, group: string): string {
  if (kind === "relays") return `permit tcp any object-group ${group} eq smtp`;
  if (kind === "blocked") return `deny tcp object-group ${group} any eq smtp`;
  return `permit tcp object-group ${group} any eq smtp log`;
}

/**
 * Points the list at one slot's groups: the groups are rebuilt whole while no entry refers to
 * them, their entries go in ahead of (or after) the other slot's, and only then do the other
 * slot's entries come out. At every step each address is judged by a complete old or new group.
 */
function takeOver(policy: Policy, f: Family, slot: Slot, present: readonly Kind[]): string[] {
  const other: Slot = slot === "main" ? "next" : "main";
  const lines: string[] = [];
  for (const kind of KINDS) lines.push(`no object-group ${f.group} ${groupName(kind, f, slot)}`);
  for (const kind of present) {
    lines.push(`object-group ${f.group} ${groupName(kind, f, slot)}`);
    for (const p of policy[kind].toPrefixes()) if (p.family === f.family) lines.push(` ${groupMember(p)}`);
  }
  lines.push(f.list);
  // Entered first on every load: a list created now is never without it, one that has it keeps it.
  if (slot === "next") lines.push(numbered(f, FINAL_SEQUENCE, `permit ${f.any} any any`));
  for (const kind of present) {
    lines.push(numbered(f, SEQUENCES[slot][kind], entry(kind, groupName(kind, f, slot))));
  }
  for (const kind of KINDS) lines.push(unnumbered(f, SEQUENCES[other][kind]));
  return lines;
}

function familyUpdate(policy: Policy, f: Family): string[] {
  const present = KINDS.filter((kind) => policy[kind].toPrefixes().some((p) => p.family === f.family));
  return [
    comment(`IPv${f.family}, step 1: the NEXT groups stand in`),
    ...takeOver(policy, f, "next", present),
    comment(`IPv${f.family}, step 2: the main groups, rebuilt, take over again; the NEXT groups go`),
    ...takeOver(policy, f, "main", present),
    ...KINDS.map((kind) => `no object-group ${f.group} ${groupName(kind, f, "next")}`),
    "!",
  ];
}

/**
 * Cisco IOS / IOS-XE configuration: ACLs PORTEIRO-25-V4 and PORTEIRO-25-V6 whose few entries
 * name network object-groups. A load never deletes the lists the interfaces use: it builds the
 * policy in a second set of groups, moves the entries over to them, rebuilds the main groups
 * and moves the entries back, so no packet meets a missing or half-filled list.
 */
export const iosRenderer: Renderer = {
  format: "ios",
  summary: "Cisco IOS/IOS-XE: ACLs PORTEIRO-25-V4/-V6 over object-groups, replaced without a gap",
  render(policy: Policy) {
    const lines = headerLines(policy).map(comment);
    if (policy.plan.action === "reject") {
      lines.push(
        comment("IOS cannot answer with a TCP reset from an ACL: the deny entries below drop the packet"),
        comment("(the router may send an ICMP unreachable instead, per the interface's ip unreachables)."),
      );
    }
    lines.push(
      comment("Paste in configuration mode, or copy the file to running-config; it needs object-group ACLs"),
      comment(
        "(IPv6: object-group v6-network, IOS-XE). Apply once on each subscriber-facing interface, inbound:",
      ),
      comment(" interface <subscriber-facing interface>"),
      comment(`  ip access-group ${ACL_V4} in`),
      comment(`  ipv6 traffic-filter ${ACL_V6} in`),
      comment("The lists are never deleted: each load fills the NEXT groups, moves the entries to them"),
      comment("(numbers 1-3, ahead of 10-30), rebuilds the main groups and moves the entries back."),
      comment("A 'does not exist' answer to a 'no' line is expected on a first load."),
      "!",
    );
    for (const f of FAMILIES) lines.push(...familyUpdate(policy, f));
    lines.push("end");
    return singleFile("porteiro-ios.cfg", `${lines.join("\n")}\n`);
  },
};

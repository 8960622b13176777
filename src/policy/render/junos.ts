import { formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { headerLines, oneLine } from "./header.js";
import { type Renderer, singleFile } from "./types.js";

const KINDS = ["relays", "blocked", "observed"] as const;
type Kind = (typeof KINDS)[number];

interface Family {
  readonly family: 4 | 6;
  readonly suffix: "v4" | "v6";
  readonly junos: "inet" | "inet6";
  readonly filter: string;
  /** The match condition naming the transport protocol. */
  readonly protocol: string;
}

const FILTER_V4 = "porteiro-25";
const FILTER_V6 = "porteiro-25-v6";

const FAMILIES: readonly Family[] = [
  { family: 4, suffix: "v4", junos: "inet", filter: FILTER_V4, protocol: "protocol tcp;" },
  { family: 6, suffix: "v6", junos: "inet6", filter: FILTER_V6, protocol: "next-header tcp;" },
];

const listName = (kind: Kind, f: Family) => `porteiro-${kind}-${f.suffix}`;

/** Text inside a `/* … *\/` comment: one line, and no sequence that opens or closes a comment. */
function commentText(text: string): string {
  return oneLine(text).replace(/\/\*/g, "/ *");
}

function indent(depth: number, lines: readonly string[]): string[] {
  return lines.map((line) => `${"    ".repeat(depth)}${line}`);
}

function block(head: string, body: readonly string[]): string[] {
  return [`${head} {`, ...indent(1, body), "}"];
}

function term(name: string, from: readonly string[], then: readonly string[]): string[] {
  const thenLines = then.length === 1 ? [`then ${then[0]}`] : block("then", then);
  return block(`term ${name}`, [...(from.length > 0 ? block("from", from) : []), ...thenLines]);
}

function filterTerms(policy: Policy, f: Family, has: (kind: Kind) => boolean): string[] {
  const smtp = [f.protocol, "destination-port smtp;"];
  const lines: string[] = [];
  if (has("relays")) {
    lines.push(
      ...term(
        "relays",
        [...block("destination-prefix-list", [`${listName("relays", f)};`]), ...smtp],
        ["accept;"],
      ),
    );
  }
  if (has("blocked")) {
    const verdict = policy.plan.action === "reject" ? "reject tcp-reset;" : "discard;";
    lines.push(
      ...term(
        "block",
        [...block("source-prefix-list", [`${listName("blocked", f)};`]), ...smtp],
        [`count porteiro-blocked-${f.suffix};`, verdict],
      ),
    );
  }
  if (has("observed")) {
    lines.push(
      ...term(
        "observe",
        [...block("source-prefix-list", [`${listName("observed", f)};`]), ...smtp],
        [`count porteiro-observe-${f.suffix};`, "syslog;", "accept;"],
      ),
    );
  }
  lines.push(...term("default", [], ["accept;"]));
  return lines;
}

/**
 * Junos configuration in curly-brace text for `load replace`: every prefix list and filter
 * carries a `replace:` tag, so a reload swaps them whole and leaves the rest of the
 * configuration alone. The load edits only the candidate configuration; the commit puts the
 * lists and filters in force together, so the update is atomic as it stands. Junos refuses at
 * commit a filter naming an empty prefix list, so empty sets get neither a list nor a term.
 */
export const junosRenderer: Renderer = {
  format: "junos",
  summary: "Juniper Junos (load replace): policy-options prefix lists and porteiro-25 firewall filters",
  render(policy: Policy) {
    const prefixes: Record<Kind, readonly Prefix[]> = {
      relays: policy.relays.toPrefixes(),
      blocked: policy.blocked.toPrefixes(),
      observed: policy.observed.toPrefixes(),
    };
    const of = (kind: Kind, f: Family) => prefixes[kind].filter((p) => p.family === f.family);

    const header = [
      ...headerLines(policy),
      "Load with: configure; load replace terminal (or load replace FILE); show | compare; commit check; commit.",
      "Apply on subscriber-facing interfaces (or their dynamic profiles), inbound:",
      `  set interfaces IFACE unit N family inet filter input ${FILTER_V4}`,
      `  set interfaces IFACE unit N family inet6 filter input ${FILTER_V6}`,
      "A list that is empty on this day is not written; an earlier one is no longer referenced and",
      "may be removed with: delete policy-options prefix-list porteiro-KIND-vN",
    ].map(commentText);

    const lists: string[] = [];
    for (const kind of KINDS) {
      for (const f of FAMILIES) {
        const own = of(kind, f);
        if (own.length === 0) continue;
        lists.push(
          "replace:",
          ...block(
            `prefix-list ${listName(kind, f)}`,
            own.map((p) => `${formatPrefix(p)};`),
          ),
        );
      }
    }

    const families: string[] = [];
    for (const f of FAMILIES) {
      const has = (kind: Kind) => of(kind, f).length > 0;
      families.push(
        ...block(`family ${f.junos}`, [
          "replace:",
          ...block(`filter ${f.filter}`, filterTerms(policy, f, has)),
        ]),
      );
    }

    const lines = [
      "/*",
      ...header.map((line) => ` * ${line}`.trimEnd()),
      " */",
      ...(lists.length > 0 ? block("policy-options", lists) : []),
      ...block("firewall", families),
      "",
    ];
    return singleFile("porteiro.junos.conf", lines.join("\n"));
  },
};

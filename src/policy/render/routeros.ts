import { formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { headerLines, oneLine } from "./header.js";
import { type Renderer, singleFile } from "./types.js";

const CHAIN = "porteiro-25";
/** Every filter rule the script adds carries a comment starting with this tag, so the next run finds it. */
const TAG = "porteiro:";
const LISTS = {
  relays: "porteiro-relays",
  blocked: "porteiro-blocked",
  observed: "porteiro-observed",
} as const;
type ListKind = keyof typeof LISTS;

/**
 * A RouterOS quoted string. `"`, `\` and `$` (variable substitution) are escaped; bytes
 * outside printable ASCII become `\XX` hex escapes of their UTF-8 encoding, the way
 * RouterOS itself exports them.
 */
export function routerosString(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(oneLine(text))) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === "\\" || ch === "$") out += `\\${ch}`;
    else if (byte >= 0x20 && byte < 0x7f) out += ch;
    else out += `\\${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `"${out}"`;
}

/** A `#` comment line; RouterOS comments cannot span lines, and a trailing `\` would join the next one. */
function comment(text: string): string {
  return `# ${oneLine(text).replace(/[\s\\]+$/, "")}`.trimEnd();
}

interface FamilyMenu {
  readonly family: 4 | 6;
  readonly menu: "/ip" | "/ipv6";
}

const FAMILIES: readonly FamilyMenu[] = [
  { family: 4, menu: "/ip" },
  { family: 6, menu: "/ipv6" },
];

function prefixesOf(policy: Policy, kind: ListKind, family: 4 | 6): Prefix[] {
  return policy[kind].toPrefixes().filter((p) => p.family === family);
}

function addressLists(policy: Policy, { family, menu }: FamilyMenu): string[] {
  const lines = [`${menu} firewall address-list`];
  for (const kind of Object.keys(LISTS) as ListKind[]) lines.push(`remove [find where list=${LISTS[kind]}]`);
  for (const kind of Object.keys(LISTS) as ListKind[]) {
    for (const p of prefixesOf(policy, kind, family)) {
      lines.push(`add list=${LISTS[kind]} address=${formatPrefix(p)}`);
    }
  }
  return lines;
}

/**
 * The rules of the porteiro-25 chain, in order, and one jump to it at the top of the forward
 * chain. Only the jump needs placing: it goes before the first static forward rule (dynamic
 * rules, such as the fasttrack counter rule, cannot be placed before), or is simply added when
 * the forward chain is empty, where `place-before` would fail.
 */
function filterRules(policy: Policy, { family, menu }: FamilyMenu): string[] {
  const has = (kind: ListKind) => prefixesOf(policy, kind, family).length > 0;
  const tcp25 = "protocol=tcp dst-port=25";
  const rules: string[] = [];
  if (has("relays")) {
    rules.push(
      `add chain=${CHAIN} action=return ${tcp25} dst-address-list=${LISTS.relays} comment="${TAG} own relays stay reachable on 25"`,
    );
  }
  if (has("blocked")) {
    const verdict = policy.plan.action === "reject" ? "action=reject reject-with=tcp-reset" : "action=drop";
    rules.push(
      `add chain=${CHAIN} ${verdict} ${tcp25} src-address-list=${LISTS.blocked} comment="${TAG} enforce, direct-to-MX refused"`,
    );
  }
  if (has("observed")) {
    rules.push(
      `add chain=${CHAIN} action=log log-prefix="porteiro-observe" ${tcp25} connection-state=new src-address-list=${LISTS.observed} comment="${TAG} observe, counted and logged, passes"`,
    );
  }
  const lines = [`${menu} firewall filter`];
  if (!has("blocked") && !has("observed")) {
    lines.push(comment(`IPv${family}: nothing is blocked or observed on ${policy.day}; no rules added`));
    return lines;
  }
  lines.push(...rules);
  const jumpComment = routerosString(
    `${TAG} port-25 policy of ${policy.plan.isp.name} on ${policy.day} (ports 587 and 465 untouched)`,
  );
  const jump = `${menu} firewall filter add chain=forward action=jump jump-target=${CHAIN} ${tcp25} comment=${jumpComment}`;
  const firstForward = `[${menu} firewall filter find where chain=forward dynamic=no]`;
  lines.push(
    `:if ([:len ${firstForward}] > 0) do={`,
    `    ${jump} place-before=[:pick ${firstForward} 0]`,
    "} else={",
    `    ${jump}`,
    "}",
  );
  return lines;
}

/**
 * A RouterOS v7 script for `/import`. It first removes what a previous run added (filter
 * rules by their comment tag, address lists by name), then fills the address lists and adds
 * the rules, so importing it again replaces the policy instead of duplicating it.
 */
export const routerosRenderer: Renderer = {
  format: "routeros",
  summary: "MikroTik RouterOS v7 script (/import): address lists and a porteiro-25 filter chain",
  render(policy: Policy) {
    const lines = [
      ...headerLines(policy).map(comment),
      comment("RouterOS v7 script: upload it, then run /import file-name=porteiro.rsc"),
      comment(
        `Rules live in the ${CHAIN} chain, reached by one jump at the top of the forward chain; relays return to forward.`,
      ),
      comment("A re-import removes the previous porteiro rules and address lists first."),
      "",
    ];
    for (const fm of FAMILIES) {
      lines.push(`${fm.menu} firewall filter`, `remove [find where comment~"^${TAG}"]`);
    }
    for (const fm of FAMILIES) lines.push("", ...addressLists(policy, fm));
    for (const fm of FAMILIES) lines.push("", ...filterRules(policy, fm));
    return singleFile("porteiro.rsc", `${lines.join("\n")}\n`);
  },
};

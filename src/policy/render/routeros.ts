import { createHash } from "node:crypto";
import { formatPrefix, type Prefix } from "../../core/index.js";
import type { Policy } from "../compute.js";
import { headerLines, oneLine } from "./header.js";
import { type Renderer, singleFile } from "./types.js";

const CHAIN = "porteiro-25";
/** Every filter rule the script adds carries a comment starting with this tag, so the next run finds it. */
const TAG = "porteiro:";
const KINDS = ["relays", "blocked", "observed"] as const;
type ListKind = (typeof KINDS)[number];
/** Matches porteiro's address lists of every generation, and those of earlier versions (no generation). */
const ANY_LIST = `list~"^porteiro-(${KINDS.join("|")})"`;

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

/**
 * Names the lists and the chain after what they hold, so a re-import of the same policy finds
 * them in force and changes nothing, and a changed one never writes into the lists in use.
 */
function generationOf(policy: Policy): string {
  const content = KINDS.map((kind) => policy[kind].toPrefixes().map(formatPrefix).join(","));
  return createHash("sha256")
    .update(JSON.stringify([policy.plan.action, content]))
    .digest("hex")
    .slice(0, 8);
}

interface Generation {
  readonly id: string;
  readonly chain: string;
  list(kind: ListKind): string;
}

function generation(policy: Policy): Generation {
  const id = generationOf(policy);
  return { id, chain: `${CHAIN}-${id}`, list: (kind) => `porteiro-${kind}-${id}` };
}

/**
 * Fills the new generation's lists, each entry forgiven if present (a re-import, or a run cut
 * short), then stops the import unless every list holds all its entries: the jump is not moved.
 */
function addressLists(policy: Policy, gen: Generation, { family, menu }: FamilyMenu): string[] {
  const path = `${menu} firewall address-list`;
  const lines: string[] = [];
  for (const kind of KINDS) {
    const prefixes = prefixesOf(policy, kind, family);
    if (prefixes.length === 0) continue;
    const list = gen.list(kind);
    for (const p of prefixes)
      lines.push(`:do {${path} add list=${list} address=${formatPrefix(p)}} on-error={}`);
    lines.push(
      `:if ([:len [${path} find where list="${list}"]] != ${prefixes.length}) do={:error "porteiro: ${list} is incomplete (expected ${prefixes.length}); the policy in force is unchanged"}`,
    );
  }
  return lines;
}

/**
 * The new chain's rules, in order, written unless the jump already leads there (then they are in
 * force and complete); leftovers of a run cut short go first.
 */
function chainRules(policy: Policy, gen: Generation, { family, menu }: FamilyMenu): string[] {
  const path = `${menu} firewall filter`;
  const has = (kind: ListKind) => prefixesOf(policy, kind, family).length > 0;
  const tcp25 = "protocol=tcp dst-port=25";
  const add = `    ${path} add chain=${gen.chain}`;
  const rules: string[] = [];
  if (has("relays")) {
    rules.push(
      `${add} action=return ${tcp25} dst-address-list=${gen.list("relays")} comment="${TAG} own relays stay reachable on 25"`,
    );
  }
  if (has("blocked")) {
    const verdict = policy.plan.action === "reject" ? "action=reject reject-with=tcp-reset" : "action=drop";
    rules.push(
      `${add} ${verdict} ${tcp25} src-address-list=${gen.list("blocked")} comment="${TAG} enforce, direct-to-MX refused"`,
    );
  }
  if (has("observed")) {
    rules.push(
      `${add} action=log log-prefix="porteiro-observe" ${tcp25} connection-state=new src-address-list=${gen.list("observed")} comment="${TAG} observe, counted and logged, passes"`,
    );
  }
  return [
    `:if ([:len [${path} find where chain=forward jump-target="${gen.chain}"]] = 0) do={`,
    `    ${path} remove [find where chain="${gen.chain}"]`,
    ...rules,
    "}",
  ];
}

/**
 * Points the one jump at the top of the forward chain at the new chain: a single `set`, so a
 * packet meets either the whole old policy or the whole new one. A first run adds the jump
 * before the first static forward rule (dynamic rules, such as the fasttrack counter rule,
 * cannot be placed before), or simply adds it when the forward chain is empty, where
 * `place-before` would fail.
 */
function jumpTo(policy: Policy, gen: Generation, { menu }: FamilyMenu): string[] {
  const path = `${menu} firewall filter`;
  const comment = routerosString(
    `${TAG} port-25 policy of ${policy.plan.isp.name} on ${policy.day} (ports 587 and 465 untouched)`,
  );
  const jump = `${path} add chain=forward action=jump jump-target=${gen.chain} protocol=tcp dst-port=25 comment=${comment}`;
  const ours = `[${path} find where chain=forward comment~"^${TAG}"]`;
  const firstForward = `[${path} find where chain=forward dynamic=no]`;
  return [
    `:if ([:len ${ours}] = 0) do={`,
    `    :if ([:len ${firstForward}] > 0) do={`,
    `        ${jump} place-before=[:pick ${firstForward} 0]`,
    "    } else={",
    `        ${jump}`,
    "    }",
    "} else={",
    `    ${path} set ${ours} jump-target=${gen.chain} comment=${comment}`,
    "}",
  ];
}

/** One family's update: lists, checks, chain, the switch, and only then the previous generation's removal. */
function familyUpdate(policy: Policy, gen: Generation, fm: FamilyMenu): string[] {
  const has = (kind: ListKind) => prefixesOf(policy, kind, fm.family).length > 0;
  const filter = `${fm.menu} firewall filter`;
  const lists = `${fm.menu} firewall address-list`;
  if (!has("blocked") && !has("observed")) {
    return [
      comment(
        `IPv${fm.family}: nothing is blocked or observed on ${policy.day}; porteiro's jump, rules and lists go`,
      ),
      `${filter} remove [find where comment~"^${TAG}"]`,
      `${lists} remove [find where ${ANY_LIST}]`,
    ];
  }
  const current = KINDS.map((kind) => ` and list!="${gen.list(kind)}"`).join("");
  return [
    comment(`IPv${fm.family}: the new lists, checked whole before anything refers to them`),
    ...addressLists(policy, gen, fm),
    comment(`IPv${fm.family}: the new chain, then the jump moves to it`),
    ...chainRules(policy, gen, fm),
    ...jumpTo(policy, gen, fm),
    comment(`IPv${fm.family}: what no jump leads to any more`),
    `${filter} remove [find where comment~"^${TAG}" and chain!=forward and chain!="${gen.chain}"]`,
    `${lists} remove [find where ${ANY_LIST}${current}]`,
  ];
}

/**
 * A RouterOS script for `/import` (v6 and v7). Each import builds a generation of address lists
 * and a chain beside the policy in force, checks the lists are whole, then moves the one jump
 * from the forward chain to the new chain and removes the previous generation: no moment
 * blocks less than both policies agree on, and importing the same file again changes nothing.
 */
export const routerosRenderer: Renderer = {
  format: "routeros",
  summary: "MikroTik RouterOS script (/import): address lists and a porteiro-25 chain, swapped in whole",
  render(policy: Policy) {
    const gen = generation(policy);
    const lines = [
      ...headerLines(policy).map(comment),
      comment("RouterOS v6/v7 script: upload it, then run /import file-name=porteiro.rsc"),
      comment(
        `Generation ${gen.id}: lists porteiro-KIND-${gen.id} and chain ${gen.chain}, reached by one jump at the top of forward; relays return to forward.`,
      ),
      comment(
        "The jump moves to the new chain only once its lists are whole; the previous generation goes after.",
      ),
    ];
    for (const fm of FAMILIES) lines.push("", ...familyUpdate(policy, gen, fm));
    return singleFile("porteiro.rsc", `${lines.join("\n")}\n`);
  },
};

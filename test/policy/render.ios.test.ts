import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Address,
  AddressSet,
  type Day,
  type Prefix,
  parseAddress,
  parseDay,
  parsePrefix,
} from "../../src/core/index.js";
import { loadPlan, parsePlan } from "../../src/plan/index.js";
import { computePolicy, type Policy, rendererFor } from "../../src/policy/index.js";
import { groupMember, netmask } from "../../src/policy/render/ios.js";
import {
  assertGolden,
  DROP_PLAN as DROP,
  goldenCases,
  REFERENCE_PLAN as REFERENCE,
  renderWith,
} from "../helpers/golden.js";

const ios = rendererFor("ios");
const CASES = goldenCases("ios", "cfg");
const { render } = renderWith("ios");

const GROUP = "PORTEIRO-(RELAYS|BLOCKED|OBSERVED)-V[46](-NEXT)?";
/** Every line the renderer may write: comments, groups and their members, list entries and removals. */
const LINE = new RegExp(
  `^${[
    "!.*",
    `(no )?object-group (network|v6-network) ${GROUP}`,
    " host [0-9a-f.:]+",
    " \\d+\\.\\d+\\.\\d+\\.\\d+ \\d+\\.\\d+\\.\\d+\\.\\d+",
    " [0-9a-f:]+/\\d+",
    "ip access-list extended PORTEIRO-25-V4",
    "ipv6 access-list PORTEIRO-25-V6",
    " 2000000000 permit ip any any",
    " permit ipv6 any any sequence 2000000000",
    ` [123]0? permit tcp any object-group ${GROUP} eq smtp`,
    ` [123]0? (deny tcp object-group ${GROUP} any eq smtp|permit tcp object-group ${GROUP} any eq smtp log)`,
    ` permit tcp any object-group ${GROUP} eq smtp sequence [123]0?`,
    ` (deny tcp object-group ${GROUP} any eq smtp|permit tcp object-group ${GROUP} any eq smtp log) sequence [123]0?`,
    " no (sequence )?[123]0?",
    "end",
    "",
  ]
    .map((alternative) => `(${alternative})`)
    .join("|")}$`,
);

for (const c of CASES) {
  test(`ios golden: ${c.golden}`, () => {
    assertGolden(c.golden, render(c.plan, c.day));
  });
}

test("netmasks and group members", () => {
  assert.equal(netmask(28), "255.255.255.240");
  assert.equal(netmask(24), "255.255.255.0");
  assert.equal(netmask(31), "255.255.255.254");
  assert.equal(netmask(1), "128.0.0.0");
  assert.equal(netmask(0), "0.0.0.0");
  assert.equal(netmask(32), "255.255.255.255");
  assert.equal(groupMember(parsePrefix("203.0.113.64/28")), "203.0.113.64 255.255.255.240");
  assert.equal(groupMember(parsePrefix("203.0.113.98/32")), "host 203.0.113.98");
  assert.equal(groupMember(parsePrefix("0.0.0.0/0")), "0.0.0.0 0.0.0.0");
  assert.equal(groupMember(parsePrefix("2001:db8:1000::/40")), "2001:db8:1000::/40");
  assert.equal(groupMember(parsePrefix("2001:db8:25::25/128")), "host 2001:db8:25::25");
  assert.equal(groupMember(parsePrefix("::/0")), "::/0");
});

test("every line is a comment or a command of the expected shape, and no list is ever deleted", () => {
  for (const c of CASES) {
    const config = render(c.plan, c.day);
    for (const line of config.split("\n")) assert.match(line, LINE, `${c.golden}: ${line}`);
    assert.doesNotMatch(config, /^no ipv6? access-list/m, c.golden);
    assert.doesNotMatch(config, /eq (587|465|submission)/);
  }
});

// ---------------------------------------------------------------------------------------------
// A model of what IOS does with these lines, to follow a load step by step.

interface IosState {
  readonly groups: Map<string, Prefix[]>;
  readonly lists: Map<string, Map<number, string>>;
}

function memberPrefix(text: string): Prefix {
  const host = /^host (\S+)$/.exec(text);
  if (host) return parsePrefix(host[1] as string);
  const masked = /^(\S+) (\S+)$/.exec(text);
  if (masked) {
    const bits = (masked[2] as string)
      .split(".")
      .reduce((n, o) => n + (Number(o).toString(2).match(/1/g)?.length ?? 0), 0);
    return parsePrefix(`${masked[1]}/${bits}`);
  }
  return parsePrefix(text);
}

const ENTRY = /^ (?:(\d+) (.+)|(.+) sequence (\d+))$/;
const REMOVAL = /^ no (?:sequence )?(\d+)$/;
const GROUP_REFERENCE = /object-group (\S+)/;

/**
 * Applies a configuration line by line, calling `step` after each change. IOS refuses an entry
 * naming a missing group and (the model assumes the worst) deleting a group in use: either
 * would be a fault of the script, so the model fails on both.
 */
function apply(state: IosState, config: string, step: () => void): void {
  let group: Prefix[] | undefined;
  let list: Map<number, string> | undefined;
  for (const line of config.split("\n")) {
    if (line === "" || line.startsWith("!") || line === "end") continue;
    const del = /^no object-group \S+ (\S+)$/.exec(line);
    const open = /^object-group \S+ (\S+)$/.exec(line);
    const acl = /^(?:ip access-list extended|ipv6 access-list) (\S+)$/.exec(line);
    if (del) {
      const name = del[1] as string;
      for (const entries of state.lists.values())
        for (const e of entries.values())
          assert.notEqual(GROUP_REFERENCE.exec(e)?.[1], name, `${name} deleted in use`);
      group = list = undefined;
      state.groups.delete(name);
    } else if (open) {
      const name = open[1] as string;
      group = state.groups.get(name) ?? [];
      state.groups.set(name, group);
      list = undefined;
    } else if (acl) {
      list = state.lists.get(acl[1] as string) ?? new Map();
      state.lists.set(acl[1] as string, list);
      group = undefined;
    } else if (group) {
      group.push(memberPrefix(line.trim()));
    } else if (list && REMOVAL.test(line)) {
      list.delete(Number(REMOVAL.exec(line)?.[1]));
    } else if (list && ENTRY.test(line)) {
      const m = ENTRY.exec(line) as RegExpExecArray;
      const sequence = Number(m[1] ?? m[4]);
      const entry = (m[2] ?? m[3]) as string;
      const named = GROUP_REFERENCE.exec(entry)?.[1];
      if (named) assert.ok(state.groups.has(named), `${line}: ${named} exists`);
      if (!list.has(sequence)) list.set(sequence, entry); // IOS refuses a number in use
    } else {
      assert.fail(`a line the model does not know: ${line}`);
    }
    step();
  }
}

/** What the list does to TCP/25 from src to dst: a list that does not exist permits everything. */
function verdict(state: IosState, name: string, src: Address, dst: Address): "permit" | "deny" {
  const list = state.lists.get(name);
  if (!list) return "permit";
  const inGroup = (entry: string, address: Address) =>
    AddressSet.fromPrefixes(state.groups.get(GROUP_REFERENCE.exec(entry)?.[1] as string) ?? []).has(address);
  for (const sequence of [...list.keys()].sort((a, b) => a - b)) {
    const entry = list.get(sequence) as string;
    if (/^permit ipv?6? any any$/.test(entry)) return "permit";
    if (entry.startsWith("permit tcp any object-group") && inGroup(entry, dst)) return "permit";
    if (entry.startsWith("deny tcp object-group") && inGroup(entry, src)) return "deny";
    if (entry.startsWith("permit tcp object-group") && inGroup(entry, src)) return "permit";
  }
  return "deny";
}

const expected = (policy: Policy, src: Address, dst: Address) =>
  !policy.relays.has(dst) && policy.blocked.has(src) ? "deny" : "permit";

const first = (p: Prefix): Address =>
  p.family === 4 ? { family: 4, value: p.start } : { family: 6, value: p.start };

/** A source in every prefix either day names, plus space no prefix covers. */
function samples(...policies: Policy[]): Address[] {
  const prefixes = policies.flatMap((p) => [
    ...p.blocked.toPrefixes(),
    ...p.observed.toPrefixes(),
    ...p.dynamic.toPrefixes(),
    ...p.exceptions.map((e) => e.prefix),
  ]);
  return [...prefixes.map(first), parseAddress("198.51.100.200"), parseAddress("2001:db8:ffff::1")];
}

const LISTS = { 4: "PORTEIRO-25-V4", 6: "PORTEIRO-25-V6" } as const;
const MX = { 4: parseAddress("192.0.2.225"), 6: parseAddress("2001:db8:ffff::25") } as const;

test("loading a new day over the old one never lets through what both days block", () => {
  const transitions: [string, Day, Day][] = [
    [REFERENCE, parseDay("2026-09-01"), parseDay("2026-11-15")],
    [REFERENCE, parseDay("2026-11-15"), parseDay("2027-03-15")],
    [REFERENCE, parseDay("2027-03-15"), parseDay("2026-11-15")],
    [REFERENCE, parseDay("2027-03-15"), parseDay("2027-03-15")],
    [REFERENCE, parseDay("2027-03-15"), parseDay("2026-09-01")],
    [DROP, parseDay("2026-11-15"), parseDay("2026-12-15")],
    [DROP, parseDay("2026-12-15"), parseDay("2026-11-15")],
  ];
  for (const [file, from, to] of transitions) {
    const { plan } = loadPlan(file);
    const before = computePolicy(plan, from);
    const after = computePolicy(plan, to);
    const sources = samples(before, after);
    const destinations = (family: 4 | 6) => [
      MX[family],
      ...[...before.relays.toPrefixes(), ...after.relays.toPrefixes()]
        .filter((p) => p.family === family)
        .map(first),
    ];
    const state: IosState = { groups: new Map(), lists: new Map() };
    const where = `${file} ${from} → ${to}`;
    apply(state, ios.render(before).stdout, () => {});
    const judge = (policy: Policy, check: (src: Address, dst: Address, got: string) => void) => {
      for (const src of sources)
        for (const dst of destinations(src.family))
          check(src, dst, verdict(state, LISTS[src.family], src, dst));
      return policy;
    };
    judge(before, (src, dst, got) => assert.equal(got, expected(before, src, dst), `${where}: first load`));
    let steps = 0;
    apply(state, ios.render(after).stdout, () => {
      steps++;
      judge(after, (src, dst, got) => {
        if (expected(before, src, dst) === "deny" && expected(after, src, dst) === "deny")
          assert.equal(got, "deny", `${where}, line ${steps}: blocked both days, let through`);
      });
    });
    judge(after, (src, dst, got) => assert.equal(got, expected(after, src, dst), `${where}: once loaded`));
    for (const name of state.groups.keys()) assert.doesNotMatch(name, /-NEXT$/, `${where}: ${name} left`);
    for (const [name, list] of state.lists) {
      assert.ok(
        [...list.keys()].every((n) => n >= 10),
        `${where}: ${name} keeps its main entries only`,
      );
    }
  }
});

test("reject explains that IOS drops instead; drop says nothing of it; relays follow the plan", () => {
  const reference = render(REFERENCE, "2027-03-15");
  assert.match(reference, /^! IOS cannot answer with a TCP reset from an ACL/m);
  assert.match(reference, /^ 10 permit tcp any object-group PORTEIRO-RELAYS-V4 eq smtp$/m);
  assert.match(reference, /^object-group network PORTEIRO-RELAYS-V4\n host 198\.51\.100\.25$/m);
  assert.match(reference, /^object-group v6-network PORTEIRO-RELAYS-V6\n host 2001:db8:25::25$/m);
  assert.match(reference, /^ 20 deny tcp object-group PORTEIRO-BLOCKED-V4 any eq smtp$/m);
  assert.match(reference, /^ 203\.0\.113\.80 255\.255\.255\.240$/m);
  assert.match(reference, /^!\s+ip access-group PORTEIRO-25-V4 in$/m);
  assert.match(reference, /^!\s+ipv6 traffic-filter PORTEIRO-25-V6 in$/m);
  const drop = render(DROP, "2026-12-15");
  assert.doesNotMatch(drop, /TCP reset/);
  assert.doesNotMatch(
    drop,
    /permit tcp any object-group/,
    "allow_relays_on_25: false writes no relay entries",
  );
});

test("hostile plan text stays inside ! comments", () => {
  const plan = `isp: { name: "Evil\\ninterface Gi0/0\\n shutdown" }
regions:
  - { id: r, name: "R\\r\\nno ip routing", enforce_from: 2026-01-01 }
pools:
  - { prefix: 203.0.113.0/24, kind: dynamic, region: r }
exceptions:
  - { prefix: 203.0.113.7/32, reason: "x\\nend\\nreload", until: 2030-01-01 }
`;
  const config = ios.render(computePolicy(parsePlan(plan, "p.yaml").plan, parseDay("2026-06-01"))).stdout;
  for (const line of config.split("\n")) assert.match(line, LINE, line);
  assert.equal(config.match(/^end$/gm)?.length, 1);
});

test("an empty policy keeps only the catch-all permits and removes the other entries", () => {
  const config = ios.render(
    computePolicy(
      parsePlan("isp: { name: Empty }\nregions:\n  - { id: r, enforce_from: 2026-01-01 }\n", "p.yaml").plan,
      parseDay("2026-06-01"),
    ),
  ).stdout;
  const entries = config.split("\n").filter((l) => l.startsWith(" ") && !l.startsWith(" no "));
  assert.deepEqual(entries, [" 2000000000 permit ip any any", " permit ipv6 any any sequence 2000000000"]);
  assert.equal(config.match(/^ no (sequence )?\d+$/gm)?.length, 12, "every slot emptied in both lists");
});

import { type Address, parseIpv4, parseIpv6, parsePrefix, UserError } from "../core/index.js";
import { parseDhcpdTime } from "./dhcpd-time.js";
import type { Lines, ParseEvent } from "./lease.js";
import { type LeaseEntry, LeaseReplay } from "./lease-replay.js";
import { colonHex, unquote } from "./quoted.js";

export const DHCPD_SUBSCRIBER_FIELDS = ["hardware", "client-hostname", "uid"] as const;
export type DhcpdSubscriberField = (typeof DHCPD_SUBSCRIBER_FIELDS)[number];

export interface DhcpdLeasesOptions {
  /** What names the subscriber of an IPv4 lease: its MAC address unless told otherwise. */
  readonly subscriberField?: DhcpdSubscriberField;
}

interface Field {
  readonly value: string;
  readonly line: number;
}

type BlockKind = "lease" | "ia" | "iaaddr" | "iaprefix" | "other";

interface Block {
  readonly kind: BlockKind;
  readonly head: string;
  readonly line: number;
  readonly fields: Map<string, Field>;
  problem?: { line: number; message: string };
}

class EntryError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Flag `s`: a quoted value may hold U+2028 or U+2029, which `.` alone does not match. */
const BLOCK_OPEN = /^(\S+)\s*(.*?)\s*\{$/s;
/** The statements porteiro reads; dhcpd writes one a line. Others (`set`, `option`, `next binding state` …) are passed over. */
const STATEMENT = /^(starts|ends|cltt|binding state|hardware \S+|uid|client-hostname|max-life) (.+);$/s;
const TRAILING_COMMENT = /;\s*#[^"]*$/;
const HEX_OCTETS = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/;
const ACTIVE_STATES = new Set(["active", "bootp"]);

function kindOf(keyword: string, parent: Block | undefined): BlockKind {
  if (!parent && keyword === "lease") return "lease";
  if (!parent && keyword.startsWith("ia-")) return "ia";
  if (parent?.kind === "ia" && (keyword === "iaaddr" || keyword === "iaprefix")) return keyword;
  return "other";
}

function octets(text: string): string | undefined {
  if (!HEX_OCTETS.test(text)) return undefined;
  return text
    .split(":")
    .map((o) => o.padStart(2, "0").toLowerCase())
    .join(":");
}

/** A quoted dhcpd string or a colon-separated hex list, as colon hex. */
function binaryField(field: Field, name: string): Buffer {
  const bytes = field.value.startsWith('"') ? unquote(field.value) : undefined;
  if (bytes) return bytes;
  const hex = octets(field.value);
  if (hex) return Buffer.from(hex.replaceAll(":", ""), "hex");
  throw new EntryError(field.line, `${name} ${field.value} is neither a quoted string nor hex octets`);
}

function time(block: Block, name: string): number | null | undefined {
  const field = block.fields.get(name);
  if (!field) return undefined;
  const ms = parseDhcpdTime(field.value);
  if (typeof ms === "string") throw new EntryError(field.line, `${name}: ${ms}`);
  return ms;
}

function subscriberOf(block: Block, field: DhcpdSubscriberField): string | null {
  if (field === "hardware") {
    const hardware = [...block.fields.entries()].find(([name]) => name.startsWith("hardware "))?.[1];
    if (!hardware) return null;
    const mac = octets(hardware.value);
    if (!mac) throw new EntryError(hardware.line, `hardware address "${hardware.value}" is not hex octets`);
    return mac;
  }
  const value = block.fields.get(field);
  if (!value) return null;
  if (field === "uid") return colonHex(binaryField(value, "uid"));
  const name = unquote(value.value);
  if (!name) throw new EntryError(value.line, `client-hostname ${value.value} is not a quoted string`);
  // A hostname is whatever the client sent: kept as given, never interpreted.
  return name.toString("utf8");
}

function entry(
  block: Block,
  address: Address,
  prefixLength: number,
  subscriber: string | null,
  startMs: number | null | undefined,
): LeaseEntry {
  const state = block.fields.get("binding state")?.value ?? "active";
  const active = ACTIVE_STATES.has(state);
  const endMs = time(block, "ends") ?? null;
  if (!active) return { address, prefixLength, subscriber, startMs: startMs ?? 0, endMs, active };
  if (subscriber === null)
    throw new EntryError(block.line, `active ${block.kind} ${block.head} names no subscriber`);
  if (startMs === undefined || startMs === null) {
    throw new EntryError(block.line, `active ${block.kind} ${block.head} has no start time`);
  }
  if (endMs !== null && endMs < startMs) {
    throw new EntryError(
      block.fields.get("ends")?.line ?? block.line,
      `${block.kind} ${block.head} ends before it starts`,
    );
  }
  return { address, prefixLength, subscriber, startMs, endMs, active };
}

function leaseEntry(block: Block, field: DhcpdSubscriberField): LeaseEntry {
  const value = parseIpv4(block.head);
  if (value < 0) throw new EntryError(block.line, `lease ${block.head}: not an IPv4 address`);
  return entry(block, { family: 4, value }, 32, subscriberOf(block, field), time(block, "starts"));
}

/** The DUID of an ia-na/ia-pd block: its id is the 4-byte IAID followed by the DUID. */
function duidOf(ia: Block): string {
  const bytes = binaryField({ value: ia.head, line: ia.line }, `${ia.head}`);
  if (bytes.length <= 4)
    throw new EntryError(ia.line, `IA ${ia.head} is too short to hold an IAID and a DUID`);
  return colonHex(bytes.subarray(4));
}

function iaEntry(block: Block, ia: Block): LeaseEntry {
  let address: Address;
  let prefixLength = 128;
  try {
    if (block.kind === "iaprefix") {
      const prefix = parsePrefix(block.head);
      address = { family: 6, value: prefix.start as bigint };
      prefixLength = prefix.length;
      if (prefix.family !== 6) throw new UserError(`"${block.head}" is not an IPv6 prefix`);
    } else {
      const value = parseIpv6(block.head);
      if (value === undefined) throw new UserError(`"${block.head}" is not an IPv6 address`);
      address = { family: 6, value };
    }
  } catch (error) {
    if (error instanceof UserError) throw new EntryError(block.line, `${block.kind} ${error.message}`);
    throw error;
  }
  // The client's last transaction, else the end less the lifetime it was given.
  let startMs = time(ia, "cltt");
  const endMs = time(block, "ends");
  const maxLife = block.fields.get("max-life")?.value;
  if (
    (startMs === undefined || startMs === null) &&
    typeof endMs === "number" &&
    maxLife &&
    /^\d+$/.test(maxLife)
  ) {
    startMs = endMs - Number(maxLife) * 1000;
  }
  return entry(block, address, prefixLength, duidOf(ia), startMs);
}

/**
 * Reads ISC dhcpd's `dhcpd.leases` (and dhcpd6's `ia-na`/`ia-pd` blocks): the file only appends,
 * so later blocks for an address override earlier ones (see LeaseReplay). IPv4 subscribers are
 * the hardware address, client-hostname or uid; IPv6 subscribers are always the DUID.
 */
export async function* parseDhcpdLeases(
  lines: Lines,
  options: DhcpdLeasesOptions = {},
): AsyncGenerator<ParseEvent> {
  const subscriberField = options.subscriberField ?? "hardware";
  const replay = new LeaseReplay();
  const stack: Block[] = [];
  let lineNumber = 0;

  function close(block: Block): ParseEvent[] {
    const parent = stack[stack.length - 1];
    if (block.kind === "other" || (block.kind === "ia" && !block.problem)) return [];
    if (block.problem) return [{ error: block.problem }];
    if (parent?.problem) return [];
    try {
      const made =
        block.kind === "lease" ? leaseEntry(block, subscriberField) : iaEntry(block, parent as Block);
      return replay.apply(made).map((lease) => ({ lease }));
    } catch (error) {
      if (!(error instanceof EntryError)) throw error;
      // A bad IA id is the IA's problem: report it once, when the IA closes.
      if (block.kind !== "lease" && error.line === parent?.line) {
        parent.problem ??= { line: error.line, message: error.message };
        return [];
      }
      return [{ error: { line: error.line, message: error.message } }];
    }
  }

  for await (const raw of lines) {
    lineNumber++;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const top = stack[stack.length - 1];
    if (line.endsWith("{")) {
      const match = BLOCK_OPEN.exec(line);
      const kind = kindOf(match?.[1] ?? "", top);
      stack.push({ kind, head: match?.[2] ?? "", line: lineNumber, fields: new Map() });
      continue;
    }
    if (line === "}") {
      if (!top) {
        yield { error: { line: lineNumber, message: "} without a block to close" } };
        continue;
      }
      stack.pop();
      yield* close(top);
      continue;
    }
    const statement = STATEMENT.exec(line.replace(TRAILING_COMMENT, ";"));
    if (statement && top && top.kind !== "other") {
      const name = statement[1] as string;
      const value = statement[2] as string;
      top.fields.set(name, { value, line: lineNumber });
    } else if (!line.endsWith(";")) {
      const message = `expected a statement ending in ";", a block or "}", got ${JSON.stringify(line.slice(0, 80))}`;
      if (top) top.problem ??= { line: lineNumber, message };
      else yield { error: { line: lineNumber, message } };
    }
  }
  for (const open of stack.filter((b) => b.kind !== "other")) {
    yield {
      error: {
        line: open.line,
        message: `${open.kind} ${open.head} is not closed before the end of the file`,
      },
    };
  }
  for (const lease of replay.finish()) yield { lease };
}

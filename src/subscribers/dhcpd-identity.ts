import { type Block, EntryError, type Field, single } from "./dhcpd-block.js";
import type { Value } from "./dhcpd-statements.js";
import { colonHex, unquote } from "./quoted.js";

/** What names the subscriber of an IPv4 lease in dhcpd.leases, as the ISP chooses. */
export const DHCPD_IDENTITIES = ["hardware", "uid", "hostname", "remote-id", "circuit-id"] as const;
export type DhcpdIdentity = (typeof DHCPD_IDENTITIES)[number];

/** The statement each identity is read from. */
export const IDENTITY_FIELDS: Readonly<Record<DhcpdIdentity, string>> = {
  hardware: "hardware",
  uid: "uid",
  hostname: "client-hostname",
  "remote-id": "option agent.remote-id",
  "circuit-id": "option agent.circuit-id",
};

/** dhcpd writes bytes as hex without leading zeros (`1:0:16:3e`), a MAC with them. */
const HEX_OCTETS = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/;

function octets(text: string): Buffer | undefined {
  if (!HEX_OCTETS.test(text)) return undefined;
  return Buffer.from(
    text
      .split(":")
      .map((o) => o.padStart(2, "0"))
      .join(""),
    "hex",
  );
}

/** A quoted dhcpd string or a colon-separated hex list, as bytes. */
export function bytesOf(value: Value, name: string, line: number): Buffer {
  const bytes = value.kind === "string" ? unquote(value.text) : octets(value.text);
  if (bytes) return bytes;
  throw new EntryError(line, `${name} ${value.text} is neither a quoted string nor hex octets`);
}

/** A relay agent's id: dhcpd quotes it when it is printable text, which is kept as text; else colon hex. */
function agentId(field: Field, name: string): string {
  const value = single(field, name);
  const bytes = bytesOf(value, name, field.line);
  return value.kind === "string" ? bytes.toString("utf8") : colonHex(bytes);
}

function hardwareAddress(field: Field): string {
  const [type, address, extra] = field.values;
  const bytes = address?.kind === "word" && extra === undefined ? octets(address.text) : undefined;
  if (!type || !bytes) {
    throw new EntryError(
      field.line,
      `hardware ${field.values.map((v) => v.text).join(" ")} is not a type and hex octets`,
    );
  }
  return colonHex(bytes);
}

/** The subscriber the block names by the identity, or null when it does not record that identity. */
export function subscriberOf(block: Block, identity: DhcpdIdentity): string | null {
  const name = IDENTITY_FIELDS[identity];
  const field = block.fields.get(name);
  if (!field) return null;
  if (identity === "hardware") return hardwareAddress(field);
  if (identity === "uid") return colonHex(bytesOf(single(field, name), name, field.line));
  if (identity === "hostname") {
    const value = single(field, name);
    const text = value.kind === "string" ? unquote(value.text) : undefined;
    if (!text) throw new EntryError(field.line, `client-hostname ${value.text} is not a quoted string`);
    // A hostname is whatever the client sent: kept as given, never interpreted.
    return text.toString("utf8");
  }
  return agentId(field, name);
}

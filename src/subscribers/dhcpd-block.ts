import { textOf, type Value } from "./dhcpd-statements.js";
import { parseDhcpdTime } from "./dhcpd-time.js";

/** A statement porteiro reads in a block: its values after the name, and where it stands. */
export interface Field {
  readonly values: readonly Value[];
  readonly line: number;
}

export type BlockKind = "lease" | "ia" | "iaaddr" | "iaprefix" | "other";

/** An open block of the file with the statements read in it so far. */
export interface Block {
  readonly kind: BlockKind;
  readonly head: string;
  readonly line: number;
  readonly fields: Map<string, Field>;
  problem?: { line: number; message: string };
}

/** A record that cannot be read, at the line that says why. */
export class EntryError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The statements a lease, IA or IA address records that porteiro reads; others are passed over. */
const READ = new Set([
  "starts",
  "ends",
  "tstp",
  "cltt",
  "binding state",
  "hardware",
  "uid",
  "client-hostname",
  "option agent.remote-id",
  "option agent.circuit-id",
  "max-life",
]);

/** The statement's name (`binding state`, `option agent.remote-id`, or its first word) and its values. */
export function readField(block: Block, values: readonly Value[], line: number): void {
  const [first, second] = values.map((v) => v.text);
  const twoWords =
    (first === "binding" && second === "state") || (first === "option" && second !== undefined);
  const name = twoWords ? `${first} ${second}` : (first as string);
  if (READ.has(name)) block.fields.set(name, { values: values.slice(twoWords ? 2 : 1), line });
}

/** The field's one value, or an error naming the field. */
export function single(field: Field, name: string): Value {
  const [value, extra] = field.values;
  if (value === undefined || extra !== undefined) {
    throw new EntryError(field.line, `${name} takes one value, got ${JSON.stringify(textOf(field.values))}`);
  }
  return value;
}

/** The time a field holds: milliseconds, null for `never`, undefined when the block has no such field. */
export function timeOf(block: Block, name: string): number | null | undefined {
  const field = block.fields.get(name);
  if (!field) return undefined;
  const ms = parseDhcpdTime(textOf(field.values));
  if (typeof ms === "string") throw new EntryError(field.line, `${name}: ${ms}`);
  return ms;
}

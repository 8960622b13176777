import { unquote } from "./quoted.js";

/** One `Name = value` line of a detail record, value as written (quoted or not). */
export interface Attribute {
  readonly value: string;
  readonly line: number;
}

export interface DetailRecord {
  readonly line: number;
  readonly headerMs: number;
  readonly attributes: Map<string, Attribute[]>;
  /** The first malformed line, which makes the whole record unusable. */
  problem?: { line: number; message: string };
}

/** A record the parser reports and skips, at the line that is wrong. */
export class RecordError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function first(record: DetailRecord, name: string): Attribute | undefined {
  return record.attributes.get(name)?.[0];
}

export function all(record: DetailRecord, name: string): readonly Attribute[] {
  return record.attributes.get(name) ?? [];
}

/** The value unquoted when FreeRADIUS quoted it (strings), else as written (numbers, addresses). */
export function text(attribute: Attribute): string {
  if (!attribute.value.startsWith('"')) return attribute.value;
  const bytes = unquote(attribute.value);
  if (!bytes) throw new RecordError(attribute.line, `malformed quoted value ${attribute.value}`);
  return bytes.toString("utf8");
}

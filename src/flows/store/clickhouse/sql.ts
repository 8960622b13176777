/**
 * Values written into ClickHouse SQL text. Debian's 18.16 has no query parameters, so every
 * value a query carries is a number checked here or a string literal escaped here.
 */
import type { FlowWindow } from "../flow-store.js";

/**
 * A ClickHouse string literal for any text: backslash and quote escaped, control characters as
 * \xHH, so no input ends the literal or changes what the parser reads inside it.
 */
export function quote(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
  const escaped = text.replace(/[\\'\u0000-\u001f\u007f]/g, (c) =>
    c === "\\" || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return `'${escaped}'`;
}

/** A non-negative integer as SQL text; anything else is a bug upstream, refused before it reaches SQL. */
export function integer(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative integer: ${value}`);
  return String(value);
}

/** An identifier the URL parser already limited to letters, digits and _, quoted anyway. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`not an identifier: ${name}`);
  return `\`${name}\``;
}

/**
 * The window's hours as a condition on `hour`, with the same rounding as the SQLite engine:
 * hours from ceil(sinceMs / 1000) up to, not including, ceil(untilMs / 1000).
 */
export function windowCondition(window: FlowWindow): string {
  const conditions: string[] = [];
  if (window.sinceMs !== undefined)
    conditions.push(`hour >= ${integer(Math.max(0, Math.ceil(window.sinceMs / 1000)))}`);
  if (window.untilMs !== undefined)
    conditions.push(`hour < ${integer(Math.max(0, Math.ceil(window.untilMs / 1000)))}`);
  return conditions.length === 0 ? "1" : conditions.join(" AND ");
}

/** `hour IN (…)` for a list of hours (epoch seconds); never empty (callers return early). */
export function hoursCondition(hours: readonly number[]): string {
  return `hour IN (${hours.map(integer).join(", ")})`;
}

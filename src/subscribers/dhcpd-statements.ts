import { type Token, tokensOf } from "./dhcpd-tokens.js";
import type { Lines } from "./lease.js";

export type Value = Extract<Token, { kind: "word" | "string" }>;

/** A statement's words and strings (without its `;`), or a block's head (without its `{`). */
export interface Statement {
  readonly values: readonly Value[];
  readonly line: number;
}

export type StatementEvent =
  | { readonly kind: "statement"; readonly statement: Statement }
  | { readonly kind: "open"; readonly statement: Statement }
  | { readonly kind: "close"; readonly line: number }
  | { readonly kind: "error"; readonly line: number; readonly message: string };

export const textOf = (values: readonly Value[]): string => values.map((v) => v.text).join(" ");

const shown = (values: readonly Value[]) => JSON.stringify(textOf(values).slice(0, 80));

/**
 * The statements and blocks of a dhcpd.leases file. dhcpd writes each statement on one line, so a
 * statement still open when the next line starts lacks its `;`: that line is reported and the
 * next one read afresh, which keeps one bad line from swallowing the statements after it.
 */
export async function* statementsOf(lines: Lines): AsyncGenerator<StatementEvent> {
  let pending: Value[] = [];
  let lineNumber = 0;
  const missingSemicolon = (): StatementEvent => ({
    kind: "error",
    line: (pending[0] as Value).line,
    message: `expected ";" after ${shown(pending)}`,
  });
  for await (const line of lines) {
    lineNumber++;
    for (const token of tokensOf(line, lineNumber)) {
      if (token.kind === "error") {
        pending = [];
        yield token;
      } else if (token.kind === "word" || token.kind === "string") {
        if (pending.length > 0 && (pending[0] as Value).line !== token.line) {
          yield missingSemicolon();
          pending = [];
        }
        pending.push(token);
      } else if (token.kind === ";") {
        if (pending.length > 0) {
          yield { kind: "statement", statement: { values: pending, line: (pending[0] as Value).line } };
        }
        pending = [];
      } else if (token.kind === "{") {
        yield { kind: "open", statement: { values: pending, line: pending[0]?.line ?? token.line } };
        pending = [];
      } else {
        if (pending.length > 0) yield missingSemicolon();
        pending = [];
        yield { kind: "close", line: token.line };
      }
    }
  }
  if (pending.length > 0) yield missingSemicolon();
}

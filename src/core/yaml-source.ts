import { isAlias, isNode, LineCounter, parseDocument, visit } from "yaml";
import type { ZodError } from "zod";
import { type Diagnostic, DiagnosticsError } from "./errors.js";

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that still knows on which line each value was written. */
export interface YamlSource {
  readonly value: unknown;
  /** The line of the value at `path`, or of its nearest ancestor that exists. */
  lineOf(path: YamlPath): number;
}

/** Parses YAML text; syntax errors are thrown as `file:line: YAML: …` diagnostics, all of them. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new DiagnosticsError(
      doc.errors.map((error) => ({
        file,
        line: lineCounter.linePos(error.pos[0]).line,
        severity: "error",
        message: `YAML: ${error.message.split("\n")[0]}`,
      })),
    );
  }
  return {
    value: toValue(doc, lineCounter, file),
    lineOf(path) {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return 1;
    },
  };
}

/** How many nodes all aliases together may stand for: a config or plan never needs many. */
const MAX_ALIAS_COUNT = 100;

/**
 * The document's value; an alias "bomb" (aliases of aliases, each level multiplying the last) is
 * refused as a diagnostic at its first alias instead of being expanded into memory.
 */
function toValue(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (!/alias/i.test((error as Error).message)) throw error;
    let line = 1;
    visit(doc, {
      Alias(_key, node) {
        if (isAlias(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    throw new DiagnosticsError([
      {
        file,
        line,
        severity: "error",
        message: `YAML: its aliases expand to too many values (more than ${MAX_ALIAS_COUNT}); write them out`,
      },
    ]);
  }
}

/**
 * A schema's complaints about the value at `base` as `file:line` diagnostics naming the key; an
 * unknown key points at its own line, so a typo is found where it was typed.
 */
export function zodDiagnostics(
  file: string,
  source: YamlSource,
  base: YamlPath,
  error: ZodError,
): Diagnostic[] {
  return error.issues.map((issue) => {
    const path = [...base, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    const key = path.length > 0 ? `${path.join(".")}: ` : "";
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : issue.message;
    const line =
      issue.code === "unrecognized_keys"
        ? source.lineOf([...path, issue.keys[0] as string])
        : source.lineOf(path);
    return { file, line, severity: "error", message: `${key}${message}` };
  });
}

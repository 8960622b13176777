import { formatPrefix, parsePrefix } from "../core/index.js";
import type { DiagnosticList } from "./diagnostics.js";
import { parseKind } from "./kind.js";
import type { Pool } from "./types.js";

/** Splits one CSV record (RFC 4180 quoting, no embedded newlines); undefined on an unclosed quote. */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return undefined;
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= line.length) return fields;
      if (line[i] !== ",") return undefined;
      i++;
    } else {
      const comma = line.indexOf(",", i);
      if (comma < 0) {
        fields.push(line.slice(i).trim());
        return fields;
      }
      fields.push(line.slice(i, comma).trim());
      i = comma + 1;
    }
  }
}

/**
 * Reads pools written as CSV, `prefix,kind,region,name` (a header line naming those columns is
 * optional; `#` starts a comment line). For ISPs whose plan has tens of thousands of prefixes.
 */
export function parsePoolsCsv(text: string, file: string, diagnostics: DiagnosticList): Pool[] {
  const pools: Pool[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const fields = splitCsvLine(trimmed);
    if (!fields) {
      diagnostics.error(file, line, "unclosed quote or text after a closing quote");
      continue;
    }
    if (pools.length === 0 && fields[0]?.toLowerCase() === "prefix") continue;
    if (fields.length < 2 || fields.length > 4) {
      diagnostics.error(file, line, `expected prefix,kind,region,name but found ${fields.length} field(s)`);
      continue;
    }
    const [prefixText = "", kindText = "", region = "", name = ""] = fields;
    const prefix = diagnostics.attempt(file, line, () => parsePrefix(prefixText));
    const kind = diagnostics.attempt(file, line, () => parseKind(kindText));
    if (!prefix || !kind) continue;
    pools.push({
      prefix,
      kind,
      ...(region !== "" && { region }),
      name: name === "" ? formatPrefix(prefix) : name,
      source: { file, line },
    });
  }
  return pools;
}

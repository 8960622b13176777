/**
 * CSV records as RFC 4180 writes them: fields separated by commas, quoted with `"` when they hold
 * a comma, a quote (doubled) or a line break. A quoted field may span lines, so each record
 * carries the line it starts on, for `file:line` messages.
 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A record that could not be read: an unclosed quote or text after a closing quote. */
export interface CsvProblem {
  readonly line: number;
  readonly problem: string;
}

export function* csvRecords(text: string): Generator<CsvRecord | CsvProblem> {
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let broken: string | undefined;
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) {
            broken = "unclosed quote";
            i = text.length;
            break;
          }
          const part = text.slice(i, quote);
          line += countNewlines(part);
          field += part;
          if (text[quote + 1] === '"') {
            field += '"';
            i = quote + 2;
          } else {
            i = quote + 1;
            break;
          }
        }
        if (!broken && i < text.length && !isSeparator(text, i)) broken = "text after a closing quote";
      } else {
        const end = nextSeparator(text, i);
        field += text.slice(i, end);
        i = end;
      }
      if (broken) break;
      fields.push(field);
      field = "";
      if (text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    if (broken) {
      // Skip to the end of the line where the problem is, and go on from there.
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end + 1;
      yield { line: start, problem: broken };
      line++;
      continue;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    line++;
    if (fields.length === 1 && fields[0]?.trim() === "") continue;
    yield { line: start, fields };
  }
}

export const isProblem = (r: CsvRecord | CsvProblem): r is CsvProblem => "problem" in r;

function isSeparator(text: string, i: number): boolean {
  const c = text[i];
  return c === "," || c === "\n" || (c === "\r" && text[i + 1] === "\n");
}

function nextSeparator(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (isSeparator(text, i)) return i;
  return text.length;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

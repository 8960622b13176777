import { forEachLine } from "../zones/read-lines.js";
import { LineErrors } from "./line-errors.js";

/** A line parser's answer: a row, a message saying what is wrong, or undefined for a line to skip. */
export type LineResult<R> = R | string | undefined;

/**
 * Streams a table through `parseLine`, hands each row to `use`, and fails with every bad line as
 * `file:line: message` once the file is read. Returns the number of rows.
 */
export async function readTable<R extends object>(
  file: string,
  parseLine: (line: string) => LineResult<R>,
  use: (row: R) => void,
): Promise<number> {
  const errors = new LineErrors(file);
  let rows = 0;
  await forEachLine(file, (line, lineNumber) => {
    const result = parseLine(line);
    if (result === undefined) return;
    if (typeof result === "string") errors.add(lineNumber, result);
    else {
      use(result);
      rows++;
    }
  });
  errors.throwIfAny();
  return rows;
}

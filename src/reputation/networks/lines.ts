import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { UserError } from "../../core/index.js";

/**
 * Calls `onLine` for every line of a text file (gzip when the name ends in .gz), numbered from 1,
 * without holding the file in memory. Chunks are split by hand: readline's per-line events cost
 * more than the parsing for the half-million-line tables this reads.
 */
export async function forEachLine(
  file: string,
  onLine: (line: string, lineNumber: number) => void,
): Promise<void> {
  let input: Readable = createReadStream(file);
  if (file.endsWith(".gz")) input = input.pipe(createGunzip());
  input.setEncoding("utf8");
  let rest = "";
  let lineNumber = 0;
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const text = rest + chunk;
      let from = 0;
      for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n", from)) {
        const end = newline > from && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        onLine(text.slice(from, end), ++lineNumber);
        from = newline + 1;
      }
      rest = text.slice(from);
    }
  } catch (error) {
    // Stream and gunzip failures carry a code (ENOENT, Z_DATA_ERROR); the caller's own errors pass through.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    throw new UserError(`${file}: cannot read (${code === "ENOENT" ? "no such file" : code})`);
  }
  if (rest !== "") onLine(rest.endsWith("\r") ? rest.slice(0, -1) : rest, ++lineNumber);
}

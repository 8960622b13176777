import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { UserError } from "../core/index.js";

/** A line longer than this is not a lease file's line: stop rather than buffer gigabytes. */
const MAX_LINE = 1 << 20;
const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

function readError(file: string, error: unknown): UserError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === "ENOENT") return new UserError(`${file}: no such file`);
  if (code === "EISDIR") return new UserError(`${file}: is a folder, not a lease file`);
  if (code?.startsWith("Z_")) return new UserError(`${file}: the gzip data is damaged (${message})`);
  return new UserError(`${file}: cannot read (${message})`);
}

/**
 * The file's lines without their line ends, streamed: gzip (by its magic bytes, whatever the
 * name) is inflated on the way, so a 2 GB log is never held in memory. Read failures, damaged
 * gzip included, are UserErrors naming the file. `onBytes` hears the bytes read of the file
 * (compressed bytes for gzip) and its size, chunk by chunk, for a progress bar.
 */
export async function* readLines(
  file: string,
  onBytes?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<string> {
  let gzip: boolean;
  let totalBytes: number;
  try {
    gzip = await isGzip(file);
    totalBytes = (await stat(file)).size;
  } catch (error) {
    throw readError(file, error);
  }
  const raw = createReadStream(file);
  if (onBytes) raw.on("data", () => onBytes(raw.bytesRead, totalBytes));
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  // pipe() does not pass the file's errors on to the gunzip stream.
  if (gzip) raw.on("error", (error) => input.destroy(error));
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  let lineNumber = 0;
  try {
    for await (const chunk of input) {
      pending += decoder.decode(chunk as Buffer, { stream: true });
      let start = 0;
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n", start)) {
        lineNumber++;
        yield stripCr(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE) {
        throw new UserError(`${file}:${lineNumber + 1}: line longer than 1 MiB; is this a lease file?`);
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw readError(file, error);
  } finally {
    input.destroy();
  }
  pending += decoder.decode();
  if (pending !== "") yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

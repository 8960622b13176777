import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { UserError } from "../../core/index.js";

/** How far a read has got, for a progress bar: compressed bytes when the file is gzip. */
export interface ReadProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly lines: number;
}

async function sizeAndGzip(file: string): Promise<{ size: number; gzip: boolean }> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return { size, gzip: bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b };
  } finally {
    await handle.close();
  }
}

function readError(file: string, error: unknown): UserError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === "ENOENT") return new UserError(`${file}: no such file`);
  if (code === "EISDIR") return new UserError(`${file}: is a folder, not a listing file`);
  if (code?.startsWith("Z_")) return new UserError(`${file}: the gzip data is damaged (${message})`);
  return new UserError(`${file}: cannot read (${message})`);
}

const PROGRESS_EVERY = 65536;
/** A line longer than this is not a listing's line: stop rather than buffer gigabytes. */
const MAX_LINE = 1 << 20;

/**
 * Calls `onLine(text, number)` for each line of the file (without its line end), streamed: gzip,
 * known by its magic bytes, is inflated on the way. `onProgress` comes every 65,536 lines and at
 * the end. Lines are cut from decoded chunks by hand: node:readline costs several times more per
 * line, which shows at 20 million lines. Read failures, damaged gzip included, are UserErrors.
 */
export async function forEachLine(
  file: string,
  onLine: (text: string, line: number) => void,
  onProgress?: (progress: ReadProgress) => void,
): Promise<number> {
  let info: { size: number; gzip: boolean };
  try {
    info = await sizeAndGzip(file);
  } catch (error) {
    throw readError(file, error);
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const input = info.gzip ? raw.pipe(createGunzip()) : raw;
  // pipe() does not pass the file's errors on to the gunzip stream.
  if (info.gzip) raw.on("error", (error) => input.destroy(error));
  const decoder = new TextDecoder("utf-8");
  let count = 0;
  const report = () => onProgress?.({ bytesRead: raw.bytesRead, totalBytes: info.size, lines: count });
  const emit = (line: string) => {
    count++;
    onLine(line.endsWith("\r") ? line.slice(0, -1) : line, count);
    if (count % PROGRESS_EVERY === 0) report();
  };
  let pending = "";
  try {
    for await (const chunk of input) {
      pending += decoder.decode(chunk as Buffer, { stream: true });
      let start = 0;
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n", start)) {
        emit(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE) {
        throw new UserError(`${file}:${count + 1}: line longer than 1 MiB; is this a listing?`);
      }
    }
    pending += decoder.decode();
  } catch (error) {
    if (error instanceof UserError || (error as NodeJS.ErrnoException).code === undefined) throw error;
    throw readError(file, error);
  } finally {
    input.destroy();
  }
  if (pending !== "") emit(pending);
  report();
  return count;
}

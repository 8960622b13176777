import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
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

/**
 * Calls `onLine(text, number)` for each line of the file, streamed (gzip, known by its magic
 * bytes, is inflated on the way), and `onProgress` every 65,536 lines and at the end. Read
 * failures, damaged gzip included, are UserErrors naming the file.
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
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let count = 0;
  const report = () => onProgress?.({ bytesRead: raw.bytesRead, totalBytes: info.size, lines: count });
  try {
    await new Promise<void>((resolve, reject) => {
      input.on("error", reject);
      lines.on("error", reject);
      lines.on("line", (text) => {
        count++;
        try {
          onLine(text, count);
        } catch (error) {
          lines.close();
          input.destroy();
          reject(error);
          return;
        }
        if (count % PROGRESS_EVERY === 0) report();
      });
      lines.on("close", resolve);
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    if ((error as NodeJS.ErrnoException).code !== undefined) throw readError(file, error);
    throw error;
  } finally {
    input.destroy();
  }
  report();
  return count;
}
